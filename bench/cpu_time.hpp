// Process CPU time for the benchmarks that compare against a peer in another process: the
// machine may be shared, and CPU time leaves out the time other processes held the core.
// The JS peers measure the same (process.cpuUsage: user + system).
#pragma once

#include <time.h>

namespace lvh::bench {

inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace lvh::bench
