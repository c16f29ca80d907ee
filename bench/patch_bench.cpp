// DOM patch throughput (docs/benchmarks.md, "DOM patch"): the table-one-row streams of
// make-streams.mjs (a 100-row table, one row changing per diff) applied to a view container
// by lvh::sim::view_dom — merge, full render, DOM patch: what the official client's
// View.update does per diff. bench/patch-peer.mjs runs the official client on the same steps.
//
//   lvh_patch_bench --patches-per-second --streams DIR [--runs N] [--steps N] [--only NAME]
//       JSON on stdout: per stream, the median patches/s (CPU time) of N runs after a warm-up run, for
//       view_dom::update (merge + render + patch) and for view_patcher::full alone (the markup
//       rendered before the clock starts), plus a hash of the container's final innerHTML
//   lvh_patch_bench --streams DIR [Catch2 options]
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include "cpu_time.hpp"
#include "stream_runner.hpp"

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>
#include <lvh/sim/patch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using lvh::bench::cpu_seconds;

std::string g_streams_dir;

// The container as the dead render leaves it (the same attributes as the peer's).
std::unique_ptr<lvh::dom::node> make_container(const std::string& view_id) {
  auto c = lvh::dom::node::make_element("div");
  c->set_attribute("id", view_id);
  c->set_attribute("data-phx-main", "");
  c->set_attribute("data-phx-session", "SESSION");
  c->set_attribute("data-phx-static", "STATIC");
  c->set_attribute("data-phx-view", "View");
  return c;
}

