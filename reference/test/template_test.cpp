// The template language: tags, blocks, expressions, partials, files, and compile errors with
// their position and caret.
#include <lvh/ref/engine.hpp>

#include <gtest/gtest.h>

namespace {

using lvh::ref::helpers;
using lvh::ref::template_;
using lvh::ref::template_error;
using lvh::ref::value;

std::string html(const template_& t, const char* assigns_json = "{}") {
  lvh::ref::component_registry reg;
  lvh::ref::view_renderer r(reg, "v");
  lvh::ref::render_context ctx;
  lvh::ref::assigns a(value::parse(assigns_json));
  return r.render_static(t, a, ctx);
}
std::string html(const char* src, const char* assigns_json = "{}") {
  return html(template_::compile(src), assigns_json);
}

template_error error_of(const char* src, const helpers& h = helpers::defaults()) {
  try {
    template_::compile(src, "page.html.leex", h);
  } catch (const template_error& e) {
    return e;
  }
  ADD_FAILURE() << "compiled: " << src;
  return template_error("", 0, 0, "", "");
}

TEST(template_tags, output_exec_comment_and_literal) {
  EXPECT_EQ(html("a<%= 1 %>b<% 2 %>c<%# note %>d<%% e %>"), "a1bcd<% e %>");
}

TEST(template_blocks, if_else_unless) {
  const char* src = "<%= if @x do %>yes<% else %>no<% end %>|<%= unless @x do %>U<% end %>";
  EXPECT_EQ(html(src, R"({"x":true})"), "yes|");
  EXPECT_EQ(html(src, R"({"x":null})"), "no|U");
  EXPECT_EQ(html(src, R"({"x":0})"), "yes|");  // only nil and false are falsy
  EXPECT_EQ(html("<% if true do %>hidden<% end %>ok"), "ok");
}

TEST(template_blocks, for_over_lists_ranges_and_nested) {
  EXPECT_EQ(html("<%= for x <- @xs do %>[<%= x.n %>]<% end %>", R"({"xs":[{"n":1},{"n":"<"}]})"),
            "[1][&lt;]");
  EXPECT_EQ(html("<%= for i <- 1..3 do %><%= i %><% end %>"), "123");
  EXPECT_EQ(html("<%= for i <- 3..1 do %><%= i %><% end %>"), "321");
  EXPECT_EQ(html("<%= for i <- 1..0//1 do %><%= i %><% end %>"), "");
  EXPECT_EQ(html("<%= for i <- 1..9//4 do %><%= i %><% end %>"), "159");
  EXPECT_EQ(html("<%= for r <- [1, 2] do %><%= for c <- [r, r * 10] do %><%= c %>,<% end %>;<% end %>"),
            "1,10,;2,20,;");
}

TEST(template_expressions, operators_and_literals) {
  EXPECT_EQ(html("<%= 1 + 2 * 3 - -1 %>"), "8");
  EXPECT_EQ(html("<%= \"a\" <> \"b\" <> @s %>", R"({"s":"c"})"), "abc");
  EXPECT_EQ(html("<%= 1 < 2 and 2 <= 2 and not (3 > 4) %>"), "true");
  EXPECT_EQ(html("<%= nil || \"d\" %> <%= false && 1 %> <%= !nil %>"), "d false true");
  EXPECT_EQ(html("<%= 1 == 1.0 %> <%= \"a\" != \"a\" %> <%= 1 < nil %>"), "true false true");
  EXPECT_EQ(html("<%= length([1, 2, 3]) %> <%= upcase(\"x\") %>"), "3 X");
  EXPECT_THROW(html("<%= 1 and true %>"), lvh::ref::render_error);
  EXPECT_THROW(html("<%= @missing %>"), lvh::ref::render_error);
  EXPECT_THROW(html("<%= @u.name %>", R"({"u":null})"), lvh::ref::render_error);
}

TEST(template_helpers, registered_helpers_with_keyword_args) {
  helpers h = helpers::defaults();
  h.add("greet", [](const std::vector<value>& args, const value& opts) -> value {
    return opts.value("greeting", std::string("hi")) + " " + args.at(0).get<std::string>();
  });
  auto t = template_::compile("<%= greet(@n, greeting: \"yo\") %>/<%= greet \"b\" %>", "x", h);
  EXPECT_EQ(html(t, R"({"n":"a"})"), "yo a/hi b");
}

TEST(template_partials, render_with_assigns_or_keywords) {
  helpers h = helpers::defaults();
  h.add_template("row", template_::compile("<td><%= @v %></td>"));
  auto t = template_::compile("<%= render \"row\", assigns %><%= render(\"row\", v: 2) %>", "x", h);
  EXPECT_EQ(html(t, R"({"v":1})"), "<td>1</td><td>2</td>");
}

TEST(template_files, load_file_and_errors_name_the_path) {
  auto t = template_::load_file(LVH_REF_TEST_DIR "/data/greeting.html.leex");
  EXPECT_EQ(html(t, R"({"name":"Ann","admin":true})"), "<p>Hello Ann!</p>\n<b>admin</b>\n");
  try {
    template_::load_file(LVH_REF_TEST_DIR "/data/broken.html.leex");
    FAIL();
  } catch (const template_error& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 3);
    EXPECT_NE(e.file().find("broken.html.leex"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("unclosed block"), std::string::npos);
  }
  EXPECT_THROW(template_::load_file("/nonexistent.html.leex"), template_error);
}

TEST(template_errors, position_and_caret) {
  auto e = error_of("<p>\n  <%= @x + %>\n</p>");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), 11);
  EXPECT_EQ(std::string(e.what()),
            "page.html.leex:2:11: unexpected end of expression\n  <%= @x + %>\n          ^");
}

TEST(template_errors, each_kind_is_reported) {
  EXPECT_EQ(error_of("<%= nope(1) %>").message(), "unknown helper nope");
  EXPECT_EQ(error_of("<%= x %>").message(), "undefined variable or helper \"x\"");
  EXPECT_EQ(error_of("ab <%= if @a do %>x").column(), 4);
  EXPECT_EQ(error_of("<% end %>").message(), "unexpected 'end' without an open block");
  EXPECT_EQ(error_of("<% else %>").message(), "unexpected 'else'");
  EXPECT_EQ(error_of("<%= @a ").message(), "missing token '%>'");
  EXPECT_EQ(error_of("<%= \"abc %>").message(), "missing token '%>'");
  EXPECT_EQ(error_of("<%= (1 %>").message(), "missing closing )");
  EXPECT_EQ(error_of("<%= render \"nope\", assigns %>").message(), "unknown partial \"nope\"");
  EXPECT_EQ(error_of("<%= case @a do %><% end %>").message(),
            "unsupported block: only 'if', 'unless' and 'for' take 'do'");
  EXPECT_EQ(error_of("<%= for x in @a do %><% end %>").message(), "expected '<-'");
  EXPECT_EQ(error_of("<%= 1 2 %>").message(), "syntax error before: 2");
  EXPECT_EQ(error_of("<%= x %>").line(), 1);
}

TEST(template_fingerprints, equal_sources_equal_prints_and_blocks_differ) {
  EXPECT_EQ(template_::compile("<a><%= @x %></a>").fingerprint(),
            template_::compile("<a><%= @x %></a>").fingerprint());
  EXPECT_NE(template_::compile("<a><%= @x %></a>").fingerprint(),
            template_::compile("<b><%= @x %></b>").fingerprint());
}

}  // namespace
