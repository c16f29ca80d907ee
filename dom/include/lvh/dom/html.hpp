// HTML5 parsing (Gumbo) and serialization (the HTML fragment serialization algorithm),
// producing and reading lvh::dom trees. Parsing never fails: like a browser, it recovers
// from any input. Output matches what browsers and jsdom give for innerHTML / outerHTML.
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
std::unique_ptr<node> parse_fragment(std::string_view html, std::string_view context = "template",
                                     ns space = ns::html, const parse_limits& = {});

/// innerHTML: the serialization of `n`'s children.
std::string serialize_children(const node& n);
void serialize_children(const node& n, std::string& out);

/// outerHTML: `n` itself and its children.
std::string serialize(const node& n);
void serialize(const node& n, std::string& out);

/// Parse `html` in `context` and serialize the result again: what a DOM holding `html`
/// would give back. Used to compare HTML by what a browser keeps, not by bytes.
std::string normalize_fragment(std::string_view html, std::string_view context = "div");

}  // namespace lvh::dom
