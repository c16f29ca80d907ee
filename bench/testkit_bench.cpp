// testkit render_click round trips in-process (docs/benchmarks.md): a view with a stateful
// component whose event changes one constant-size value, so every iteration is the same
// work — lookup, bindings, push, server event and diff, JSON text both ways, patch.
// Phoenix.LiveViewTest does about 12k/s on this kind of event (0.20.17).
//
//   lvh_testkit_bench [Catch2 options]
//   lvh_testkit_bench --round-trips-per-second [--runs N] [--clicks N] [--transport json_text|frames]
//       CPU-time medians of N runs after a warm-up run, both transport modes, as JSON on
//       stdout and a line per mode on stderr (scripts/bench.sh).
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include "cpu_time.hpp"
#include "rate_args.hpp"

#include <lvh/testkit.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace lvh;

class toggle_component : public ref::live_component {
 public:
  void mount(ref::component_socket& s) override { s.assign("on", false); }
  const ref::template_& render(const ref::component_socket&) const override { return tmpl_; }
  void handle_event(std::string_view, const ref::value&, ref::component_socket& s) override {
    s.assign("on", !s.get("on").get<bool>());
  }

 private:
  ref::template_ tmpl_ = ref::template_::compile(
      "<div id=\"toggle\"><span id=\"state\"><%= if @on do %>on<% else %>off<% end %></span>"
      "<button id=\"flip\" phx-click=\"flip\" phx-target=\"<%= @myself %>\">flip</button></div>");
};

class page_live : public ref::live_view {
 public:
  void mount(const ref::value&, const ref::value&, ref::socket& s) override { s.assign("title", "bench"); }
  const ref::template_& render(const ref::socket&) const override { return tmpl_; }

 private:
  ref::template_ tmpl_ = ref::template_::compile(
      "<h1><%= @title %></h1><%= live_component @socket, Toggle, id: \"t\" %>");
};

std::shared_ptr<testkit::in_process_server> make_server(ref::in_process_client::mode m) {
  ref::view_registry views;
  views.add<page_live>("PageLive");
  ref::component_registry components;
  components.add<toggle_component>("Toggle");
  ref::router routes;
  routes.live("/", "PageLive");
  testkit::in_process_server::options opts;
  opts.mode = m;
  return testkit::in_process_server::make(std::move(views), std::move(components), std::move(routes), opts);
}

void run(ref::in_process_client::mode m, const char* name) {
  auto server = make_server(m);
  auto conn = testkit::build_conn(server);
  auto [view, html] = testkit::live(conn, "/").value();
  auto flip = testkit::element(view, "#flip");
  // Sanity: the event really round-trips.
  REQUIRE(testkit::render_click(flip).contains(">on<"));
  REQUIRE(testkit::render_click(flip).contains(">off<"));
  BENCHMARK(name) { return testkit::render_click(flip).html().size(); };
}

// n render_clicks on a fresh view; returns CPU seconds, or a negative number when the view
// did not end in the state n flips give.
double clicks(ref::in_process_client::mode m, int n) {
  auto server = make_server(m);
  auto conn = testkit::build_conn(server);
  auto [view, html] = testkit::live(conn, "/").value();
  auto flip = testkit::element(view, "#flip");
  std::size_t bytes = 0;
  const double t0 = lvh::bench::cpu_seconds();
  for (int i = 0; i < n; ++i) bytes += testkit::render_click(flip).html().size();
  const double secs = lvh::bench::cpu_seconds() - t0;
  const bool on = testkit::render(view).find(">on<") != std::string::npos;
  if (bytes == 0 || on != (n % 2 == 1)) return -1;
  return secs;
}

int round_trips_per_second(const lvh::bench::rate_args& a, int n) {
  const int runs = a.runs;
  struct kase {
    ref::in_process_client::mode mode;
    const char* name;
  };
  const kase cases[] = {{ref::in_process_client::mode::json_text, "json_text"},
                        {ref::in_process_client::mode::frames, "frames"}};
  std::string out = "{\"side\": \"liveharness\", \"bench\": \"testkit render_click\", \"results\": [";
  bool first = true;
  for (const auto& c : cases) {
    if (!lvh::bench::wants(a, c.name)) continue;
    (void)clicks(c.mode, n);  // warm-up
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i) {
      const double secs = clicks(c.mode, n);
      if (secs < 0) {
        std::fprintf(stderr, "the view did not end in the expected state\n");
        return 1;
      }
      rates.push_back(n / secs);
    }
    std::sort(rates.begin(), rates.end());
    const double m = rates.size() % 2 ? rates[rates.size() / 2]
                                      : (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]) / 2;
    out += std::string(first ? "" : ", ") + "{\"transport\": \"" + c.name + "\", \"clicks\": " +
           std::to_string(n) + ", \"render_clicks_per_second\": " + std::to_string(m) + "}";
    first = false;
    std::fprintf(stderr, "liveharness testkit render_click  %-9s %9.0f round trips/s\n", c.name, m);
  }
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

TEST_CASE("testkit render_click round trips, in-process") {
  run(ref::in_process_client::mode::json_text, "render_click (component event, JSON text)");
}

TEST_CASE("testkit render_click round trips, in-process, frames without encoding") {
  run(ref::in_process_client::mode::frames, "render_click (component event, frames)");
}

int main(int argc, char** argv) {
  auto a = lvh::bench::parse_rate_args(argc, argv, "--round-trips-per-second", "--clicks", 20000);
  if (a.rate) return round_trips_per_second(a, std::max(2, a.count));
  return Catch::Session().run(static_cast<int>(a.rest.size()), a.rest.data());
}
