// The 1.x clients edit a root element's start tag as text instead of parsing it. The rules
// below reproduce that scan exactly — including its regular expression's backtracking and
// JavaScript's String.slice with negative positions — because the resulting attribute order
// and whitespace are visible in the DOM.
#include "modify_root.hpp"

#include <algorithm>
#include <set>

namespace lvh::protocol::detail {

bool js_is_space(char32_t c) noexcept {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = b0 & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3F);
  }
  i += len;
  return c;
}

bool js_has_non_space(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (!js_is_space(next_code_point(s, i))) return true;
  }
  return false;
}

namespace {

/// JavaScript's `.`: anything but a line terminator.
bool is_line_terminator(char32_t c) noexcept {
  return c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029;
}

std::size_t skip_js_space(std::string_view s, std::size_t i) noexcept {
  while (i < s.size()) {
    std::size_t j = i;
    if (!js_is_space(next_code_point(s, j))) break;
    i = j;
  }
  return i;
}

/// `[^\s\/>]` at i: the length of that character in bytes, or 0.
std::size_t tag_char_at(std::string_view s, std::size_t i) noexcept {
  if (i >= s.size() || s[i] == '/' || s[i] == '>') return 0;
  std::size_t j = i;
  return js_is_space(next_code_point(s, j)) ? 0 : j - i;
}

/// Backtracking match of `(?:<!--.*?-->\s*)*<[^\s\/>]` from `pos`, in the regex's own search
/// order (greedy repetition, lazy comment bodies). Returns where `<tag` starts.
class lookahead {
 public:
  explicit lookahead(std::string_view s) : s_(s) {}

  std::optional<std::size_t> from(std::size_t pos) {
    if (failed_.count(pos)) return std::nullopt;
    if (s_.substr(pos, 4) == "<!--") {
      // Each "-->" on the same line closes the comment, shortest first.
      std::size_t i = pos + 4;
      while (i < s_.size()) {
        if (s_.compare(i, 3, "-->") == 0) {
          if (auto r = from(skip_js_space(s_, i + 3))) return r;
        }
        std::size_t j = i;
        if (is_line_terminator(next_code_point(s_, j))) break;
        i = j;
      }
    }
    if (pos < s_.size() && s_[pos] == '<' && tag_char_at(s_, pos + 1) != 0) return pos;
    failed_.insert(pos);
    return std::nullopt;
  }

 private:
  std::string_view s_;
  std::set<std::size_t> failed_;
};

/// String.prototype.slice(begin, end) positions, negative ones counting from the end.
std::size_t js_index(long x, std::size_t len) noexcept {
  if (x < 0) {
    long v = static_cast<long>(len) + x;
    return v < 0 ? 0 : static_cast<std::size_t>(v);
  }
  return std::min(static_cast<std::size_t>(x), len);
}

std::string_view js_slice(std::string_view s, long begin, long end) noexcept {
  std::size_t b = js_index(begin, s.size());
  std::size_t e = js_index(end, s.size());
  return b < e ? s.substr(b, e - b) : std::string_view{};
}

}  // namespace

