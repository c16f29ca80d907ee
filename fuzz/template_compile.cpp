// Property: template_::compile of arbitrary source never crashes or trips a sanitizer; it
// either compiles or throws template_error (nothing else) naming a real place in the source:
// line 1.. its line count, column 1.. that line's length + 1. A compiled template renders
// with empty assigns (one stateful and stateless component kind registered, live_render
// answering) either to a full `rendered` or with render_error, never another exception; a
// second render with nothing changed also only succeeds or throws render_error; the
// disconnected render (render_static) gives the same HTML as rendered_to_html of the first
// render, or fails the same way.
//
// Input: the template source as is. Sources that could render huge output legitimately (a
// range bound of three or more digits, `*` next to a range, three or more `for`) are
// compiled but not rendered, so a timeout always means a bug.
#include "fuzz_check.hpp"

#include <lvh/ref/component.hpp>
#include <lvh/ref/engine.hpp>
#include <lvh/ref/template.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace lvh::ref;

class fuzz_component : public live_component {
 public:
  const template_& render(const component_socket&) const override {
    static const template_ t =
        template_::compile("<p id=\"<%= @id %>\"><%= @label %> <%= @myself %></p>", "fuzz_component");
    return t;
  }
};

const component_registry& registry() {
  static const component_registry r = [] {
    component_registry c;
    c.add<fuzz_component>("C");
    c.add<fuzz_component>("Item");
    return c;
  }();
  return r;
}

render_context context() {
  render_context ctx;
  ctx.live_render = [](const std::string& name, const value&) {
    return "<div id=\"child\" data-phx-view=\"" + escape_html(name) + "\"></div>";
  };
  return ctx;
}

bool renders_bounded(std::string_view src) {
  std::size_t digits = 0;
  for (char c : src) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits >= 3) return false;
  }
  if (src.find("..") != std::string_view::npos && src.find('*') != std::string_view::npos)
    return false;
  std::size_t fors = 0;
  for (std::size_t at = src.find("for "); at != std::string_view::npos; at = src.find("for ", at + 1))
    if (++fors >= 3) return false;
  return true;
}

void check_error_place(const template_error& e, std::string_view src) {
  LVH_FUZZ_CHECK(e.line() >= 1);
  std::size_t line_start = 0;
  for (int line = 1; line < e.line(); ++line) {
    const auto nl = src.find('\n', line_start);
    LVH_FUZZ_CHECK(nl != std::string_view::npos);  // the line exists
    line_start = nl + 1;
  }
  auto line_end = src.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = src.size();
  LVH_FUZZ_CHECK(e.column() >= 1);
  LVH_FUZZ_CHECK(static_cast<std::size_t>(e.column()) <= line_end - line_start + 1);
  LVH_FUZZ_CHECK(!e.message().empty());
  LVH_FUZZ_CHECK(e.file() == "fuzz");
}

// The HTML of a render, or nullopt when it threw render_error.
std::optional<std::string> render_html(view_renderer& r, const template_& t, assigns& a) {
  render_context ctx = context();
  value rendered;
  try {
    rendered = r.render(t, a, ctx);
  } catch (const render_error&) {
    return std::nullopt;
  }
  LVH_FUZZ_CHECK(rendered.is_object());
  LVH_FUZZ_CHECK(rendered.contains("s"));
  try {
    return rendered_to_html(rendered);
  } catch (const render_error&) {
    LVH_FUZZ_CHECK(!"rendered_to_html refused the engine's own render");
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view src(reinterpret_cast<const char*>(data), size);
  std::optional<template_> t;
  try {
    t = template_::compile(src, "fuzz");
  } catch (const template_error& e) {
    check_error_place(e, src);
    return 0;
  }
  (void)t->fingerprint();
  if (!renders_bounded(src)) return 0;

  view_renderer renderer(registry(), "phx-Fuzz");
  assigns a{value::object()};
  const std::optional<std::string> html = render_html(renderer, *t, a);
  if (html) {
    // Nothing changed: the diff path runs over the same tree.
    render_context ctx = context();
    try {
      const value diff = renderer.render(*t, a, ctx);
      LVH_FUZZ_CHECK(diff.is_object());
    } catch (const render_error&) {
    }
  }

  view_renderer fresh(registry(), "phx-Fuzz");
  assigns b{value::object()};
  render_context ctx = context();
  std::optional<std::string> static_html;
  try {
    static_html = fresh.render_static(*t, b, ctx);
  } catch (const render_error&) {
  }
  LVH_FUZZ_CHECK(static_html.has_value() == html.has_value());
  if (html) LVH_FUZZ_CHECK(*static_html == *html);
  return 0;
}
