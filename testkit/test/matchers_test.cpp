// The GoogleTest matchers: what they accept and what their failures say.
#include "test_views.hpp"

#include <lvh/testkit/gtest.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace lvh::testkit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

template <class M, class T>
std::string explain(const M& m, const T& value) {
  ::testing::StringMatchResultListener l;
  ::testing::Matcher<const T&> matcher = m;
  matcher.MatchAndExplain(value, &l);
  return l.str();
}

const std::string page = "<ul id=\"list\"><li class=\"a\">one</li><li class=\"b\" data-x=\"1\">two</li></ul>";

TEST(Matchers, HasElementOnStrings) {
  EXPECT_THAT(page, HasElement("li.a"));
  EXPECT_THAT(page, HasElement("li", "two"));
  EXPECT_THAT(page, Not(HasElement("li", "three")));
  EXPECT_THAT(page, HasElement("li", text_filter::regex("^t.o$")));
  EXPECT_THAT(explain(HasElement("p.missing"), page), HasSubstr("selector \"p.missing\" returned no element"));
  EXPECT_THAT(explain(HasElement("p.missing"), page), HasSubstr("<li class=\"a\">"));
  EXPECT_THAT(explain(HasElement("li", "three"), page), HasSubstr("none with text \"three\""));
  EXPECT_THAT(explain(HasElement("[[["), page), HasSubstr("[["));
}

TEST(Matchers, HasTextAndHasAttr) {
  EXPECT_THAT(page, HasText("onetwo"));
  EXPECT_THAT(page, Not(HasText("three")));
  EXPECT_THAT(page, HasAttr("li.b", "data-x", "1"));
  EXPECT_THAT(page, HasAttr("li.b", "data-x"));
  EXPECT_THAT(page, Not(HasAttr("li.b", "data-x", "2")));
  EXPECT_THAT(explain(HasAttr("li.b", "data-x", "2"), page), HasSubstr("attribute data-x of \"li.b\" is \"1\""));
  EXPECT_THAT(explain(HasAttr("li", "data-x"), page), HasSubstr("returned 2 elements"));
  EXPECT_THAT(explain(HasAttr("li.a", "data-x"), page), HasSubstr("has no attribute data-x"));
}

TEST(Matchers, HtmlEqIgnoresFormattingAndShowsADiff) {
  EXPECT_THAT(page, HtmlEq("<ul id=\"list\">\n  <li class=\"a\">one</li>\n  <li data-x=\"1\" class=\"b\">two</li>\n</ul>"));
  std::string why = explain(HtmlEq("<ul id=\"list\"><li class=\"a\">one</li><li class=\"b\" data-x=\"1\">2</li></ul>"), page);
  EXPECT_THAT(why, HasSubstr("-     2\n+     two\n"));
  EXPECT_THAT(why, HasSubstr("--- expected\n+++ actual\n"));
}

TEST(Matchers, FailuresNameTheViewAndItsLastAction) {
  auto server = test::make_server();
  auto c = build_conn(server);
  auto [view, html] = live(c, "/counter").value();
  render_click(element(view, "#inc"));
  EXPECT_THAT(view, HasElement("#count", "1"));
  std::string why = explain(HasElement("#count", "7"), view);
  EXPECT_THAT(why, HasSubstr("at /counter"));
  EXPECT_THAT(why, HasSubstr("last action: click on element(\"#inc\")"));
  EXPECT_THAT(explain(HasText("nope"), element(view, "#count")), HasSubstr("element(\"#count\")"));
  EXPECT_THAT(render_click(element(view, "#inc")), HasElement("#count", "2"));
  EXPECT_THAT(live(c, "/counter"), HasText("Count: 0"));
}

TEST(Matchers, TestkitValuesPrintReadably) {
  using ::testing::PrintToString;
  auto server = test::make_server();
  auto c = build_conn(server);
  view v = live(c, "/counter").view();
  EXPECT_EQ(PrintToString(v), v.describe());
  EXPECT_THAT(PrintToString(v), HasSubstr("view phx-"));
  EXPECT_THAT(PrintToString(element(v, "#inc")), HasSubstr("element(\"#inc\") of view phx-"));
  EXPECT_THAT(PrintToString(form(v, "#f", {{"a", 1}})), HasSubstr("element(\"#f\") with data {\"a\":1} of view"));
  EXPECT_THAT(PrintToString(render_click(element(v, "#inc"))), HasSubstr("rendered HTML:\n"));
  EXPECT_THAT(PrintToString(render_click(element(v, "#inc"))), HasSubstr("<span id=\"count\">"));
  EXPECT_THAT(PrintToString(live(c, "/counter")), HasSubstr("{:ok, view phx-"));
  auto redirected = live(c, "/mount-redirect");
  EXPECT_EQ(PrintToString(redirected),
            "{:error, {:live_redirect, %{to: \"/counter\", flash: {\"error\":\"Not here\"}}}}");
  EXPECT_EQ(PrintToString(redirected.redirect_value()), PrintToString(redirected));
  // In a failure, the value shows as the view, not as bytes.
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(v, HasElement("#nope")), "Actual: view phx-");
}

TEST(Matchers, TraceViewPrintsContextOnFailure) {
  auto server = test::make_server();
  auto c = build_conn(server);
  auto [view, html] = live(c, "/counter").value();
  LVH_TRACE(view);
  render_click(element(view, "#inc"));
  EXPECT_THAT(traced_context(), HasSubstr("lvh context: view "));
  EXPECT_THAT(traced_context(), HasSubstr("last action: click on element(\"#inc\")"));
  EXPECT_NONFATAL_FAILURE(ADD_FAILURE() << "deliberate", "deliberate");
}

TEST(Html, NormalizeAndDiff) {
  EXPECT_TRUE(html_equal("<p a=\"1\" b=\"2\"> x </p>", "<p b=\"2\" a=\"1\">x</p>"));
  EXPECT_FALSE(html_equal("<p>x</p>", "<p>y</p>"));
  EXPECT_EQ(normalize_html("<div><span>a</span>\n  <br></div>"), "<div>\n  <span>\n    a\n  </span>\n  <br>\n</div>\n");
  EXPECT_EQ(html_diff("<p>x</p>", "<p>x</p>"), "");
  EXPECT_THAT(html_excerpt("<p>1</p><p>2</p><p>3</p>", 3), HasSubstr("(6 more lines)"));
}

}  // namespace
}  // namespace lvh::testkit
