// The two ways parse_fragment builds a tree, exposed for the tests that hold them equal.
#pragma once

#include <lvh/dom/html.hpp>

#include <cstddef>
#include <memory>
#include <string_view>

namespace lvh::dom::detail {

/// parse_fragment's fast path, for the body-like contexts ("template", "div"): builds the
/// tree of plain, well-nested markup directly, or returns nullptr for anything the HTML
/// tree builder would treat specially (implied or stray end tags, mis-nesting, tables
/// without their sections, raw-text and form-associated special cases, foreign content,
/// character references beyond the common ones, control characters, invalid UTF-8).
/// Whatever it accepts, it builds exactly as the Gumbo path does.
std::unique_ptr<node> parse_plain_fragment(std::string_view html, std::size_t max_depth);

/// parse_fragment without the fast path.
std::unique_ptr<node> parse_fragment_gumbo(std::string_view html, std::string_view context, ns space,
                                           const parse_limits& limits);

}  // namespace lvh::dom::detail
