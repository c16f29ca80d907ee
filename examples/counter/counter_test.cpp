// CounterComponent: stateful components, phx-target="<%= @myself %>", send_update.
#include "counter_live.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::examples::counter {
namespace {

using namespace lvh::testkit;
using ::testing::HasSubstr;

class CounterTest : public ::testing::Test {
 protected:
  std::shared_ptr<in_process_server> server = [] {
    ref::view_registry views;
    ref::component_registry components;
    ref::router routes;
    install(views, components, routes);
    return in_process_server::make(std::move(views), std::move(components), std::move(routes));
  }();
  conn c = build_conn(server);
};

TEST_F(CounterTest, EachComponentStartsFromItsStartAssign) {
  auto [view, html] = live(c, "/counters").value();
  LVH_TRACE(view);
  EXPECT_THAT(view, HasElement("#counter-apples .count", "0"));
  EXPECT_THAT(view, HasElement("#counter-pears .count", "10"));
}

TEST_F(CounterTest, ClicksGoToTheTargetedComponentOnly) {
  auto [view, html] = live(c, "/counters").value();
  LVH_TRACE(view);
  render_click(element(view, "#counter-apples button.inc"));
  auto html2 = render_click(element(view, "#counter-apples button", "+"));
  EXPECT_THAT(html2, HasElement("#counter-apples .count", "2"));
  EXPECT_THAT(html2, HasElement("#counter-pears .count", "10"));

  EXPECT_THAT(render_click(element(view, "#counter-pears .dec")), HasElement("#counter-pears .count", "9"));
  // The view has no inc/dec clause: had a click reached it, the view would have crashed.
  EXPECT_TRUE(view.alive());
  EXPECT_THAT(view, HasElement("#resets", "Resets: 0"));
}

TEST_F(CounterTest, AParentRenderKeepsTheComponentsOwnState) {
  auto [view, html] = live(c, "/counters").value();
  render_click(element(view, "#counter-apples .inc"));
  auto after = render_click(element(view, "#shout"));
  EXPECT_THAT(after, HasElement("#counter-apples .label", "APPLES"));
  EXPECT_THAT(after, HasElement("#counter-apples .count", "1"));
}

TEST_F(CounterTest, ResetAllUsesSendUpdate) {
  auto [view, html] = live(c, "/counters").value();
  LVH_TRACE(view);
  render_click(element(view, "#counter-apples .inc"));
  render_click(element(view, "#counter-pears .inc"));
  auto after = render_click(element(view, "#reset"));
  EXPECT_THAT(after, HasElement("#counter-apples .count", "0"));
  EXPECT_THAT(after, HasElement("#counter-pears .count", "10"));
  EXPECT_THAT(after, HasElement("#resets", "Resets: 1"));
}

TEST_F(CounterTest, RenderComponentAlone) {
  auto html = render_component(c, "CounterComponent", {{"id", "solo"}, {"label", "Plums"}, {"start", 3}});
  EXPECT_THAT(html, HasSubstr("Plums"));
  EXPECT_THAT(html, HasElement("#counter-solo .count", "3"));
}

}  // namespace
}  // namespace lvh::examples::counter
