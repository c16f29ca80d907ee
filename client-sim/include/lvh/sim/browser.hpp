// The simulated browser: one page with its document, the LiveViews on it, the socket they
// share, and the user acting on them — what the official phoenix_live_view client of a
// profile does in a browser tab (docs/protocol.md §2, §4, §7, §8, §9).
//
//   lvh::sim::browser b(transport, pages, {.profile = lvh::protocol::client_profile::v0_20});
//   b.visit("http://localhost:4000/");
//   b.click(b.find("#inc"));
//   EXPECT_EQ(b.find("#count").text_content(), "1");
//
// Actions go through bindings.hpp (what the client sends), timing.hpp (debounce/throttle),
// loading.hpp (loading state until the reply) and the channel client; diffs are applied
// with patch.hpp. Nothing runs between calls: each action settles (the transport is pumped
// until the server is idle), and advance() moves virtual time.
#pragma once

#include <lvh/dom/node.hpp>
#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/messages.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/sim/bindings.hpp>
#include <lvh/sim/channel_client.hpp>
#include <lvh/sim/find.hpp>
#include <lvh/sim/patch.hpp>
#include <lvh/sim/timing.hpp>
#include <lvh/sim/transport.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::sim {

struct browser_options {
  protocol::client_profile profile = protocol::client_profile::v0_20;
  /// The LiveSocket endpoint path ("/live" → ws://host/live/websocket).
  std::string socket_path = "/live";
  /// The app's connect params besides `_csrf_token`, which is read from the page's
  /// csrf-token meta tag (as the usual app.js does) unless `csrf_from_meta` is off.
  nlohmann::json connect_params = nlohmann::json::object();
  bool csrf_from_meta = true;
  socket_options socket;
  timing_defaults timing;
  /// HTTP redirects followed by one page load, and page loads one action may cause (join
  /// errors that reload the page forever are cut off here and reported).
  int max_redirects = 10;
  int max_page_loads_per_action = 5;
  /// click() and change() move the focus to their element, as a user's pointer or typing
  /// does (a focused control keeps what the user typed when a patch arrives). Off: focus
  /// moves only with focus()/blur(), as with events dispatched by script (the DOM-level
  /// differential test drives the official client that way).
  bool actions_move_focus = true;
  /// Reload-with-jitter delay: the client picks a random delay in a range; the simulator
  /// takes the range's start (0.15: 1–3 s, later: 5–10 s) unless this is set.
  std::optional<std::int64_t> reload_jitter_ms;
  /// LiveSocket's loaderTimeout: a view made for a join shows the loading class this long
  /// after, unless its join was patched in or an error showed first.
  std::int64_t loader_timeout_ms = 1;
};

/// `push_event` from the server (`e` in a diff), delivered to the caller in order.
struct pushed_event {
  std::string view_id;
  std::string event;
  nlohmann::json payload;
};

/// A hook's reply (`r` in the diff of its push's reply).
struct hook_reply {
  std::string view_id;
  std::string event;  ///< the event the hook pushed
  nlohmann::json reply;
};

/// What the page did besides patching, in order: the testkit's assert_redirect /
/// assert_patch read these.
struct navigation_record {
  enum class kind : unsigned char {
    visit,          ///< a page load (visit(), a redirect, a reload)
    redirect,       ///< the server asked for a full page load (`redirect`)
    live_redirect,  ///< a new LiveView joined in place of the main one
    live_patch,     ///< the URL changed within the main view
    reload,         ///< the client reloads the page (join error, crash during join)
  };
  kind what = kind::visit;
  std::string url;
  protocol::navigation history = protocol::navigation::push;
  std::optional<std::string> flash;
  int status = 0;  ///< visit: the final HTTP status
};

/// An event a view pushed (for the differential tests): event name and payload as sent.
struct sent_event {
  std::string event;  ///< channel event: "event", "live_patch"/"link", "cids_will_destroy", …
  nlohmann::json payload;
};

/// Read-only view of one LiveView on the page.
struct view_info {
  std::string id;
  std::string topic;
  std::optional<std::string> parent_id;
  bool main = false;
  bool joined = false;  ///< the last join succeeded and no error since
  int join_count = 0;   ///< successful joins (`_mounts` of the next join)
  dom::node* container = nullptr;
};

