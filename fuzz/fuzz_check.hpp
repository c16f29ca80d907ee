// LVH_FUZZ_CHECK: a property check that stays on in release builds and ends the run loudly,
// so libFuzzer records a crash and the replay test fails.
#pragma once

#include <cstdio>
#include <cstdlib>

#define LVH_FUZZ_CHECK(cond)                                                             \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)
