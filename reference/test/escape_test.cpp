// Output as Phoenix.HTML writes it: escaping, numbers (Elixir's float printing), iodata
// lists, raw, and the link helpers of Phoenix.LiveView.Helpers 0.15.7.
#include <lvh/ref/engine.hpp>

#include <gtest/gtest.h>

namespace {

using lvh::ref::value;

std::string html(const char* src, const char* assigns_json = "{}") {
  lvh::ref::component_registry reg;
  lvh::ref::view_renderer r(reg, "v");
  lvh::ref::render_context ctx;
  lvh::ref::assigns a(value::parse(assigns_json));
  return r.render_static(lvh::ref::template_::compile(src), a, ctx);
}

TEST(escape, the_five_characters_phoenix_html_escapes) {
  EXPECT_EQ(lvh::ref::escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html("<%= @s %>", R"({"s":"<script>"})"), "&lt;script&gt;");
}

TEST(escape, raw_is_the_only_way_out) {
  EXPECT_EQ(html("<%= raw(@s) %>", R"({"s":"<b>x</b>"})"), "<b>x</b>");
  EXPECT_EQ(html("<%= raw @s %>", R"({"s":"<i>"})"), "<i>");
  EXPECT_EQ(html("<%= @s %>", R"({"s":{"__lvh_raw__":"<u>"}})"), "<u>");
}

TEST(escape, nil_booleans_and_integers) {
  EXPECT_EQ(html("[<%= nil %>][<%= true %>][<%= false %>][<%= -42 %>][<%= 1_000 %>]"),
            "[][true][false][-42][1000]");
}

TEST(escape, floats_print_as_elixir_to_string) {
  using lvh::ref::format_float;
  EXPECT_EQ(format_float(1.0), "1.0");
  EXPECT_EQ(format_float(0.1), "0.1");
  EXPECT_EQ(format_float(1.5), "1.5");
  EXPECT_EQ(format_float(100.0), "100.0");
  EXPECT_EQ(format_float(1000.0), "1.0e3");
  EXPECT_EQ(format_float(1234.5), "1234.5");
  EXPECT_EQ(format_float(123456.0), "123456.0");
  EXPECT_EQ(format_float(0.001), "0.001");
  EXPECT_EQ(format_float(0.0001), "0.0001");
  EXPECT_EQ(format_float(0.00001), "1.0e-5");
  EXPECT_EQ(format_float(1.0e20), "1.0e20");
  EXPECT_EQ(format_float(-2.5), "-2.5");
  EXPECT_EQ(format_float(0.0), "0.0");
  EXPECT_EQ(format_float(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(html("<%= 2.5 * 2 %>"), "5.0");
}

TEST(escape, lists_are_iodata) {
  EXPECT_EQ(html("<%= [\"a<\", [\"b\"], 104, 105] %>"), "a&lt;bhi");
  EXPECT_THROW(html("<%= [nil] %>"), lvh::ref::render_error);
  EXPECT_THROW(html("<%= @m %>", R"({"m":{"a":1}})"), lvh::ref::render_error);
}

TEST(escape, live_patch_and_live_redirect_as_phoenix_0_15_renders_them) {
  EXPECT_EQ(html("<%= live_patch \"text\", to: \"/p\" %>"),
            "<a data-phx-link=\"patch\" data-phx-link-state=\"push\" href=\"/p\">text</a>");
  EXPECT_EQ(html("<%= live_redirect \"a&b\", to: \"/q?x=1&y=2\", replace: true, class: \"btn\" %>"),
            "<a class=\"btn\" data-phx-link=\"redirect\" data-phx-link-state=\"replace\" "
            "href=\"/q?x=1&amp;y=2\">a&amp;b</a>");
  EXPECT_EQ(html("<%= live_patch(raw(\"<b>go</b>\"), to: @to) %>", R"({"to":"/x"})"),
            "<a data-phx-link=\"patch\" data-phx-link-state=\"push\" href=\"/x\"><b>go</b></a>");
}

}  // namespace

namespace {

// Strings in assigns and templates may hold invalid UTF-8 (they are bytes, as in Elixir);
// an error message quoting one must still be a render_error, not a JSON encoding failure.
TEST(escape, errors_quoting_invalid_utf8_are_render_errors) {
  EXPECT_THROW(html("<%= not \"\xff\" %>"), lvh::ref::render_error);
  lvh::ref::assigns a(value::object());
  a.set("m", value::object({{"k", std::string("\xfe")}}));
  lvh::ref::component_registry reg;
  lvh::ref::view_renderer r(reg, "v");
  lvh::ref::render_context ctx;
  try {
    r.render_static(lvh::ref::template_::compile("<%= @m %>"), a, ctx);
    FAIL() << "a map is not HTML";
  } catch (const lvh::ref::render_error& e) {
    EXPECT_NE(std::string(e.what()).find("\xEF\xBF\xBD"), std::string::npos) << e.what();
  }
}

}  // namespace
