// A live view: the callbacks of Phoenix.LiveView, and a registry of views by name.
//
//   class counter : public lvh::ref::live_view {
//     void mount(const value&, const value&, socket& s) override { s.assign("count", 0); }
//     const template_& render(const socket&) const override { return tmpl_; }
//     event_result handle_event(std::string_view e, const value&, socket& s) override {
//       if (e == "inc") s.update("count", [](const value& c) { return c.get<int>() + 1; });
//       return noreply();
//     }
//   };
//   registry.add<counter>("CounterLive");
//
// A callback that throws kills the view (the client gets phx_error and rejoins), as an Elixir
// exception kills a LiveView process. The defaults of handle_event, handle_info and
// handle_call throw, as a missing function clause would.
#pragma once

#include <lvh/ref/socket.hpp>
#include <lvh/ref/template.hpp>
#include <lvh/ref/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lvh::ref {

// The result of handle_event: {:noreply, socket} or {:reply, map, socket}.
struct event_result {
    std::optional<value> reply;  // an object; travels as the diff's "r"
};
inline event_result noreply() { return {}; }
inline event_result reply(value map) { return {std::move(map)}; }

// What a callback throws when the view has no clause for a message (the defaults below).
class no_clause_error : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

class live_view {
public:
    virtual ~live_view() = default;

    // params: the route's path and query params, or the string "not_mounted_at_router" for a
    // nested view. session: the route's session merged with the HTTP session (or the
    // live_render session for a nested view). Runs twice per page: disconnected (the HTTP
    // render), then connected (the join).
    virtual void mount(const value& params, const value& session, socket& s);
    virtual const template_& render(const socket& s) const = 0;
    virtual event_result handle_event(std::string_view event, const value& payload, socket& s);
    virtual void handle_info(const value& msg, socket& s);
    // Only views mounted by the router get it: after mount, on live patches and push_patch.
    // The default does nothing (as a view without handle_params/3).
    virtual void handle_params(const value& params, const std::string& uri, socket& s);
    // A synchronous request from outside (channel::call); the returned value is the reply.
    virtual value handle_call(const value& msg, socket& s);
    // reason: "left", "closed", "shutdown", "parent_exited", "redirect", or the error message.
    virtual void terminate(std::string_view reason, socket& s);
};

// Views by name: the name the router uses and what data-phx-view shows.
class view_registry {
public:
    using factory = std::function<std::unique_ptr<live_view>()>;

    template <class V>
    view_registry& add(std::string name) {
        return add(std::move(name), [] { return std::unique_ptr<live_view>(new V()); });
    }
    view_registry& add(std::string name, factory f);

    bool has(std::string_view name) const;
    // nullptr when the name is unknown.
    std::unique_ptr<live_view> make(std::string_view name) const;

private:
    std::map<std::string, factory, std::less<>> factories_;
};

}  // namespace lvh::ref
