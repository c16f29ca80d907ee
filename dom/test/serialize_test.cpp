#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace {

using lvh::dom::node;
using lvh::dom::ns;
using lvh::dom::serialize;
using lvh::dom::serialize_children;

std::unique_ptr<node> el(std::string tag, ns space = ns::html) { return node::make_element(std::move(tag), space); }

TEST(serialize, void_elements_have_no_end_tag) {
  for (const char* tag : {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
                          "input", "keygen", "link", "meta", "param", "source", "track", "wbr"}) {
    EXPECT_EQ(serialize(*el(tag)), std::string("<") + tag + ">");
  }
  EXPECT_EQ(serialize(*el("div")), "<div></div>");
  EXPECT_EQ(serialize(*el("menuitem")), "<menuitem></menuitem>");
  // Only in the HTML namespace.
  EXPECT_EQ(serialize(*el("br", ns::svg)), "<br></br>");
}

TEST(serialize, void_element_children_are_not_written) {
  auto br = el("br");
  br->append_child(node::make_text("x"));
  EXPECT_EQ(serialize(*br), "<br>");
  EXPECT_EQ(serialize_children(*br), "");
}

TEST(serialize, text_escapes_amp_lt_gt_nbsp) {
  auto p = el("p");
  p->append_child(node::make_text("a & b < c > d \u00A0 \" ' \u00E0"));
  EXPECT_EQ(serialize(*p), "<p>a &amp; b &lt; c &gt; d &nbsp; \" ' \u00E0</p>");
}

TEST(serialize, attribute_values_escape_amp_quot_nbsp_only) {
  auto a = el("a");
  a->set_attribute("title", "<b> & \"q\" 'x' \u00A0");
  a->set_attribute("href", "?a=1&b=2");
  a->set_attribute("hidden", "");
  EXPECT_EQ(serialize(*a), "<a title=\"<b> &amp; &quot;q&quot; 'x' &nbsp;\" href=\"?a=1&amp;b=2\" hidden=\"\"></a>");
}

TEST(serialize, raw_text_elements_are_not_escaped) {
  for (const char* tag : {"style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext"}) {
    auto e = el(tag);
    e->append_child(node::make_text("a < b && c > \u00A0"));
    EXPECT_EQ(serialize_children(*e), "a < b && c > \u00A0") << tag;
  }
  // jsdom serializes with scripting disabled: noscript content is escaped.
  auto n = el("noscript");
  n->append_child(node::make_text("<b>&"));
  EXPECT_EQ(serialize(*n), "<noscript>&lt;b&gt;&amp;</noscript>");
  // Raw only for HTML elements.
  auto s = el("style", ns::svg);
  s->append_child(node::make_text("a<b"));
  EXPECT_EQ(serialize(*s), "<style>a&lt;b</style>");
}

TEST(serialize, text_node_outer_html_uses_its_parent) {
  auto script = el("script");
  node& t = script->append_child(node::make_text("1 < 2"));
  EXPECT_EQ(serialize(t), "1 < 2");
  EXPECT_EQ(serialize(*node::make_text("1 < 2")), "1 &lt; 2");
}

TEST(serialize, comments_doctype_documents_fragments) {
  EXPECT_EQ(serialize(*node::make_comment(" a -- b ")), "<!-- a -- b -->");
  EXPECT_EQ(serialize(*node::make_doctype("html")), "<!DOCTYPE html>");
  auto frag = node::make_fragment();
  frag->append_child(node::make_text("a"));
  frag->append_child(el("br"));
  EXPECT_EQ(serialize(*frag), "a<br>");
  EXPECT_EQ(serialize_children(*frag), "a<br>");
  auto doc = node::make_document();
  doc->append_child(node::make_doctype("html"));
  doc->append_child(el("html"));
  EXPECT_EQ(serialize(*doc), "<!DOCTYPE html><html></html>");
}

TEST(serialize, template_content_is_written_inside_the_template) {
  auto t = el("template");
  t->append_child(el("tr")).append_child(el("td"));
  EXPECT_EQ(serialize(*t), "<template><tr><td></td></tr></template>");
  EXPECT_EQ(serialize_children(*t), "<tr><td></td></tr>");
}

