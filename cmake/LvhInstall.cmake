# Installation and the exported CMake package `liveharness`:
#
#   find_package(liveharness REQUIRED)
#   target_link_libraries(my_tests PRIVATE lvh::testkit_gtest GTest::gtest_main)
#
# Targets are exported as lvh::<name> (lvh::dom, lvh::protocol, lvh::ref, lvh::sim,
# lvh::testkit and their part libraries). The GoogleTest matchers go to a second export set,
# loaded only when the consumer has GoogleTest, so the core never forces it.
# scripts/check-install.sh proves it with examples/consumer (ctest label "install").
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(lvh_install_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/liveharness)

# Target → name in the package (lvh::<name>). Part libraries only where they exist, since
# parts are built as their helpers land them.
set(lvh_export_names
  lvh_warnings=warnings
  lvh_dom=dom
  lvh_protocol_wire=protocol_wire
  lvh_protocol_tree=protocol_tree
  lvh_protocol=protocol
  lvh_ref_engine=ref_engine
  lvh_ref_runtime=ref_runtime
  lvh_ref_server=ref_server
  lvh_ref=ref
  lvh_sim_forms=sim_forms
  lvh_sim_patch=sim_patch
  lvh_sim_events=sim_events
  lvh_sim_client=sim_client
  lvh_sim=sim
  lvh_testkit=testkit)

set(lvh_install_targets)
foreach(pair IN LISTS lvh_export_names)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 target)
  list(GET pair 1 export_name)
  if(TARGET ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
    list(APPEND lvh_install_targets ${target})
  endif()
endforeach()

install(TARGETS ${lvh_install_targets}
  EXPORT liveharnessTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT liveharnessTargets
  NAMESPACE lvh::
  DESTINATION ${lvh_install_cmake_dir})

if(TARGET lvh_testkit_gtest)
  set_target_properties(lvh_testkit_gtest PROPERTIES EXPORT_NAME testkit_gtest)
  install(TARGETS lvh_testkit_gtest
    EXPORT liveharnessGTestTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT liveharnessGTestTargets
    NAMESPACE lvh::
    DESTINATION ${lvh_install_cmake_dir})
endif()

# Public headers: every component's include/ tree.
foreach(dir dom protocol reference client-sim testkit)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir}/include)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/include/
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
      FILES_MATCHING PATTERN "*.hpp")
  endif()
endforeach()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/liveharnessConfig.cmake.in
  ${PROJECT_BINARY_DIR}/liveharnessConfig.cmake
  INSTALL_DESTINATION ${lvh_install_cmake_dir})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/liveharnessConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/liveharnessConfig.cmake
  ${PROJECT_BINARY_DIR}/liveharnessConfigVersion.cmake
  DESTINATION ${lvh_install_cmake_dir})

if(LVH_BUILD_TESTS)
  add_test(NAME lvh_check_install
    COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/check-install.sh ${PROJECT_BINARY_DIR} ${CMAKE_CXX_COMPILER})
  set_tests_properties(lvh_check_install PROPERTIES LABELS install TIMEOUT 900)
endif()
