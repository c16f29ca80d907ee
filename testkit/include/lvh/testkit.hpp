// The testkit: Phoenix.LiveViewTest in C++ (live.hpp), the server seam (connection.hpp) and
// the in-process reference runtime behind it (in_process.hpp). GoogleTest matchers are in
// <lvh/testkit/gtest.hpp> (library lvh::testkit_gtest).
#pragma once

#include <lvh/testkit/connection.hpp>
#include <lvh/testkit/errors.hpp>
#include <lvh/testkit/html.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>