// FNV-1a, the same as the peer's, to check that both sides end with the same DOM.
std::uint32_t fnv1a(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

[[noreturn]] void fail(const lvh::bench::bench_stream& s, std::size_t n, const std::string& why) {
  std::fprintf(stderr, "%s %s: step %zu refused: %s\n", s.profile_name.c_str(), s.shape.c_str(), n, why.c_str());
  std::exit(1);
}

struct run_result {
  double seconds = 0;
  std::string final_html;
};

// Join untimed, then steps 1..steps-1 through view_dom::update on the clock.
run_result update_run(const lvh::bench::bench_stream& s, std::size_t steps) {
  auto diffs = lvh::bench::decode_steps(s, 0, steps);
  auto container = make_container(s.view_id);
  lvh::sim::view_dom view(s.profile, s.view_id);
  if (auto r = view.join(*container, std::move(diffs[0])); !r) fail(s, 0, r.error().message());
  const double t0 = cpu_seconds();
  for (std::size_t n = 1; n < steps; ++n) {
    auto r = view.update(*container, diffs[n]);
    if (!r) fail(s, n, r.error().message());
  }
  const double secs = cpu_seconds() - t0;
  return {secs, lvh::dom::serialize_children(*container)};
}

// The markup of each step rendered first (untimed); the clock sees view_patcher::full only.
run_result patch_only_run(const lvh::bench::bench_stream& s, std::size_t steps) {
  auto diffs = lvh::bench::decode_steps(s, 0, steps);
  lvh::protocol::rendered tree(s.profile, s.view_id);
  std::vector<std::string> html;
  html.reserve(steps);
  for (std::size_t n = 0; n < steps; ++n) {
    if (auto r = tree.merge(diffs[n]); !r) fail(s, n, r.error().message());
    html.push_back(tree.to_string());
  }
  auto container = make_container(s.view_id);
  lvh::sim::view_patcher patcher(s.profile, s.view_id);
  patcher.join(*container, html[0]);
  const double t0 = cpu_seconds();
  std::size_t sink = 0;
  for (std::size_t n = 1; n < steps; ++n) sink += patcher.full(*container, html[n]).updated.size();
  const double secs = cpu_seconds() - t0;
  if (sink == static_cast<std::size_t>(-1)) std::puts("");
  return {secs, lvh::dom::serialize_children(*container)};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size();
  return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

std::vector<lvh::bench::bench_stream> load_tables(const std::string& dir, const std::string& only) {
  std::vector<lvh::bench::bench_stream> out;
  for (const auto& f : lvh::bench::stream_files(dir)) {
    std::string why;
    auto s = lvh::bench::load_stream(f, why);
    if (!s) {
      std::fprintf(stderr, "%s\n", why.c_str());
      std::exit(1);
    }
    if (s->shape != "table-one-row") continue;
    if (!only.empty() && s->profile_name + "--" + s->shape != only && s->profile_name != only) continue;
    out.push_back(std::move(*s));
  }
  return out;
}

int patches_per_second(const std::string& dir, int runs, std::size_t steps, const std::string& only) {
  auto streams = load_tables(dir, only);
  if (streams.empty()) {
    std::fprintf(stderr, "no table-one-row streams in '%s'\n", dir.c_str());
    return 1;
  }
  json results = json::array();
  for (const auto& s : streams) {
    const std::size_t n = std::min(steps, s.steps.size());
    const std::size_t patches = n - 1;
    std::vector<double> full, only_patch;
    std::string final_html = update_run(s, n).final_html;  // warm-up
    patch_only_run(s, n);
    for (int i = 0; i < runs; ++i) {
      full.push_back(static_cast<double>(patches) / update_run(s, n).seconds);
      only_patch.push_back(static_cast<double>(patches) / patch_only_run(s, n).seconds);
    }
    results.push_back({{"profile", s.profile_name},
                       {"stream", s.shape},
                       {"patches", patches},
                       {"runs", full},
                       {"patches_per_second", median(full)},
                       {"patch_only_runs", only_patch},
                       {"patch_only_per_second", median(only_patch)},
                       {"final_html_fnv1a", fnv1a(final_html)},
                       {"final_html_bytes", final_html.size()}});
    std::fprintf(stderr, "liveharness %-6s %-14s %9.0f updates/s  %9.0f patch-only/s\n", s.profile_name.c_str(),
                 s.shape.c_str(), median(full), median(only_patch));
  }
  std::cout << json{{"side", "liveharness"}, {"runs", runs}, {"results", std::move(results)}}.dump(1) << '\n';
  return 0;
}

bool is_flag(const char* a, const char* name) { return std::strcmp(a, name) == 0; }

}  // namespace

TEST_CASE("DOM patch: 100-row table, one row changed", "[patch]") {
  if (g_streams_dir.empty()) {
    WARN("no --streams DIR (or LVH_BENCH_STREAMS): nothing to measure");
    return;
  }
  for (const auto& s : load_tables(g_streams_dir, "")) {
    const std::size_t n = std::min<std::size_t>(201, s.steps.size());
    BENCHMARK("view_dom::update x" + std::to_string(n - 1) + " " + s.profile_name) {
      return update_run(s, n).final_html.size();
    };
  }
}

int main(int argc, char** argv) {
  bool rate = false;
  std::string only;
  std::size_t steps = 1001;
  int runs = 5;
  if (const char* env = std::getenv("LVH_BENCH_STREAMS")) g_streams_dir = env;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (is_flag(argv[i], "--patches-per-second")) rate = true;
    else if (is_flag(argv[i], "--streams") && has_value) g_streams_dir = argv[++i];
    else if (is_flag(argv[i], "--steps") && has_value) steps = std::max<std::size_t>(2, std::strtoul(argv[++i], nullptr, 10));
    else if (is_flag(argv[i], "--runs") && has_value) runs = std::max(1, std::atoi(argv[++i]));
    else if (is_flag(argv[i], "--only") && has_value) only = argv[++i];
    else rest.push_back(argv[i]);
  }
  if (rate) {
    if (g_streams_dir.empty()) {
      std::fprintf(stderr, "--patches-per-second needs --streams DIR\n");
      return 2;
    }
    return patches_per_second(g_streams_dir, runs, steps, only);
  }
  return Catch::Session().run(static_cast<int>(rest.size()), rest.data());
}