TEST(serialize, foreign_names_as_stored) {
  auto svg = el("svg", ns::svg);
  svg->set_attribute("viewBox", "0 0 1 1");
  svg->set_attribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
  node& use = svg->append_child(el("use", ns::svg));
  use.set_attribute("xlink:href", "#a");
  svg->append_child(el("foreignObject", ns::svg));
  EXPECT_EQ(serialize(*svg),
            "<svg viewBox=\"0 0 1 1\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><use xlink:href=\"#a\"></use>"
            "<foreignObject></foreignObject></svg>");
}

TEST(serialize, appends_to_existing_output) {
  std::string out = "prefix:";
  serialize_children(*lvh::dom::parse_fragment("<i>x</i>"), out);
  serialize(*node::make_text("y"), out);
  EXPECT_EQ(out, "prefix:<i>x</i>y");
}

TEST(serialize, round_trip_of_the_liveview_pattern) {
  // What the protocol library does with a rendered component: parse as template content,
  // stamp attributes on top-level elements, drop whitespace text, read innerHTML back.
  auto frag = lvh::dom::parse_fragment("\n  <div id=\"a\">x</div>\n  <span class=\"b\">y</span>\n");
  for (std::size_t i = frag->child_count(); i-- > 0;) {
    node& c = frag->child(i);
    if (c.is_text() && c.data().find_first_not_of(" \t\n\r\f") == std::string::npos)
      frag->remove_child(i);
    else if (c.is_element())
      c.set_attribute("data-phx-component", "1");
  }
  EXPECT_EQ(serialize_children(*frag),
            "<div id=\"a\" data-phx-component=\"1\">x</div><span class=\"b\" data-phx-component=\"1\">y</span>");
}

// serialize_shell must give what copying the element without children, setting the
// attribute on the copy and serializing the copy gives.
std::string shell_by_copy(const node& e, std::string_view name, std::string_view value) {
  auto copy = node::make_element(e.tag(), e.element_namespace());
  for (const auto& a : e.attributes()) copy->set_attribute(a.name, a.value);
  copy->set_attribute(name, value);
  return serialize(*copy);
}

std::string shell(const node& e, std::string_view name, std::string_view value) {
  std::string out = "x:";
  lvh::dom::serialize_shell(e, name, value, out);
  return out.substr(2);
}

TEST(serialize, shell_is_an_empty_copy_with_one_attribute_set) {
  auto frag = lvh::dom::parse_fragment(
      "<div id=\"a\" data-phx-skip=\"old\" title=\"&quot;q&amp;\"><b>x</b>y</div>"
      "<input name=\"n\"><svg viewBox=\"0 0 1 1\"><g></g></svg><p class=\"c\">text</p>");
  for (std::size_t i = 0; i < frag->child_count(); ++i) {
    const node& e = frag->child(i);
    for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"data-phx-skip", ""},
                               {"DATA-PHX-SKIP", "a\"b&c"},
                               {"viewBox", "1"},
                               {"id", "new"}}) {
      SCOPED_TRACE(serialize(e) + " " + std::string(name));
      EXPECT_EQ(shell(e, name, value), shell_by_copy(e, name, value));
    }
  }
  // The existing attribute keeps its place; a new one comes last.
  EXPECT_EQ(shell(frag->child(0), "data-phx-skip", ""),
            "<div id=\"a\" data-phx-skip=\"\" title=\"&quot;q&amp;\"></div>");
  EXPECT_EQ(shell(frag->child(1), "data-phx-skip", ""), "<input name=\"n\" data-phx-skip=\"\">");
  // Not an element: nothing.
  EXPECT_EQ(shell(*node::make_text("t"), "a", "b"), "");
}

TEST(serialize, deep_trees_past_the_inline_stack) {
  // Deeper than write_children keeps inline: the rest of its stack is on the heap.
  std::string html;
  for (int i = 0; i < 100; ++i) html += "<div>" + std::to_string(i);
  for (int i = 0; i < 100; ++i) html += "</div>";
  auto frag = lvh::dom::parse_fragment(html, "div");
  EXPECT_EQ(serialize_children(*frag), html);
}

}  // namespace
