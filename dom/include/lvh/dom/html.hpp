// HTML5 parsing (Gumbo) and serialization (the HTML fragment serialization algorithm),
// producing and reading lvh::dom trees. Parsing never fails: like a browser, it recovers
// from any input (invalid UTF-8 becomes U+FFFD). The trees and their serialization match
// jsdom 26.1.0, the oracle the official LiveView client is tested in, byte for byte. The
// few inputs where they do not are listed with reasons in dom/test/golden_test.cpp:
// parsing rules newer than Gumbo 0.10.1 (<hr> in <select>, <dialog>/<search> closing <p>,
// <menuitem>, <isindex>) and some mis-nested markup around <main> and <form>. Where jsdom
// departs from the standard we mostly follow jsdom: foster-parented table text goes after
// the table, and template contents are parsed with scripting on (<noscript> holds raw
// text there).
//
// Cost: linear in the input for ordinary markup; Gumbo's tree builder is quadratic in
// nesting depth (20 000 nested elements take about a second).
#pragma once

#include <lvh/dom/node.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace lvh::dom {

struct parse_limits {
  /// Elements nested deeper than this are attached at this depth instead (browsers cap
  /// nesting similarly); keeps every later walk of the tree bounded.
  std::size_t max_depth = 512;
};

/// Parses a whole document (with implied html/head/body).
std::unique_ptr<node> parse_document(std::string_view html, const parse_limits& = {});

/// Parses `html` as the children of an element named `context` in namespace `space`, as
/// `element.innerHTML = html` does. Returns a fragment node holding the result.
/// With context "template" the rules for template contents apply (so `<tr>`, `<td>`,
/// `<option>` stand on their own), which is what `template.innerHTML = html` gives.
/// `context` is matched ASCII case-insensitively; names Gumbo does not know parse as an
/// ordinary element would (like "div", or "svg"/"math" in those namespaces).
std::unique_ptr<node> parse_fragment(std::string_view html, std::string_view context = "template",
                                     ns space = ns::html, const parse_limits& = {});

/// innerHTML: the serialization of `n`'s children.
std::string serialize_children(const node& n);
void serialize_children(const node& n, std::string& out);

/// outerHTML: `n` itself and its children.
std::string serialize(const node& n);
void serialize(const node& n, std::string& out);

/// outerHTML of an empty copy of element `el` with attribute `name` set to `value`, as
/// copying the element without children and calling setAttribute on the copy would give
/// (an existing attribute keeps its place). Nothing is written for a non-element.
void serialize_shell(const node& el, std::string_view name, std::string_view value,
                     std::string& out);

/// Parse `html` in `context` and serialize the result again as that element's innerHTML:
/// what a DOM holding `html` would give back. Used to compare HTML by what a browser
/// keeps, not by bytes.
std::string normalize_fragment(std::string_view html, std::string_view context = "div");

}  // namespace lvh::dom
