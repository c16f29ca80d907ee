// Live components: stateful (with an id, a cid in the view's table) and stateless (no id).
#pragma once

#include <lvh/ref/template.hpp>
#include <lvh/ref/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

/// A push_event: becomes one entry of the diff's "e" list.
struct pushed_event {
  std::string event;
  value payload;
};

/// A navigation requested by a callback.
struct navigation {
  enum class kind { patch, live_redirect, redirect };
  kind type = kind::patch;
  std::string to;
  bool replace = false;
};

struct flash_put {
  std::string kind;
  std::string message;
};

/// What a component's callbacks see and change.
class component_socket {
 public:
  component_socket(int cid, bool connected);

  lvh::ref::assigns& assigns() { return assigns_; }
  const lvh::ref::assigns& assigns() const { return assigns_; }
  /// Sets a tracked assign; true when it changed.
  bool assign(std::string key, value v) { return assigns_.set(std::move(key), std::move(v)); }
  /// assign() for each member of an object.
  void assign(const value& object) { assigns_.merge(object); }
  const value& get(std::string_view key) const { return assigns_.get(key); }

  /// The cid (what phx-target="<%= @myself %>" renders); 0 for a stateless component.
  int myself() const { return cid_; }
  bool connected() const { return connected_; }

  void push_event(std::string event, value payload);
  void push_patch(std::string to, bool replace = false);
  void push_redirect(std::string to, bool replace = false);
  void redirect(std::string to);
  void put_flash(std::string kind, std::string message);

  /// Outputs for the renderer to hoist into its render_context.
  std::vector<pushed_event>& events() { return events_; }
  std::optional<lvh::ref::navigation>& navigation() { return navigation_; }
  std::vector<flash_put>& flash() { return flash_; }

 private:
  lvh::ref::assigns assigns_;
  int cid_;
  bool connected_;
  std::vector<pushed_event> events_;
  std::optional<lvh::ref::navigation> navigation_;
  std::vector<flash_put> flash_;
};

/// A component's callbacks. One instance per mounted stateful component (it may keep state of
/// its own, though assigns are the tracked state); a fresh one per render of a stateless one.
/// An exception from any callback propagates out of the renderer (the view crashes).
class live_component {
 public:
  virtual ~live_component() = default;

  virtual void mount(component_socket&) {}
  /// Default: assign every key of assigns (changed only where values differ).
  virtual void update(const value& assigns, component_socket& socket);
  /// Called once per render pass with the assigns of every component of this kind about to
  /// update (stateful only; each a JSON object), before their update; may change them but
  /// must keep the list's length. Default: nothing.
  virtual void preload(std::vector<value>& assigns_list);
  virtual const template_& render(const component_socket& socket) const = 0;
  /// Default: throws, as an Elixir function clause error would (crashing the view).
  virtual void handle_event(std::string_view event, const value& payload,
                            component_socket& socket);
};

/// Components by name, as `live_component "Name", …` or `live_component @socket, Name, …`
/// refers to them. Stateful when the call passes an id, stateless otherwise (as in LiveView).
class component_registry {
 public:
  using factory = std::function<std::unique_ptr<live_component>()>;

  template <class C>
  component_registry& add(std::string name) {
    return add(std::move(name), [] { return std::unique_ptr<live_component>(new C()); });
  }
  component_registry& add(std::string name, factory f);

  bool has(std::string_view name) const;
  /// nullptr when the name is unknown.
  std::unique_ptr<live_component> make(std::string_view name) const;

 private:
  std::map<std::string, factory, std::less<>> factories_;
};

}  // namespace lvh::ref
