#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
