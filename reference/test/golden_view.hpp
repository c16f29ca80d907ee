// The golden view as a live view: CounterLive over golden_counter.hpp's template and
// ItemComponent, for the server's tests and the benchmarks that run it on an endpoint.
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/live_view.hpp>

namespace lvh::ref::test {

// The view and component of tests/data/real-frames/README.md (the phoenix-0.15.7 captures),
// registered as "CounterLive" and "ItemComponent".
void add_golden_views(view_registry& views, component_registry& components);

}  // namespace lvh::ref::test
