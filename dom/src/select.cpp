// CSS selector parsing (a recursive descent over the text, with CSS escapes) and matching
// (right to left, backtracking over descendant and sibling combinators).
#include <lvh/dom/ascii.hpp>
#include <lvh/dom/select.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace lvh::dom {

namespace detail {

enum class attr_op : unsigned char { exists, equals, includes, dash, prefix, suffix, substring };
enum class case_flag : unsigned char { standard, insensitive, sensitive };
enum class combinator : unsigned char { descendant, child, next_sibling, subsequent_sibling };

struct complex_selector;

struct simple_selector {
  enum class kind : unsigned char {
    type, id, class_, attribute, negation, is, first_child, last_child, only_child, nth_child,
    nth_last_child, first_of_type, last_of_type, only_of_type, nth_of_type, nth_last_of_type,
    root, empty, scope
  };
  kind k{};
  std::string name;        // type name as written, id, class, attribute name
  std::string lower_name;  // ASCII-lowered name (type and attribute selectors on HTML elements)
  std::string value;
  attr_op op = attr_op::exists;
  case_flag flag = case_flag::standard;
  long long a = 0, b = 0;               // an+b
  std::vector<complex_selector> list;  // :not / :is arguments
};

struct compound_selector {
  std::vector<simple_selector> parts;  // empty = `*`
};

struct complex_selector {
  std::vector<compound_selector> compounds;  // left to right
  std::vector<combinator> combinators;      // combinators[i] joins compounds[i] and [i+1]
};

struct selector_list {
  std::string text;
  std::vector<complex_selector> alternatives;
};

struct selector_factory {
  static selector make(std::shared_ptr<const selector_list> l) { return selector(std::move(l)); }
};

}  // namespace detail

