// A clock: the time of day, ticking every second once connected (send_after), with a button
// that pauses and resumes it (cancel_timer). The time comes from an injectable clock, so a
// test drives it with the server's virtual clock.
#pragma once

#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace lvh::examples::clock {

/// Milliseconds since the Unix epoch, UTC.
using now_fn = std::function<std::chrono::milliseconds()>;

/// "HH:MM:SS" of a Unix time in milliseconds, UTC.
std::string format_time(std::chrono::milliseconds since_epoch);

/// Routes "/clock" (ClockLive).
void install(ref::view_registry& views, ref::router& routes, now_fn now);

}  // namespace lvh::examples::clock