class browser {
 public:
  browser(transport& t, page_source& pages, browser_options opts = {});
  browser(const browser&) = delete;
  browser& operator=(const browser&) = delete;
  ~browser();

  // -- navigation ------------------------------------------------------------------------
  /// Loads `url` (absolute) over page_source, following redirects, then connects and joins
  /// the LiveViews on the page. Returns the final HTTP status.
  int visit(std::string url);
  /// Loads a page from HTML directly (no HTTP), at `url`: for recorded pages.
  void load(std::string url, std::string_view html);
  /// Clicks a live_patch link to `url` from the main view: "link"/"live_patch" push.
  void live_patch(std::string url, protocol::navigation kind = protocol::navigation::push);
  /// A live redirect to `url` (as a data-phx-link="redirect" click).
  void live_redirect(std::string url, protocol::navigation kind = protocol::navigation::push);
  /// History back/forward: a live patch when the entry was a patch of the current main
  /// view, else a live redirect. False when there is no such entry.
  bool back();
  bool forward();

  // -- user actions (each settles before returning) -----------------------------------------
  /// Whether the actions below return their effects (the default). Off, the effects'
  /// payloads move into the pushes instead of being copied, and a result holds only
  /// `missing` and `skipped`: for a caller that reads nothing else (the testkit).
  void set_keep_effects(bool keep) noexcept { keep_effects_ = keep; }
  bool keeps_effects() const noexcept { return keep_effects_; }
  dispatch_result click(dom::node& el);
  /// The user types `value` into a control (or, for checkboxes/radios, ticks it when
  /// value is set) and the input event fires; nullopt: fire with what the control holds.
  /// `report_target`: the `_target` the event carries instead of the control's name.
  dispatch_result change(dom::node& control, std::optional<std::string> value = std::nullopt,
                         std::optional<std::string> report_target = std::nullopt);
  /// The user picks exactly the options of `select` whose values are in `values` (a
  /// multiple select; for a single one the last match wins) and the input event fires.
  dispatch_result select_options(dom::node& select, const std::vector<std::string>& values);
  /// Fills `values` into `form` (find.hpp fill_in rules), then fires an input event on the
  /// first control named in `values` (its `_target`).
  dispatch_result change_form(dom::node& form, const nlohmann::json& values);
  /// Fills `values` into `form` as change_form does, firing nothing: for test APIs that fill
  /// a form and then submit it, or fire the input event on a field of their choosing.
  void fill_form(dom::node& form, const nlohmann::json& values);
  dispatch_result submit(dom::node& form, const dom::node* submitter = nullptr);
  dispatch_result keydown(dom::node& el, std::string key);
  dispatch_result keyup(dom::node& el, std::string key);
  dispatch_result window_keydown(std::string key);
  dispatch_result window_keyup(std::string key);
  dispatch_result focus(dom::node& el);
  dispatch_result blur(dom::node& el);
  dispatch_result window_focus();
  dispatch_result window_blur();
  dispatch_result hook_push(dom::node& el, std::string event, nlohmann::json payload);
  dispatch_result hook_push_to(dom::node& el, std::string target, std::string event,
                               nlohmann::json payload);
  /// Pushes "event" with `payload` exactly as given on the channel of the view whose
  /// container is `container` (no binding, loading state or rate limit), then settles: for
  /// test APIs that make the event themselves, as LiveViewTest's render_click(view, ...).
  dispatch_result push_view_event(dom::node& container, nlohmann::json payload);

  /// Moves virtual time: debounce/throttle timers, heartbeats, rejoins, and the server's
  /// own timers (through transport::advance) run in time order.
  void advance(std::int64_t ms);
  /// Pumps the transport and handles frames until nothing more arrives.
  void settle();
  /// Calls the client holds back (phx-debounce, phx-throttle, debounce="blur") that may still
  /// run; a debounce restarted by a later input counts once.
  int deferred_calls() const noexcept;

