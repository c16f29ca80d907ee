# lvh_ref_server: live views, sockets, channels, connections, router, endpoint and the
# in-process transport (issue 3). Builds on the engine (templates, diffs, components) and the
# runtime (schedulers, mailboxes, PubSub, tokens, params, telemetry).
find_package(OpenSSL REQUIRED)

add_library(lvh_ref_server
  src/live_view.cpp
  src/socket.cpp
  src/router.cpp
  src/channel.cpp
  src/connection.cpp
  src/endpoint.cpp
  src/transport.cpp)
target_include_directories(lvh_ref_server PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_link_libraries(lvh_ref_server
  PUBLIC lvh_ref_engine lvh_ref_runtime lvh::protocol
  PRIVATE OpenSSL::Crypto lvh_warnings)

# The golden view (tests/data/real-frames), shared by the server's tests and the benchmarks.
if(LVH_BUILD_TESTS OR LVH_BUILD_BENCHMARKS)
  add_library(lvh_ref_golden STATIC test/golden_counter.cpp test/golden_view.cpp)
  target_include_directories(lvh_ref_golden PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/test)
  target_link_libraries(lvh_ref_golden PUBLIC lvh_ref_server PRIVATE lvh_warnings)
endif()

if(LVH_BUILD_TESTS)
  lvh_add_gtest(lvh_ref_server_tests
    LABELS unit
    SOURCES test/server_test_support.cpp test/router_test.cpp test/socket_test.cpp
            test/channel_test.cpp test/endpoint_test.cpp test/transport_test.cpp
            test/transport_inbox_test.cpp
    LIBS lvh_ref_golden)
  target_include_directories(lvh_ref_server_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/test)
  lvh_add_gtest(lvh_ref_golden_e2e_tests
    LABELS unit
    SOURCES test/golden_e2e_test.cpp test/server_test_support.cpp
    LIBS lvh_ref_golden lvh::dom)
  target_include_directories(lvh_ref_golden_e2e_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/test)
  target_compile_definitions(lvh_ref_golden_e2e_tests PRIVATE
    LVH_REAL_FRAMES_DIR="${PROJECT_SOURCE_DIR}/tests/data/real-frames")
endif()
