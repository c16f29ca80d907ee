// The command line the rate benchmarks share: `--<rate-flag> [--runs N] [--<count-flag> N]`
// asks for a plain rate (scripts/bench.sh); `--transport json_text|frames` limits it to one
// transport mode (for profiling one path); every other argument is Catch2's.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace lvh::bench {

struct rate_args {
  bool rate = false;
  int runs = 5;
  int count = 0;
  const char* transport = nullptr;  // only this transport mode, when given
  std::vector<char*> rest;  // argv[0] and what is left for Catch2
};

inline rate_args parse_rate_args(int argc, char** argv, const char* rate_flag, const char* count_flag,
                                 int default_count) {
  rate_args a;
  a.count = default_count;
  a.rest.push_back(argv[0]);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], rate_flag) == 0) a.rate = true;
    else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) a.runs = std::max(1, std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--transport") == 0 && i + 1 < argc) a.transport = argv[++i];
    else if (std::strcmp(argv[i], count_flag) == 0 && i + 1 < argc) a.count = std::max(1, std::atoi(argv[++i]));
    else a.rest.push_back(argv[i]);
  }
  return a;
}

/// Whether the rate run covers `transport` (all of them unless --transport named one).
inline bool wants(const rate_args& a, const char* transport) {
  return a.transport == nullptr || std::strcmp(a.transport, transport) == 0;
}

}  // namespace lvh::bench