  // -- state ---------------------------------------------------------------------------------
  const std::string& url() const noexcept { return url_; }
  std::string title() const;
  dom::node& document();
  /// The whole document's HTML.
  std::string html() const;
  /// A view container's inner HTML; empty when no such view.
  std::string view_html(std::string_view view_id) const;
  std::vector<view_info> views() const;
  std::optional<view_info> view(std::string_view id) const;
  /// view(id)'s container and joined flag without the rest (no strings built), for callers
  /// that ask on every action.
  struct view_status {
    dom::node* container = nullptr;
    bool joined = false;
  };
  std::optional<view_status> status_of_view(std::string_view id) const;
  std::optional<view_info> main_view() const;
  /// Exactly one element in the document (find.hpp rules; usage_error otherwise).
  dom::node& find(std::string_view selector, const text_filter& filter = {});
  bool has_element(std::string_view selector, const text_filter& filter = {});

  /// What each view sent (joins and heartbeats excluded), in order (the newest only, past
  /// socket_options::log_limit; none when it is 0).
  std::vector<sent_event> sent_events(std::string_view view_id) const;
  /// Every frame the socket sent on this page, in order.
  const std::vector<protocol::frame>& sent_frames() const;
  std::vector<pushed_event> take_push_events();
  std::vector<hook_reply> take_hook_replies();
  std::vector<navigation_record> take_navigations();
  const std::vector<navigation_record>& navigations() const noexcept { return navigations_; }
  /// Forms that got phx-trigger-action (the client submits them over HTTP; the simulator
  /// reports them instead).
  std::vector<dom::node*> take_trigger_actions();
  /// Problems the simulator met (undecodable frames, bad diffs, page-load loops), in order.
  const std::vector<std::string>& errors() const noexcept { return errors_; }
  /// Cookies the browser holds (name → value).
  const std::map<std::string, std::string>& cookies() const noexcept { return cookies_; }

  channel_client* socket() noexcept { return socket_.get(); }
  virtual_clock& clock() noexcept { return clock_; }
  const browser_options& options() const noexcept { return opts_; }

  struct view_state;  // implementation detail, public for the .cpp's helpers

 private:
  struct history_entry {
    std::string url;
    bool patch = false;  ///< a live patch of `view_id`
    std::string view_id;
  };

  void load_page(std::string url, std::string_view html, int status);
  int fetch_and_load(std::string url, std::vector<std::pair<std::string, std::string>> headers);
  void teardown_page();
  void connect_socket();
  std::string socket_url() const;
  nlohmann::json base_params() const;

  std::shared_ptr<view_state> new_view(dom::node& el, view_state* parent,
                                       std::optional<std::string> flash);
  void join_view(const std::shared_ptr<view_state>& v);
  nlohmann::json join_payload(view_state& v);
  nlohmann::json join_params(view_state& v);
  bool waits_for_link(const view_state& v) const;
  void on_join_reply(const std::shared_ptr<view_state>& v, const reply_result& r);
  void on_join_ok(view_state& v, const nlohmann::json& response);
  struct join_render;
  void recover_forms(view_state& v, bool rejoin, join_render jr);
  void on_join_complete(view_state& v, join_render jr);
  int join_render_children(view_state& v, const std::string& html);
  void ack_join(view_state& parent);
  void all_child_joins_complete(view_state& root);
  void complete_join(view_state& v, join_render jr);
  void on_join_error(view_state& v, const reply_result& r);
  void on_child_join_error(view_state& v);
  view_state* root_of(view_state& v) const;
  void start_loader(const std::shared_ptr<view_state>& v);
  void stop_loader(view_state& v);
  void display_error(view_state& v, const std::vector<std::string_view>& classes);
  void on_message(const std::shared_ptr<view_state>& v, const protocol::frame& f);
  void on_view_error(view_state& v);
  void set_container_classes(view_state& v, const std::vector<std::string_view>& on);
  void on_view_close(view_state& v);
  void destroy_view(view_state& v, bool leave);
  void update_view(view_state& v, const nlohmann::json& diff_json, std::optional<std::string> hook_event);
  void after_patch(view_state& v, patch_report& report, bool join, const dom::node* focused);
  void sync_form_values(view_state& v, const patch_report& report, const dom::node* focused,
                        bool focused_checkables);
  void undo_ref(view_state& v, std::uint64_t ref);
  void sync_children(view_state& v);
  void push_components_destroyed(view_state& v, const std::vector<int>& cids);
  void apply_reply(view_state& v, const reply_result& r,
                   const std::optional<std::string>& hook_event);
  void apply_pending(view_state& v);
  void apply_title(const std::optional<std::string>& t, bool mount, bool main);
  void deliver_events(view_state& v, const nlohmann::json& events);

