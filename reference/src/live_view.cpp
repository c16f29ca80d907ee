#include <lvh/ref/live_view.hpp>

namespace lvh::ref {

void live_view::mount(const value&, const value&, socket&) {}

event_result live_view::handle_event(std::string_view event, const value&, socket&) {
    throw no_clause_error("no handle_event clause for \"" + std::string(event) + "\"");
}

void live_view::handle_info(const value& msg, socket&) {
    throw no_clause_error("no handle_info clause for " + inspect(msg));
}

void live_view::handle_params(const value&, const std::string&, socket&) {}

value live_view::handle_call(const value& msg, socket&) {
    throw no_clause_error("no handle_call clause for " + inspect(msg));
}

void live_view::terminate(std::string_view, socket&) {}

view_registry& view_registry::add(std::string name, factory f) {
    factories_[std::move(name)] = std::move(f);
    return *this;
}

bool view_registry::has(std::string_view name) const { return factories_.find(name) != factories_.end(); }

std::unique_ptr<live_view> view_registry::make(std::string_view name) const {
    auto it = factories_.find(name);
    if (it == factories_.end()) return nullptr;
    return it->second();
}

}  // namespace lvh::ref
