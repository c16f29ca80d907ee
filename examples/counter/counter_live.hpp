// Counters as stateful components: each CounterComponent keeps its own count and handles its
// own clicks (phx-target="<%= @myself %>"); the view resets them with send_update.
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>

namespace lvh::examples::counter {

/// Routes "/counters" (CountersLive) and registers CounterComponent.
void install(ref::view_registry& views, ref::component_registry& components, ref::router& routes);

}  // namespace lvh::examples::counter
