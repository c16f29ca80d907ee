// One joined live view (Phoenix.LiveView.Channel): an actor whose mailbox receives the view's
// pushes, info messages, timers and PubSub broadcasts and runs them one at a time.
//
// Every push gets exactly one reply, in order. A callback that throws kills this view only:
// the client gets phx_error with the current join_ref, the next join mounts afresh. A nested
// view (live_render) is its own channel; its crash leaves the parent alone, the parent's end
// closes it (phx_close).
#pragma once

#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/engine.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/runtime.hpp>
#include <lvh/ref/socket.hpp>
#include <lvh/ref/value.hpp>

#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/messages.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

class connection;

// What the connection verified before a join reaches the channel.
struct join_request {
    protocol::frame frame;            // the phx_join frame (its ref is the join_ref)
    protocol::join_payload payload;
    value session_data;               // the verified session token's data
    value static_data;                // the verified static token's data; null when none
    std::shared_ptr<class channel> parent;  // a nested view's parent, else null
};

class channel : public std::enable_shared_from_this<channel>, private socket_host {
public:
    enum class state { joining, joined, dead };

    channel(const std::shared_ptr<connection>& conn, std::string topic, std::string join_ref);
    ~channel() override;
    channel(const channel&) = delete;
    channel& operator=(const channel&) = delete;

    // Queues the join; the reply follows once mount, handle_params and render ran.
    void join(join_request req);
    // Queues a client push (event, link/live_patch, cids_*, phx_leave). False when too many
    // messages wait (the caller answers {"reason":"overloaded"}).
    bool push(protocol::frame f);
    // The same, shared: the connection's and the view's mailboxes then move a pointer per
    // hop, not the frame.
    bool push(std::shared_ptr<protocol::frame> f);
    // handle_info(msg) in the view's mailbox.
    bool post_info(value msg);
    bool call(value msg, std::function<void(std::optional<value>)> reply);
    // The parent view ended: this one closes (phx_close).
    void parent_exited();
    // Ends the view now, without a frame (connection closed, duplicate join); waits for a
    // callback running on another thread to finish first.
    void shutdown(std::string reason);

    const std::string& topic() const { return topic_; }
    const std::string& join_ref() const { return join_ref_; }
    const std::string& view_name() const { return view_name_; }
    std::uint64_t serial() const { return serial_; }
    state current_state() const;
    bool alive() const { return current_state() != state::dead; }
    std::size_t pending() const { return box_.pending(); }

    // The assigns a nested view's assign_new may take (a copy made at the parent's last
    // live_render call).
    value assigns_for_children() const;
    void add_child(const std::shared_ptr<channel>& child);

private:
    // socket_host
    void send_self(value msg) override;
    std::uint64_t send_after(value msg, std::chrono::milliseconds delay) override;
    bool cancel_timer(std::uint64_t timer) override;
    void subscribe(const std::string& topic) override;
    void unsubscribe(const std::string& topic) override;
    void broadcast(const std::string& topic, const value& msg) override;
    void broadcast_from(const std::string& topic, const value& msg) override;
    void send_update(std::string component, value id, value assigns) override;
    std::uint64_t send_update_after(std::string component, value id, value assigns,
                                    std::chrono::milliseconds delay) override;

    // Runs fn as a mailbox message while the channel lives (messages hold it weakly: a
    // channel the connection forgot is gone with its queue).
    // fn(channel&) as one mailbox message (a single callable: no wrapper around a wrapper).
    // Templates defined in channel.cpp, their only user.
    template <class F> bool enqueue(F fn);
    template <class F> task as_message(F fn);
    template <class F> void guarded(F&& fn);

    void do_join(join_request& req);
    void do_push(protocol::frame& f);
    void do_event(protocol::frame& f);
    void do_link(protocol::frame& f);
    void do_info(const value& msg);
    void do_send_update(const std::string& component, const value& id, const value& assigns);

    // After a callback: navigation, render, reply or push. request: the push being answered,
    // null when none.
    void handle_changed(protocol::frame* request, std::optional<value> reply,
                        value base_diff, render_context* extra);
    value render_diff(render_context& ctx);
    void apply_context(render_context& ctx);
    void call_handle_params(const value& params, const std::string& uri);
    // A nested view's push_patch, run by the root view (Phoenix's {:redirect, patch, flash}).
    void patch_from_child(const navigation& nav, value flash);
    value route_params(const std::string& url, bool& same_view);

    // Answers request, which it takes apart: its refs and topic move into the reply.
    void reply(protocol::frame& request, bool ok, value response);
    void push_frame(std::string_view event, value payload);
    void crash(std::string_view reason);
    void close_with(std::string_view reason, std::optional<protocol::frame> last);
    std::string live_render(const std::string& view_name, const value& opts);
    render_context make_context();
    telemetry_metadata meta() const;

    std::weak_ptr<connection> conn_;
    endpoint& ep_;
    std::string topic_;
    std::string join_ref_;
    std::uint64_t serial_;
    std::string subscriber_id_;
    std::string view_name_;
    std::string view_id_;
    mailbox box_;

    // Held while the view's code runs (mailbox messages, timers, broadcasts, shutdown), so a
    // shutdown from another thread never overlaps a callback. Recursive: a callback may end
    // its own view.
    std::recursive_mutex run_mutex_;
    mutable std::mutex mutex_;   // state_, children_, child_assigns_
    state state_ = state::joining;
    std::vector<std::weak_ptr<channel>> children_;
    value child_assigns_ = value::object();

    std::unique_ptr<live_view> view_;
    std::unique_ptr<lvh::ref::socket> socket_;
    std::unique_ptr<view_renderer> renderer_;
    std::weak_ptr<channel> parent_;
    // The root of this view's tree (itself when root), and what its push_patch is checked
    // against: Phoenix patches the root view from any view of the tree.
    std::weak_ptr<channel> root_;
    bool root_routed_ = false;
    std::string root_view_name_;
    std::string root_route_path_;
    bool routed_ = false;          // mounted by the router (gets handle_params)
    std::string route_path_;       // the route pattern that mounted it
    std::string url_;
};

}  // namespace lvh::ref
