// parse_fragment's fast path against its Gumbo path: whatever the fast path accepts must
// build the same tree, node for node (text node boundaries included).
#include <lvh/dom/detail/fragment.hpp>
#include <lvh/dom/html.hpp>

#include "markup_gen.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using lvh::dom::node;
using lvh::dom::node_type;
using lvh::dom::test::dump;
using lvh::dom::test::markup_gen;
using lvh::dom::detail::parse_fragment_gumbo;
using lvh::dom::detail::parse_plain_fragment;

std::string gumbo(std::string_view html, std::string_view context = "template") {
  return dump(*parse_fragment_gumbo(html, context, lvh::dom::ns::html, {}));
}

TEST(plain_fragment, builds_what_gumbo_builds_for_typical_live_view_markup) {
  const char* cases[] = {
      "<div id=\"comp-1\" data-phx-component=\"1\"><span>hello: 3</span>"
      "<button phx-click=\"bump\" phx-target=\"1\">bump</button></div>",
      "\n  <h1>Title</h1>\n  <p class=\"lead\">It&#39;s <b>bold</b> &amp; <em>fine</em></p>\n",
      "<table><thead><tr><th>Name</th></tr></thead>\n<tbody id=\"rows\" phx-update=\"append\">"
      "<tr id=\"r1\"><td>a</td><td><a href=\"/x?a=1&amp;b=2\">b</a></td></tr>\n</tbody></table>",
      "<form phx-submit=\"save\" phx-change=\"validate\"><label for=\"n\">Name</label>"
      "<input id=\"n\" name=\"user[name]\" value=\"&quot;q&quot;\"/><br>"
      "<button type=\"submit\" phx-disable-with=\"Saving...\">Save</button></form>",
      "<ul><li>one</li><li><ul><li>nested</li></ul></li></ul><dl><dt>t</dt><dd>d</dd></dl>",
      "<!-- a comment --><div hidden disabled=\"\" data-x = 'single' Upper=\"Case\">caf\xC3\xA9 \xF0\x9F\x98\x80</div>",
      "text only, 1 < 2 & 3 > 2",
      "<my-widget phx-hook=\"Chart\" x-on:click.prevent=\"go\" @click=\"f\"><slot-like></slot-like></my-widget>",
      "<div><p>a</p><p>b<span>c</span></p></div><img src=\"x.png\" alt=\"\"><hr/>",
      "<div a=\"1\" a=\"2\">duplicates: the first wins</div>",
      "<div>unclosed <span>at the end",
  };
  for (const char* html : cases) {
    SCOPED_TRACE(html);
    auto plain = parse_plain_fragment(html, 512);
    ASSERT_NE(plain, nullptr) << "expected the fast path to accept this";
    EXPECT_EQ(dump(*plain), gumbo(html));
    EXPECT_EQ(dump(*plain), gumbo(html, "div"));
  }
}

TEST(plain_fragment, leaves_markup_with_rules_of_its_own_to_gumbo) {
  const char* cases[] = {
      "<p>a<div>b</div></p>",              // <div> closes the <p>
      "<table><tr><td>x</td></tr></table>",  // implied <tbody>
      "<table>text</table>",                // foster parenting
      "<ul><li>a<li>b</ul>",                // implied </li>
      "<li><div><li>x</li></div></li>",     // the li walk goes through div
      "<a href=1><a href=2>x</a></a>",      // nested anchors
      "<button><button>x</button></button>",
      "<form><form></form></form>",
      "<b><i>x</b></i>",                    // mis-nested: adoption agency
      "<div>x</span></div>",                // stray end tag
      "<h1><h2>x</h2></h1>",
      "<select><option>a</select>",
      "<textarea>\nx</textarea>",
      "<pre>\nx</pre>",
      "<svg><path/></svg>",
      "<script>if (a < b) {}</script>",
      "<div/>x",                            // self-closing syntax on a non-void element
      "<br></br>",
      "a &copy; b",                         // named references beyond the common few
      "a &amp b",                           // no semicolon
      "&#128;",                             // windows-1252 remap
      "&#0;",
      "line\r\nbreak",
      "bad \xC3 utf-8",
      "<!-- a --!>",
      "<!--->",
      "<!DOCTYPE html>",
      "<div class=a\"b>x</div>",
      "<div a=\"1\"b=\"2\">x</div>",
      "<tr><td>x</td></tr>",
      "<input value=x/>",
      "<",
  };
  for (const char* html : cases) {
    SCOPED_TRACE(html);
    EXPECT_EQ(parse_plain_fragment(html, 512), nullptr);
  }
  // The nul byte case above is cut at the nul by the const char*; check one explicitly.
  EXPECT_EQ(parse_plain_fragment(std::string_view("a\0b", 3), 512), nullptr);
}

TEST(plain_fragment, gives_up_where_the_gumbo_path_caps_the_depth) {
  std::string deep;
  for (int i = 0; i < 10; ++i) deep += "<div>";
  EXPECT_NE(parse_plain_fragment(deep, 64), nullptr);
  EXPECT_EQ(parse_plain_fragment(deep, 8), nullptr);
  const lvh::dom::parse_limits shallow{8};
  EXPECT_EQ(dump(*lvh::dom::parse_fragment(deep, "template", lvh::dom::ns::html, shallow)),
            dump(*parse_fragment_gumbo(deep, "template", lvh::dom::ns::html, shallow)));
}

TEST(plain_fragment, nests_past_its_in_place_stack_as_gumbo_does) {
  // Deeper than the open elements the builder keeps in place: the rest spill and come back.
  std::string deep;
  for (int i = 0; i < 60; ++i) deep += "<div id=\"d" + std::to_string(i) + "\"><span>" + std::to_string(i) + "</span>";
  deep += "<p>end</p>";
  for (int i = 0; i < 60; ++i) deep += "</div><b>after</b>";
  auto plain = parse_plain_fragment(deep, 512);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(dump(*plain), gumbo(deep));
  // A <p> deep inside is closed by a block start tag only through the whole stack: Gumbo's.
  EXPECT_EQ(parse_plain_fragment("<p>" + deep, 512), nullptr);
}

RC_GTEST_PROP(plain_fragment, accepted_markup_builds_as_gumbo_builds_it, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const std::string html = markup_gen(seed).make();
  RC_LOG() << html;
  auto plain = parse_plain_fragment(html, 512);
  RC_CLASSIFY(plain != nullptr, "accepted");
  if (plain) {
    RC_ASSERT(dump(*plain) == gumbo(html));
    RC_ASSERT(dump(*plain) == gumbo(html, "div"));
  }
}

// The generator must exercise both sides: enough accepted markup for the property to mean
// something, enough refused to cover the checks.
TEST(plain_fragment, random_markup_covers_both_paths) {
  int accepted = 0;
  constexpr int n = 2000;
  for (int i = 0; i < n; ++i) {
    const std::string html = markup_gen(std::uint32_t(i)).make();
    auto plain = parse_plain_fragment(html, 512);
    if (!plain) continue;
    ++accepted;
    ASSERT_EQ(dump(*plain), gumbo(html)) << html;
  }
  EXPECT_GT(accepted, n / 10);
  EXPECT_LT(accepted, n * 9 / 10);
}

}  // namespace
