// parse_fragment's fast path (see detail/fragment.hpp).
//
// What a LiveView renders is mostly markup the HTML tree builder takes literally: every
// element closed by its own end tag, in order, none of the elements with rules of their
// own. For that markup the tree is the nesting as written, and building it directly costs a
// small fraction of a Gumbo parse (whose per-call setup alone dominates the small component
// fragments a patch parses). The rules below accept only what can be shown to build that
// way, and give up on the first token that might not; parse_fragment then uses Gumbo. The
// property test in test/plain_fragment_test.cpp and the fuzz target fuzz/html_fragment.cpp
// hold the two paths equal on everything this accepts.
#include <lvh/dom/detail/fragment.hpp>

#include "utf8.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <cstdint>
#include <string>
#include <vector>

namespace lvh::dom::detail {

namespace {

enum : unsigned {
  k_bail = 1u << 0,       // has rules of its own: leave it to Gumbo
  k_void = 1u << 1,       // no end tag, no children
  k_closes_p = 1u << 2,   // its start tag closes an open <p> (in button scope)
  k_special = 1u << 3,    // the standard's "special" category (li/dd/dt scope walks)
  k_heading = 1u << 4,    // h1..h6
  k_table = 1u << 5,      // table: children thead/tbody/tfoot only
  k_section = 1u << 6,    // thead/tbody/tfoot: children tr only
  k_row = 1u << 7,        // tr: children td/th only
  k_cell = 1u << 8,       // td/th
  k_list_item = 1u << 9,  // li
  k_def_item = 1u << 10,  // dd/dt
  k_button = 1u << 11,
  k_anchor = 1u << 12,  // a
  k_form = 1u << 13,
  k_p = 1u << 14,
  k_div_like = 1u << 15,  // address, div, p: transparent to the li/dd/dt walks
};

struct tag_info {
  std::string_view name;
  unsigned flags;
};

constexpr unsigned cp = k_closes_p | k_special;

// Sorted by name. Names not listed are ordinary elements ("any other start tag").
constexpr tag_info tags[] = {
    {"a", k_anchor},
    {"address", cp | k_div_like},
    {"applet", k_bail},
    {"area", k_void | k_special},
    {"article", cp},
    {"aside", cp},
    {"base", k_bail},
    {"basefont", k_bail},
    {"bgsound", k_bail},
    {"blockquote", cp},
    {"body", k_bail},
    {"br", k_void | k_special},
    {"button", k_button | k_special},
    {"caption", k_bail},
    {"center", cp},
    {"col", k_bail},
    {"colgroup", k_bail},
    {"dd", cp | k_def_item},
    {"details", cp},
    {"dialog", k_bail},
    {"dir", cp},
    {"div", cp | k_div_like},
    {"dl", cp},
    {"dt", cp | k_def_item},
    {"embed", k_void | k_special},
    {"fieldset", cp},
    {"figcaption", cp},
    {"figure", cp},
    {"footer", cp},
    {"form", cp | k_form},
    {"frame", k_bail},
    {"frameset", k_bail},
    {"h1", cp | k_heading},
    {"h2", cp | k_heading},
    {"h3", cp | k_heading},
    {"h4", cp | k_heading},
    {"h5", cp | k_heading},
    {"h6", cp | k_heading},
    {"head", k_bail},
    {"header", cp},
    {"hgroup", cp},
    {"hr", k_void | cp},
    {"html", k_bail},
    {"iframe", k_bail},
    {"image", k_bail},
    {"img", k_void | k_special},
    {"input", k_void | k_special},
    {"isindex", k_bail},
    {"keygen", k_bail},
    {"li", cp | k_list_item},
    {"link", k_void | k_special},
    {"listing", k_bail},
    {"main", k_bail},
    {"marquee", k_bail},
    {"math", k_bail},
    {"menu", cp},
    {"menuitem", k_bail},
    {"meta", k_void | k_special},
    {"nav", cp},
    {"nobr", k_bail},
    {"noembed", k_bail},
    {"noframes", k_bail},
    {"noscript", k_bail},
    {"object", k_bail},
    {"ol", cp},
    {"optgroup", k_bail},
    {"option", k_bail},
    {"p", cp | k_p | k_div_like},
    {"param", k_void | k_special},
    {"plaintext", k_bail},
    {"pre", k_bail},
    {"rb", k_bail},
    {"rp", k_bail},
    {"rt", k_bail},
    {"rtc", k_bail},
    {"ruby", k_bail},
    {"script", k_bail},
    {"search", k_bail},
    {"section", cp},
    {"select", k_bail},
    {"source", k_void | k_special},
    {"style", k_bail},
    {"summary", cp},
    {"svg", k_bail},
    {"table", k_table | cp},
    {"tbody", k_section | k_special},
    {"td", k_cell | k_special},
    {"template", k_bail},
    {"textarea", k_bail},
    {"tfoot", k_section | k_special},
    {"th", k_cell | k_special},
    {"thead", k_section | k_special},
    {"title", k_bail},
    {"tr", k_row | k_special},
    {"track", k_void | k_special},
    {"ul", cp},
    {"wbr", k_void | k_special},
    {"xmp", k_bail},
};
static_assert(std::is_sorted(std::begin(tags), std::end(tags),
                             [](const tag_info& a, const tag_info& b) { return a.name < b.name; }));

// Where the names with each first letter start in `tags` (sorted, so they are together):
// a lookup compares a handful of names by size, not seven by content.
constexpr auto letter_starts = [] {
  std::array<std::size_t, 27> at{};
  std::size_t i = 0;
  for (char c = 'a'; c <= 'z'; ++c) {
    at[static_cast<std::size_t>(c - 'a')] = i;
    while (i < std::size(tags) && tags[i].name[0] == c) ++i;
  }
  at[26] = i;
  return at;
}();
static_assert(letter_starts[26] == std::size(tags), "every name starts with a lower case letter");

// `name` is lower case.
unsigned flags_of(std::string_view name) noexcept {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return 0u;
  const auto letter = static_cast<std::size_t>(name[0] - 'a');
  for (std::size_t k = letter_starts[letter]; k < letter_starts[letter + 1]; ++k)
    if (tags[k].name == name) return tags[k].flags;
  return 0u;
}

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alnum(char c) noexcept { return is_alpha(c) || is_digit(c); }
char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n'; }
bool is_attr_name_char(char c) noexcept {
  return is_alnum(c) || c == '-' || c == '_' || c == ':' || c == '.' || c == '@';
}

// Code points kept as they are by both paths: no controls other than tab and newline, no
// noncharacters, nothing in the block parse.cpp remaps controls into.
bool plain_code_point(std::uint32_t c) noexcept {
  if (c == '\t' || c == '\n') return true;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return false;
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  if (c >= 0xFDD0 && c <= 0xFDEF) return false;
  if ((c & 0xFFFE) == 0xFFFE) return false;
  if (c >= 0x10F000 && c < 0x10F300) return false;
  return c <= 0x10FFFF;
}

class builder {
 public:
  builder(std::string_view s, std::size_t max_depth) : s_(s), max_depth_(std::max<std::size_t>(max_depth, 1)) {}

