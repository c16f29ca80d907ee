# lvh_sim_events: from user actions to wire events (bindings), debounce/throttle on a virtual
# clock (timing), loading states by ref (loading). Owner: helper "events".
add_library(lvh_sim_events
  ${CMAKE_CURRENT_SOURCE_DIR}/src/bindings.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/timing.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/loading.cpp)
target_include_directories(lvh_sim_events PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
target_link_libraries(lvh_sim_events
  PUBLIC lvh_sim_forms lvh::protocol lvh::dom nlohmann_json::nlohmann_json
  PRIVATE lvh_warnings)

if(LVH_BUILD_TESTS)
  lvh_add_gtest(lvh_sim_events_tests
    LABELS unit
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test/bindings_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/timing_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/loading_test.cpp
    LIBS lvh_sim_events nlohmann_json::nlohmann_json)
  target_compile_definitions(lvh_sim_events_tests PRIVATE
    LVH_SIM_EVENTS_GOLDEN="${CMAKE_CURRENT_SOURCE_DIR}/test/golden/events.json")
endif()

if(LVH_BUILD_TESTS)
  # The committed golden file must still be what the official clients produce under jsdom.
  add_test(NAME lvh_sim_events_golden_up_to_date
    COMMAND sh ${PROJECT_SOURCE_DIR}/dom/test/golden/check-golden-file.sh
            ${CMAKE_CURRENT_SOURCE_DIR}/test/golden/make-events.mjs
            ${CMAKE_CURRENT_SOURCE_DIR}/test/golden/events.json ${CMAKE_CURRENT_BINARY_DIR}/events.json)
  set_tests_properties(lvh_sim_events_golden_up_to_date PROPERTIES LABELS interop SKIP_RETURN_CODE 77)
endif()
