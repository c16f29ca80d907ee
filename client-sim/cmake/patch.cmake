# lvh_sim_patch — the view DOM patcher (DOMPatch + morphdom per client profile).
add_library(lvh_sim_patch
  src/patch.cpp
  src/patch_morph.cpp)
add_library(lvh::sim_patch ALIAS lvh_sim_patch)
target_include_directories(lvh_sim_patch PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_link_libraries(lvh_sim_patch
  PUBLIC lvh::dom lvh::protocol
  PRIVATE lvh_warnings)

if(LVH_BUILD_TESTS)
  lvh_add_gtest(lvh_sim_patch_tests
    LABELS unit
    SOURCES test/patch_test.cpp
    LIBS lvh_sim_patch)
  # morphdom's internals (src/patch_morph.hpp): shortcuts held equal to the general case.
  lvh_add_gtest(lvh_sim_patch_morph_props
    LABELS property
    SOURCES test/patch_morph_props_test.cpp
    LIBS lvh_sim_patch rapidcheck)

  # The differential driver: tests/interop/patch-interop.mjs feeds it the streams the
  # official clients patch under jsdom and compares the container after every step.
  add_executable(lvh_patch_driver test/patch_driver.cpp)
  target_link_libraries(lvh_patch_driver PRIVATE lvh_sim_patch lvh_warnings)
endif()
