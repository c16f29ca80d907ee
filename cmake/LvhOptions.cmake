# Build options and the warning set shared by every liveharness target.

option(LVH_BUILD_TESTS "Build unit, property and interop tests" ON)
option(LVH_BUILD_BENCHMARKS "Build the Catch2 benchmarks" ON)
option(LVH_BUILD_FUZZERS "Build libFuzzer targets (needs clang)" OFF)
option(LVH_WERROR "Treat warnings as errors" OFF)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# ccache when present: CI machines start cold, developers' machines do not.
find_program(LVH_CCACHE ccache)
if(LVH_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${LVH_CCACHE}")
endif()

add_library(lvh_warnings INTERFACE)
target_compile_options(lvh_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${LVH_WERROR}>:-Werror>)
# g++ 12 at -O3 reports -Wrestrict inside libstdc++ for `"x" + std::string(...)` (GCC bug
# 105651, fixed in 13); the Release build of the benchmarks would fail on it under -Werror.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(lvh_warnings INTERFACE -Wno-restrict)
endif()

if(LVH_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LVH_BUILD_FUZZERS needs clang (libFuzzer); configure with CXX=clang++")
  endif()
  # Libraries get coverage and sanitizers too, or bugs inside them go unseen; only the fuzz
  # targets link libFuzzer itself (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# lvh_add_gtest(<target> LABELS <label>... SOURCES <file>... LIBS <lib>...)
# One executable per component; each TEST() becomes a ctest test carrying the labels.
function(lvh_add_gtest target)
  cmake_parse_arguments(ARG "" "" "LABELS;SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main lvh_warnings)
  # gtest_discover_tests flattens PROPERTIES into one list on its way to the generated
  # script, so `LABELS "a;b"` arrives as LABELS a, then a property named b. ctest adds up
  # repeated LABELS entries, so each label goes in as its own LABELS pair.
  set(label_properties "")
  foreach(label IN LISTS ARG_LABELS)
    list(APPEND label_properties LABELS "${label}")
  endforeach()
  gtest_discover_tests(${target}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES ${label_properties})
endfunction()
