// Property: selector::parse of arbitrary text never throws, crashes or trips a sanitizer; a
// refusal is a selector_error with a known code, a position inside the text and the text
// itself. A parsed selector runs query_all, query_first, matches and closest on a fixed
// document (HTML, SVG, a <template>, forms, nth-child material) without failing, and they
// agree: every query_all result matches, query_first is the first result, closest of a result
// is the result itself. Without :scope (whose meaning depends on the element asked, so the
// text holds no "scope" and no escape that could spell it), matching does not depend on where
// a search starts: query_all from the document, <body> or an element inside template content
// gives exactly the elements under it (not entering templates) that match, in tree order,
// and closest(e) is the nearest ancestor-or-self of e that matches.
//
// Input: the selector text as is.
#include "fuzz_check.hpp"

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>
#include <lvh/dom/select.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace lvh::dom;

constexpr std::string_view document_html = R"(<!DOCTYPE html>
<html lang="en"><head><title>Fuzz</title><meta charset="utf-8"></head>
<body class="Page main">
<div id="phx-F1" data-phx-main data-phx-session="S" data-phx-static="T" class="phx-connected">
  <header id="top"><h1 class="title big">Count: <span id="count">3</span></h1></header>
  <!-- a comment -->
  <ul id="items" phx-update="append">
    <li id="item-1" class="item odd" data-id="1">one</li>
    <li id="item-2" class="item even" data-id="2">two</li>
    <li id="item-3" class="item odd" data-id="3" lang="en-US">three</li>
    <li></li>
  </ul>
  <form id="f" phx-change="validate" phx-submit="save" method="POST">
    <input type="TEXT" name="user[name]" value="a b" disabled>
    <input type="checkbox" name="c" checked>
    <select name="s" multiple><option value="1" selected>1</option><option>2</option></select>
    <textarea name="t">x</textarea>
    <fieldset disabled><input name="in-fieldset"></fieldset>
    <button type="submit" phx-disable-with="Saving...">Save</button>
  </form>
  <p id="empty"></p><p id="ws"> </p>
  <div data-phx-component="1" id="c1"><a href="/x?y=1#z" phx-click="go" phx-value-k="v">go</a></div>
  <svg viewBox="0 0 10 10" id="icon"><linearGradient id="g"/><circle cx="5" r="4" class="dot"/></svg>
  <math><mi>x</mi></math>
  <table><tbody><tr><td>1</td><td colspan="2">2</td></tr></tbody></table>
  <template id="tpl"><div class="in-template"><span id="deep">t</span><b>b</b></div></template>
  <div id="escaped" class="a\:b 1x" title="quote &quot; and ' here"></div>
</div>
</body></html>)";

struct fixture {
  std::unique_ptr<node> doc = parse_document(document_html);
  const node* body = nullptr;
  const node* in_template = nullptr;  // the <div> in the template's content
  std::vector<const node*> elements;  // every element outside template content, tree order
  std::vector<const node*> template_elements;  // the template content's elements

  fixture() {
    collect(*doc, elements, false);
    for (const node* e : elements) {
      if (e->tag() == "body") body = e;
      if (e->tag() == "template") {
        for (const auto& c : e->children())
          if (c->is_element()) {
            if (!in_template) in_template = c.get();
            template_elements.push_back(c.get());
            collect(*c, template_elements, false);
          }
      }
    }
    LVH_FUZZ_CHECK(body && in_template && elements.size() >= 40);
  }

  // Descendants of n that are elements, pre-order, not entering templates.
  static void collect(const node& n, std::vector<const node*>& out, bool into_templates) {
    for (const auto& c : n.children()) {
      if (!c->is_element()) continue;
      out.push_back(c.get());
      const bool is_template = c->element_namespace() == ns::html && c->tag() == "template";
      if (!is_template || into_templates) collect(*c, out, into_templates);
    }
  }
};

const fixture& fx() {
  static const fixture f;
  return f;
}

bool may_use_scope(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("scope") != std::string::npos || lower.find('\\') != std::string::npos;
}

void check_query(const node& root, const selector& sel, bool scope_free) {
  const std::vector<node*> found = query_all(root, sel);
  for (const node* e : found) {
    LVH_FUZZ_CHECK(e && e->is_element());
    if (scope_free) {
      LVH_FUZZ_CHECK(matches(*e, sel));
      LVH_FUZZ_CHECK(closest(*e, sel) == e);
    }
  }
  const node* first = query_first(root, sel);
  LVH_FUZZ_CHECK(found.empty() ? first == nullptr : first == found.front());
  if (!scope_free) return;
  std::vector<const node*> under;
  fixture::collect(root, under, false);
  std::vector<const node*> expected;
  for (const node* e : under)
    if (matches(*e, sel)) expected.push_back(e);
  LVH_FUZZ_CHECK(std::equal(found.begin(), found.end(), expected.begin(), expected.end()));
}

void check_closest(const node& e, const selector& sel) {
  const node* c = closest(e, sel);
  const node* want = nullptr;
  for (const node* p = &e; p; p = parent_element(*p))
    if (matches(*p, sel)) {
      want = p;
      break;
    }
  LVH_FUZZ_CHECK(c == want);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const fixture& f = fx();
  const selector::result parsed = selector::parse(text);
  if (!parsed) {
    const selector_error& e = parsed.error();
    LVH_FUZZ_CHECK(e.code >= selector_errc::empty && e.code <= selector_errc::unsupported_namespace);
    LVH_FUZZ_CHECK(e.position <= text.size());
    LVH_FUZZ_CHECK(e.text == text);
    LVH_FUZZ_CHECK(!e.message().empty());
    return 0;
  }
  const selector& sel = *parsed;
  LVH_FUZZ_CHECK(sel.text() == text);
  const bool scope_free = !may_use_scope(text);

  check_query(*f.doc, sel, scope_free);
  check_query(*f.body, sel, scope_free);
  check_query(*f.in_template, sel, scope_free);
  // A template is never searched, not even as the root.
  for (const node* e : f.elements)
    if (e->tag() == "template") LVH_FUZZ_CHECK(query_all(*e, sel).empty());

  // matches and closest on every element, template content included.
  for (const auto* list : {&f.elements, &f.template_elements})
    for (const node* e : *list) {
      (void)matches(*e, sel);
      if (scope_free) check_closest(*e, sel);
      else (void)closest(*e, sel);
    }
  return 0;
}
