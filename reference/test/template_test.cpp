// The template language: tags, blocks, expressions, partials, files, and compile errors with
// their position and caret.
#include <lvh/ref/engine.hpp>

#include <gtest/gtest.h>

namespace {

using lvh::ref::helpers;
using lvh::ref::template_;
using lvh::ref::template_error;
using lvh::ref::trim_mode;
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

// The first render's diff: the statics ("s") as the client receives them.
value first_render(const template_& t, const char* assigns_json) {
  lvh::ref::component_registry reg;
  lvh::ref::view_renderer r(reg, "v");
  lvh::ref::render_context ctx;
  lvh::ref::assigns a(value::parse(assigns_json));
  return r.render(t, a, ctx);
}
value statics(const char* src, trim_mode m, const char* assigns_json = R"({"a":1,"b":2})") {
  return first_render(template_::compile(src, "t", helpers::defaults(), m), assigns_json)["s"];
}
value file_render(const char* file, trim_mode m, const char* assigns_json) {
  return first_render(template_::load_file(std::string(LVH_REF_TEST_DIR "/data/") + file,
                                           helpers::defaults(), m),
                      assigns_json);
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
  // Trimmed as Phoenix compiles .leex files: the line break after the last tag goes.
  auto t = template_::load_file(LVH_REF_TEST_DIR "/data/greeting.html.leex");
  EXPECT_EQ(html(t, R"({"name":"Ann","admin":true})"), "<p>Hello Ann!</p>\n<b>admin</b>");
  auto untrimmed = template_::load_file(LVH_REF_TEST_DIR "/data/greeting.html.leex",
                                        helpers::defaults(), trim_mode::none);
  EXPECT_EQ(html(untrimmed, R"({"name":"Ann","admin":true})"),
            "<p>Hello Ann!</p>\n<b>admin</b>\n");
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

// EEx's `trim: true` (Phoenix's .leex files), as Elixir 1.10 and 1.11+ tokenize. Expected
// statics worked out from EEx.Tokenizer's trim_if_needed rules of each release.
TEST(template_trim, compile_does_not_trim_by_default_as_the_L_sigil) {
  EXPECT_EQ(statics("  <%= @a %>  \n", trim_mode::none), value::parse(R"(["  ","  \n"])"));
  EXPECT_EQ(first_render(template_::compile("  <%= @a %>  \n"), R"({"a":1})")["s"],
            value::parse(R"(["  ","  \n"])"));
}

TEST(template_trim, nested_blocks_on_their_own_lines) {
  const char* assigns = R"({"show":true,"xs":["a","b"]})";
  // Elixir 1.11+: each tag's line keeps its line break; indentation and the comment go.
  EXPECT_EQ(file_render("trim_nested.html.leex", trim_mode::eex_1_11, assigns), value::parse(R"({
    "0": {"0": {"d": [["a"], ["b"]], "s": ["\n        <li>", "</li>\n"]},
          "s": ["\n    <ul>\n", "\n    </ul>\n"]},
    "s": ["\n<div id=\"list\">\n", "\n</div>\n"]})"));
  // Elixir 1.10: a tag alone on its line disappears with the whole line.
  EXPECT_EQ(file_render("trim_nested.html.leex", trim_mode::eex_1_10, assigns), value::parse(R"({
    "0": {"0": {"d": [["a"], ["b"]], "s": ["        <li>", "</li>\n"]},
          "s": ["    <ul>\n", "    </ul>\n"]},
    "s": ["<div id=\"list\">\n", "</div>\n"]})"));
  EXPECT_EQ(file_render("trim_nested.html.leex", trim_mode::none, assigns), value::parse(R"({
    "0": {"0": {"d": [["a"], ["b"]], "s": ["\n        <li>", "</li>\n      "]},
          "s": ["\n    <ul>\n      ", "\n    </ul>\n  "]},
    "s": ["\n<div id=\"list\">\n  ", "\n</div>\n"]})"));
  // The else branch has its own statics.
  const char* none = R"({"show":false,"xs":[]})";
  EXPECT_EQ(file_render("trim_nested.html.leex", trim_mode::eex_1_11, none)["0"]["s"],
            value::parse(R"(["\n    <p>none</p>\n"])"));
  EXPECT_EQ(file_render("trim_nested.html.leex", trim_mode::eex_1_10, none)["0"]["s"],
            value::parse(R"(["    <p>none</p>\n"])"));
  // load_file trims as 1.11+ unless told otherwise.
  EXPECT_EQ(first_render(template_::load_file(LVH_REF_TEST_DIR "/data/trim_nested.html.leex"),
                         assigns),
            file_render("trim_nested.html.leex", trim_mode::eex_1_11, assigns));
}

TEST(template_trim, tags_inside_text_lines_are_left_alone) {
  const char* assigns = R"({"name":"Ann","n":3})";
  value expected = value::parse(R"(["\n  \n<p>Hi ", ",  ", " new</p>   \n<b>", "</b>  \n\n  "])");
  for (auto m : {trim_mode::none, trim_mode::eex_1_10, trim_mode::eex_1_11})
    EXPECT_EQ(file_render("trim_inline.html.leex", m, assigns)["s"], expected);
}

TEST(template_trim, blank_lines_leading_whitespace_and_the_end) {
  const char* assigns = R"({"a":1,"b":2})";
  // 1.11+: whitespace before a first tag goes, blank lines collapse into one line break, the
  // text `<%%` is no tag, and whitespace after the last tag goes up to the end.
  EXPECT_EQ(file_render("trim_blank_lines.html.leex", trim_mode::eex_1_11, assigns)["s"],
            value::parse(R"(["", "\n", "\ntext  \n   \n  <% literal %>\n", ""])"));
  // 1.10: only each tag's own line goes.
  EXPECT_EQ(file_render("trim_blank_lines.html.leex", trim_mode::eex_1_10, assigns)["s"],
            value::parse(R"(["\n\n", "\n\n", "text  \n   \n  <% literal %>\n", ""])"));
  EXPECT_EQ(file_render("trim_blank_lines.html.leex", trim_mode::none, assigns)["s"],
            value::parse(R"(["\n\n  ", "  \n\n\n  ", "\ntext  \n   \n  <% literal %>\n  ", "\n"])"));
}

TEST(template_trim, crlf_line_breaks) {
  const char* src = "0\r\n  <%= @a %>  \r\n34";
  // 1.11+ keeps a plain "\n" for the CRLFs it collapses; 1.10 keeps the CRLF before the tag.
  EXPECT_EQ(statics(src, trim_mode::eex_1_11), value::parse(R"(["0\n", "\n34"])"));
  EXPECT_EQ(statics(src, trim_mode::eex_1_10), value::parse(R"(["0\r\n", "34"])"));
}

TEST(template_trim, consecutive_tags) {
  // 1.10: whitespace-only text after a trimmed tag counts as a line start.
  EXPECT_EQ(statics("<%= @a %>\n  <%= @b %>\n", trim_mode::eex_1_10),
            value::parse(R"(["", "", ""])"));
  EXPECT_EQ(statics("<%= @a %>\n  <%= @b %>\n", trim_mode::eex_1_11),
            value::parse(R"(["", "\n", ""])"));
  // Two tags on one line: 1.10 trims neither; 1.11 still drops the end's line break.
  EXPECT_EQ(statics("<%= @a %><%= @b %>\n", trim_mode::eex_1_10),
            value::parse(R"(["", "", "\n"])"));
  EXPECT_EQ(statics("<%= @a %><%= @b %>\n", trim_mode::eex_1_11),
            value::parse(R"(["", "", ""])"));
}

TEST(template_trim, comments_are_tags_for_trimming) {
  const char* src = "a\n<%# note %>  \n  <%= @a %>\nb";
  // 1.11+ ends the text at a comment, so each side keeps its line break.
  EXPECT_EQ(statics(src, trim_mode::eex_1_11), value::parse(R"(["a\n\n", "\nb"])"));
  // 1.10 trims the comment's line within one text.
  EXPECT_EQ(statics(src, trim_mode::eex_1_10), value::parse(R"(["a\n", "b"])"));
}

TEST(template_trim, if_else_alone_on_lines) {
  const char* src = "<%= if @a do %>\n  this\n<% else %>\n  that\n<% end %>\n";
  EXPECT_EQ(html(template_::compile(src, "t", helpers::defaults(), trim_mode::eex_1_11),
                 R"({"a":false})"),
            "\n  that\n");
  EXPECT_EQ(html(template_::compile(src, "t", helpers::defaults(), trim_mode::eex_1_10),
                 R"({"a":true})"),
            "  this\n");
}

TEST(template_trim, whole_outputs) {
  auto out = [](const char* src, trim_mode m, const char* assigns = R"({"a":1,"b":2})") {
    return html(template_::compile(src, "t", helpers::defaults(), m), assigns);
  };
  EXPECT_EQ(out("<%= @a %> \n  \n  <%= @b %>", trim_mode::eex_1_11), "1\n2");
  EXPECT_EQ(out("<%= @a %> \nx\n  <%= @b %>", trim_mode::eex_1_11), "1\nx\n2");
  EXPECT_EQ(out("\r\n  <%= @a %> \r\n  <%= @b %>  \r\n", trim_mode::eex_1_11), "1\n2");
  EXPECT_EQ(out("\r\n  <%= @a %> \r\n  <%= @b %>  \r\n", trim_mode::eex_1_10), "\r\n12");
  const char* branches = "\t<%= if @a do %> \n T \n  <% else %>\n F \n  <% end %>  \n\n  ";
  EXPECT_EQ(out(branches, trim_mode::eex_1_11, R"({"a":true})"), "\n T \n");
  EXPECT_EQ(out(branches, trim_mode::eex_1_11, R"({"a":false})"), "\n F \n");
  EXPECT_EQ(out(branches, trim_mode::eex_1_10, R"({"a":true})"), " T \n\n  ");
  EXPECT_EQ(out(branches, trim_mode::eex_1_10, R"({"a":false})"), " F \n\n  ");
}

TEST(template_trim, errors_keep_source_positions) {
  try {
    template_::compile("\n\n  <%= @x + %>\n", "t", helpers::defaults(), trim_mode::eex_1_11);
    FAIL();
  } catch (const template_error& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 11);
  }
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
