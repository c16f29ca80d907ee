// GoogleTest integration (library lvh_testkit_gtest): matchers over views, elements, render
// results and HTML strings whose failures show the selector, the view's context (URL, last
// action) and a readable HTML excerpt or diff; and LVH_TRACE(view), which prints the view's
// context as it is when a failure happens.
//
//   EXPECT_THAT(view, HasElement("#count", "3"));
//   EXPECT_THAT(render_click(element(view, "#inc")), HasText("count: 4"));
//   EXPECT_THAT(view, HasAttr("input[name=q]", "value", "elixir"));
//   EXPECT_THAT(render(element(view, "#list")), HtmlEq("<ul id=\"list\"><li>a</li></ul>"));
#pragma once

#include <lvh/testkit/html.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace lvh::testkit {

/// What a matcher looks at: some HTML and where it came from.
struct html_subject {
  std::string html;
  std::string context;  ///< "view phx-… at /path (last action: …)", or empty
};
html_subject subject_of(const view& v);
html_subject subject_of(const view_element& e);
html_subject subject_of(const render_result& r);
html_subject subject_of(const live_result& r);
html_subject subject_of(const std::string& html);
html_subject subject_of(const char* html);

namespace matchers {

/// What every matcher here shares: any subject_of-able value becomes an html_subject that
/// Derived::match looks at.
template <class Derived>
class html_matcher {
 public:
  template <class T>
  bool MatchAndExplain(const T& x, ::testing::MatchResultListener* l) const {
    return static_cast<const Derived&>(*this).match(subject_of(x), l);
  }
};

class has_element : public html_matcher<has_element> {
 public:
  has_element(std::string selector, text_filter filter) : selector_(std::move(selector)), filter_(std::move(filter)) {}
  bool match(const html_subject& s, ::testing::MatchResultListener* l) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  std::string selector_;
  text_filter filter_;
};

class has_text : public html_matcher<has_text> {
 public:
  explicit has_text(std::string text) : text_(std::move(text)) {}
  bool match(const html_subject& s, ::testing::MatchResultListener* l) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  std::string text_;
};

class has_attr : public html_matcher<has_attr> {
 public:
  has_attr(std::string selector, std::string name, std::optional<std::string> value)
      : selector_(std::move(selector)), name_(std::move(name)), value_(std::move(value)) {}
  bool match(const html_subject& s, ::testing::MatchResultListener* l) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  std::string selector_;
  std::string name_;
  std::optional<std::string> value_;
};

class html_eq : public html_matcher<html_eq> {
 public:
  explicit html_eq(std::string expected) : expected_(std::move(expected)) {}
  bool match(const html_subject& s, ::testing::MatchResultListener* l) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  std::string expected_;
};

}  // namespace matchers

/// One element at least matches `selector` (and has `text` in its text content, a substring
/// or text_filter::regex), as has_element/3.
inline ::testing::PolymorphicMatcher<matchers::has_element> HasElement(std::string selector,
                                                                       text_filter text = {}) {
  return ::testing::MakePolymorphicMatcher(matchers::has_element(std::move(selector), std::move(text)));
}
/// The text content contains `text`.
inline ::testing::PolymorphicMatcher<matchers::has_text> HasText(std::string text) {
  return ::testing::MakePolymorphicMatcher(matchers::has_text(std::move(text)));
}
/// Exactly one element matches `selector` and has attribute `name` (equal to `value`).
inline ::testing::PolymorphicMatcher<matchers::has_attr> HasAttr(std::string selector, std::string name,
                                                                 std::optional<std::string> value = std::nullopt) {
  return ::testing::MakePolymorphicMatcher(
      matchers::has_attr(std::move(selector), std::move(name), std::move(value)));
}
/// Equal HTML after normalize_html; a failure shows a line diff.
inline ::testing::PolymorphicMatcher<matchers::html_eq> HtmlEq(std::string expected) {
  return ::testing::MakePolymorphicMatcher(matchers::html_eq(std::move(expected)));
}

/// While alive, every failure of the current test is followed by the view's context as it
/// is then (URL, last action): SCOPED_TRACE, evaluated at failure time.
class trace_view {
 public:
  explicit trace_view(view v);
  ~trace_view();
  trace_view(const trace_view&) = delete;
  trace_view& operator=(const trace_view&) = delete;

 private:
  view v_;
};

/// The context lines of every traced view (what the listener prints on failure).
std::string traced_context();

// How GoogleTest prints the testkit's values in failures (found by ADL): a view as its
// context, an element with its view, a redirect as LiveViewTest shows it, HTML as an excerpt.
// Printing never reads from the server.
void PrintTo(const view& v, std::ostream* os);
void PrintTo(const view_element& e, std::ostream* os);
void PrintTo(const redirect& r, std::ostream* os);
void PrintTo(const render_result& r, std::ostream* os);
void PrintTo(const live_result& r, std::ostream* os);

}  // namespace lvh::testkit

#define LVH_TRACE_CAT2(a, b) a##b
#define LVH_TRACE_CAT(a, b) LVH_TRACE_CAT2(a, b)
#define LVH_TRACE(view) ::lvh::testkit::trace_view LVH_TRACE_CAT(lvh_trace_, __LINE__)(view)
