# lvh_sim_client — the channel client (Phoenix socket/channel semantics), the transport and
# page seams, and the browser model that puts the other parts together. Owner: "client".
add_library(lvh_sim_client
  ${CMAKE_CURRENT_SOURCE_DIR}/src/transport.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/channel_client.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/browser.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/recovery.cpp)
add_library(lvh::sim_client ALIAS lvh_sim_client)
target_include_directories(lvh_sim_client PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_link_libraries(lvh_sim_client
  PUBLIC lvh_sim_patch lvh_sim_events lvh_sim_forms lvh::protocol lvh::dom
         nlohmann_json::nlohmann_json
  PRIVATE lvh_warnings)

if(LVH_BUILD_TESTS)
  lvh_add_gtest(lvh_sim_client_tests
    LABELS unit
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test/channel_client_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/browser_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/replay_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/form_recovery_test.cpp
    LIBS lvh_sim_client)
  target_compile_definitions(lvh_sim_client_tests PRIVATE
    LVH_REAL_FRAMES_DIR="${PROJECT_SOURCE_DIR}/tests/data/real-frames")
endif()
