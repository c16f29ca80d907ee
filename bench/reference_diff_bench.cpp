// Diff generation of the reference engine (lvh::ref::view_renderer), docs/benchmarks.md:
//   - the golden view of tests/data/real-frames/README.md: one `inc` event (count + 1, so the
//     comprehension of 1..@count re-renders, as LEEx does) and one component `bump`;
//   - a 100-row table where one row changes: LEEx re-renders a comprehension whole when its
//     assign changes, so this is every row's dynamics, honestly measured;
//   - an idle re-render (nothing changed).
//
//   lvh_reference_diff_bench [Catch2 options]
//   lvh_reference_diff_bench --diffs-per-second [--runs N] [--diffs N]
//       JSON on stdout: golden `inc` and table-one-row diffs per second (CPU time), median of N
//       runs after a warm-up run; bench/liveviewjs-diff-peer.mjs does the same in liveviewjs
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include <lvh/ref/engine.hpp>

#include "cpu_time.hpp"
#include "rate_args.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using lvh::ref::assigns;
using lvh::ref::component_socket;
using lvh::ref::live_component;
using lvh::ref::render_context;
using lvh::ref::template_;
using lvh::ref::value;
using lvh::ref::view_renderer;

const char* counter_source =
    "<div id=\"counter\">\n"
    "  <h1>Count: <span id=\"count\"><%= @count %></span></h1>\n"
    "  <button id=\"inc\" phx-click=\"inc\">+</button>\n"
    "  <button id=\"dec\" phx-click=\"dec\">-</button>\n"
    "  <ul id=\"items\"><%= for i <- 1..@count//1 do %><li><%= i %></li><% end %></ul>\n"
    "</div>\n"
    "<form id=\"f\" phx-change=\"validate\" phx-submit=\"save\">\n"
    "  <input type=\"text\" name=\"name\" value=\"<%= @name %>\"/>\n"
    "  <button type=\"submit\">Save</button>\n"
    "</form>\n"
    "<p id=\"typed\">Typed: <%= @name %></p>\n"
    "<%= if @submitted do %><p id=\"submitted\">Submitted: <%= @submitted %></p><% end %>\n"
    "<%= live_component @socket, ItemComponent, id: \"comp1\", label: \"hello\" %>\n";

class item_component : public live_component {
 public:
  void mount(component_socket& s) override { s.assign("clicks", 0); }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<div id=\"comp-<%= @id %>\">\n"
        "  <span><%= @label %>: <%= @clicks %></span>\n"
        "  <button phx-click=\"bump\" phx-target=\"<%= @myself %>\">bump</button>\n"
        "</div>\n");
    return t;
  }
  void handle_event(std::string_view, const value&, component_socket& s) override {
    s.assign("clicks", s.get("clicks").get<int>() + 1);
  }
};

const char* table_source =
    "<table id=\"t\">\n<%= for row <- @rows do %>"
    "<tr id=\"r<%= row.id %>\"><td><%= row.name %></td><td><%= row.qty %></td>"
    "<td><%= if row.qty > 5 do %>many<% else %>few<% end %></td></tr>\n"
    "<% end %></table>\n<p><%= @title %></p>";

// The diffs/s figures for the side-by-side with liveviewjs: the same steps as the BENCHMARKs
// below, n diffs a run, timed in CPU time.
double golden_run(int n, std::size_t& sink) {
  lvh::ref::component_registry reg;
  reg.add<item_component>("ItemComponent");
  template_ t = template_::compile(counter_source);
  view_renderer r(reg, "phx-bench");
  assigns a(value{{"count", 0}, {"name", ""}, {"submitted", nullptr}});
  render_context ctx;
  r.render(t, a, ctx);
  int count = 0;
  const double t0 = lvh::bench::cpu_seconds();
  for (int i = 0; i < n; ++i) {
    count = count % 5 + 1;
    a.set("count", count);
    sink += r.render(t, a, ctx).size();
  }
  return lvh::bench::cpu_seconds() - t0;
}

