// HTML as tests compare it: parsed, whitespace between tags dropped, attributes sorted, one
// node per line; and a line diff of two such renderings for failure messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lvh::testkit {

/// `html` parsed as the content of a <template> (so fragments of any kind parse) and printed
/// one tag or text per line, indented by depth, attributes sorted by name, text trimmed and
/// whitespace-only text dropped. Two HTML strings a browser would show alike print alike.
std::string normalize_html(std::string_view html);

/// normalize_html(a) == normalize_html(b).
bool html_equal(std::string_view a, std::string_view b);

/// A unified-style line diff ("-" expected, "+" actual, " " both) of the normalized forms,
/// with `context` unchanged lines around each change; empty when equal.
std::string html_diff(std::string_view expected, std::string_view actual, std::size_t context = 3);

/// The normalized HTML cut to at most `max_lines` lines, with a note of how many were cut.
std::string html_excerpt(std::string_view html, std::size_t max_lines = 40);

}  // namespace lvh::testkit
