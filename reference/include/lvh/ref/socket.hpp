// The socket a live view's callbacks receive: its assigns and the operations of Phoenix's
// Phoenix.LiveView (assign, put_flash, push_event, push_patch, send_after, …).
//
//   void mount(const value&, const value& session, socket& s) override {
//     s.assign("count", 0);
//     if (s.connected()) s.send_after({{"tick", true}}, std::chrono::seconds(1));
//   }
//
// Operations that reach outside the view (timers, PubSub, send_update) go through the
// socket_host of the process that owns the socket: the view's channel when connected, nothing
// during the disconnected render (as in Phoenix, where such messages go to the HTTP process,
// which ignores them).
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

// What a socket asks of the process that owns it. Timer ids are never 0.
class socket_host {
public:
    virtual ~socket_host() = default;
    virtual void send_self(value msg) = 0;
    virtual std::uint64_t send_after(value msg, std::chrono::milliseconds delay) = 0;
    virtual bool cancel_timer(std::uint64_t timer) = 0;
    virtual void subscribe(const std::string& topic) = 0;
    virtual void unsubscribe(const std::string& topic) = 0;
    // To every subscriber of topic, this view included (Phoenix.PubSub.broadcast).
    virtual void broadcast(const std::string& topic, const value& msg) = 0;
    // To every subscriber but this view (broadcast_from with self()).
    virtual void broadcast_from(const std::string& topic, const value& msg) = 0;
    virtual void send_update(std::string component, value id, value assigns) = 0;
    virtual std::uint64_t send_update_after(std::string component, value id, value assigns,
                                            std::chrono::milliseconds delay) = 0;
};

// The socket of one live view (one mount).
class socket {
public:
    socket(std::string id, bool connected, socket_host* host = nullptr);

    const std::string& id() const { return id_; }
    bool connected() const { return connected_; }

    // --- assigns
    lvh::ref::assigns& assigns() { return assigns_; }
    const lvh::ref::assigns& assigns() const { return assigns_; }
    const value& get(std::string_view key) const { return assigns_.get(key); }
    // Marks key changed only when the value differs, as Phoenix's assign/3.
    socket& assign(std::string key, value v);
    socket& assign(const value& object);
    // Assigns fn() only when key is absent. A nested view first takes the key from its
    // parent's assigns, as Phoenix's assign_new does on a connected mount.
    socket& assign_new(std::string key, const std::function<value()>& fn);
    // key = fn(current value). A missing key throws std::out_of_range (Phoenix raises).
    socket& update(std::string key, const std::function<value(const value&)>& fn);

    // --- connection
    // The join's params (connect params) during a connected mount; null otherwise, as
    // get_connect_params returns nil outside mount and in the disconnected render.
    const value& get_connect_params() const;
    const value& get_connect_info() const;
    // Transport id of the connection (Phoenix's transport_pid); 0 when disconnected.
    std::uint64_t transport_id() const { return transport_id_; }
    // Whether the static assets tracked by the client differ from the server's (the join's
    // `_track_static` against the endpoint's list); false when nothing is tracked.
    bool static_changed() const { return static_changed_; }

    // --- flash: the @flash assign, a map kind → message, as in LiveView 0.15
    socket& put_flash(std::string kind, std::string message);
    socket& clear_flash();
    socket& clear_flash(std::string_view kind);
    const value& flash() const { return assigns_.get("flash"); }

    // --- pushes and navigation
    socket& push_event(std::string event, value payload);
    // The same view at a new URL: handle_params runs and the client gets `live_patch`.
    socket& push_patch(std::string to, bool replace = false);
    // Another live view (`live_redirect`); the channel closes.
    socket& push_redirect(std::string to, bool replace = false);
    // A full page load (`redirect`); the channel closes.
    socket& redirect(std::string to);
    // Same as redirect, for URLs outside this app (sent as `to` as well).
    socket& redirect_external(std::string url);

    // --- mount options
    // Keys reset to the given value after every render, without marking them changed
    // (mount's `temporary_assigns:`). An object: key → value after reset.
    socket& set_temporary_assigns(value object);
    const value& temporary_assigns() const { return temporary_assigns_; }

    // --- processes (no-ops when not connected)
    void send_self(value msg);
    // Returns the timer id (0 when not connected).
    std::uint64_t send_after(value msg, std::chrono::milliseconds delay);
    bool cancel_timer(std::uint64_t timer);
    void subscribe(const std::string& topic);
    void unsubscribe(const std::string& topic);
    void broadcast(const std::string& topic, const value& msg);
    void broadcast_from(const std::string& topic, const value& msg);
    void send_update(std::string component, value id, value assigns);
    std::uint64_t send_update_after(std::string component, value id, value assigns,
                                    std::chrono::milliseconds delay);

    // --- the process's view of the socket (the channel and endpoint use these)
    struct state {
        std::vector<pushed_event> events;
        std::optional<lvh::ref::navigation> navigation;
        bool external_redirect = false;
        // Flash put since the last take(): what a redirect carries (Phoenix's changed_flash).
        value changed_flash = value::object();
    };
    state& pending() { return pending_; }
    // Returns and clears the pending pushes and navigation.
    state take_pending();
    // take_pending() when no navigation is pending and only the pushes are wanted: the state
    // is cleared in place (no new state and flash object per event).
    std::vector<pushed_event> take_events();
    bool redirected() const { return pending_.navigation.has_value(); }
    bool patch_pending() const {
        return pending_.navigation && pending_.navigation->type == navigation::kind::patch;
    }

    void set_connect_params(value params) { connect_params_ = std::move(params); }
    void set_connect_info(value info) { connect_info_ = std::move(info); }
    void set_transport_id(std::uint64_t id) { transport_id_ = id; }
    void set_static_changed(bool changed) { static_changed_ = changed; }
    void set_host(socket_host* host) { host_ = host; }
    // A nested view's parent's assigns, for assign_new; null when root.
    void set_parent_assigns(const lvh::ref::assigns* parent) { parent_assigns_ = parent; }
    // The view's parent id ("" for a root view) and root id.
    void set_parent_id(std::string id) { parent_id_ = std::move(id); }
    const std::string& parent_id() const { return parent_id_; }
    // Keys assigned through assign_new (carried in the static token, as Phoenix does).
    const std::vector<std::string>& assign_new_keys() const { return assign_new_keys_; }
    // Applies the temporary assigns after a render.
    void reset_temporary_assigns();

private:
    std::string id_;
    bool connected_;
    socket_host* host_;
    lvh::ref::assigns assigns_;
    value connect_params_;
    value connect_info_;
    std::uint64_t transport_id_ = 0;
    bool static_changed_ = false;
    value temporary_assigns_ = value::object();
    state pending_;
    const lvh::ref::assigns* parent_assigns_ = nullptr;
    std::string parent_id_;
    std::vector<std::string> assign_new_keys_;
};

}  // namespace lvh::ref
