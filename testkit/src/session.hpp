// One simulated browser tab of a test: the browser, its socket (observed, so navigation on
// the wire is seen exactly), its page loads (with the conn's cookies) and the queues the
// asserts consume. Private to the testkit.
#pragma once

#include <lvh/sim/browser.hpp>
#include <lvh/sim/transport.hpp>
#include <lvh/testkit/connection.hpp>
#include <lvh/testkit/live.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lvh::testkit::detail {

struct session;

/// Page loads with the conn's cookies under the browser's own; the first response of live()
/// is fetched by the testkit itself and handed to the browser once (primed), so the page is
/// rendered by the server once, as one GET in LiveViewTest.
class session_pages final : public sim::page_source {
 public:
  session_pages(connection_factory& server, std::map<std::string, std::string> cookies)
      : server_(server), cookies_(std::move(cookies)) {}
  sim::http_response get(const sim::http_request& req) override;
  void prime(std::string url, sim::http_response r) { primed_.emplace(std::move(url), std::move(r)); }
  /// From now on every load gets a blank page.
  void block() noexcept { blocked_ = true; }
  bool blocked() const noexcept { return blocked_; }

 private:
  connection_factory& server_;
  std::map<std::string, std::string> cookies_;
  std::optional<std::pair<std::string, sim::http_response>> primed_;
  bool blocked_ = false;
};

/// What a stopped tab shows: no LiveView, so nothing joins.
inline constexpr std::string_view blank_page = "<!DOCTYPE html><html><head></head><body></body></html>";

/// The factory's transport, with every received frame looked at for navigation and crashes,
/// and virtual time handed to the server's clock.
class observing_transport final : public sim::transport {
 public:
  observing_transport(std::unique_ptr<sim::transport> inner, session& owner)
      : inner_(std::move(inner)), owner_(owner) {}
  bool connect(const sim::connect_request& req) override { return inner_->connect(req); }
  void send(std::string text) override;
  void send_encoded(std::string text, const protocol::frame& f) override;
  std::vector<std::string> receive() override;
  bool moves_frames() const override { return inner_->moves_frames(); }
  void send_frame(protocol::frame f) override;
  std::vector<protocol::frame> receive_frames() override;
  void pump() override { inner_->pump(); }
  void close() override { inner_->close(); }
  bool is_open() const override { return inner_->is_open(); }
  void advance(std::chrono::milliseconds d) override;

 private:
  bool holds_back(const protocol::frame& f) const;
  std::unique_ptr<sim::transport> inner_;
  session& owner_;
};

/// The last 64 events sent (ref, topic, event name), oldest first. The entries' strings keep
/// their buffers from one event to the next: no allocation per event.
class recent_events {
 public:
  static constexpr std::size_t capacity = 64;
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  /// Appends one; past capacity, the oldest goes.
  void add(std::string_view ref, std::string_view topic, std::string_view event);
  /// The oldest entry with this ref and topic, or npos.
  std::size_t find(std::string_view ref, std::string_view topic) const noexcept;
  const std::string& event(std::size_t i) const noexcept { return at(i).event; }
  void erase(std::size_t i) noexcept;

 private:
  struct entry {
    std::string ref;
    std::string topic;
    std::string event;
  };
  entry& at(std::size_t i) noexcept { return ring_[(head_ + i) % capacity]; }
  const entry& at(std::size_t i) const noexcept { return ring_[(head_ + i) % capacity]; }
  std::array<entry, capacity> ring_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

struct nav {
  enum class kind : unsigned char { patch, live_redirect, redirect };
  kind what = kind::patch;
  std::string to;
  std::optional<std::string> flash_token;
};

/// A value render_change/render_submit put into a form as a hidden input (no field of that
/// name could take it), taken out again after the event.
struct extra_field {
  dom::node* el;
  std::string name;
  std::string value;
};

struct session : std::enable_shared_from_this<session> {
  session(const conn& c);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Moves the browser's records into the queues below.
  void collect();
  /// The server redirected the tab (or the test's action navigated it away): it loads no
  /// more pages and leaves the one it is on, as LiveViewTest's proxy stops.
  void stop();
  /// Called by the transport for each frame received, and for each one sent.
  void observe(const std::string& text);
  void observe(const protocol::frame& f);
  void observe_sent(const std::string& text);
  void observe_sent(const protocol::frame& f);
  /// The client's clock moved: the server's follows.
  void client_advanced();
  std::chrono::milliseconds client_time() const;

  std::shared_ptr<connection_factory> server;
  conn c;
  std::chrono::milliseconds epoch{0};
  session_pages pages;
  observing_transport transport;
  std::unique_ptr<sim::browser> browser;

  std::deque<nav> patches;    // for assert_patch
  std::deque<nav> redirects;  // for assert_redirect
  std::vector<nav> action_redirects;  // since the current action began
  std::set<std::string> crashed_topics;
  std::deque<sim::pushed_event> pushes;
  std::deque<sim::hook_reply> replies;  // {:reply, map, socket} of any event, as LiveViewTest
  recent_events sent_events;  // their replies may carry a reply map
  std::string last_action;
  bool stopped = false;
  // Nodes the testkit took out of the page again (extra form fields): kept alive, so no new
  // node gets an address the browser's per-element state may still hold.
  std::vector<std::unique_ptr<dom::node>> removed_nodes;
  // Form events ("type": "form") the tab has sent; extra fields of a change the client held
  // back (phx-debounce) stay in the form until the next one goes out.
  std::uint64_t form_events_sent = 0;
  std::vector<extra_field> lingering_extras;
  std::uint64_t lingering_since = 0;
  /// Takes `extras` out of the page, unless a patch removed them or made them the server's.
  void remove_extras(std::vector<extra_field>& extras);
};

/// "/a?b" of "http://h:1/a?b#c"; a path stays as it is.
std::string path_of(std::string_view url);

}  // namespace lvh::testkit::detail