double table_run(int n, std::size_t& sink) {
  lvh::ref::component_registry reg;
  template_ t = template_::compile(table_source);
  value rows = value::array();
  for (int i = 0; i < 100; ++i) rows.push_back({{"id", i}, {"name", "row " + std::to_string(i)}, {"qty", i % 10}});
  assigns a(value{{"rows", rows}, {"title", "Stock"}});
  view_renderer r(reg, "phx-bench");
  render_context ctx;
  r.render(t, a, ctx);
  const double t0 = lvh::bench::cpu_seconds();
  for (int step = 1; step <= n; ++step) {
    value next = a.get("rows");
    // +1 mod 10: the row really changes (step % 10 would give row k its own qty back).
    auto& qty = next[static_cast<std::size_t>(step % 100)]["qty"];
    qty = (qty.get<int>() + 1) % 10;
    a.set("rows", std::move(next));
    sink += r.render(t, a, ctx).size();
  }
  return lvh::bench::cpu_seconds() - t0;
}

int diffs_per_second(int runs, int n) {
  std::size_t sink = 0;
  std::string out = "{\"side\": \"liveharness\", \"results\": [";
  const struct {
    const char* name;
    double (*fn)(int, std::size_t&);
  } cases[] = {{"golden-inc", golden_run}, {"table-one-row", table_run}};
  for (const auto& c : cases) {
    c.fn(n, sink);  // warm-up
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i) rates.push_back(n / c.fn(n, sink));
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                            : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
    out += std::string(c.name == cases[0].name ? "" : ", ") + "{\"case\": \"" + c.name +
           "\", \"diffs\": " + std::to_string(n) + ", \"diffs_per_second\": " + std::to_string(median) + "}";
    std::fprintf(stderr, "liveharness %-14s %9.0f diffs/s\n", c.name, median);
  }
  out += "], \"checksum\": " + std::to_string(sink) + "}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

TEST_CASE("reference diff: golden view", "[golden]") {
  lvh::ref::component_registry reg;
  reg.add<item_component>("ItemComponent");
  template_ t = template_::compile(counter_source);
  view_renderer r(reg, "phx-bench");
  assigns a(value{{"count", 0}, {"name", ""}, {"submitted", nullptr}});
  render_context ctx;
  r.render(t, a, ctx);
  int count = 0;
  BENCHMARK("inc event diff (count cycles 1..5)") {
    count = count % 5 + 1;
    a.set("count", count);
    return r.render(t, a, ctx).size();
  };
  BENCHMARK("component bump diff") { return r.component_event(1, "bump", value::object(), ctx).size(); };
  BENCHMARK("join render (fresh renderer)") {
    view_renderer fresh(reg, "phx-bench");
    assigns fa(a.all());
    return fresh.render(t, fa, ctx).size();
  };
}

TEST_CASE("reference diff: 100-row table, one row changes", "[table]") {
  lvh::ref::component_registry reg;
  template_ t = template_::compile(table_source);
  value rows = value::array();
  for (int i = 0; i < 100; ++i) rows.push_back({{"id", i}, {"name", "row " + std::to_string(i)}, {"qty", i % 10}});
  assigns a(value{{"rows", rows}, {"title", "Stock"}});
  view_renderer r(reg, "phx-bench");
  render_context ctx;
  r.render(t, a, ctx);
  int step = 0;
  BENCHMARK("one row changed -> diff") {
    ++step;
    value next = a.get("rows");
    // +1 mod 10: the row really changes (step % 10 would give row k its own qty back).
    auto& qty = next[static_cast<std::size_t>(step % 100)]["qty"];
    qty = (qty.get<int>() + 1) % 10;
    a.set("rows", std::move(next));
    return r.render(t, a, ctx).size();
  };
  BENCHMARK("title changed only -> diff") {
    a.set("title", (++step % 2) ? "A" : "B");
    return r.render(t, a, ctx).size();
  };
  BENCHMARK("nothing changed -> {}") { return r.render(t, a, ctx).size(); };
}

}  // namespace

int main(int argc, char** argv) {
  auto a = lvh::bench::parse_rate_args(argc, argv, "--diffs-per-second", "--diffs", 20000);
  if (a.rate) return diffs_per_second(a.runs, a.count);
  return Catch::Session().run(static_cast<int>(a.rest.size()), a.rest.data());
}
