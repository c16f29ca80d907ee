// Private: the 1.x clients' text surgery on a root element's HTML, and the JavaScript
// notions of whitespace it depends on.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lvh::protocol::detail {

/// JavaScript's \s (and String.prototype.trim's) whitespace, for one code point.
bool js_is_space(char32_t c) noexcept;

/// Decodes one UTF-8 code point at `i` (advancing `i`); malformed bytes decode as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept;

/// What `s.trim() !== ""` says in JavaScript.
bool js_has_non_space(std::string_view s) noexcept;

/// An attribute added to a root element's start tag: `name="value"`, or a bare `name`.
/// The views must outlive the call they are passed to.
struct root_attr {
  std::string_view name;
  std::string_view value;
  bool bare = false;
};

/// The pieces of a root element's HTML as the client splits it: leading whitespace and
/// comments, the element, trailing text after its last `>`.
struct root_parts {
  std::size_t before_len = 0;  // html[0, before_len) is kept in front of the element
  std::string tag;
  std::size_t tag_name_end = 0;  // just past "<tag"
  std::size_t start_tag_gt = std::string::npos;  // where the id scan stopped ('>' or end)
  long close_at = 0;  // index of the element's final '>' (may be negative, as in the client)
  std::optional<std::string> id;
};

/// The text the client keeps before / after the element (leading whitespace and comments;
/// whatever follows the element's last '>').
std::string_view root_before(std::string_view html, const root_parts& parts) noexcept;
std::string_view root_after(std::string_view html, const root_parts& parts) noexcept;

/// Locates the parts, or nullopt when the HTML does not start (after whitespace and
/// single-line comments) with `<tag`, where the client throws "malformed html".
std::optional<root_parts> find_root(std::string_view html);

/// Rebuilds the element with `attrs` inserted right after the tag name; with `clear`, the
/// element is emptied (keeping only its id) — the client's placeholder for a skipped root.
std::string rebuild_root(std::string_view html, const root_parts& parts,
                         std::span<const root_attr> attrs, bool clear);

/// The same edit in place: `out` holds the root's markup from `start` on (leading text,
/// the element, trailing text), and is rewritten to what before + rebuild_root + after gives.
/// Returns where the element now is in `out` ([first, second)).
std::pair<std::size_t, std::size_t> edit_root(std::string& out, std::size_t start,
                                              const root_parts& parts,
                                              std::span<const root_attr> attrs, bool clear,
                                              std::string& scratch);

/// Whether `tag` is one the 1.x client closes with `/>` when it empties an element.
bool is_void_tag(std::string_view tag) noexcept;

}  // namespace lvh::protocol::detail