  std::unique_ptr<node> run() {
    auto root = node::make_fragment();
    open_.push_back({root.get(), 0, {}});
    std::string text;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '<') {
        if (i_ + 1 >= s_.size()) return nullptr;
        const char d = s_[i_ + 1];
        if (is_alpha(d) || d == '/' || d == '!') {
          if (!flush(text)) return nullptr;
          const bool ok = d == '/' ? end_tag() : d == '!' ? comment() : start_tag();
          if (!ok) return nullptr;
          continue;
        }
        if (d == '?') return nullptr;
        text += '<';  // not a tag: the '<' is text
        ++i_;
      } else if (c == '&') {
        if (!reference(text)) return nullptr;
      } else if (const std::size_t j = ascii_run('<', '&'); j > i_) {
        text.append(s_.data() + i_, j - i_);
        i_ = j;
      } else if (!plain_char(text)) {
        return nullptr;
      }
    }
    if (!flush(text)) return nullptr;
    return root;
  }

 private:
  struct open_element {
    node* n;
    unsigned flags;
    std::string_view name;  // the element's tag(), lower case
  };

  // The open elements: in place up to a depth most markup stays within (a component's
  // parse allocates no stack), then in a vector.
  class open_stack {
   public:
    void push_back(const open_element& e) {
      if (size_ < inline_depth) in_place_[size_] = e;
      else spill_.push_back(e);
      ++size_;
    }
    void pop_back() noexcept {
      --size_;
      if (size_ >= inline_depth) spill_.pop_back();
    }
    std::size_t size() const noexcept { return size_; }
    const open_element& operator[](std::size_t i) const noexcept {
      return i < inline_depth ? in_place_[i] : spill_[i - inline_depth];
    }
    const open_element& back() const noexcept { return (*this)[size_ - 1]; }