std::optional<root_parts> find_root(std::string_view html) {
  lookahead la(html);
  auto start = la.from(skip_js_space(html, 0));
  if (!start) return std::nullopt;

  root_parts r;
  r.before_len = *start;
  std::size_t i = *start + 1;
  while (std::size_t n = tag_char_at(html, i)) i += n;
  r.tag.assign(html.substr(*start + 1, i - *start - 1));
  r.tag_name_end = i;

  // Scan the start tag for an id="…" (or id='…') attribute.
  for (; i < html.size(); ++i) {
    if (html[i] == '>') break;
    if (html[i] == '=') {
      const bool is_id = i >= 3 && html.substr(i - 3, 3) == " id";
      ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        const char quote = html[i];
        const std::size_t attr_start = i;
        for (++i; i < html.size(); ++i) {
          if (html[i] == quote) break;
        }
        if (is_id) {
          r.id = std::string(html.substr(attr_start + 1, std::min(i, html.size()) - attr_start - 1));
          break;
        }
      }
    }
  }
  r.start_tag_gt = i;

  // From the end, skip trailing text and comments to the element's last '>'.
  long close_at = static_cast<long>(html.size()) - 1;
  const long bound = static_cast<long>(r.before_len + r.tag.size());
  bool inside_comment = false;
  while (close_at >= bound) {
    const char c = html[static_cast<std::size_t>(close_at)];
    if (inside_comment) {
      if (c == '-' && js_slice(html, close_at - 3, close_at) == "<!-") {
        inside_comment = false;
        close_at -= 4;
      } else {
        close_at -= 1;
      }
    } else if (c == '>' && js_slice(html, close_at - 2, close_at) == "--") {
      inside_comment = true;
      close_at -= 3;
    } else if (c == '>') {
      break;
    } else {
      close_at -= 1;
    }
  }
  r.close_at = close_at;
  return r;
}

namespace {

void append_attrs(std::string& out, std::span<const root_attr> attrs) {
  bool first = true;
  for (const auto& a : attrs) {
    if (!first) out += ' ';
    first = false;
    out += a.name;
    if (!a.bare) {
      out += "=\"";
      out += a.value;
      out += '"';
    }
  }
}

}  // namespace

std::pair<std::size_t, std::size_t> edit_root(std::string& out, std::size_t start,
                                              const root_parts& parts,
                                              std::span<const root_attr> attrs, bool clear,
                                              std::string& scratch) {
  const std::string_view html(out.data() + start, out.size() - start);
  const std::size_t first = start + parts.before_len;
  if (!clear && parts.close_at >= 0 &&
      static_cast<std::size_t>(parts.close_at) + 1 >= parts.tag_name_end) {
    // Only attributes are inserted after the tag name; the rest stays where it is.
    std::size_t inserted = 0;
    if (!attrs.empty()) {
      scratch.assign(1, ' ');
      append_attrs(scratch, attrs);
      out.insert(start + parts.tag_name_end, scratch);
      inserted = scratch.size();
    }
    return {first, start + static_cast<std::size_t>(parts.close_at) + 1 + inserted};
  }
  std::string el = rebuild_root(html, parts, attrs, clear);
  std::string after(root_after(html, parts));
  out.resize(first);
  out += el;
  out += after;
  return {first, first + el.size()};
}

std::string rebuild_root(std::string_view html, const root_parts& parts,
                         std::span<const root_attr> attrs, bool clear) {
  std::string attr_str;
  append_attrs(attr_str, attrs);
  std::string out;
  out.reserve(html.size() + attr_str.size() + 8);
  out += '<';
  out += parts.tag;
  if (clear) {
    if (parts.id && !parts.id->empty()) {
      out += " id=\"";
      out += *parts.id;
      out += '"';
    }
    if (!attr_str.empty()) {
      out += ' ';
      out += attr_str;
    }
    if (is_void_tag(parts.tag)) {
      out += "/>";
    } else {
      out += "></";
      out += parts.tag;
      out += '>';
    }
    return out;
  }
  if (!attr_str.empty()) {
    out += ' ';
    out += attr_str;
  }
  out += js_slice(html, static_cast<long>(parts.tag_name_end), parts.close_at + 1);
  return out;
}

std::string_view root_before(std::string_view html, const root_parts& parts) noexcept {
  return html.substr(0, parts.before_len);
}

std::string_view root_after(std::string_view html, const root_parts& parts) noexcept {
  return js_slice(html, parts.close_at + 1, static_cast<long>(html.size()));
}

bool is_void_tag(std::string_view tag) noexcept {
  static constexpr std::string_view tags[] = {"area",  "base",   "br",   "col",  "command",
                                              "embed", "hr",     "img",  "input", "keygen",
                                              "link",  "meta",   "param", "source", "track",
                                              "wbr"};
  return std::find(std::begin(tags), std::end(tags), tag) != std::end(tags);
}

}  // namespace lvh::protocol::detail
