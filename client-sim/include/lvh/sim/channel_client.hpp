// The Phoenix socket and channel client as phoenix.js runs it under the official LiveView
// client: one ref counter per socket (also spent on internal registrations, so refs have
// gaps), join refs, replies matched by ref, lifecycle frames with a stale join_ref dropped,
// heartbeats every 30 s, push and join timeouts, rejoin after phx_error with the channel's
// back-off and reconnect after a socket loss (docs/protocol.md §1.3–1.7, §8.2).
//
// Time is a virtual_clock (timing.hpp) shared with debounce and throttle; nothing happens
// between calls. LiveView semantics (join payloads, diffs, views) live in browser.hpp.
#pragma once

#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/sim/timing.hpp>
#include <lvh/sim/transport.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lvh::sim {

/// A reply as the caller sees it: "ok", "error", or "timeout" (the client's own, after the
/// push's timeout passed without a reply).
struct reply_result {
  std::string status;
  nlohmann::json response = nlohmann::json::object();
  std::string ref;  ///< the push's ref

  bool ok() const noexcept { return status == "ok"; }
};
using reply_handler = std::function<void(const reply_result&)>;

enum class channel_state : unsigned char { closed, errored, joined, joining, leaving };
std::string_view to_string(channel_state s) noexcept;

struct socket_options {
  std::int64_t heartbeat_interval_ms = 30000;
  std::int64_t timeout_ms = 10000;  ///< default push and join timeout (phoenix.js)
  /// Rejoin delays after an error, by attempt; the last repeats (§1.7.4).
  std::vector<std::int64_t> rejoin_after_ms{1000, 2000, 5000, 10000};
  /// Reconnect delays after a socket loss, by attempt; the last repeats (§1.7.3).
  std::vector<std::int64_t> reconnect_after_ms{10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000};
  /// Upper bound of frames processed by one drain() (a server that never stops talking).
  std::size_t max_frames_per_drain = 100000;
  /// How many records the logs keep (sent(), received(), and the browser's sent_events()):
  /// once a log holds twice this many, its older half is dropped. Unlimited by default.
  /// 0 keeps no logs at all, and then costs nothing: a frame goes to a transport that moves
  /// frames without being copied (the testkit's default, as LiveViewTest keeps none).
  std::size_t log_limit = std::numeric_limits<std::size_t>::max();
};

namespace detail {
/// Drops the older half of `log` once it holds twice `limit` records (amortized O(1)).
template <class T>
void trim_log(std::vector<T>& log, std::size_t limit) {
  if (limit > log.max_size() / 2 || log.size() < 2 * limit) return;
  const auto end = log.end() - static_cast<std::ptrdiff_t>(limit);
  // Payloads freed leaves first (protocol::release), cheaper than their destructors.
  for (auto it = log.begin(); it != end; ++it) protocol::release(it->payload);
  log.erase(log.begin(), end);
}
}  // namespace detail

class channel_client;

/// One channel on the socket (phoenix.js Channel).
class channel {
 public:
  struct callbacks {
    /// The join payload, computed anew for every (re)join, as phoenix.js calls its params
    /// closure.
    std::function<nlohmann::json()> join_payload;
    /// Each join's outcome: ok, error or timeout (hooks persist across rejoins).
    reply_handler on_join;
    /// Frames other than lifecycle ones: diff, redirect, live_patch, live_redirect, …
    std::function<void(const protocol::frame&)> on_message;
    std::function<void()> on_error;  ///< phx_error (or the socket was lost)
    std::function<void()> on_close;  ///< phx_close, or the leave completed
  };

  const std::string& topic() const noexcept { return topic_; }
  channel_state state() const noexcept { return state_; }
  /// The ref of the current join push; empty before the first join.
  const std::string& join_ref() const noexcept { return join_ref_; }
  bool joined_once() const noexcept { return joined_once_; }
  /// Rejoin attempts since the last successful join.
  int rejoin_tries() const noexcept { return rejoin_tries_; }

  /// Sends phx_join (leaving another open channel on the same topic first).
  void join(std::optional<std::int64_t> timeout_ms = std::nullopt);
  /// Sends `event`; buffered until joined, as phoenix.js does. Returns the ref it got.
  std::string push(std::string event, nlohmann::json payload, reply_handler on_reply = nullptr,
                   std::optional<std::int64_t> timeout_ms = std::nullopt);
  /// Sends phx_leave; the channel closes on its reply (or timeout) and is removed.
  void leave();

 private:
  friend class channel_client;
  struct pending_push {
    std::string event;
    nlohmann::json payload;
    reply_handler handler;
    std::int64_t timeout_ms = 0;
    std::string ref;
    virtual_clock::timer_id timer = 0;
    std::uint64_t id = 0;  // the channel's own count: what its timeout looks it up by
  };
  channel(channel_client& socket, std::string topic, callbacks cb);
  void send_join();
  std::string send_push(pending_push p);  // returns the ref it got
  void start_timeout(pending_push& p);
  void push_timed_out(std::uint64_t id);
  void disarm_pushes() noexcept;
  void schedule_rejoin();
  void cancel_rejoin();
  void rejoin();
  void trigger_error();
  void trigger_close();
  bool can_push() const;
  void handle_reply(protocol::frame& f);  // lends f's response to the handler