   private:
    static constexpr std::size_t inline_depth = 24;
    std::array<open_element, inline_depth> in_place_;
    std::vector<open_element> spill_;
    std::size_t size_ = 0;
  };

  // The end of the run of plain ASCII characters at i_ that are neither `a` nor `b`: what
  // plain_char would copy one at a time.
  std::size_t ascii_run(char a, char b) const noexcept {
    std::size_t j = i_;
    while (j < s_.size()) {
      const char c = s_[j];
      if (c == a || c == b || !((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n')) break;
      ++j;
    }
    return j;
  }

  // Copies one character (a whole UTF-8 sequence) of text at i_ into `out`.
  bool plain_char(std::string& out) {
    const auto b = static_cast<unsigned char>(s_[i_]);
    if (b < 0x80) {
      if (!plain_code_point(b)) return false;
      out += char(b);
      ++i_;
      return true;
    }
    std::size_t len;
    std::uint32_t c;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      c = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      c = b & 0x07;
    } else {
      return false;
    }
    if (i_ + len > s_.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto t = static_cast<unsigned char>(s_[i_ + k]);
      if ((t & 0xC0) != 0x80) return false;
      c = (c << 6) | (t & 0x3F);
    }
    // Overlong forms and out-of-range values.
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF))) return false;
    if (!plain_code_point(c)) return false;
    out.append(s_.data() + i_, len);
    i_ += len;
    return true;
  }

  // A character reference at i_ ('&'): the common named ones with their semicolon and
  // numeric ones of plain code points; a '&' not followed by a name or '#' is text.
  bool reference(std::string& out) {
    const std::string_view rest = s_.substr(i_ + 1);
    if (rest.empty() || !(is_alnum(rest[0]) || rest[0] == '#')) {
      out += '&';
      ++i_;
      return true;
    }
    static constexpr std::pair<std::string_view, std::string_view> named[] = {
        {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}};
    for (const auto& [name, value] : named) {
      if (rest.substr(0, name.size()) == name) {
        out += value;
        i_ += 1 + name.size();
        return true;
      }
    }
    if (rest[0] != '#') return false;
    std::size_t k = 1;
    const bool hex = k < rest.size() && (rest[k] == 'x' || rest[k] == 'X');
    if (hex) ++k;
    const std::size_t digits_at = k;
    std::uint32_t v = 0;
    for (; k < rest.size() && k - digits_at < 8; ++k) {
      const char c = lower(rest[k]);
      std::uint32_t d;
      if (is_digit(c))
        d = std::uint32_t(c - '0');
      else if (hex && c >= 'a' && c <= 'f')
        d = std::uint32_t(c - 'a' + 10);
      else
        break;
      v = v * (hex ? 16 : 10) + d;
    }
    if (k == digits_at || k >= rest.size() || rest[k] != ';' || !plain_code_point(v)) return false;
    append_utf8(char32_t(v), out);
    i_ += 1 + k + 1;
    return true;
  }

  // Pending text goes into the current element. Where the tree builder would foster-parent
  // it (text directly in a table part) only whitespace is plain.
  bool flush(std::string& text) {
    if (text.empty()) return true;
    const open_element& cur = open_.back();
    if (cur.flags & (k_table | k_section | k_row)) {
      for (char c : text)
        if (!is_space(c)) return false;
    }
    node& parent = *cur.n;
    if (parent.child_count() != 0 && parent.child(parent.child_count() - 1).is_text())
      parent.child(parent.child_count() - 1).append_data(text);
    else
      parent.append_child(node::make_text(std::move(text)));
    text.clear();
    return true;
  }

  bool comment() {
    if (s_.substr(i_, 4) != "<!--") return false;
    const std::size_t start = i_ + 4;
    const std::size_t end = s_.find("-->", start);
    if (end == std::string_view::npos) return false;
    const std::string_view body = s_.substr(start, end - start);
    // Abrupt ends ("<!-->", "<!--->"), "--!>", a dash before the end and nested openers
    // are parse errors with rules of their own.
    if (body.starts_with(">") || body.starts_with("->") || body.ends_with("-") ||
        body.find("--!>") != std::string_view::npos || body.find("<!--") != std::string_view::npos)
      return false;
    std::string data;
    data.reserve(body.size());
    const std::size_t saved = i_;
    i_ = start;
    while (i_ < end) {
      if (!plain_char(data)) return false;
    }
    i_ = saved;
    open_.back().n->append_child(node::make_comment(std::move(data)));
    i_ = end + 3;
    return true;
  }

  bool end_tag() {
    std::size_t j = i_ + 2;
    const std::size_t name_at = j;
    while (j < s_.size() && (is_alnum(s_[j]) || s_[j] == '-')) ++j;
    if (j == name_at || j >= s_.size() || s_[j] != '>') return false;
    if (open_.size() == 1) return false;  // nothing open: a stray end tag
    const std::string_view name = s_.substr(name_at, j - name_at);
    const std::string_view cur = open_.back().name;
    if (name.size() != cur.size()) return false;
    for (std::size_t k = 0; k < name.size(); ++k)
      if (lower(name[k]) != cur[k]) return false;
    open_.pop_back();
    i_ = j + 1;
    return true;
  }

  // Whether, walking the open elements from the current one, `want` comes before a
  // `stop` element.
  bool open_before(unsigned want, unsigned stop) const noexcept {
    for (std::size_t k = open_.size(); k-- > 1;) {
      if (open_[k].flags & want) return true;
      if (open_[k].flags & stop) return false;
    }
    return false;
  }

  // Whether the tree builder inserts this start tag as a child of the current element and
  // does nothing else.
  bool plain_start(unsigned f) const noexcept {
    if (f & k_bail) return false;
    const unsigned cur = open_.back().flags;
    // Table parts only where they belong, and nothing else there (it would be
    // foster-parented or imply a section / row).
    if (cur & k_table) return (f & k_section) != 0;
    if (cur & k_section) return (f & k_row) != 0;
    if (cur & k_row) return (f & k_cell) != 0;
    if (f & (k_section | k_row | k_cell)) return false;
    constexpr unsigned scope = k_table | k_cell;  // the scope boundaries that can be open here
    if ((f & k_closes_p) && open_before(k_p, scope | k_button)) return false;
    if ((f & k_heading) && (cur & k_heading)) return false;
    if (f & k_list_item) {
      for (std::size_t k = open_.size(); k-- > 1;) {
        if (open_[k].flags & k_list_item) return false;
        if ((open_[k].flags & k_special) && !(open_[k].flags & k_div_like)) break;
      }
    }
    if (f & k_def_item) {
      for (std::size_t k = open_.size(); k-- > 1;) {
        if (open_[k].flags & k_def_item) return false;
        if ((open_[k].flags & k_special) && !(open_[k].flags & k_div_like)) break;
      }
    }
    if ((f & k_button) && open_before(k_button, scope)) return false;
    if ((f & k_anchor) && open_before(k_anchor, k_cell)) return false;
    if ((f & k_form) && open_before(k_form, 0)) return false;
    return true;
  }

  bool start_tag() {
    std::size_t j = i_ + 1;
    const std::size_t name_at = j;
    while (j < s_.size() && (is_alnum(s_[j]) || s_[j] == '-')) ++j;
    if (j >= s_.size() || !(is_space(s_[j]) || s_[j] == '/' || s_[j] == '>')) return false;
    std::string name(s_.substr(name_at, j - name_at));
    for (char& c : name) c = lower(c);
    const unsigned f = flags_of(name);
    if (!plain_start(f)) return false;
    if (open_.size() + 1 >= max_depth_) return false;  // the Gumbo path caps the depth

    auto el = node::make_element(std::move(name));
    bool self_closing = false;
    std::string attr_name, value;
    for (;;) {
      while (j < s_.size() && is_space(s_[j])) ++j;
      if (j >= s_.size()) return false;
      if (s_[j] == '>') {
        ++j;
        break;
      }
      if (s_[j] == '/') {
        if (j + 1 >= s_.size() || s_[j + 1] != '>') return false;
        self_closing = true;
        j += 2;
        break;
      }
      const std::size_t at = j;
      while (j < s_.size() && is_attr_name_char(s_[j])) ++j;
      if (j == at || j >= s_.size()) return false;
      attr_name.assign(s_.data() + at, j - at);
      for (char& c : attr_name) c = lower(c);
      value.clear();
      std::size_t k = j;
      while (k < s_.size() && is_space(s_[k])) ++k;
      if (k < s_.size() && s_[k] == '=') {
        ++k;
        while (k < s_.size() && is_space(s_[k])) ++k;
        if (k >= s_.size()) return false;
        i_ = k;
        if (!attribute_value(value)) return false;
        j = i_;
      } else if (j < s_.size() && !(is_space(s_[j]) || s_[j] == '/' || s_[j] == '>')) {
        return false;
      }
      // The first one wins. The name is lower case already.
      if (!el->has_attribute(attr_name)) el->append_attribute(attr_name, value);
    }
    if (self_closing && !(f & k_void)) return false;  // ignored on other elements: leave it
    node& added = open_.back().n->append_child(std::move(el));
    if (!(f & k_void)) open_.push_back({&added, f, added.tag()});
    i_ = j;
    return true;
  }

  // An attribute value at i_ (after '='), decoded into `out`; i_ ends after it.
  bool attribute_value(std::string& out) {
    const char q = s_[i_];
    if (q == '"' || q == '\'') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != q) {
        if (s_[i_] == '&') {
          if (!reference(out)) return false;
        } else if (const std::size_t j = ascii_run(q, '&'); j > i_) {
          out.append(s_.data() + i_, j - i_);
          i_ = j;
        } else if (!plain_char(out)) {
          return false;
        }
      }
      if (i_ >= s_.size()) return false;
      ++i_;
      // Another attribute must be separated by white space.
      return i_ < s_.size() && (is_space(s_[i_]) || s_[i_] == '/' || s_[i_] == '>');
    }
    const std::size_t at = i_;
    while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '>') {
      const char c = s_[i_];
      if (c == '"' || c == '\'' || c == '<' || c == '=' || c == '`' || c == '&') return false;
      if (!plain_char(out)) return false;
    }
    // "a=/>": the slash belongs to the value; keep such cases for Gumbo.
    return i_ != at && i_ < s_.size() && out.back() != '/';
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t i_ = 0;
  open_stack open_;
};

}  // namespace

std::unique_ptr<node> parse_plain_fragment(std::string_view html, std::size_t max_depth) {
  return builder(html, max_depth).run();
}

}  // namespace lvh::dom::detail