namespace {

using namespace detail;

using ascii::lower;
using ascii::lowered;
using ascii::iequals;
constexpr auto is_ws = ascii::is_space;
constexpr auto ascii_lower = ascii::lower;



bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_name_start(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || u >= 0x80;
}
bool is_name_char(char c) noexcept { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Nesting of :not()/:is() is bounded so that hostile selectors cannot exhaust the stack.
constexpr int max_nesting = 32;

class parser {
 public:
  explicit parser(std::string_view text) : s_(text) {}

  selector::result run() {
    auto list = std::make_shared<selector_list>();
    list->text = std::string(s_);
    if (!parse_list(list->alternatives, 0)) return std::move(err_);
    if (pos_ != s_.size()) return fail(selector_errc::unexpected_token);
    return selector_factory::make(std::move(list));
  }

 private:
  bool at_end() const noexcept { return pos_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const noexcept {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }

  selector_error fail(selector_errc code, std::string detail = {}, std::size_t at = npos) {
    err_ = selector_error{code, at == npos ? pos_ : at, std::string(s_), std::move(detail)};
    return err_;
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Skips whitespace and comments; returns whether there was whitespace (a comment alone
  // separates tokens but is no descendant combinator).
  bool skip_ws() {
    bool ws = false;
    for (;;) {
      if (!at_end() && is_ws(peek())) {
        ++pos_;
        ws = true;
      } else if (peek() == '/' && peek(1) == '*') {
        const auto end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
    return ws;
  }

  bool valid_escape(std::size_t at) const noexcept {
    return at < s_.size() && s_[at] == '\\' && (at + 1 >= s_.size() || s_[at + 1] != '\n');
  }
  bool starts_ident(std::size_t at) const noexcept {
    if (at >= s_.size()) return false;
    const char c = s_[at];
    if (c == '-') {
      if (at + 1 >= s_.size()) return false;
      const char d = s_[at + 1];
      return is_name_start(d) || d == '-' || valid_escape(at + 1);
    }
    return is_name_start(c) || valid_escape(at);
  }

  // After a backslash (already consumed).
  void consume_escape(std::string& out) {
    if (at_end()) {
      append_utf8(out, 0xFFFD);
      return;
    }
    if (is_hex(peek())) {
      std::uint32_t cp = 0;
      for (int i = 0; i < 6 && is_hex(peek()); ++i) {
        const char c = s_[pos_++];
        cp = cp * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : ascii_lower(c) - 'a' + 10);
      }
      if (peek() == '\r' && peek(1) == '\n') pos_ += 2;
      else if (is_ws(peek())) ++pos_;
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
      append_utf8(out, cp);
      return;
    }
    // Any other character stands for itself (whole UTF-8 sequences are copied byte by byte).
    out += s_[pos_++];
    while (!at_end() && (static_cast<unsigned char>(peek()) & 0xC0) == 0x80) out += s_[pos_++];
  }

  std::string consume_ident() {
    std::string out;
    while (!at_end()) {
      if (is_name_char(peek())) {
        out += s_[pos_++];
      } else if (valid_escape(pos_)) {
        ++pos_;
        consume_escape(out);
      } else {
        break;
      }
    }
    return out;
  }

  bool consume_string(std::string& out) {
    const char quote = s_[pos_];
    const std::size_t start = pos_++;
    while (!at_end()) {
      const char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (c == '\n') break;
      if (c == '\\') {
        ++pos_;
        if (peek() == '\n') {
          ++pos_;
          continue;
        }
        consume_escape(out);
        continue;
      }
      out += c;
      ++pos_;
    }
    if (at_end()) return true;  // CSS closes strings (and blocks) at the end of input
    fail(selector_errc::unterminated_string, {}, start);
    return false;
  }

  bool parse_list(std::vector<complex_selector>& out, int depth) {
    if (depth > max_nesting) {
      fail(selector_errc::unsupported_pseudo, "nesting deeper than 32 levels");
      return false;
    }
    for (;;) {
      skip_ws();
      if (at_end() || peek() == ',' || peek() == ')') {
        fail(selector_errc::empty);
        return false;
      }
      complex_selector c;
      if (!parse_complex(c, depth)) return false;
      out.push_back(std::move(c));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      return true;
    }
  }

  bool parse_complex(complex_selector& out, int depth) {
    compound_selector first;
    if (!parse_compound(first, depth)) return false;
    out.compounds.push_back(std::move(first));
    for (;;) {
      const bool ws = skip_ws();
      combinator comb = combinator::descendant;
      const char c = peek();
      if (c == '>' || c == '+' || c == '~') {
        comb = c == '>' ? combinator::child : c == '+' ? combinator::next_sibling : combinator::subsequent_sibling;
        ++pos_;
        skip_ws();
        if (at_end() || peek() == ',' || peek() == ')') {
          fail(selector_errc::empty);
          return false;
        }
      } else if (!ws || at_end() || c == ',' || c == ')') {
        return true;
      }
      compound_selector next;
      if (!parse_compound(next, depth)) return false;
      out.combinators.push_back(comb);
      out.compounds.push_back(std::move(next));
    }
  }

  bool parse_compound(compound_selector& out, int depth) {
    const std::size_t start = pos_;
    if (peek() == '|' || (peek() == '*' && peek(1) == '|')) {
      fail(selector_errc::unsupported_namespace);
      return false;
    }
    if (peek() == '*') {
      ++pos_;
    } else if (starts_ident(pos_)) {
      simple_selector t;
      t.k = simple_selector::kind::type;
      t.name = consume_ident();
      t.lower_name = lowered(t.name);
      out.parts.push_back(std::move(t));
    }
    if (peek() == '|') {
      fail(selector_errc::unsupported_namespace, {}, start);
      return false;
    }
    for (;;) {
      const char c = peek();
      if (c == '#') {
        ++pos_;
        if (!starts_ident(pos_)) {
          fail(selector_errc::unexpected_token);
          return false;
        }
        simple_selector s;
        s.k = simple_selector::kind::id;
        s.name = consume_ident();
        out.parts.push_back(std::move(s));
      } else if (c == '.') {
        ++pos_;
        if (!starts_ident(pos_)) {
          fail(selector_errc::unexpected_token);
          return false;
        }
        simple_selector s;
        s.k = simple_selector::kind::class_;
        s.name = consume_ident();
        out.parts.push_back(std::move(s));
      } else if (c == '[') {
        if (!parse_attribute(out)) return false;
      } else if (c == ':') {
        if (!parse_pseudo(out, depth)) return false;
      } else {
        break;
      }
    }
    if (pos_ == start) {
      fail(at_end() ? selector_errc::empty : selector_errc::unexpected_token);
      return false;
    }
    return true;
  }

  bool parse_attribute(compound_selector& out) {
    const std::size_t start = pos_++;
    skip_ws();
    if (peek() == '|' || (peek() == '*' && peek(1) == '|')) {
      fail(selector_errc::unsupported_namespace);
      return false;
    }
    if (!starts_ident(pos_)) {
      fail(selector_errc::bad_attribute, {}, start);
      return false;
    }
    simple_selector s;
    s.k = simple_selector::kind::attribute;
    s.name = consume_ident();
    s.lower_name = lowered(s.name);
    if (peek() == '|' && peek(1) != '=') {
      fail(selector_errc::unsupported_namespace);
      return false;
    }
    skip_ws();
    if (peek() == ']' || at_end()) {
      if (!at_end()) ++pos_;
      out.parts.push_back(std::move(s));
      return true;
    }
    const char c = peek();
    if (c == '=') {
      s.op = attr_op::equals;
      ++pos_;
    } else if ((c == '~' || c == '|' || c == '^' || c == '$' || c == '*') && peek(1) == '=') {
      s.op = c == '~'   ? attr_op::includes
             : c == '|' ? attr_op::dash
             : c == '^' ? attr_op::prefix
             : c == '$' ? attr_op::suffix
                        : attr_op::substring;
      pos_ += 2;
    } else {
      fail(selector_errc::bad_attribute, {}, at_end() ? start : pos_);
      return false;
    }
    skip_ws();
    if (peek() == '"' || peek() == '\'') {
      if (!consume_string(s.value)) return false;
    } else if (starts_ident(pos_) || is_name_char(peek())) {
      // CSS wants an identifier here; like LiveViewTest and jsdom we also take `[data-id=2]`.
      s.value = consume_ident();
    } else {
      fail(selector_errc::bad_attribute, {}, at_end() ? start : pos_);
      return false;
    }
    skip_ws();
    if (starts_ident(pos_)) {
      const std::size_t flag_at = pos_;
      const std::string flag = consume_ident();
      if (iequals(flag, "i")) s.flag = case_flag::insensitive;
      else if (iequals(flag, "s")) s.flag = case_flag::sensitive;
      else {
        fail(selector_errc::bad_attribute, flag, flag_at);
        return false;
      }
      skip_ws();
    }
    if (!at_end()) {
      if (peek() != ']') {
        fail(selector_errc::bad_attribute, {}, pos_);
        return false;
      }
      ++pos_;
    }
    out.parts.push_back(std::move(s));
    return true;
  }

  bool parse_pseudo(compound_selector& out, int depth) {
    const std::size_t start = pos_++;
    if (peek() == ':') {
      ++pos_;
      fail(selector_errc::pseudo_element, "::" + consume_ident(), start);
      return false;
    }
    if (!starts_ident(pos_)) {
      fail(selector_errc::unexpected_token);
      return false;
    }
    const std::string name = lowered(consume_ident());
    using k = simple_selector::kind;
    simple_selector s;
    if (peek() != '(') {
      static constexpr std::array<std::pair<std::string_view, k>, 9> plain{{
          {"scope", k::scope},
          {"first-child", k::first_child},
          {"last-child", k::last_child},
          {"only-child", k::only_child},
          {"first-of-type", k::first_of_type},
          {"last-of-type", k::last_of_type},
          {"only-of-type", k::only_of_type},
          {"root", k::root},
          {"empty", k::empty},
      }};
      for (const auto& [n, kind] : plain) {
        if (n == name) {
          s.k = kind;
          out.parts.push_back(std::move(s));
          return true;
        }
      }
      if (name == "before" || name == "after" || name == "first-line" || name == "first-letter") {
        fail(selector_errc::pseudo_element, ":" + name, start);
      } else {
        fail(selector_errc::unsupported_pseudo, ":" + name, start);
      }
      return false;
    }
    ++pos_;  // '('
    if (name == "not" || name == "is" || name == "where" || name == "matches") {
      s.k = name == "not" ? k::negation : k::is;
      if (!parse_list(s.list, depth + 1)) return false;
      skip_ws();
      if (!at_end()) {
        if (peek() != ')') {
          fail(selector_errc::unexpected_token);
          return false;
        }
        ++pos_;
      }
      out.parts.push_back(std::move(s));
      return true;
    }
    if (name == "nth-child" || name == "nth-last-child" || name == "nth-of-type" || name == "nth-last-of-type") {
      s.k = name == "nth-child"        ? k::nth_child
            : name == "nth-last-child" ? k::nth_last_child
            : name == "nth-of-type"    ? k::nth_of_type
                                       : k::nth_last_of_type;
      const std::size_t arg_start = pos_;
      const auto found = s_.find(')', pos_);
      const std::size_t close = found == std::string_view::npos ? s_.size() : found;
      const std::string_view arg = s_.substr(pos_, close - pos_);
      if (!parse_nth(arg, s.a, s.b)) {
        const std::string la = lowered(arg);
        if (la.find(" of ") != std::string::npos)
          fail(selector_errc::unsupported_pseudo, ":" + name + "(An+B of S)", start);
        else
          fail(selector_errc::bad_nth, std::string(arg), arg_start);
        return false;
      }
      pos_ = std::min(close + 1, s_.size());
      out.parts.push_back(std::move(s));
      return true;
    }
    fail(selector_errc::unsupported_pseudo, ":" + name + "()", start);
    return false;
  }

  // An+B with the whitespace CSS allows (around the sign before B, and around the whole).
  static bool parse_nth(std::string_view arg, long long& a, long long& b) {
    std::string t = lowered(arg);
    std::size_t i = 0, e = t.size();
    while (i < e && is_ws(t[i])) ++i;
    while (e > i && is_ws(t[e - 1])) --e;
    t = t.substr(i, e - i);
    if (t == "odd") {
      a = 2;
      b = 1;
      return true;
    }
    if (t == "even") {
      a = 2;
      b = 0;
      return true;
    }
    constexpr long long cap = 1'000'000'000;  // keeps an+b arithmetic far from overflow
    auto digits = [&](std::size_t& p, long long& v) {
      const std::size_t s0 = p;
      v = 0;
      while (p < t.size() && t[p] >= '0' && t[p] <= '9') {
        v = std::min(cap, v * 10 + (t[p] - '0'));
        ++p;
      }
      return p != s0;
    };
    std::size_t p = 0;
    long long sign = 1;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) {
      sign = t[p] == '-' ? -1 : 1;
      ++p;
    }
    long long n = 0;
    const bool has_digits = digits(p, n);
    if (p < t.size() && t[p] == 'n') {
      ++p;
      a = sign * (has_digits ? n : 1);
      b = 0;
      while (p < t.size() && is_ws(t[p])) ++p;
      if (p == t.size()) return true;
      if (t[p] != '+' && t[p] != '-') return false;
      const long long bsign = t[p] == '-' ? -1 : 1;
      ++p;
      while (p < t.size() && is_ws(t[p])) ++p;
      long long bv = 0;
      if (!digits(p, bv) || p != t.size()) return false;
      b = bsign * bv;
      return true;
    }
    if (!has_digits || p != t.size()) return false;
    a = 0;
    b = sign * n;
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  selector_error err_;
};

// -- matching ------------------------------------------------------------------------------

bool is_template(const node& n) noexcept {
  return n.is_element() && n.element_namespace() == ns::html && n.tag() == "template";
}

// Attributes whose values HTML says selectors compare ASCII case-insensitively.
bool case_insensitive_attribute(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 46> names{
      "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked",
      "clear", "codetype", "color", "compact", "declare", "defer", "dir", "direction",
      "disabled", "enctype", "face", "frame", "hreflang", "http-equiv", "lang", "language",
      "link", "media", "method", "multiple", "nohref", "noresize", "noshade", "nowrap",
      "readonly", "rel", "rev", "rules", "scope", "scrolling", "selected", "shape", "target",
      "text", "type", "valign", "valuetype", "vlink"};
  return std::find(names.begin(), names.end(), lower_name) != names.end();
}

bool eq(std::string_view a, std::string_view b, bool ci) { return ci ? iequals(a, b) : a == b; }

bool match_attribute(const node& el, const simple_selector& s) {
  const std::string* v = el.get_attribute(s.name);
  if (!v) return false;
  const bool html = el.element_namespace() == ns::html;
  const bool ci = s.flag == case_flag::insensitive ||
                  (s.flag == case_flag::standard && html && case_insensitive_attribute(s.lower_name));
  const std::string_view val = *v, want = s.value;
  switch (s.op) {
    case attr_op::exists:
      return true;
    case attr_op::equals:
      return eq(val, want, ci);
    case attr_op::includes: {
      if (want.empty() || std::any_of(want.begin(), want.end(), is_ws)) return false;
      std::size_t i = 0;
      while (i < val.size()) {
        while (i < val.size() && is_ws(val[i])) ++i;
        std::size_t j = i;
        while (j < val.size() && !is_ws(val[j])) ++j;
        if (j > i && eq(val.substr(i, j - i), want, ci)) return true;
        i = j;
      }
      return false;
    }
    case attr_op::dash:
      return eq(val, want, ci) ||
             (val.size() > want.size() && val[want.size()] == '-' && eq(val.substr(0, want.size()), want, ci));
    case attr_op::prefix:
      return !want.empty() && val.size() >= want.size() && eq(val.substr(0, want.size()), want, ci);
    case attr_op::suffix:
      return !want.empty() && val.size() >= want.size() && eq(val.substr(val.size() - want.size()), want, ci);
    case attr_op::substring: {
      if (want.empty()) return false;
      if (!ci) return val.find(want) != std::string_view::npos;
      if (want.size() > val.size()) return false;
      for (std::size_t i = 0; i + want.size() <= val.size(); ++i)
        if (iequals(val.substr(i, want.size()), want)) return true;
      return false;
    }
  }
  return false;
}

bool has_class(const node& el, std::string_view cls) {
  const std::string* v = el.get_attribute("class");
  if (!v) return false;
  const std::string_view val = *v;
  std::size_t i = 0;
  while (i < val.size()) {
    while (i < val.size() && is_ws(val[i])) ++i;
    std::size_t j = i;
    while (j < val.size() && !is_ws(val[j])) ++j;
    if (j > i && val.substr(i, j - i) == cls) return true;
    i = j;
  }
  return false;
}

bool same_type(const node& a, const node& b) noexcept {
  return a.tag() == b.tag() && a.element_namespace() == b.element_namespace();
}

// 1-based position among the element siblings (of the same type when `of_type`), counted
// from the start or from the end, and whether it is the only one.
struct position {
  long long index;
  long long count;
};

position sibling_position(const node& el, bool of_type, bool from_end) {
  const node* p = el.parent();
  if (!p) return {1, 1};
  long long index = 0, count = 0;
  bool seen = false;
  for (const auto& c : p->children()) {
    if (!c->is_element() || (of_type && !same_type(*c, el))) continue;
    ++count;
    if (!seen) ++index;
    if (c.get() == &el) seen = true;
  }
  if (from_end) index = count - index + 1;
  return {index, count};
}

bool nth_matches(long long a, long long b, long long index) noexcept {
  if (a == 0) return index == b;
  const long long d = index - b;
  return d % a == 0 && d / a >= 0;
}

bool match_complex(const node& el, const complex_selector& c, std::size_t idx, const node* scope);

bool match_any(const node& el, const std::vector<complex_selector>& list, const node* scope) {
  for (const auto& c : list)
    if (match_complex(el, c, c.compounds.size() - 1, scope)) return true;
  return false;
}

// `scope` is what :scope matches: the element, or for a document its root element (a
// fragment is no element, so nothing).
bool match_simple(const node& el, const simple_selector& s, const node* scope) {
  using k = simple_selector::kind;
  switch (s.k) {
    case k::type:
      return el.element_namespace() == ns::html ? el.tag() == s.lower_name : el.tag() == s.name;
    case k::id: {
      const std::string* v = el.get_attribute("id");
      return v && *v == s.name;
    }
    case k::class_:
      return has_class(el, s.name);
    case k::attribute:
      return match_attribute(el, s);
    case k::negation:
      return !match_any(el, s.list, scope);
    case k::is:
      return match_any(el, s.list, scope);
    case k::first_child:
      return sibling_position(el, false, false).index == 1;
    case k::last_child:
      return sibling_position(el, false, true).index == 1;
    case k::only_child:
      return sibling_position(el, false, false).count == 1;
    case k::first_of_type:
      return sibling_position(el, true, false).index == 1;
    case k::last_of_type:
      return sibling_position(el, true, true).index == 1;
    case k::only_of_type:
      return sibling_position(el, true, false).count == 1;
    case k::nth_child:
      return nth_matches(s.a, s.b, sibling_position(el, false, false).index);
    case k::nth_last_child:
      return nth_matches(s.a, s.b, sibling_position(el, false, true).index);
    case k::nth_of_type:
      return nth_matches(s.a, s.b, sibling_position(el, true, false).index);
    case k::nth_last_of_type:
      return nth_matches(s.a, s.b, sibling_position(el, true, true).index);
    case k::root:
      return el.parent() && el.parent()->type() == node_type::document;
    case k::scope:
      return scope && (&el == scope || (scope->type() == node_type::document && el.parent() == scope));
    case k::empty:
      if (is_template(el)) return true;  // its children are its content, not DOM children
      for (const auto& c : el.children())
        if (c->is_element() || (c->is_text() && !c->data().empty())) return false;
      return true;
  }
  return false;
}

bool match_compound(const node& el, const compound_selector& c, const node* scope) {
  for (const auto& s : c.parts)
    if (!match_simple(el, s, scope)) return false;
  return true;
}

const node* previous_element(const node& el) {
  const node* p = el.parent();
  if (!p) return nullptr;
  const node* prev = nullptr;
  for (const auto& c : p->children()) {
    if (c.get() == &el) return prev;
    if (c->is_element()) prev = c.get();
  }
  return nullptr;
}

// Right-to-left matching. `no_ancestor_can` is the classic pruning of descendant
// combinators: it means no strict ancestor of the element can match this part either, so
// an outer descendant loop may stop climbing (without it, `a b c d e` over deep trees
// explores every combination of ancestors).
enum class outcome : unsigned char { matched, failed, no_ancestor_can };

// Does `el` match compounds[0..idx] of `c`, with compounds[idx] applying to `el`?
outcome match_from(const node& el, const complex_selector& c, std::size_t idx, const node* scope) {
  if (!match_compound(el, c.compounds[idx], scope)) return outcome::failed;
  if (idx == 0) return outcome::matched;
  switch (c.combinators[idx - 1]) {
    case combinator::child: {
      const node* p = parent_element(el);
      return p ? match_from(*p, c, idx - 1, scope) : outcome::no_ancestor_can;
    }
    case combinator::descendant:
      for (const node* p = parent_element(el); p; p = parent_element(*p)) {
        const outcome r = match_from(*p, c, idx - 1, scope);
        if (r != outcome::failed) return r;
      }
      return outcome::no_ancestor_can;
    case combinator::next_sibling: {
      const node* s = previous_element(el);
      return (s && match_from(*s, c, idx - 1, scope) == outcome::matched) ? outcome::matched : outcome::failed;
    }
    case combinator::subsequent_sibling: {
      const node* p = el.parent();
      if (!p) return outcome::failed;
      for (const auto& sib : p->children()) {
        if (sib.get() == &el) break;
        if (sib->is_element() && match_from(*sib, c, idx - 1, scope) == outcome::matched) return outcome::matched;
      }
      return outcome::failed;
    }
  }
  return outcome::failed;
}

bool match_complex(const node& el, const complex_selector& c, std::size_t idx, const node* scope) {
  return match_from(el, c, idx, scope) == outcome::matched;
}

// Pre-order walk of root's descendants, not entering nested template contents.
template <class F>
void for_each_descendant(const node& root, F&& f) {
  if (is_template(root)) return;
  // Inline up to a depth most pages stay within: a query allocates nothing for its walk.
  boost::container::small_vector<std::pair<const node*, std::size_t>, 32> stack;
  stack.emplace_back(&root, 0);
  while (!stack.empty()) {
    auto& [n, i] = stack.back();
    if (i == n->child_count()) {
      stack.pop_back();
      continue;
    }
    const node& c = n->child(i++);
    if (!c.is_element()) continue;
    if (f(c)) return;
    if (!is_template(c) && c.child_count() != 0) stack.emplace_back(&c, 0);
  }
}

}  // namespace

std::string selector_error::message() const {
  std::string what;
  switch (code) {
    case selector_errc::empty: what = "empty selector"; break;
    case selector_errc::unexpected_token: what = "unexpected character"; break;
    case selector_errc::bad_attribute: what = "malformed attribute selector"; break;
    case selector_errc::unterminated_string: what = "unterminated string"; break;
    case selector_errc::bad_nth: what = "invalid An+B argument"; break;
    case selector_errc::unsupported_pseudo: what = "unsupported pseudo-class"; break;
    case selector_errc::pseudo_element: what = "pseudo-elements never match elements"; break;
    case selector_errc::unsupported_namespace: what = "namespaces are not supported"; break;
  }
  if (!detail.empty()) what += " \"" + detail + "\"";
  what += " at " + std::to_string(position) + " in \"" + text + "\"";
  return what;
}

selector_exception::selector_exception(selector_error e)
    : std::invalid_argument(e.message()), error_(std::move(e)) {}

void throw_exception_from_error(const selector_error& e, const boost::source_location&) {
  throw selector_exception(e);
}

selector::result selector::parse(std::string_view text) { return parser(text).run(); }

selector selector::parse_or_throw(std::string_view text) { return parse(text).value(); }

const std::string& selector::text() const noexcept { return list_->text; }

const node* parent_element(const node& n) noexcept {
  const node* p = n.parent();
  if (!p || !p->is_element() || is_template(*p)) return nullptr;
  return p;
}

bool matches(const node& el, const selector& sel) {
  return el.is_element() && match_any(el, sel.list().alternatives, &el);
}

std::vector<node*> query_all(const node& root, const selector& sel) {
  std::vector<node*> out;
  for_each_descendant(root, [&](const node& n) {
    if (match_any(n, sel.list().alternatives, &root)) out.push_back(const_cast<node*>(&n));
    return false;
  });
  return out;
}

node* query_first(const node& root, const selector& sel) {
  node* found = nullptr;
  for_each_descendant(root, [&](const node& n) {
    if (!match_any(n, sel.list().alternatives, &root)) return false;
    found = const_cast<node*>(&n);
    return true;
  });
  return found;
}

const node* closest(const node& el, const selector& sel) {
  for (const node* n = el.is_element() ? &el : parent_element(el); n; n = parent_element(*n))
    if (match_any(*n, sel.list().alternatives, &el)) return n;
  return nullptr;
}

node* closest(node& el, const selector& sel) {
  return const_cast<node*>(closest(static_cast<const node&>(el), sel));
}

}  // namespace lvh::dom
