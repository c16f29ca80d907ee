// The view and component behind the phoenix-0.15.7 captures (tests/data/real-frames/README.md):
// one definition for the engine's golden diff test and the server's tests.
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/template.hpp>
#include <lvh/ref/value.hpp>

#include <string_view>

namespace lvh::ref::test {

// CounterLive's template (assigns count, name, submitted) and ItemComponent's.
const char* counter_template();
const char* item_component_template();
// Both compiled once per process, as a view module's template is.
const template_& counter_compiled();
const template_& item_component_compiled();

// ItemComponent: mounts with clicks 0; "bump" adds 1; any other event throws (no clause).
class item_component : public live_component {
public:
    void mount(component_socket& s) override;
    const template_& render(const component_socket&) const override;
    void handle_event(std::string_view event, const value&, component_socket& s) override;
};

}  // namespace lvh::ref::test
