#include <lvh/testkit/gtest.hpp>

#include <lvh/dom/html.hpp>
#include <lvh/sim/errors.hpp>
#include <lvh/sim/find.hpp>

#include <algorithm>
#include <vector>

namespace lvh::testkit {

html_subject subject_of(const view& v) { return {render(v), v.describe()}; }
html_subject subject_of(const view_element& e) { return {render(e), e.describe() + " of " + e.view.describe()}; }
html_subject subject_of(const render_result& r) {
  if (r.is_redirect()) {
    const auto& rd = r.redirect_value();
    return {std::string(), "a " + std::string(to_string(rd.what)) + " to " + rd.to + " (no HTML)"};
  }
  return {r.html(), "the rendered result"};
}
html_subject subject_of(const live_result& r) {
  if (r.is_redirect()) {
    const auto& rd = r.redirect_value();
    return {std::string(), "a " + std::string(to_string(rd.what)) + " to " + rd.to + " (no HTML)"};
  }
  if (r.is_page()) return {r.html(), "the page at " + r.page_value().url};
  return {r.html(), r.view().describe()};
}
html_subject subject_of(const std::string& html) { return {html, {}}; }
html_subject subject_of(const char* html) { return {html ? html : "", {}}; }

namespace matchers {
namespace {

std::string where(const html_subject& s) { return s.context.empty() ? std::string() : " in " + s.context; }

// The lookup of sim::find_all, with a bad selector reported instead of thrown.
std::vector<dom::node*> select(const dom::node& root, const std::string& sel, const text_filter& f,
                               ::testing::MatchResultListener* l, bool& ok) {
  ok = true;
  try {
    return sim::find_all(root, sel, f);
  } catch (const sim::usage_error& e) {
    ok = false;
    *l << e.message();
    return {};
  }
}

}  // namespace

bool has_element::match(const html_subject& s, ::testing::MatchResultListener* l) const {
  auto root = dom::parse_fragment(s.html, "template");
  bool ok = true;
  auto hits = select(*root, selector_, filter_, l, ok);
  if (!ok) return false;
  if (!hits.empty()) {
    *l << "selector " << sim::inspect_string(selector_) << " matched " << hits.size() << " element(s)" << where(s)
       << ", the first:\n" << html_excerpt(dom::serialize(*hits.front()), 10);
    return true;
  }
  *l << "selector " << sim::inspect_string(selector_);
  if (!filter_.empty()) {
    auto unfiltered = sim::find_all(*root, selector_);
    if (!unfiltered.empty()) {
      *l << " matched " << unfiltered.size() << " element(s) but none with text " << filter_.describe() << where(s)
         << "; their text:";
      for (std::size_t i = 0; i < unfiltered.size() && i < 5; ++i)
        *l << "\n    " << sim::inspect_string(unfiltered[i]->text_content());
      return false;
    }
  }
  *l << " returned no element" << where(s) << " within:\n" << html_excerpt(s.html);
  return false;
}

void has_element::DescribeTo(std::ostream* os) const {
  *os << "has an element matching " << sim::inspect_string(selector_);
  if (!filter_.empty()) *os << " with text " << filter_.describe();
}
void has_element::DescribeNegationTo(std::ostream* os) const {
  *os << "has no element matching " << sim::inspect_string(selector_);
  if (!filter_.empty()) *os << " with text " << filter_.describe();
}

bool has_text::match(const html_subject& s, ::testing::MatchResultListener* l) const {
  auto root = dom::parse_fragment(s.html, "template");
  std::string text = root->text_content();
  if (text.find(text_) != std::string::npos) {
    *l << "the text" << where(s) << " contains it";
    return true;
  }
  *l << "the text" << where(s) << " does not contain " << sim::inspect_string(text_) << "; the HTML:\n"
     << html_excerpt(s.html);
  return false;
}
void has_text::DescribeTo(std::ostream* os) const { *os << "has text containing " << sim::inspect_string(text_); }
void has_text::DescribeNegationTo(std::ostream* os) const {
  *os << "has no text containing " << sim::inspect_string(text_);
}

bool has_attr::match(const html_subject& s, ::testing::MatchResultListener* l) const {
  auto root = dom::parse_fragment(s.html, "template");
  bool ok = true;
  auto hits = select(*root, selector_, {}, l, ok);
  if (!ok) return false;
  if (hits.size() != 1) {
    *l << "selector " << sim::inspect_string(selector_) << " returned " << hits.size() << " elements" << where(s)
       << " (one expected) within:\n" << html_excerpt(s.html);
    return false;
  }
  const std::string* v = hits.front()->get_attribute(name_);
  const std::string element_html = html_excerpt(dom::serialize(*hits.front()), 10);
  if (!v) {
    *l << "the element " << sim::inspect_string(selector_) << where(s) << " has no attribute " << name_ << ":\n"
       << element_html;
    return false;
  }
  if (value_ && *v != *value_) {
    *l << "attribute " << name_ << " of " << sim::inspect_string(selector_) << where(s) << " is "
       << sim::inspect_string(*v) << ":\n" << element_html;
    return false;
  }
  *l << "attribute " << name_ << " of " << sim::inspect_string(selector_) << " is " << sim::inspect_string(*v);
  return true;
}
void has_attr::DescribeTo(std::ostream* os) const {
  *os << "has one element matching " << sim::inspect_string(selector_) << " with attribute " << name_;
  if (value_) *os << "=" << sim::inspect_string(*value_);
}
void has_attr::DescribeNegationTo(std::ostream* os) const {
  *os << "does not have one element matching " << sim::inspect_string(selector_) << " with attribute " << name_;
  if (value_) *os << "=" << sim::inspect_string(*value_);
}

bool html_eq::match(const html_subject& s, ::testing::MatchResultListener* l) const {
  std::string diff = html_diff(expected_, s.html);
  if (diff.empty()) return true;
  *l << "the HTML" << where(s) << " differs:\n" << diff;
  return false;
}
void html_eq::DescribeTo(std::ostream* os) const { *os << "is HTML equal to:\n" << html_excerpt(expected_); }
void html_eq::DescribeNegationTo(std::ostream* os) const {
  *os << "is not HTML equal to:\n" << html_excerpt(expected_);
}

}  // namespace matchers

// -- printing -----------------------------------------------------------------------------

namespace {
constexpr std::size_t print_lines = 12;
}

void PrintTo(const view& v, std::ostream* os) { *os << v.describe(); }

void PrintTo(const view_element& e, std::ostream* os) {
  *os << e.describe();
  if (e.form_data) *os << " with data " << e.form_data->dump();
  if (e.submitter) *os << " submitted by " << sim::inspect_string(*e.submitter);
  *os << " of " << e.view.describe();
}

void PrintTo(const redirect& r, std::ostream* os) { *os << inspect(r); }

void PrintTo(const render_result& r, std::ostream* os) {
  if (r.is_redirect()) {
    *os << inspect(r.redirect_value());
    return;
  }
  *os << "rendered HTML:\n" << html_excerpt(r.html(), print_lines);
}

void PrintTo(const live_result& r, std::ostream* os) {
  if (r.is_redirect()) {
    *os << inspect(r.redirect_value());
    return;
  }
  if (r.is_page()) {
    const page& p = r.page_value();
    *os << "{:ok, conn: GET " << p.url << " answered " << p.status << ", HTML:\n"
        << html_excerpt(p.html, print_lines) << "}";
    return;
  }
  *os << "{:ok, " << r.view().describe() << ", HTML:\n" << html_excerpt(r.html(), print_lines) << "}";
}

// -- trace --------------------------------------------------------------------------------

namespace {

std::vector<const view*>& traced() {
  static thread_local std::vector<const view*> views;
  return views;
}

class context_printer final : public ::testing::EmptyTestEventListener {
 public:
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (r.passed() || traced().empty()) return;
    std::string ctx = traced_context();
    if (!ctx.empty()) printf("%s", ctx.c_str());
  }
};

void install_listener() {
  static bool installed = [] {
    ::testing::UnitTest::GetInstance()->listeners().Append(new context_printer);
    return true;
  }();
  (void)installed;
}

}  // namespace

trace_view::trace_view(view v) : v_(std::move(v)) {
  install_listener();
  traced().push_back(&v_);
}

trace_view::~trace_view() {
  auto& t = traced();
  t.erase(std::remove(t.begin(), t.end(), &v_), t.end());
}

std::string traced_context() {
  std::string out;
  for (const view* v : traced()) out += "lvh context: " + v->describe() + "\n";
  return out;
}

}  // namespace lvh::testkit
