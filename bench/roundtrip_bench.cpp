// Click → event → diff → patch round trips (docs/benchmarks.md, "Round trips"): the simulated
// browser (lvh::sim::browser) on the golden view served by the reference endpoint in-process
// (lvh::testkit::in_process_server: sim::transport over ref::in_process_client, pump = the
// deterministic scheduler run until idle). One round trip is browser::click: bindings → push
// → server decode, handle_event, diff, reply → client decode, merge, render, DOM patch.
// Goal (issue 4): at least 50,000 a second.
//
//   lvh_roundtrip_bench --round-trips-per-second [--runs N] [--clicks N] [--transport json_text|frames]
//       JSON on stdout, median of N runs (CPU time) after a warm-up run, per case:
//         golden-inc-dec   #inc and #dec clicked in turn (the count, and its list, stay 0..1)
//         component-bump   ItemComponent's bump (phx-target=@myself: a constant-size cid diff)
//       each with JSON text frames (the default transport) and with frames passed as objects
//   lvh_roundtrip_bench [Catch2 options]
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include "cpu_time.hpp"
#include "rate_args.hpp"
#include "golden_view.hpp"  // reference/test: the golden view

#include <lvh/sim/browser.hpp>
#include <lvh/testkit/in_process.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using lvh::ref::in_process_client;

// A server, a browser on "/", the elements clicked.
struct page {
  std::shared_ptr<lvh::testkit::in_process_server> server;
  std::unique_ptr<lvh::sim::transport> transport;
  std::unique_ptr<lvh::sim::browser> browser;

  explicit page(in_process_client::mode m) {
    lvh::ref::view_registry views;
    lvh::ref::component_registry components;
    lvh::ref::router routes;
    lvh::ref::test::add_golden_views(views, components);
    routes.live("/", "CounterLive");
    lvh::testkit::in_process_options opts;
    opts.mode = m;
    server = lvh::testkit::in_process_server::make(std::move(views), std::move(components), std::move(routes), opts);
    transport = server->open_transport();
    lvh::sim::browser_options bo;
    bo.profile = lvh::protocol::client_profile::v0_15;
    browser = std::make_unique<lvh::sim::browser>(*transport, server->pages(), bo);
    if (browser->visit(server->base_url() + "/") != 200 || !browser->main_view() || !browser->main_view()->joined) {
      std::fprintf(stderr, "the golden view did not join\n");
      std::exit(1);
    }
  }

  void check(const char* selector, const std::string& want) {
    const std::string got = browser->find(selector).text_content();
    if (got != want) {
      std::fprintf(stderr, "%s: '%s', expected '%s'\n", selector, got.c_str(), want.c_str());
      std::exit(1);
    }
  }
};

// n clicks; returns CPU seconds. The elements are looked up once: the patch keeps them (same
// id, same place), which the checks after the run confirm.
double inc_dec(page& p, int n) {
  auto& b = *p.browser;
  lvh::dom::node& inc = b.find("#inc");
  lvh::dom::node& dec = b.find("#dec");
  const double t0 = lvh::bench::cpu_seconds();
  for (int i = 0; i < n; ++i) b.click(i % 2 ? dec : inc);
  const double secs = lvh::bench::cpu_seconds() - t0;
  if (&b.find("#inc") != &inc || &b.find("#dec") != &dec) {
    std::fprintf(stderr, "the buttons were replaced\n");
    std::exit(1);
  }
  p.check("#count", n % 2 ? "1" : "0");
  return secs;
}

double bump(page& p, int n) {
  auto& b = *p.browser;
  lvh::dom::node& button = b.find("#comp-comp1 button");
  const std::string before = b.find("#comp-comp1 span").text_content();
  const int clicks0 = std::atoi(before.substr(before.find(':') + 1).c_str());
  const double t0 = lvh::bench::cpu_seconds();
  for (int i = 0; i < n; ++i) b.click(button);
  const double secs = lvh::bench::cpu_seconds() - t0;
  if (&b.find("#comp-comp1 button") != &button) {
    std::fprintf(stderr, "the bump button was replaced\n");
    std::exit(1);
  }
  p.check("#comp-comp1 span", "hello: " + std::to_string(clicks0 + n));
  return secs;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size();
  return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

int round_trips_per_second(const lvh::bench::rate_args& a, int n) {
  const int runs = a.runs;
  struct kase {
    const char* name;
    double (*fn)(page&, int);
    in_process_client::mode mode;
    const char* mode_name;
  };
  const kase cases[] = {
      {"golden-inc-dec", inc_dec, in_process_client::mode::json_text, "json_text"},
      {"component-bump", bump, in_process_client::mode::json_text, "json_text"},
      {"golden-inc-dec", inc_dec, in_process_client::mode::frames, "frames"},
      {"component-bump", bump, in_process_client::mode::frames, "frames"},
  };
  std::string out = "{\"side\": \"liveharness\", \"goal\": 50000, \"results\": [";
  bool first = true;
  for (const auto& c : cases) {
    if (!lvh::bench::wants(a, c.mode_name)) continue;
    page p(c.mode);
    c.fn(p, n);  // warm-up
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i) rates.push_back(n / c.fn(p, n));
    const double m = median(rates);
    out += std::string(first ? "" : ", ") + "{\"case\": \"" + c.name + "\", \"transport\": \"" + c.mode_name +
           "\", \"clicks\": " + std::to_string(n) + ", \"round_trips_per_second\": " + std::to_string(m) + "}";
    first = false;
    std::fprintf(stderr, "liveharness %-15s %-9s %9.0f round trips/s\n", c.name, c.mode_name, m);
  }
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

TEST_CASE("click round trips on the golden view, in-process", "[roundtrip]") {
  page text(in_process_client::mode::json_text);
  BENCHMARK("inc/dec click x100 (JSON text)") { return inc_dec(text, 100); };
  BENCHMARK("component bump click x100 (JSON text)") { return bump(text, 100); };
  page frames(in_process_client::mode::frames);
  BENCHMARK("inc/dec click x100 (frames)") { return inc_dec(frames, 100); };
  BENCHMARK("component bump click x100 (frames)") { return bump(frames, 100); };
}

int main(int argc, char** argv) {
  auto a = lvh::bench::parse_rate_args(argc, argv, "--round-trips-per-second", "--clicks", 20000);
  // An even number of clicks: inc/dec ends where it started.
  if (a.rate) return round_trips_per_second(a, std::max(2, a.count / 2 * 2));
  return Catch::Session().run(static_cast<int>(a.rest.size()), a.rest.data());
}
