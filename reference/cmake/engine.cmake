# lvh_ref_engine: templates, the diff engine and components (docs/decisions/0004).
# Depends only on nlohmann/json; tests also use lvh::protocol to merge what it sends.
add_library(lvh_ref_engine
  ${CMAKE_CURRENT_SOURCE_DIR}/src/value.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/template.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/html.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/component.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/engine.cpp)
target_include_directories(lvh_ref_engine PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_link_libraries(lvh_ref_engine
  PUBLIC nlohmann_json::nlohmann_json
  PRIVATE lvh_warnings)
target_compile_features(lvh_ref_engine PUBLIC cxx_std_20)

if(LVH_BUILD_TESTS)
  set(lvh_ref_engine_test_dir ${CMAKE_CURRENT_SOURCE_DIR}/test)
  lvh_add_gtest(lvh_ref_engine_tests
    LABELS unit
    SOURCES
      ${lvh_ref_engine_test_dir}/template_test.cpp
      ${lvh_ref_engine_test_dir}/escape_test.cpp
      ${lvh_ref_engine_test_dir}/diff_test.cpp
      ${lvh_ref_engine_test_dir}/component_test.cpp
      ${lvh_ref_engine_test_dir}/golden_counter.cpp
    LIBS lvh_ref_engine lvh::protocol)
  target_compile_definitions(lvh_ref_engine_tests PRIVATE
    LVH_REAL_FRAMES_DIR="${PROJECT_SOURCE_DIR}/tests/data/real-frames"
    LVH_REF_TEST_DIR="${lvh_ref_engine_test_dir}")
  lvh_add_gtest(lvh_ref_engine_props
    LABELS property
    SOURCES ${lvh_ref_engine_test_dir}/diff_props_test.cpp
    LIBS lvh_ref_engine lvh::protocol rapidcheck)
endif()