  channel_client& socket_;
  std::string topic_;
  callbacks cb_;
  channel_state state_ = channel_state::closed;
  std::string join_ref_;
  bool joined_once_ = false;
  bool join_pending_ = false;
  std::int64_t join_timeout_ms_;
  virtual_clock::timer_id join_timer_ = 0;
  virtual_clock::timer_id rejoin_timer_ = 0;
  int rejoin_tries_ = 0;
  std::uint64_t pushes_ = 0;
  std::vector<pending_push> buffer_;
  // Sent, in order: replies mostly come in that order, so the one looked for is near the front.
  std::vector<pending_push> awaiting_;
};

/// The socket (phoenix.js Socket): owns the channels, the ref counter, heartbeats and
/// reconnects.
class channel_client {
 public:
  channel_client(transport& t, virtual_clock& clock, socket_options opts = {});
  channel_client(const channel_client&) = delete;
  channel_client& operator=(const channel_client&) = delete;
  ~channel_client();

  /// Opens the socket; heartbeats start. False when the transport refused (a reconnect is
  /// then scheduled with back-off).
  bool connect(connect_request req);
  /// Closes the socket on purpose: no reconnect; channels are left as they are.
  void disconnect();
  bool connected() const noexcept;

  /// The next ref, as phoenix.js's makeRef (decimal string; "1" first). Registrations the
  /// client makes (onOpen/onError/onClose callbacks) spend refs too: call it for them.
  std::string make_ref();
  /// The last ref handed out.
  std::uint64_t last_ref() const noexcept { return ref_; }

  /// A new channel (phoenix.js socket.channel: spends two refs on its onError/onOpen
  /// registrations). The channel lives until it closes and is removed.
  channel& open_channel(std::string topic, channel::callbacks cb);
  /// Forgets a channel without a leave (phoenix.js socket.remove).
  void remove(channel& ch);
  /// Sends phx_leave on `topic` with `join_ref` (empty: null), also for a channel that is
  /// no longer open: phoenix.js's Channel.leave sends one whatever the channel's state.
  void send_leave(const std::string& topic, const std::string& join_ref);
  std::vector<channel*> channels() const;

  /// Pumps the transport and handles what arrived until nothing does. Returns the number of
  /// frames handled.
  std::size_t drain();
  /// Handles one received text frame. Undecodable frames are recorded in errors().
  void handle_text(const std::string& text);
  /// Handles one received frame (from a transport that moves frames).
  void handle_frame(protocol::frame f);

  virtual_clock& clock() noexcept { return clock_; }
  transport& transport_ref() noexcept { return transport_; }
  const socket_options& options() const noexcept { return opts_; }

  /// Everything sent (or buffered until the socket opens), in order, heartbeats included
  /// (the newest only, past socket_options::log_limit; none when it is 0).
  const std::vector<protocol::frame>& sent() const noexcept { return sent_; }
  /// Everything received and decoded, in order (the newest only, past log_limit; none when
  /// it is 0).
  const std::vector<protocol::frame>& received() const noexcept { return received_; }
  /// Frames that could not be decoded, with why.
  const std::vector<std::string>& errors() const noexcept { return errors_; }
  /// Heartbeats that went unanswered until the next was due (each caused a reconnect).
  int heartbeat_timeouts() const noexcept { return heartbeat_timeouts_; }
  int connects() const noexcept { return connects_; }

 private:
  friend class channel;
  void send_frame(protocol::frame f);
  void transmit(protocol::frame f);  // to the transport, as text or as a frame
  bool keeps_logs() const noexcept { return opts_.log_limit > 0; }
  void on_open();
  void lost(std::string why);
  void schedule_heartbeat();
  void send_heartbeat();
  void schedule_reconnect();
  void sweep();

  transport& transport_;
  virtual_clock& clock_;
  socket_options opts_;
  std::uint64_t ref_ = 0;
  std::vector<std::unique_ptr<channel>> channels_;
  std::vector<std::unique_ptr<channel>> graveyard_;  // removed while a callback ran
  connect_request last_connect_;
  bool open_ = false;
  bool closed_on_purpose_ = false;
  std::optional<std::string> pending_heartbeat_;
  virtual_clock::timer_id heartbeat_timer_ = 0;
  virtual_clock::timer_id reconnect_timer_ = 0;
  int reconnect_tries_ = 0;
  int heartbeat_timeouts_ = 0;
  int connects_ = 0;
  int dispatching_ = 0;
  std::vector<protocol::frame> send_buffer_;  // pushed before the socket opened
  std::vector<protocol::frame> sent_;
  std::vector<protocol::frame> received_;
  std::vector<std::string> errors_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lvh::sim
