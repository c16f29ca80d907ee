// Merge+render throughput of lvh::protocol::rendered on the streams of bench/make-streams.mjs,
// the C++ half of the side-by-side with the official client (bench/merge-render-peer.mjs).
//
//   lvh_merge_render_bench --streams DIR [Catch2 options]        Catch2 BENCHMARKs, one whole
//                                                               stream run per iteration
//   lvh_merge_render_bench --steps-per-second --streams DIR [--runs N] [--chunk N] [--only NAME]
//                                                               JSON: median steps/s per stream
//   lvh_merge_render_bench --dump FILE [--steps N]              JSONL: what each step rendered
//
// The Catch2 benchmarks also read the directory from LVH_BENCH_STREAMS.
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include "stream_runner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

using lvh::bench::bench_stream;
using json = nlohmann::json;

std::string g_streams_dir;

std::string compiler_name() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

std::vector<bench_stream> load_all(const std::string& dir, const std::string& shape,
                                   const std::string& only) {
  std::vector<bench_stream> out;
  for (const auto& file : lvh::bench::stream_files(dir)) {
    std::string why;
    auto s = lvh::bench::load_stream(file, why);
    if (!s) {
      std::fprintf(stderr, "skipping %s\n", why.c_str());
      continue;
    }
    if (!shape.empty() && s->shape != shape) continue;
    if (!only.empty() && s->profile_name + "--" + s->shape != only) continue;
    out.push_back(std::move(*s));
  }
  return out;
}

// -- Catch2 benchmarks ----------------------------------------------------------------------

void bench_shape(const std::string& shape) {
  if (g_streams_dir.empty()) {
    WARN("no streams: pass --streams DIR (or set LVH_BENCH_STREAMS), after "
         "`node bench/make-streams.mjs --out DIR`");
    return;
  }
  auto streams = load_all(g_streams_dir, shape, "");
  REQUIRE_FALSE(streams.empty());
  for (const auto& s : streams) {
    const std::string name =
        s.profile_name + " " + s.shape + " (" + std::to_string(s.steps.size()) + " steps)";
    BENCHMARK_ADVANCED(std::string(name))(Catch::Benchmark::Chronometer meter) {
      // Every run consumes its own decoded diffs, decoded before timing.
      std::vector<std::vector<lvh::protocol::diff>> inputs;
      inputs.reserve(static_cast<std::size_t>(meter.runs()));
      for (int i = 0; i < meter.runs(); ++i) {
        inputs.push_back(lvh::bench::decode_steps(s, 0, s.steps.size()));
      }
      meter.measure([&](int run) {
        lvh::bench::stream_state state(s);
        std::size_t sink = 0;
        auto& diffs = inputs[static_cast<std::size_t>(run)];
        for (std::size_t n = 0; n < diffs.size(); ++n) {
          state.step(n, diffs[n], [&sink](int, const std::string& html) { sink += html.size(); });
        }
        return sink;
      });
    };
  }
}

TEST_CASE("merge+render: one table row per diff", "[table-one-row]") { bench_shape("table-one-row"); }
TEST_CASE("merge+render: every table row per diff", "[table-all-rows]") {
  bench_shape("table-all-rows");
}
TEST_CASE("merge+render: component-heavy page", "[components]") { bench_shape("components"); }

// -- plain modes ----------------------------------------------------------------------------

int steps_per_second(const std::string& dir, int runs, std::size_t chunk,
                     const std::string& only) {
  auto streams = load_all(dir, "", only);
  if (streams.empty()) {
    std::fprintf(stderr, "no benchmark streams in '%s'\n", dir.c_str());
    return 1;
  }
  json results = json::array();
  std::size_t sink = 0;
  for (const auto& s : streams) {
    lvh::bench::timed_run(s, chunk, sink);  // warm-up
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i) {
      const auto ns = lvh::bench::timed_run(s, chunk, sink).count();
      rates.push_back(static_cast<double>(s.steps.size()) * 1e9 /
                      static_cast<double>(std::max<long long>(ns, 1)));
    }
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t m = sorted.size();
    const double median = m % 2 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
    results.push_back({{"profile", s.profile_name},
                       {"stream", s.shape},
                       {"steps", s.steps.size()},
                       {"runs", rates},
                       {"steps_per_second", median}});
    std::fprintf(stderr, "liveharness %-6s %-15s %9.0f steps/s\n", s.profile_name.c_str(),
                 s.shape.c_str(), median);
  }
  json out{{"side", "liveharness"},
           {"compiler", compiler_name()},
           {"runs", runs},
           {"chunk", chunk},
           {"checksum", sink},
           {"results", std::move(results)}};
  std::cout << out.dump(1) << '\n';
  return 0;
}

int dump_mode(const std::string& file, std::size_t steps) {
  std::string why;
  auto s = lvh::bench::load_stream(file, why);
  if (!s) {
    std::fprintf(stderr, "%s\n", why.c_str());
    return 1;
  }
  std::string out;
  lvh::bench::dump(*s, steps, out);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

bool is_flag(const char* a, const char* name) { return std::strcmp(a, name) == 0; }

}  // namespace

int main(int argc, char** argv) {
  enum class mode { catch2, rate, dump } m = mode::catch2;
  std::string dump_file;
  std::string only;
  std::size_t steps = 50;
  std::size_t chunk = 0;  // decode the whole stream before timing
  int runs = 5;
  if (const char* env = std::getenv("LVH_BENCH_STREAMS")) g_streams_dir = env;

  // Our options are taken out; whatever remains goes to Catch2.
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (is_flag(argv[i], "--steps-per-second")) {
      m = mode::rate;
    } else if (is_flag(argv[i], "--streams") && has_value) {
      g_streams_dir = argv[++i];
    } else if (is_flag(argv[i], "--dump") && has_value) {
      m = mode::dump;
      dump_file = argv[++i];
    } else if (is_flag(argv[i], "--steps") && has_value) {
      steps = std::strtoul(argv[++i], nullptr, 10);
    } else if (is_flag(argv[i], "--runs") && has_value) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (is_flag(argv[i], "--chunk") && has_value) {
      chunk = std::strtoul(argv[++i], nullptr, 10);
    } else if (is_flag(argv[i], "--only") && has_value) {
      only = argv[++i];
    } else {
      rest.push_back(argv[i]);
    }
  }
  switch (m) {
    case mode::rate:
      if (g_streams_dir.empty()) {
        std::fprintf(stderr, "--steps-per-second needs --streams DIR\n");
        return 2;
      }
      return steps_per_second(g_streams_dir, runs, chunk, only);
    case mode::dump: return dump_mode(dump_file, steps);
    case mode::catch2: break;
  }
  return Catch::Session().run(static_cast<int>(rest.size()), rest.data());
}
