// ClockLive: send_after every second, driven by the virtual clock (advance), never by sleeping.
#include "clock_live.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::examples::clock {
namespace {

using namespace lvh::testkit;
using namespace std::chrono_literals;

// 2024-01-01T09:59:58Z: the wall clock when the server's virtual clock reads 0.
constexpr std::chrono::milliseconds start{1'704'103'198'000};

class ClockTest : public ::testing::Test {
 protected:
  std::shared_ptr<in_process_server> server = [this] {
    ref::view_registry views;
    ref::router routes;
    install(views, routes, [this] { return start + server->now(); });
    return in_process_server::make(std::move(views), {}, std::move(routes));
  }();
  conn c = build_conn(server);
};

TEST(ClockFormat, HoursMinutesSecondsUtc) {
  EXPECT_EQ(format_time(start), "09:59:58");
  EXPECT_EQ(format_time(start + 2s), "10:00:00");
  EXPECT_EQ(format_time(std::chrono::milliseconds(86'399'999)), "23:59:59");
}

TEST_F(ClockTest, ShowsTheTimeAtMount) {
  auto [view, html] = live(c, "/clock").value();
  LVH_TRACE(view);
  EXPECT_THAT(view, HasElement("time#now", "09:59:58"));
  EXPECT_THAT(view, HasAttr("#clock", "class", "running"));
  EXPECT_EQ(page_title(view), "09:59:58");
}

TEST_F(ClockTest, TicksEverySecond) {
  auto [view, html] = live(c, "/clock").value();
  LVH_TRACE(view);
  advance(view, 999ms);
  EXPECT_THAT(view, HasElement("#now", "09:59:58"));
  advance(view, 1ms);
  EXPECT_THAT(view, HasElement("#now", "09:59:59"));
  advance(view, 1s);
  EXPECT_THAT(view, HasElement("#now", "10:00:00"));
  advance(view, 65s);
  EXPECT_THAT(view, HasElement("#now", "10:01:05"));
  EXPECT_EQ(page_title(view), "10:01:05");
}

TEST_F(ClockTest, PauseCancelsTheTimerAndResumeCatchesUp) {
  auto [view, html] = live(c, "/clock").value();
  LVH_TRACE(view);
  auto paused = render_click(element(view, "#toggle", "Pause"));
  EXPECT_THAT(paused, HasAttr("#clock", "class", "paused"));
  EXPECT_THAT(paused, HasElement("#toggle", "Resume"));

  advance(view, 10s);
  EXPECT_THAT(view, HasElement("#now", "09:59:58"));
  // Nothing is left to fire: the paused clock costs the server no work.
  EXPECT_EQ(server->scheduler().timer_count(), 0u);

  auto resumed = render_click(element(view, "#toggle", "Resume"));
  EXPECT_THAT(resumed, HasElement("#now", "10:00:08"));
  advance(view, 1s);
  EXPECT_THAT(view, HasElement("#now", "10:00:09"));
}

TEST_F(ClockTest, TwoTabsTickIndependently) {
  auto [first, html1] = live(c, "/clock").value();
  advance(first, 5s);
  auto [second, html2] = live(build_conn(server), "/clock").value();
  EXPECT_THAT(second, HasElement("#now", "10:00:03"));
  render_click(element(first, "#toggle"));
  advance(second, 2s);
  EXPECT_THAT(first, HasElement("#now", "10:00:03"));
  EXPECT_THAT(second, HasElement("#now", "10:00:05"));
}

}  // namespace
}  // namespace lvh::examples::clock
