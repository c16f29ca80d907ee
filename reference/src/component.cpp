// Component sockets, the default callbacks and the registry.
#include <lvh/ref/component.hpp>

#include <stdexcept>

namespace lvh::ref {

component_socket::component_socket(int cid, bool connected) : cid_(cid), connected_(connected) {
  assigns_.clear_changed();
  if (cid > 0) {
    // @myself is there from the start but never marked changed, as Phoenix sets it.
    value a = value::object();
    a["myself"] = cid;
    assigns_ = lvh::ref::assigns(std::move(a));
    assigns_.clear_changed();
  }
}

void component_socket::push_event(std::string event, value payload) {
  events_.push_back({std::move(event), std::move(payload)});
}
void component_socket::push_patch(std::string to, bool replace) {
  navigation_ = lvh::ref::navigation{navigation::kind::patch, std::move(to), replace};
}
void component_socket::push_redirect(std::string to, bool replace) {
  navigation_ = lvh::ref::navigation{navigation::kind::live_redirect, std::move(to), replace};
}
void component_socket::redirect(std::string to) {
  navigation_ = lvh::ref::navigation{navigation::kind::redirect, std::move(to), false};
}
void component_socket::put_flash(std::string kind, std::string message) {
  flash_.push_back({std::move(kind), std::move(message)});
}

void live_component::update(const value& a, component_socket& socket) { socket.assign(a); }
void live_component::preload(std::vector<value>&) {}
void live_component::handle_event(std::string_view event, const value&, component_socket&) {
  throw std::runtime_error("no handle_event clause matching \"" + std::string(event) + "\"");
}

component_registry& component_registry::add(std::string name, factory f) {
  factories_[std::move(name)] = std::move(f);
  return *this;
}
bool component_registry::has(std::string_view name) const { return factories_.find(name) != factories_.end(); }
std::unique_ptr<live_component> component_registry::make(std::string_view name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

}  // namespace lvh::ref
