// The in-process transport: a client handle that sends frame text to a connection and
// receives the frames the server sends, with no sockets. Driven by the scheduler: with the
// deterministic one, a test sends, calls run_until_idle(), then reads the replies.
//
//   auto client = lvh::ref::in_process_client::connect(ep, {{"_csrf_token", page.csrf_token}},
//                                                      {{"session", page.session_cookie}});
//   client->send(R"([null,"1","phoenix","heartbeat",{}])");
//   sched.run_until_idle();
//   std::string reply = client->receive_text().value();
//
// By default every server frame is encoded to JSON text the way it would go on the wire, so
// a payload that could not travel (invalid UTF-8, a NaN, binary data) fails the test: the
// frame is not delivered and receive_*() throws transport_error. Frame mode skips encoding.
#pragma once

#include <lvh/ref/value.hpp>

#include <lvh/protocol/frame.hpp>

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lvh::ref {

class endpoint;
class connection;

class transport_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class in_process_client : public std::enable_shared_from_this<in_process_client> {
public:
    enum class mode { json_text, frames };

    static std::shared_ptr<in_process_client> connect(endpoint& ep, value params = value::object(),
                                                      value connect_info = value::object(),
                                                      mode m = mode::json_text);
    ~in_process_client();
    in_process_client(const in_process_client&) = delete;
    in_process_client& operator=(const in_process_client&) = delete;

    // Sends one text frame (delivered when the scheduler runs).
    void send(std::string text);
    // Encodes f as the client's serializer would, then sends it (in frames mode, f itself).
    void send(const protocol::frame& f);
    void send(protocol::frame&& f);

    // Next frame received, oldest first; nullopt when none is waiting. Throws
    // transport_error when that frame could not be encoded (json_text mode).
    std::optional<std::string> receive_text();
    std::optional<protocol::frame> receive();
    // Every frame waiting, parsed.
    std::vector<protocol::frame> receive_all();
    std::size_t waiting() const;

    // The client disconnects: the server's views terminate.
    void close();
    bool closed() const;

    connection& conn() { return *conn_; }

private:
    struct item {
        std::optional<std::string> text;
        std::optional<protocol::frame> frame;
        std::string error;
    };

    in_process_client(std::shared_ptr<connection> c, mode m);
    void deliver(protocol::frame&& f);
    item pop();

    std::shared_ptr<connection> conn_;
    mode mode_;
    mutable std::mutex mutex_;
    std::deque<item> inbox_;
    // Read without the lock, as the client asks before every send and after every pump.
    std::atomic<std::size_t> waiting_{0};  // inbox_.size()
    std::atomic<bool> closed_{false};
};

// JSON text of a frame, strictly: throws transport_error for payloads that cannot travel as
// JSON text (invalid UTF-8, non-finite numbers, binary values).
std::string encode_strict(const protocol::frame& f);

}  // namespace lvh::ref
