// SearchLive: debounced phx-change suggestions, picking one, and a submitted search.
#include "search_live.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::examples::search {
namespace {

using namespace lvh::testkit;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

class SearchTest : public ::testing::Test {
 protected:
  std::shared_ptr<in_process_server> server = [] {
    ref::view_registry views;
    ref::router routes;
    install(views, routes);
    return in_process_server::make(std::move(views), {}, std::move(routes));
  }();
  conn c = build_conn(server);
};

TEST(Suggest, PrefixMatchesComeFirstThenSubstrings) {
  EXPECT_THAT(suggest("p"), IsEmpty());
  EXPECT_THAT(suggest("PLUG"), ElementsAre("plug", "plug_cowboy"));
  EXPECT_THAT(suggest("ecto"), ElementsAre("ecto", "ecto_sql", "phoenix_ecto"));
  EXPECT_THAT(suggest("live"), ElementsAre("live_dashboard", "phoenix_live_view"));
  EXPECT_EQ(suggest("phoenix").size(), 5u);
}

TEST_F(SearchTest, SuggestionsAppearOnceTheDebounceHasPassed) {
  auto [view, html] = live(c, "/search").value();
  LVH_TRACE(view);
  auto typed = render_change(form(view, "#search", {{"q", "ecto"}}));
  EXPECT_THAT(typed, Not(HasElement("#suggestions li")));

  advance(view, 300ms);
  EXPECT_THAT(view, HasElement("#suggestions li:nth-child(1)", "ecto"));
  EXPECT_THAT(view, HasElement("#suggestions li:nth-child(2)", "ecto_sql"));
  EXPECT_THAT(view, HasElement("#suggestions li:nth-child(3)", "phoenix_ecto"));
  EXPECT_THAT(view, Not(HasElement("#suggestions li:nth-child(4)")));
  EXPECT_THAT(view, HasAttr("#matches option:nth-child(2)", "value", "ecto_sql"));
}

TEST_F(SearchTest, OnlyTheLastKeystrokeWithinTheDebounceIsSent) {
  auto [view, html] = live(c, "/search").value();
  LVH_TRACE(view);
  render_change(form(view, "#search", {{"q", "pl"}}));
  advance(view, 100ms);
  render_change(form(view, "#search", {{"q", "plug_"}}));
  // Had "pl" been sent 300 ms after it was typed, its suggestions would show by now.
  advance(view, 299ms);
  EXPECT_THAT(view, Not(HasElement("#suggestions li")));
  advance(view, 1ms);
  EXPECT_THAT(view, HasElement("#suggestions li", "plug_cowboy"));
}

TEST_F(SearchTest, PickingASuggestionShowsThePackage) {
  auto [view, html] = live(c, "/search").value();
  LVH_TRACE(view);
  render_change(form(view, "#search", {{"q", "phoenix_l"}}));
  advance(view, 300ms);
  auto picked = render_click(element(view, "#suggestions button", "phoenix_live_view"));
  EXPECT_THAT(picked, HasElement("#result h2", "phoenix_live_view"));
  EXPECT_THAT(picked, HasElement("#result p", "server-rendered HTML"));
  EXPECT_THAT(picked, Not(HasElement("#suggestions li")));
}

TEST_F(SearchTest, SubmittingSearches) {
  auto [view, html] = live(c, "/search").value();
  LVH_TRACE(view);
  // The reply shows the loading state and the lookup message runs before the page settles.
  auto found = render_submit(form(view, "#search", {{"q", "Jason"}}));
  EXPECT_THAT(found, HasElement("#result h2", "jason"));
  EXPECT_THAT(found, Not(HasElement("#loading")));
}

TEST_F(SearchTest, AnUnknownNameFlashesAnError) {
  auto [view, html] = live(c, "/search").value();
  auto missing = render_submit(form(view, "#search", {{"q", "left_pad"}}));
  EXPECT_THAT(missing, HasElement(".alert-danger", "No package is named \"left_pad\"."));
  EXPECT_THAT(missing, Not(HasElement("#result")));
  // A later search that succeeds clears it.
  EXPECT_THAT(render_submit(form(view, "#search", {{"q", "plug"}})), Not(HasElement(".alert-danger")));
}

}  // namespace
}  // namespace lvh::examples::search
