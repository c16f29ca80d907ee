// ItemsLive: live navigation with handle_params, live_patch links, push_patch and the URL.
#include "items_live.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::examples::pages {
namespace {

using namespace lvh::testkit;
using ::testing::Not;

class ItemsTest : public ::testing::Test {
 protected:
  std::shared_ptr<in_process_server> server = [] {
    ref::view_registry views;
    ref::router routes;
    install(views, routes);
    return in_process_server::make(std::move(views), {}, std::move(routes));
  }();
  conn c = build_conn(server);
};

TEST_F(ItemsTest, TheFirstPageByDefault) {
  auto [view, html] = live(c, "/items").value();
  LVH_TRACE(view);
  EXPECT_THAT(view, HasElement("#items li:first-child", "Item 1"));
  EXPECT_THAT(view, HasElement("#items li:last-child", "Item 10"));
  EXPECT_THAT(view, HasElement("#page", "Page 1 of 5"));
  EXPECT_THAT(view, Not(HasElement("#prev")));
  EXPECT_THAT(view, HasAttr("a#next", "href", "/items?page=2"));
  EXPECT_THAT(view, HasAttr("a#next", "data-phx-link", "patch"));
}

TEST_F(ItemsTest, ThePageComesFromTheUrl) {
  auto [view, html] = live(c, "/items?page=3").value();
  EXPECT_THAT(view, HasElement("#items li:first-child", "Item 21"));
  EXPECT_THAT(view, HasElement("#page", "Page 3 of 5"));
  EXPECT_THAT(view, HasAttr("a#prev", "href", "/items?page=2"));
}

TEST_F(ItemsTest, LivePatchLinksMoveBetweenPages) {
  auto [view, html] = live(c, "/items").value();
  LVH_TRACE(view);
  auto next = render_click(element(view, "a", "Next"));
  EXPECT_THAT(next, HasElement("#items li:first-child", "Item 11"));
  assert_patch(view, "/items?page=2");
  EXPECT_EQ(view.path(), "/items?page=2");

  auto back = render_click(element(view, "a#prev"));
  EXPECT_THAT(back, HasElement("#page", "Page 1 of 5"));
  assert_patched(view, "/items?page=1");
}

TEST_F(ItemsTest, RenderPatchRunsHandleParams) {
  auto [view, html] = live(c, "/items").value();
  auto last = render_patch(view, "/items?page=5");
  EXPECT_THAT(last, HasElement("#items li:last-child", "Item 45"));
  EXPECT_THAT(last, Not(HasElement("#next")));
  EXPECT_THAT(last, HasElement("#page", "Page 5 of 5"));
}

TEST_F(ItemsTest, AnEventNavigatesWithPushPatch) {
  auto [view, html] = live(c, "/items").value();
  LVH_TRACE(view);
  auto last = render_click(element(view, "#last"));
  EXPECT_THAT(last, HasElement("#page", "Page 5 of 5"));
  EXPECT_EQ(assert_patch(view), "/items?page=5");
  refute_patched(view);
}

TEST_F(ItemsTest, ChangingThePageSizePatchesToPageOne) {
  auto [view, html] = live(c, "/items?page=3").value();
  LVH_TRACE(view);
  auto changed = render_change(form(view, "#per-page", {{"per_page", "20"}}));
  assert_patch(view, "/items?page=1&per_page=20");
  EXPECT_THAT(changed, HasElement("#page", "Page 1 of 3"));
  EXPECT_THAT(changed, HasElement("#items li:last-child", "Item 20"));
  EXPECT_THAT(changed, HasAttr("option[selected]", "value", "20"));
  EXPECT_THAT(changed, HasAttr("a#next", "href", "/items?page=2&per_page=20"));
}

TEST_F(ItemsTest, APageOutOfRangeRedirectsTheFirstRender) {
  // The disconnected render turns push_patch into an HTTP redirect marked as a live one, as
  // Phoenix does: {:error, {:live_redirect, %{to: "/items?page=5"}}} = live(conn, "/items?page=99")
  auto result = live(c, "/items?page=99");
  ASSERT_TRUE(result.is_redirect());
  EXPECT_EQ(result.redirect_value().what, redirect::kind::live_redirect);
  EXPECT_EQ(result.redirect_value().to, "/items?page=5");
  auto [view, html] = follow_redirect(result, c, "/items?page=5").value();
  EXPECT_THAT(view, HasElement("#page", "Page 5 of 5"));
}

TEST_F(ItemsTest, APageOutOfRangeShowsTheLastOnceConnected) {
  auto [view, html] = live(c, "/items").value();
  LVH_TRACE(view);
  // handle_params also push_patches to /items?page=5; the 0.15 client then records the
  // link's own URL when the link's reply arrives, so the address bar is not asserted here.
  auto patched = render_patch(view, "/items?page=42");
  EXPECT_THAT(patched, HasElement("#page", "Page 5 of 5"));
  EXPECT_THAT(patched, HasAttr("a#prev", "href", "/items?page=4"));
}

TEST_F(ItemsTest, ANonNumericPageIsTheFirst) {
  auto [view, html] = live(c, "/items?page=abc").value();
  EXPECT_THAT(view, HasElement("#page", "Page 1 of 5"));
}

}  // namespace
}  // namespace lvh::examples::pages
