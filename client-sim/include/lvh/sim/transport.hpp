// The seams between the simulated browser and a server: `transport` moves channel frames
// (the LiveView socket), `page_source` answers the browser's plain HTTP GETs (the
// disconnected render). An in-process server, a network client or a script sits behind them.
//
//   lvh::sim::scripted_transport t;
//   t.on("phx_join", {reply_ok({{"rendered", tree}})});
//   browser b(profile, pages, t);
//   b.visit("http://localhost/");
#pragma once

#include <lvh/protocol/frame.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lvh::sim {

/// What the client opens the socket with (docs/protocol.md §1.1).
struct connect_request {
  std::string url;     ///< ws://host/live/websocket?<connect params>&vsn=2.0.0
  std::string origin;  ///< the page's origin, e.g. http://localhost:4000
  std::string cookie;  ///< the Cookie header the page load left (name=value; …)
};

/// A socket to a LiveView endpoint that moves text frames.
///
/// Frames sent are delivered to the server in order; frames the server sends are collected
/// until receive() takes them. Nothing here runs on its own: pump() gives the server the
/// chance to work (an in-process server runs until idle, a network transport waits a bounded
/// time for frames).
class transport {
 public:
  virtual ~transport() = default;

  /// Opens the socket. False when the server refused it (the client then backs off).
  virtual bool connect(const connect_request& req) = 0;
  virtual void send(std::string text) = 0;
  /// Sends `text`, which the channel client encoded from `f`. A transport that looks at
  /// what is sent (the testkit's) may read `f` instead of decoding the text again; by
  /// default only the text goes out.
  virtual void send_encoded(std::string text, const protocol::frame& f) {
    (void)f;
    send(std::move(text));
  }
  /// Frames received since the last call, oldest first.
  virtual std::vector<std::string> receive() = 0;
  /// Lets the server process what it was sent.
  virtual void pump() = 0;
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  /// Virtual time moved on by `d` for the client; an in-process server advances its own
  /// clock so that its timers (send_after) fire. A network transport ignores it.
  virtual void advance(std::chrono::milliseconds d) { (void)d; }

  /// Whether this transport moves protocol::frame values as they are, with no text in
  /// between (an in-process server that skips JSON). The channel client then uses
  /// send_frame and receive_frames instead of send and receive.
  virtual bool moves_frames() const { return false; }
  /// The frame is the transport's to keep: the channel client hands over its own when it
  /// keeps no log (socket_options::log_limit = 0), else a copy.
  virtual void send_frame(protocol::frame f) { send(protocol::encode(f)); }
  /// Frames received since the last call, oldest first. Called only when moves_frames().
  virtual std::vector<protocol::frame> receive_frames() { return {}; }
};

// ---------------------------------------------------------------------------------------
// HTTP: the disconnected page load

struct http_request {
  std::string url;     ///< absolute
  std::string cookie;  ///< Cookie header value, empty for none
  /// Extra request headers (lower-case names), e.g. the 0.15 live-link GET (§7.3.2).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct http_response {
  int status = 200;
  std::string body;
  std::optional<std::string> location;  ///< Location header of a redirect
  std::vector<std::string> set_cookie;  ///< each Set-Cookie header value
  /// Other response headers (lower-case names), e.g. x-response-url.
  std::vector<std::pair<std::string, std::string>> headers;

  const std::string* header(std::string_view name) const;
};

/// Answers the browser's GETs.
class page_source {
 public:
  virtual ~page_source() = default;
  virtual http_response get(const http_request& req) = 0;
};

/// A page_source serving fixed bodies by URL (path and query, or absolute); anything else
/// is a 404. Records every request.
class static_pages : public page_source {
 public:
  /// `url` is matched against the request's path+query first, then the absolute URL.
  void add(std::string url, http_response r);
  void add(std::string url, std::string html) { add(std::move(url), http_response{200, std::move(html), {}, {}, {}}); }
  http_response get(const http_request& req) override;
  const std::vector<http_request>& requests() const noexcept { return requests_; }

 private:
  std::vector<std::pair<std::string, http_response>> pages_;
  std::vector<http_request> requests_;
};

// ---------------------------------------------------------------------------------------
// A test double answering from a script

/// A transport that answers the client's frames from a script.
///
/// Each rule names the event it answers (and optionally a predicate on the frame); the first
/// rule not yet used that matches a sent frame produces the frames to deliver. Replies are
/// written with the request's join_ref, ref and topic, so scripts need not know refs; pushes
/// (`diff`, `phx_error`, …) get the request's topic and join_ref as well. Heartbeats are
/// answered automatically unless turned off. A frame no rule answers is recorded in
/// unanswered() and gets no reply, as a server that does not respond.
class scripted_transport : public transport {
 public:
  /// What to deliver in answer to one frame.
  struct response {
    enum class kind : unsigned char { reply, push, raw } what = kind::reply;
    std::string event;  ///< push: the event (diff, phx_error, phx_close, live_patch, …)
    nlohmann::json payload = nlohmann::json::object();  ///< reply: {status, response}
    std::string raw;    ///< raw: delivered verbatim (malformed frames)
  };

  struct rule {
    std::string event;  ///< "phx_join", "event", "live_patch", …; "*" for any
    std::function<bool(const protocol::frame&)> when;  ///< optional extra condition
    std::vector<response> answer;
    bool repeat = false;  ///< answers every match instead of once
    bool used = false;
  };

  scripted_transport() = default;

  /// Appends a rule; rules are tried in the order they were added.
  rule& on(std::string event, std::vector<response> answer, bool repeat = false);
  /// A handler tried when no rule matches; returns the answer (may be empty).
  void otherwise(std::function<std::vector<response>(const protocol::frame&)> fn) {
    fallback_ = std::move(fn);
  }
  /// Delivers a frame now, as a server push (its refs and topic are used as given).
  void push(const protocol::frame& f);
  void push_raw(std::string text) { inbox_.push_back(std::move(text)); }

  void answer_heartbeats(bool on) noexcept { heartbeats_ = on; }
  void refuse_connections(bool on) noexcept { refuse_ = on; }

  bool connect(const connect_request& req) override;
  void send(std::string text) override;
  std::vector<std::string> receive() override;
  void pump() override {}
  void close() override { open_ = false; }
  bool is_open() const override { return open_; }

  /// Every frame sent, decoded, in order (undecodable ones are kept as an error frame with
  /// event "<undecodable>").
  const std::vector<protocol::frame>& sent() const noexcept { return sent_; }
  /// Sent frames no rule answered.
  const std::vector<protocol::frame>& unanswered() const noexcept { return unanswered_; }
  const std::vector<connect_request>& connects() const noexcept { return connects_; }
  /// Rules never used (for checking that a script ran to its end).
  std::size_t unused_rules() const noexcept;
  void clear_sent() { sent_.clear(); }

 private:
  void deliver(const protocol::frame& request, const response& r);

  std::deque<rule> rules_;
  std::function<std::vector<response>(const protocol::frame&)> fallback_;
  std::vector<protocol::frame> sent_;
  std::vector<protocol::frame> unanswered_;
  std::vector<connect_request> connects_;
  std::vector<std::string> inbox_;
  bool open_ = false;
  bool heartbeats_ = true;
  bool refuse_ = false;
};

/// Response builders for scripts.
scripted_transport::response reply_ok(nlohmann::json response = nlohmann::json::object());
scripted_transport::response reply_error(nlohmann::json response);
scripted_transport::response server_push(std::string event,
                                         nlohmann::json payload = nlohmann::json::object());

}  // namespace lvh::sim
