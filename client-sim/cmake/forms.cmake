# lvh_sim_forms — FormData rules (entry list, URLSearchParams), usage errors, element lookup.
add_library(lvh_sim_forms
  ${CMAKE_CURRENT_SOURCE_DIR}/src/errors.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forms.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/find.cpp)
add_library(lvh::sim_forms ALIAS lvh_sim_forms)
target_include_directories(lvh_sim_forms PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_link_libraries(lvh_sim_forms
  PUBLIC lvh::dom nlohmann_json::nlohmann_json
  PRIVATE lvh_warnings)

if(LVH_BUILD_TESTS)
  lvh_add_gtest(lvh_sim_forms_tests
    LABELS unit
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test/forms_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/find_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/test/forms_golden_test.cpp
    LIBS lvh_sim_forms)
  target_compile_definitions(lvh_sim_forms_tests PRIVATE
    LVH_FORMS_GOLDEN_FILE="${CMAKE_CURRENT_SOURCE_DIR}/test/golden/forms.json")

  # The committed golden file must still be what the pinned jsdom produces.
  add_test(NAME lvh_sim_forms_golden_up_to_date
    COMMAND sh ${PROJECT_SOURCE_DIR}/dom/test/golden/check-golden-file.sh
            ${CMAKE_CURRENT_SOURCE_DIR}/test/golden/make-forms-golden.mjs
            ${CMAKE_CURRENT_SOURCE_DIR}/test/golden/forms.json ${CMAKE_CURRENT_BINARY_DIR}/forms.json)
  set_tests_properties(lvh_sim_forms_golden_up_to_date PROPERTIES LABELS interop SKIP_RETURN_CODE 77)
endif()
