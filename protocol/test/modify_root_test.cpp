// The 1.x clients' root-element text edit, checked against the official client: every
// expectation below is what phoenix_live_view 1.0.19's own modifyRoot returned for the input
// (element, text kept before it, text kept after it), or nullopt where it throws
// "malformed html".
#include "../src/modify_root.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace lvh::protocol::detail {
namespace {

struct expected {
  std::string element, before, after;
};

struct modify_case {
  std::string html;
  std::vector<root_attr> attrs;
  bool clear;
  std::optional<expected> want;
};

std::optional<expected> modify(const std::string& html, const std::vector<root_attr>& attrs,
                               bool clear) {
  auto parts = find_root(html);
  if (!parts) return std::nullopt;
  return expected{rebuild_root(html, *parts, attrs, clear), std::string(root_before(html, *parts)),
                  std::string(root_after(html, *parts))};
}

const std::vector<modify_case>& cases() {
  static const std::vector<modify_case> all{
    {"<div class=\"x\">a</div>\n", {{"data-phx-id", "m1-A", false}}, false, expected{"<div data-phx-id=\"m1-A\" class=\"x\">a</div>", "", "\n"}},
    {"<div id=\"x\" class=\"y\">abc</div>", {{"data-phx-id", "c3-phx-A", false}, {"data-phx-component", "3", false}, {"data-phx-skip", "", true}}, true, expected{"<div id=\"x\" data-phx-id=\"c3-phx-A\" data-phx-component=\"3\" data-phx-skip></div>", "", ""}},
    {"<input id='i' name=\"a\">", {{"data-phx-id", "m2-A", false}, {"data-phx-skip", "", true}}, true, expected{"<input id=\"i\" data-phx-id=\"m2-A\" data-phx-skip/>", "", ""}},
    {"\n  <!-- c --> <span>x</span> <!-- t -->\n", {{"data-phx-id", "m1-A", false}}, false, expected{"<span data-phx-id=\"m1-A\">x</span>", "\n  <!-- c --> ", " <!-- t -->\n"}},
    {"<!--\nx-->\n<p>y</p>", {{"data-phx-id", "m1-A", false}}, false, expected{"<!-- data-phx-id=\"m1-A\"\nx-->\n<p>y</p>", "", ""}},
    {"<!--a--><!--b-->x<p>q</p>", {{"a", "1", false}}, false, expected{"<!--b-- a=\"1\">x<p>q</p>", "<!--a-->", ""}},
    {"<!--a-->b--> <div>z</div>", {{"a", "1", false}}, false, expected{"<div a=\"1\">z</div>", "<!--a-->b--> ", ""}},
    {"<div data-id=\"1\" aid=\"2\" id=\"real\">t</div>", {{"data-phx-skip", "", true}}, true, expected{"<div id=\"real\" data-phx-skip></div>", "", ""}},
    {"<div a=>b</div>", {{"k", "v", false}}, false, expected{"<div k=\"v\" a=>b</div>", "", ""}},
    {"<p>x</p><!-- tail -->\n", {{"k", "v", false}}, false, expected{"<p k=\"v\">x</p>", "", "<!-- tail -->\n"}},
    {"<p>x</p><!-- a --><!-- b -->", {}, false, expected{"<p>x</p>", "", "<!-- a --><!-- b -->"}},
    {"<br/>", {{"k", "v", false}}, true, expected{"<br k=\"v\"/>", "", ""}},
    {"<div\nid=\"nl\">x</div>", {{"k", "v", false}}, true, expected{"<div k=\"v\"></div>", "", ""}},
    {"<div id=\"\">x</div>", {{"k", "v", false}}, true, expected{"<div k=\"v\"></div>", "", ""}},
    {"<div title='a>b' id=\"q\">x</div>", {{"k", "v", false}}, true, expected{"<div id=\"q\" k=\"v\"></div>", "", ""}},
    {"<x-y:z>w</x-y:z>", {}, false, expected{"<x-y:z>w</x-y:z>", "", ""}},
    {"\u00a0<p>nbsp</p>", {{"k", "v", false}}, false, expected{"<p k=\"v\">nbsp</p>", "\u00a0", ""}},
    {"<p>a</p>-->", {{"k", "v", false}}, false, expected{"<p k=\"v\"", "", "p>a</p>-->"}},
    {"text only", {}, false, std::nullopt},
    {"", {}, false, std::nullopt},
    {"  ", {}, false, std::nullopt},
    {"< div>", {}, false, std::nullopt},
    {"<>x", {}, false, std::nullopt},
    {"<!-- only -->", {}, false, expected{"<!--", "", "<!-- only -->"}},

  };
  return all;
}

TEST(modify_root, matches_the_official_client_on_every_case) {
  for (const auto& c : cases()) {
    SCOPED_TRACE("html: " + c.html);
    auto got = modify(c.html, c.attrs, c.clear);
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (!got) continue;
    EXPECT_EQ(got->element, c.want->element);
    EXPECT_EQ(got->before, c.want->before);
    EXPECT_EQ(got->after, c.want->after);
  }
}

TEST(modify_root, the_in_place_edit_gives_the_same_text) {
  for (const auto& c : cases()) {
    if (!c.want) continue;
    SCOPED_TRACE("html: " + c.html);
    std::string out = "prefix|" + c.html;
    auto parts = find_root(c.html);
    ASSERT_TRUE(parts);
    std::string scratch;
    auto [first, last] = edit_root(out, 7, *parts, c.attrs, c.clear, scratch);
    EXPECT_EQ(out, "prefix|" + c.want->before + c.want->element + c.want->after);
    EXPECT_EQ(out.substr(first, last - first), c.want->element);
  }
}

TEST(modify_root, finds_the_id_only_as_a_whole_attribute_name) {
  auto parts = find_root(R"(<div data-id="1" aid="2" id="real">t</div>)");
  ASSERT_TRUE(parts);
  ASSERT_TRUE(parts->id);
  EXPECT_EQ(*parts->id, "real");
  EXPECT_FALSE(find_root(R"(<div data-id="1">t</div>)")->id);
}

TEST(modify_root, javascript_whitespace_includes_unicode_spaces) {
  EXPECT_TRUE(js_is_space(U'\u00a0'));
  EXPECT_TRUE(js_is_space(U'\ufeff'));
  EXPECT_TRUE(js_is_space(U'\u2003'));
  EXPECT_FALSE(js_is_space(U'x'));
  EXPECT_FALSE(js_is_space(U'\u200b'));  // zero width space is not \s
  EXPECT_FALSE(js_has_non_space("\u00a0 \n\t\u3000"));
  EXPECT_TRUE(js_has_non_space(" x "));
}

TEST(modify_root, truncated_input_is_refused_or_split_consistently) {
  // Cut at every position: a tag is found exactly once the "<d" of the element is there,
  // and every result keeps the text before the tag intact and starts the element with it.
  const std::string html = R"(  <!-- c --><div id='a' title="x>y" data-x=1>body<!-- t --></div>-->)";
  const std::size_t tag_at = html.find("<div");
  for (std::size_t n = 0; n <= html.size(); ++n) {
    SCOPED_TRACE(n);
    std::string cut = html.substr(0, n);
    auto parts = find_root(cut);
    // "  <!" can already read as a tag named "!--" (the comment is unfinished).
    if (n < 4) {
      EXPECT_FALSE(parts);
      continue;
    }
    ASSERT_TRUE(parts);
    if (n > tag_at + 1 && n >= 13) {
      EXPECT_EQ(parts->tag.substr(0, 1), "d");
      EXPECT_EQ(root_before(cut, *parts), html.substr(0, tag_at));
    }
    const std::vector<root_attr> kv{{"k", "v", false}};
    auto el = rebuild_root(cut, *parts, kv, true);
    EXPECT_EQ(el.rfind("<" + parts->tag + " ", 0), 0u) << el;
  }
}

}  // namespace
}  // namespace lvh::protocol::detail
