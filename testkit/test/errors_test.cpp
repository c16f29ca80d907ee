// Each usage error the test API can run into, provoked once: the simulator's id surfaces
// unchanged, with the HTML that was searched.
#include "test_views.hpp"

#include <lvh/sim/errors.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

namespace lvh::testkit {
namespace {

using ::testing::HasSubstr;

struct usage_case {
  const char* id;
  const char* path;
  std::function<void(const view&)> act;
};

class UsageErrors : public ::testing::TestWithParam<usage_case> {};

TEST_P(UsageErrors, SurfaceWithTheirStableId) {
  const usage_case& uc = GetParam();
  auto server = test::make_server();
  auto c = build_conn(server);
  auto [v, html] = live(c, uc.path).value();
  try {
    uc.act(v);
    FAIL() << "expected usage_error " << uc.id;
  } catch (const sim::usage_error& e) {
    EXPECT_EQ(e.id(), uc.id) << e.what();
    EXPECT_THAT(e.what(), HasSubstr(std::string("[lvh.usage.") + uc.id + "]"));
  }
  // The view is still usable after a usage error.
  EXPECT_TRUE(v.alive());
}

const json name(const char* n) { return {{"user", {{"name", n}}}}; }

INSTANTIATE_TEST_SUITE_P(
    Catalogue, UsageErrors,
    ::testing::Values(
        usage_case{"selector_no_match", "/counter", [](const view& v) { render_click(element(v, "#nope")); }},
        usage_case{"selector_many", "/counter", [](const view& v) { render_click(element(v, "button")); }},
        usage_case{"text_filter_none", "/counter", [](const view& v) { render_click(element(v, "#inc", "zzz")); }},
        usage_case{"text_filter_many", "/counter", [](const view& v) { render_click(element(v, ".dup", "twin")); }},
        usage_case{"element_disabled", "/counter", [](const view& v) { render_click(element(v, "#off")); }},
        usage_case{"no_binding", "/counter", [](const view& v) { render_click(element(v, "#plain")); }},
        usage_case{"not_a_form", "/form", [](const view& v) { render_submit(element(v, "#notform")); }},
        usage_case{"unknown_field", "/form",
                   [](const view& v) { render_change(form(v, "#user-form", {{"user", {{"nope", "x"}}}})); }},
        usage_case{"disabled_field", "/form",
                   [](const view& v) { render_change(form(v, "#user-form", {{"user", {{"locked", "y"}}}})); }},
        usage_case{"forbidden_field", "/form",
                   [](const view& v) { render_change(form(v, "#user-form", {{"save", "1"}})); }},
        usage_case{"value_not_in_options", "/form",
                   [](const view& v) { render_change(form(v, "#user-form", {{"user", {{"role", "root"}}}})); }},
        usage_case{"invalid_submitter", "/form",
                   [](const view& v) { render_submit(put_submitter(form(v, "#user-form", name("Al")), "#nope")); }},
        usage_case{"bad_selector", "/counter", [](const view& v) { render_click(element(v, "[[[")); }},
        usage_case{"bad_value", "/form",
                   [](const view& v) {
                     render_change(form(v, "#user-form", {{"user", {{"name", json::array({{{"a", 1}}})}}}}));
                   }},
        usage_case{"no_hook", "/push", [](const view& v) { render_hook(element(v, "#ping"), "save"); }},
        usage_case{"not_in_form", "/keys", [](const view& v) { render_change(element(v, "#loose")); }}),
    [](const ::testing::TestParamInfo<usage_case>& p) { return std::string(p.param.id); });

TEST(TestkitErrors, HaveStableIds) {
  auto server = test::make_server();
  auto c = build_conn(server);
  view v = live(c, "/counter").view();  // not a structured binding: clang 14 lambdas cannot capture those
  auto expect_id = [](const std::function<void()>& fn, const char* id) {
    try {
      fn();
      ADD_FAILURE() << "expected testkit_error " << id;
    } catch (const testkit_error& e) {
      EXPECT_EQ(e.id(), id) << e.what();
    }
  };
  expect_id([&] { (void)live(c, "/missing"); }, "http_status");
  expect_id([&] { (void)render_click(element(v, "#inc")).redirect_value(); }, "not_redirected");
  expect_id([&] { (void)follow_redirect(render_click(element(v, "#inc")), c); }, "not_redirected");
  expect_id([&] { (void)live(c, "/mount-redirect").value(); }, "not_live");
  expect_id([&] { (void)render_click(element(v, "#inc"), {{"by", json::array()}}); }, "bad_value");
  expect_id([&] { (void)render(view()); }, "view_gone");
  expect_id([&] { advance(v, std::chrono::milliseconds(-1)); }, "bad_value");
}

TEST(TestkitErrors, AViewThatRedirectedAwayIsGone) {
  auto server = test::make_server();
  auto c = build_conn(server);
  auto [v, html] = live(c, "/redirector").value();
  ASSERT_TRUE(render_click(element(v, "#go")).is_redirect());
  try {
    render(v);
    FAIL() << "expected view_gone";
  } catch (const testkit_error& e) {
    EXPECT_EQ(e.id(), "view_gone");
    EXPECT_THAT(e.what(), HasSubstr("redirected to /counter"));
  }
}

}  // namespace
}  // namespace lvh::testkit
