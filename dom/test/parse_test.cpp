#include <lvh/dom/detail/fragment.hpp>
#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace {

using lvh::dom::node;
using lvh::dom::node_type;
using lvh::dom::ns;
using lvh::dom::parse_fragment;
using lvh::dom::serialize_children;

std::string inner(std::string_view html, std::string_view context = "template") {
  return serialize_children(*parse_fragment(html, context));
}

std::size_t max_depth(const node& root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const node*, std::size_t>> stack{{&root, 0}};
  while (!stack.empty()) {
    auto [n, d] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, d);
    for (const auto& c : n->children()) stack.emplace_back(c.get(), d + 1);
  }
  return deepest;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST(parse, fragment_result_is_a_fragment_of_top_level_nodes) {
  auto f = parse_fragment("<div id=\"a\">x</div>\n  <span>y</span>");
  EXPECT_EQ(f->type(), node_type::fragment);
  ASSERT_EQ(f->child_count(), 3u);
  EXPECT_EQ(f->child(0).tag(), "div");
  EXPECT_EQ(f->child(1).data(), "\n  ");  // whitespace text is kept as its own node
  EXPECT_EQ(f->child(2).tag(), "span");
  EXPECT_EQ(f->child(0).parent(), f.get());
  ASSERT_NE(f->child(0).get_attribute("id"), nullptr);
  EXPECT_EQ(*f->child(0).get_attribute("id"), "a");
}

TEST(parse, an_attribute_after_a_valueless_duplicate_keeps_its_name) {
  // jsdom: the duplicate is dropped, the attributes after it are as written. (The Gumbo path
  // itself: parse_fragment would take these through its fast path.)
  auto gumbo = [](std::string_view html) {
    return serialize_children(*lvh::dom::detail::parse_fragment_gumbo(html, "template", ns::html, {}));
  };
  EXPECT_EQ(gumbo("<div a=1 b a c>"), "<div a=\"1\" b=\"\" c=\"\"></div>");
  EXPECT_EQ(gumbo("<p x y x\tZed=2>t</p>"), "<p x=\"\" y=\"\" zed=\"2\">t</p>");
  EXPECT_EQ(gumbo("<div x=1 d y=\"first\" d y=\"second\" z>t</div>"),
            "<div x=\"1\" d=\"\" y=\"first\" z=\"\">t</div>");
  EXPECT_EQ(inner("<div a=1 b a c>"), gumbo("<div a=1 b a c>"));
}

