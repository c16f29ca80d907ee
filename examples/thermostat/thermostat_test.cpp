// ThermostatLive tested as LiveViewTest would: session, connected mount, timers, redirects.
#include "thermostat_live.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace lvh::examples::thermostat {
namespace {

using namespace lvh::testkit;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

class ThermostatTest : public ::testing::Test {
 protected:
  // The fake device: readings by user; `broken` makes every read fail.
  std::map<std::int64_t, int> readings{{1, 21}, {2, 18}};
  bool broken = false;
  int reads = 0;

  std::shared_ptr<in_process_server> server = [this] {
    ref::view_registry views;
    ref::router routes;
    install(views, routes, [this](std::int64_t user) -> std::optional<int> {
      ++reads;
      if (broken || !readings.contains(user)) return std::nullopt;
      return readings[user];
    });
    return in_process_server::make(std::move(views), {}, std::move(routes));
  }();
  conn signed_in = init_test_session(build_conn(server), {{"current_user_id", 1}});
};

TEST_F(ThermostatTest, DisconnectedRenderShowsTheReading) {
  // get(conn, "/thermostat") |> html_response(200)
  auto page = server->endpoint().get(
      {.url = "/thermostat", .session_cookie = signed_in.cookies.at(std::string(session_cookie_name))});
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<span id=\"temperature\">21</span>"));
}

TEST_F(ThermostatTest, ConnectedMountRendersTheSignedInUsersReading) {
  auto [view, html] = live(signed_in, "/thermostat").value();
  LVH_TRACE(view);
  EXPECT_THAT(html, HasSubstr("Current temperature:"));
  EXPECT_THAT(view, HasElement("#temperature", "21"));

  auto other = init_test_session(build_conn(server), {{"current_user_id", 2}});
  EXPECT_THAT(live(other, "/thermostat").view(), HasElement("#temperature", "18"));
}

TEST_F(ThermostatTest, IncTemperatureButton) {
  auto [view, html] = live(signed_in, "/thermostat").value();
  LVH_TRACE(view);
  EXPECT_THAT(render_click(element(view, "button", "+")), HasElement("#temperature", "22"));
  EXPECT_THAT(render_click(element(view, "#inc")), HasElement("#temperature", "23"));
}

TEST_F(ThermostatTest, RefreshesEveryThirtySecondsOnceConnected) {
  auto [view, html] = live(signed_in, "/thermostat").value();
  LVH_TRACE(view);
  EXPECT_EQ(reads, 2);  // the disconnected render, then the connected mount
  readings[1] = 25;

  advance(view, 29s);
  EXPECT_THAT(view, HasElement("#temperature", "21"));
  advance(view, 1s);
  EXPECT_THAT(view, HasElement("#temperature", "25"));

  // One timer chain: the disconnected mount scheduled nothing.
  advance(view, 60s);
  EXPECT_EQ(reads, 5);
}

TEST_F(ThermostatTest, ALocalIncrementLastsUntilTheNextReading) {
  auto [view, html] = live(signed_in, "/thermostat").value();
  render_click(element(view, "#inc"));
  EXPECT_THAT(view, HasElement("#temperature", "22"));
  advance(view, 30s);
  EXPECT_THAT(view, HasElement("#temperature", "21"));
}

TEST_F(ThermostatTest, FailedReadingAtMountRedirectsToError) {
  broken = true;
  auto result = live(signed_in, "/thermostat");
  // {:error, {:redirect, %{to: "/error", flash: ...}}}
  ASSERT_TRUE(result.is_redirect());
  const auto& r = result.redirect_value();
  EXPECT_EQ(r.what, redirect::kind::redirect);
  EXPECT_EQ(r.to, "/error");
  EXPECT_EQ(r.flash["error"], "The thermostat could not be read.");

  auto [error_view, error_html] = follow_redirect(result, signed_in, "/error").value();
  EXPECT_THAT(error_html, HasSubstr("Something went wrong"));
  EXPECT_THAT(error_view, HasElement(".alert", "could not be read"));
}

TEST_F(ThermostatTest, FailedReadingLaterRedirectsToError) {
  auto [view, html] = live(signed_in, "/thermostat").value();
  broken = true;
  advance(view, 30s);
  auto [to, flash] = assert_redirect(view, "/error");
  EXPECT_EQ(to, "/error");
  EXPECT_EQ(flash["error"], "The thermostat stopped answering.");
}

TEST_F(ThermostatTest, NoUserInTheSessionRedirects) {
  auto result = live(build_conn(server), "/thermostat");
  ASSERT_TRUE(result.is_redirect());
  EXPECT_EQ(result.redirect_value().to, "/error");
  EXPECT_EQ(result.redirect_value().flash["error"], "Please sign in first.");
}

}  // namespace
}  // namespace lvh::examples::thermostat
