// One client connection (Phoenix.Socket with the LiveView channel routes): text frames in,
// frames out, topics → view channels, heartbeats, unmatched topics, malformed frames.
//
// Frames are handled on the endpoint's scheduler through the connection's mailbox, in the
// order received; each view's work runs in that view's own mailbox. Frames out go to the
// sink, one at a time.
#pragma once

#include <lvh/ref/runtime.hpp>
#include <lvh/ref/value.hpp>

#include <lvh/protocol/frame.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

class endpoint;
class channel;

class connection : public std::enable_shared_from_this<connection> {
public:
    // Takes each frame by value: a sink may keep it without a copy.
    using sink = std::function<void(protocol::frame)>;

    // Use endpoint::connect. session: the verified HTTP session, null when the CSRF check
    // failed (then every join is stale).
    connection(endpoint& ep, value connect_params, value connect_info, value session);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void set_sink(sink s);

    // A text frame from the client. Malformed text is logged and dropped (it has no ref we
    // could trust, docs/protocol.md §8.4.1); nothing else happens to the connection.
    void receive(std::string text);
    // An already parsed frame (the in-process transport's frame mode).
    void receive(protocol::frame&& f);
    // The same for a frame the caller keeps (copied).
    void receive(const protocol::frame& f);

    // The client went away: every view terminates with reason "closed"; no frames are sent.
    void close();
    bool closed() const;

    std::uint64_t id() const { return id_; }
    bool has_session() const { return !session_.is_null(); }
    const value& session() const { return session_; }
    const value& connect_params() const { return connect_params_; }
    const value& connect_info() const { return connect_info_; }
    endpoint& owner() { return ep_; }

    // Joined (or joining) view topics.
    std::vector<std::string> topics() const;
    std::shared_ptr<channel> find(std::string_view topic) const;

    // Sends msg to the view's handle_info. False when no view has that topic.
    bool send_info(std::string_view topic, value msg);
    // handle_call on the view; reply gets its result, or nullopt when the view is gone or the
    // callback threw (the view then dies as usual).
    bool call(std::string_view topic, value msg, std::function<void(std::optional<value>)> reply);

    // --- for channels
    void emit(protocol::frame f);
    // The channel ended: forget it (if it still holds the topic), then send its last frame.
    void channel_ended(const channel* ch, std::optional<protocol::frame> last);
    void log(std::string_view line) const;

private:
    void post(std::shared_ptr<protocol::frame> f);
    void handle(std::shared_ptr<protocol::frame> p);
    void handle_join(protocol::frame f);
    void reply_error(const protocol::frame& request, value response, bool null_join_ref);

    endpoint& ep_;
    std::uint64_t id_;
    value connect_params_;
    value connect_info_;
    value session_;
    mailbox box_;

    mutable std::mutex channels_mutex_;
    std::map<std::string, std::shared_ptr<channel>, std::less<>> channels_;
    bool closed_ = false;

    std::mutex out_mutex_;
    sink sink_;
};

}  // namespace lvh::ref
