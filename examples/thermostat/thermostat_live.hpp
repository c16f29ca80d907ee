// The thermostat from the LiveView documentation: the signed-in user's reading, refreshed every
// 30 seconds once connected, a button that raises it, and /error when the reading fails.
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>

#include <cstdint>
#include <functional>
#include <optional>

namespace lvh::examples::thermostat {

/// The device behind the view (Thermostat.get_user_reading/1 in the docs): the user's
/// temperature, or nullopt when it cannot be read. Injectable so a test decides.
using reading_fn = std::function<std::optional<int>(std::int64_t user_id)>;

/// Routes "/thermostat" (ThermostatLive) and "/error" (ErrorLive).
void install(ref::view_registry& views, ref::router& routes, reading_fn reading);

}  // namespace lvh::examples::thermostat
