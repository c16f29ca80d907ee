# lvh_ref_runtime: schedulers, mailboxes, PubSub, tokens, params, telemetry (issue 3).
find_package(OpenSSL REQUIRED)

add_library(lvh_ref_runtime
  src/scheduler.cpp
  src/mailbox.cpp
  src/pubsub.cpp
  src/token.cpp
  src/params.cpp
  src/telemetry.cpp)
target_include_directories(lvh_ref_runtime PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_link_libraries(lvh_ref_runtime
  PUBLIC lvh_protocol_wire nlohmann_json::nlohmann_json
  PRIVATE Boost::headers OpenSSL::Crypto lvh_warnings)
find_package(Threads REQUIRED)
target_link_libraries(lvh_ref_runtime PUBLIC Threads::Threads)

if(LVH_BUILD_TESTS)
  lvh_add_gtest(lvh_ref_runtime_tests
    LABELS unit
    SOURCES test/scheduler_test.cpp test/pubsub_test.cpp test/token_test.cpp
            test/params_test.cpp test/telemetry_test.cpp
    LIBS lvh_ref_runtime)
  lvh_add_gtest(lvh_ref_runtime_props
    LABELS property
    SOURCES test/runtime_props_test.cpp
    LIBS lvh_ref_runtime rapidcheck)
endif()