  void on_redirect(const nlohmann::json& to);
  void on_live_patch(view_state& v, const nlohmann::json& to);
  void on_live_redirect(const nlohmann::json& to);
  void replace_main(std::string href, std::optional<std::string> flash,
                    protocol::navigation kind, bool history);
  void push_link_patch(view_state& v, std::string href, protocol::navigation kind,
                       dom::node* source, const loading_request* loading);
  void reload_with_jitter(view_state& v);
  void reload_with_jitter_timer(view_state& v, std::int64_t delay);
  void navigate_hard(std::string url);
  void unload();
  void push_history(std::string url, protocol::navigation kind, bool patch);

  /// What the bindings read and update: this page's document, form and interaction state.
  binding_context context();
  void fill_context(binding_context& ctx);
  dispatch_result act(dom::node* el, const action& a, std::string_view event_type);
  void run_effects(const dispatch_result& r);
  /// run_effects, the payloads moved into the pushes; `r` holds no effects afterwards.
  void consume_effects(dispatch_result& r);
  void show_feedback(const std::vector<const dom::node*>& controls);
  /// `then` runs with the push's ok reply, after the reply is applied.
  void push_effect(const effect& e, std::function<void(const reply_result&)> then = nullptr) {
    push_effect(e, e.payload, std::move(then));
  }
  /// The same with `payload` in place of e.payload (which it may have been moved from).
  void push_effect(const effect& e, nlohmann::json payload,
                   std::function<void(const reply_result&)> then);
  void set_focus(dom::node* el);
  void note_changed(dom::node& control);
  void forget_removed(patch_report& report);

  view_state* view_by_container(const dom::node* el);
  view_state* view_by_id(std::string_view id) const;
  dom::node* find_by_id(std::string_view id) const;
  std::string cookie_header() const;
  void store_cookies(const std::vector<std::string>& set_cookie);

  transport& transport_;
  page_source& pages_;
  browser_options opts_;
  virtual_clock clock_;
  std::unique_ptr<channel_client> socket_;
  std::unique_ptr<dom::node> document_;
  std::string url_;
  std::string csrf_;
  std::map<std::string, std::string> cookies_;
  std::map<std::string, std::shared_ptr<view_state>, std::less<>> views_;
  std::string main_id_;
  std::vector<std::shared_ptr<view_state>> retired_;  // destroyed, kept for their sent events
  std::map<std::string, std::vector<sent_event>, std::less<>> sent_by_view_;
  void record_sent(const std::string& view_id, const std::string& event, const nlohmann::json& payload);
  std::vector<pushed_event> push_events_;
  std::vector<hook_reply> hook_replies_;
  std::vector<navigation_record> navigations_;
  std::vector<dom::node*> trigger_actions_;
  std::vector<std::string> errors_;
  std::vector<history_entry> history_;
  std::size_t history_pos_ = 0;
  std::optional<std::string> pending_link_;  // href of a live patch awaiting its reply
  std::optional<std::string> pending_nav_;   // a hard navigation requested by a callback
  virtual_clock::timer_id reload_timer_ = 0;
  int reloads_due_ = 0;  // 0.15: reload_with_jitter calls the pending timer stands for
  int page_loads_ = 0;
  dom::node* focused_ = nullptr;
  // ≤0.20: LiveSocket.activeElement, the last non-textual control changed; patches treat it
  // as focused while nothing else is (getActiveElement), until a mouseup on it.
  dom::node* sticky_active_ = nullptr;
  std::function<void()> next_push_replied_;  // run after the reply of the next push
  bool keep_effects_ = true;
  dom::node* active_element() const;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  struct internals;
  std::unique_ptr<internals> in_;  // form state, interactions, rate limiter
};

}  // namespace lvh::sim