TEST(parse, implied_end_tags_and_tbody) {
  EXPECT_EQ(inner("<p>a<p>b"), "<p>a</p><p>b</p>");
  EXPECT_EQ(inner("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
  EXPECT_EQ(inner("<table><tr><td>x</table>"), "<table><tbody><tr><td>x</td></tr></tbody></table>");
  EXPECT_EQ(inner("<div><span>x</div>y"), "<div><span>x</span></div>y");
}

// Template contents keep table parts and options at the top level; a div does not.
TEST(parse, template_context_keeps_table_parts_and_options) {
  EXPECT_EQ(inner("<tr><td>x</td></tr>"), "<tr><td>x</td></tr>");
  EXPECT_EQ(inner("<td>x</td>"), "<td>x</td>");
  EXPECT_EQ(inner("<th>x</th><th>y</th>"), "<th>x</th><th>y</th>");
  EXPECT_EQ(inner("<option>a</option><option>b</option>"), "<option>a</option><option>b</option>");
  EXPECT_EQ(inner("<tbody><tr><td>x</td></tr></tbody>"), "<tbody><tr><td>x</td></tr></tbody>");
  EXPECT_EQ(inner("<col><col>"), "<col><col>");

  EXPECT_EQ(inner("<tr><td>x</td></tr>", "div"), "x");
  EXPECT_EQ(inner("<td>x</td>", "div"), "x");
  EXPECT_EQ(inner("<option>a</option>", "div"), "<option>a</option>");
}

TEST(parse, other_contexts) {
  EXPECT_EQ(inner("<td>a</td><td>b</td>", "tr"), "<td>a</td><td>b</td>");
  EXPECT_EQ(inner("<tr><td>x</td></tr>", "table"), "<tbody><tr><td>x</td></tr></tbody>");
  EXPECT_EQ(inner("<tr><td>x</td></tr>", "tbody"), "<tr><td>x</td></tr>");
  EXPECT_EQ(inner("<option>a<option>b<div>c</div>", "select"), "<option>a</option><option>bc</option>");
  EXPECT_EQ(inner("<tr><td>x</td></tr>", "my-element"), "x");  // unknown contexts act like div
  EXPECT_EQ(inner("<tr><td>x</td></tr>", "TEMPLATE"), "<tr><td>x</td></tr>");
  // Raw-text contexts: the whole input is one text node.
  auto style = parse_fragment("<b>x</b>", "style");
  ASSERT_EQ(style->child_count(), 1u);
  EXPECT_EQ(style->child(0).data(), "<b>x</b>");
  EXPECT_EQ(lvh::dom::normalize_fragment("<b>x</b>&amp;", "style"), "<b>x</b>&amp;");
  EXPECT_EQ(lvh::dom::normalize_fragment("<b>x</b>&amp;", "textarea"), "&lt;b&gt;x&lt;/b&gt;&amp;");
}

TEST(parse, svg_context) {
  auto f = parse_fragment("<path d=\"M0\"/><clippath/><foreignobject><p>x</p></foreignobject>", "svg", ns::svg);
  ASSERT_EQ(f->child_count(), 3u);
  EXPECT_EQ(f->child(0).element_namespace(), ns::svg);
  EXPECT_EQ(f->child(1).tag(), "clipPath");
  EXPECT_EQ(f->child(2).tag(), "foreignObject");
  EXPECT_EQ(f->child(2).child(0).element_namespace(), ns::html);
}

TEST(parse, character_references_are_decoded) {
  auto f = parse_fragment("<a title=\"&lt;&amp;&quot;&#39;\">&amp; &lt;b&gt; &nbsp;&copy;&#x41;</a>");
  const node& a = f->child(0);
  EXPECT_EQ(*a.get_attribute("title"), "<&\"'");
  EXPECT_EQ(a.child(0).data(), "& <b> \u00A0\u00A9A");
  EXPECT_EQ(serialize_children(*f), "<a title=\"<&amp;&quot;'\">&amp; &lt;b&gt; &nbsp;©A</a>");
}

TEST(parse, foreign_content_names) {
  auto f = parse_fragment(
      "<svg VIEWBOX=\"0 0 1 1\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><foreignobject/>"
      "<LinearGradient gradientunits=\"u\"/><use xlink:href=\"#a\" xml:lang=\"en\"/></svg>"
      "<math definitionurl=\"d\"><mi>x</mi></math>");
  const node& svg = f->child(0);
  EXPECT_EQ(svg.element_namespace(), ns::svg);
  EXPECT_EQ(svg.attributes()[0].name, "viewBox");
  EXPECT_EQ(svg.attributes()[1].name, "xmlns:xlink");
  EXPECT_EQ(svg.child(0).tag(), "foreignObject");
  EXPECT_EQ(svg.child(1).tag(), "linearGradient");
  EXPECT_EQ(svg.child(1).attributes()[0].name, "gradientUnits");
  EXPECT_EQ(svg.child(2).attributes()[0].name, "xlink:href");
  EXPECT_EQ(svg.child(2).attributes()[1].name, "xml:lang");
  const node& math = f->child(1);
  EXPECT_EQ(math.element_namespace(), ns::mathml);
  EXPECT_EQ(math.attributes()[0].name, "definitionURL");
  EXPECT_EQ(math.child(0).element_namespace(), ns::mathml);
}

// The standard (and jsdom) leave foreign content at <p>; Gumbo's fragment mode does not,
// which parse_fragment corrects.
TEST(parse, html_start_tag_leaves_foreign_content) {
  auto f = parse_fragment("<svg><g><p>x</p></g></svg>");
  ASSERT_EQ(f->child_count(), 2u);
  EXPECT_EQ(serialize_children(*f), "<svg><g></g></svg><p>x</p>");
  EXPECT_EQ(f->child(1).element_namespace(), ns::html);
  EXPECT_EQ(inner("<svg></p>x", "div"), "<svg></svg><p></p>x");
}

TEST(parse, template_elements_hold_their_content_as_children) {
  auto f = parse_fragment("<template id=\"t\"><tr><td>x</td></tr></template>", "div");
  const node& t = f->child(0);
  EXPECT_EQ(t.tag(), "template");
  ASSERT_EQ(t.child_count(), 1u);
  EXPECT_EQ(t.child(0).tag(), "tr");
  EXPECT_EQ(serialize_children(*f), "<template id=\"t\"><tr><td>x</td></tr></template>");
}

// Gumbo 0.10.1 moves text that precedes </form> out of the form.
TEST(parse, text_before_form_end_tag_stays_in_the_form) {
  auto f = parse_fragment("<form>\n  <input name=\"a\">\n</form>\n<p>x</p>");
  const node& form = f->child(0);
  ASSERT_EQ(form.child_count(), 3u);
  EXPECT_EQ(form.child(2).data(), "\n");
  EXPECT_EQ(f->child(1).data(), "\n");
  EXPECT_EQ(inner("<form>a&amp;b\r\n</form>c"), "<form>a&amp;b\n</form>c");
}

// jsdom parses template contents with scripting enabled: noscript holds raw text.
TEST(parse, noscript_in_template_content_is_raw_text) {
  auto f = parse_fragment("<noscript><p>a</p></noscript>b");
  const node& ns_el = f->child(0);
  EXPECT_EQ(ns_el.tag(), "noscript");
  ASSERT_EQ(ns_el.child_count(), 1u);
  EXPECT_EQ(ns_el.child(0).data(), "<p>a</p>");
  EXPECT_EQ(serialize_children(*f), "<noscript>&lt;p&gt;a&lt;/p&gt;</noscript>b");
  EXPECT_EQ(inner("<noscript><p>a</p></noscript>b", "div"), "<noscript><p>a</p></noscript>b");
  EXPECT_EQ(inner("<noembed><b>x</b></noembed>"), "<noembed><b>x</b></noembed>");
}

TEST(parse, adjacent_text_is_merged) {
  // Foster parenting and ignored tags can leave Gumbo with adjacent text nodes.
  auto f = parse_fragment("a<table>x</table>", "div");
  ASSERT_EQ(f->child_count(), 2u);
  EXPECT_EQ(f->child(0).data(), "ax");
  auto g = parse_fragment("a</span>b");
  ASSERT_EQ(g->child_count(), 1u);
  EXPECT_EQ(g->child(0).data(), "ab");
}

TEST(parse, control_characters_survive) {
  EXPECT_EQ(inner("a\x01" "b\x7F" "c\xC2\x80" "d"), "a\x01" "b\x7F" "c\xC2\x80" "d");
  EXPECT_EQ(inner("<i title=\"\x0B\">\xEF\xBF\xBF</i>"), "<i title=\"\x0B\">\xEF\xBF\xBF</i>");
}

TEST(parse, nul_is_dropped_in_text_and_replaced_elsewhere) {
  EXPECT_EQ(inner(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(inner(std::string("<textarea>a\0b</textarea>", 24)), "<textarea>a\xEF\xBF\xBD" "b</textarea>");
  EXPECT_EQ(inner(std::string("<svg>a\0b</svg>", 14)), "<svg>a\xEF\xBF\xBD" "b</svg>");
}

TEST(parse, invalid_utf8_becomes_replacement_characters) {
  const std::string input = "\xFF<p class=\"\xC3\">\xE2\x82 x</p><\xF0\x9F>";
  const std::string out = inner(input);
  EXPECT_TRUE(is_valid_utf8(out)) << out;
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(out.find("<p class=\"\xEF\xBF\xBD\">"), std::string::npos) << out;
}

TEST(parse, huge_numeric_references_decode_to_replacement_character) {
  EXPECT_EQ(inner("&#99999999999;|&#x100000041;"), "\xEF\xBF\xBD|\xEF\xBF\xBD");
  EXPECT_EQ(inner("<script>&#99999999999;</script><!--&#x100000041;-->"),
            "<script>&#99999999999;</script><!--&#x100000041;-->");
}

TEST(parse, depth_is_capped) {
  std::string html;
  for (int i = 0; i < 1000; ++i) html += "<div>";
  html += "x";
  lvh::dom::parse_limits limits;
  limits.max_depth = 10;
  auto f = parse_fragment(html, "template", ns::html, limits);
  EXPECT_EQ(max_depth(*f), 10u);
  EXPECT_EQ(f->text_content(), "x");
  // Every element is kept; the deep ones become siblings at the cap.
  const std::string out = serialize_children(*f);
  std::size_t count = 0;
  for (std::size_t p = out.find("<div>"); p != std::string::npos; p = out.find("<div>", p + 1)) ++count;
  EXPECT_EQ(count, 1000u);

  auto flat = parse_fragment("<p><b><i>x</i></b></p>", "template", ns::html, {1});
  EXPECT_EQ(max_depth(*flat), 1u);
  EXPECT_EQ(serialize_children(*flat), "<p></p><b></b><i></i>x");
}

TEST(parse, default_depth_cap_applies) {
  std::string html;
  for (int i = 0; i < 3000; ++i) html += "<span>";
  auto f = parse_fragment(html);
  EXPECT_EQ(max_depth(*f), lvh::dom::parse_limits{}.max_depth);
}

TEST(parse, document_has_implied_structure_and_doctype) {
  auto d = lvh::dom::parse_document("<!--a--><!DOCTYPE html><!--b--><title>t</title><p>x");
  EXPECT_EQ(d->type(), node_type::document);
  ASSERT_EQ(d->child_count(), 4u);
  EXPECT_EQ(d->child(0).type(), node_type::comment);
  EXPECT_EQ(d->child(1).type(), node_type::doctype);
  EXPECT_EQ(d->child(1).data(), "html");
  EXPECT_EQ(d->child(2).type(), node_type::comment);
  EXPECT_EQ(lvh::dom::serialize(*d),
            "<!--a--><!DOCTYPE html><!--b--><html><head><title>t</title></head><body><p>x</p></body></html>");
  auto bare = lvh::dom::parse_document("x");
  EXPECT_EQ(lvh::dom::serialize(*bare), "<html><head></head><body>x</body></html>");
}

TEST(parse, normalize_fragment_parses_and_serializes) {
  EXPECT_EQ(lvh::dom::normalize_fragment("<DIV CLASS=a>x<br/>y"), "<div class=\"a\">x<br>y</div>");
  EXPECT_EQ(lvh::dom::normalize_fragment("<tr><td>x", "template"), "<tr><td>x</td></tr>");
  EXPECT_EQ(lvh::dom::normalize_fragment("<tr><td>x"), "x");
}

TEST(parse, large_input) {
  std::string item = "<li class=\"item\" data-id=\"42\">Item &amp; more</li>\n";
  std::string html = "<ul>";
  for (int i = 0; i < 20000; ++i) html += item;
  html += "</ul>";
  auto f = parse_fragment(html);
  ASSERT_EQ(f->child_count(), 1u);
  EXPECT_EQ(f->child(0).child_count(), 40000u);
  EXPECT_EQ(serialize_children(*f), html);
}

// Arbitrary input never crashes and always serializes to valid UTF-8. Deterministic: a
// fixed seed over a vocabulary of markup pieces and raw bytes.
TEST(parse, random_markup_never_crashes) {
  const std::vector<std::string> pieces = {
      "<div>", "</div>", "<p>", "</p>", "<table>", "<tr>", "<td>", "</table>", "<form>", "</form>",
      "<svg>", "</svg>", "<math>", "<mi>", "<foreignObject>", "<g>", "</g>", "<select>", "<option>",
      "<template>", "</template>", "<noscript>", "</noscript>", "<script>", "</script>", "<style>",
      "<textarea>", "</textarea>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#", "&#x", "999999999999",
      ";", "&notin", "<x-a>", "</x-a>", "<x-b>", "</x-b>", "<b>", "</b>", "<a href=x>", "</a>", " ",
      "\n", "\r", "text", std::string("\0", 1), "\x01", "\xFF", "\xC3", "\xEF\xBF\xBE", "\xF4\x8F\x80\x81",
      "<", ">", "/", "=", "\"", "'", "<br/>", "</br>", "<pre>", "<plaintext>", "<frameset>", "<html>",
      "<body>", "<head>", "<isindex>", "<image>", "<font color=red>", "<dialog>", "<col>", "<caption>"};
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string html;
    const int n = int(rng() % 40);
    for (int i = 0; i < n; ++i) html += pieces[rng() % pieces.size()];
    for (const char* ctx : {"template", "div", "table", "tr", "select", "svg"}) {
      auto f = parse_fragment(html, ctx, std::string_view(ctx) == "svg" ? ns::svg : ns::html);
      const std::string out = serialize_children(*f);
      ASSERT_TRUE(is_valid_utf8(out)) << "input: " << html;
    }
    auto d = lvh::dom::parse_document(html);
    ASSERT_TRUE(is_valid_utf8(lvh::dom::serialize(*d))) << "input: " << html;
  }
}

}  // namespace
