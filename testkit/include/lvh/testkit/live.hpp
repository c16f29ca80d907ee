// The Phoenix.LiveViewTest vocabulary in C++: mount a view over a conn, find elements, act
// as the user, and assert on patches, redirects, pushed events and replies. Each action is
// performed by the client simulator (lvh::sim::browser) with the official client's rules,
// then settles: the server runs until idle, so the returned HTML is what the user would see.
//
//   auto conn = lvh::testkit::build_conn(server);
//   auto [view, html] = lvh::testkit::live(conn, "/counter").value();
//   EXPECT_EQ(render_click(element(view, "#inc")).html(), ...);
//   auto r = render_click(element(view, "a", "Sign out"));
//   ASSERT_TRUE(r.is_redirect());
//   auto [next, _] = follow_redirect(r, conn).value();
//
// Misuse throws lvh::sim::usage_error (stable ids); impossible requests throw testkit_error;
// failed assertions throw assertion_error (errors.hpp).
#pragma once

#include <lvh/sim/find.hpp>
#include <lvh/testkit/connection.hpp>
#include <lvh/testkit/errors.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lvh::testkit {

using json = nlohmann::json;
using sim::text_filter;

/// A redirect a test can inspect and follow: {:error, {:live_redirect | :redirect, opts}}.
struct redirect {
  enum class kind : unsigned char { live_redirect, redirect };
  kind what = kind::redirect;
  std::string to;                         ///< as the server sent it (usually a path)
  json flash = json::object();            ///< the flash it carries, decoded when possible
  std::optional<std::string> flash_token; ///< the signed flash, as the cookie carries it
};
std::string_view to_string(redirect::kind k) noexcept;
/// As LiveViewTest would show it: {:error, {:live_redirect, %{to: "/x", flash: {...}}}}.
std::string inspect(const redirect& r);

/// A LiveView on a simulated page: the main view, or a nested one (live_children). Cheap to
/// copy; copies name the same view.
class view {
 public:
  view() = default;
  view(std::shared_ptr<detail::session> s, std::string id) : s_(std::move(s)), id_(std::move(id)) {}

  const std::string& id() const noexcept { return id_; }
  /// The page's URL and its path-and-query part.
  std::string url() const;
  std::string path() const;
  /// Still on the page and joined.
  bool alive() const;
  /// "view phx-Fx… at /path (last: click on #inc)": the context failures print.
  std::string describe() const;

  detail::session& session() const;
  const std::shared_ptr<detail::session>& session_ptr() const noexcept { return s_; }

 private:
  std::shared_ptr<detail::session> s_;
  std::string id_;
};

/// An element of a view (LiveViewTest's element/3 and form/3): looked up anew on each use.
struct view_element {
  testkit::view view;
  std::string selector;
  text_filter filter;
  /// form/3's data: filled into the form before render_change / render_submit; must name
  /// fields a user can fill in (their `value` is merged as it is).
  std::optional<json> form_data;
  /// put_submitter's selector: the button render_submit submits with.
  std::optional<std::string> submitter;

  std::string describe() const;
};

/// A page without a LiveView that follow_redirect landed on: LiveViewTest's {:ok, conn}, the
/// response to GET `url`.
struct page {
  std::string url;
  int status = 200;
  std::string html;  ///< the response body
};

/// {:ok, view, html} or {:error, redirect}; from follow_redirect also a page ({:ok, conn}).
class live_result {
 public:
  struct ok_value {
    testkit::view view;
    std::string html;
  };

  live_result(ok_value ok) : v_(std::move(ok)) {}          // NOLINT: a result
  live_result(redirect r) : v_(std::move(r)) {}            // NOLINT: a result
  live_result(page p) : v_(std::move(p)) {}                // NOLINT: a result

  bool ok() const noexcept { return v_.index() == 0; }
  bool is_redirect() const noexcept { return v_.index() == 1; }
  bool is_page() const noexcept { return v_.index() == 2; }
  /// The view and the HTML of its connected render; throws testkit_error not_live when the
  /// result is a redirect or a page.
  const ok_value& value() const;
  const testkit::view& view() const { return value().view; }
  /// The view's HTML, or a page's body.
  const std::string& html() const;
  /// Throws testkit_error not_redirected when the mount succeeded (or a page loaded).
  const redirect& redirect_value() const;
  /// Throws testkit_error not_page unless follow_redirect landed on a page without a LiveView.
  const page& page_value() const;

 private:
  std::variant<ok_value, redirect, page> v_;
};

/// What render_click and friends return: the view's HTML after the event, or a redirect.
class render_result {
 public:
  render_result(std::string html) : v_(std::move(html)) {}  // NOLINT: a result
  render_result(redirect r) : v_(std::move(r)) {}           // NOLINT: a result

  bool is_redirect() const noexcept { return v_.index() == 1; }
  /// Throws testkit_error not_live (naming the redirect) when the event redirected.
  const std::string& html() const;
  const redirect& redirect_value() const;
  /// html() contains `s` (LiveViewTest's `=~`).
  bool contains(std::string_view s) const { return html().find(s) != std::string::npos; }

 private:
  std::variant<std::string, redirect> v_;
};

// -- mounting -------------------------------------------------------------------------------

/// GETs `path`, then connects and joins its LiveView (as a browser tab would). A redirect
/// during the disconnected or the connected mount comes back as a value.
live_result live(const conn& c, std::string_view path);
/// Mounts `view_name` outside the router with `session` (LiveViewTest's live_isolated).
live_result live_isolated(const conn& c, std::string_view view_name, const json& session = json::object());

// -- reading --------------------------------------------------------------------------------

/// The view's HTML (its container's content) or the element's outer HTML, after taking in
/// what the server sent meanwhile (handle_info, broadcasts); no time passes.
std::string render(const view& v);
std::string render(const view_element& e);
view_element element(const view& v, std::string selector, text_filter filter = {});
view_element form(const view& v, std::string selector, json data = json::object());
/// The submit button (a selector within the form) render_submit uses; its name and value
/// are sent, as the browser does.
view_element put_submitter(view_element form, std::string selector);
bool has_element(const view& v, std::string_view selector, const text_filter& filter = {});
bool has_element(const view_element& e);
/// The page title (the `page_title` assign through the layout); nullopt when empty.
std::optional<std::string> page_title(const view& v);
std::vector<view> live_children(const view& parent);
std::optional<view> find_live_child(const view& parent, std::string_view child_id);

// -- events ---------------------------------------------------------------------------------
// On an element: the binding the user would trigger (phx-click, phx-change, ...), with
// LiveViewTest's checks (element exists and is unique, not disabled, has the binding).
// `value` adds phx-value-* entries (click, key, focus, blur) or is merged into the form's
// values (change, submit: one event, `_target` in it picks the changed field).
// On a view: the event is pushed to the view directly with LiveViewTest's payload: type
// after the function ("form" for change/submit, the value urlencoded), the event, `value`.

render_result render_click(const view_element& e, const json& value = json::object());
render_result render_click(const view& v, std::string_view event, const json& value = json::object());
render_result render_change(const view_element& e, const json& value = json::object());
render_result render_change(const view& v, std::string_view event, const json& value = json::object());
render_result render_submit(const view_element& e, const json& value = json::object());
render_result render_submit(const view& v, std::string_view event, const json& value = json::object());
/// `value` is {"key": "Enter", …} as in LiveViewTest, or use the string overloads.
render_result render_keydown(const view_element& e, const json& value = json::object());
render_result render_keydown(const view_element& e, std::string key);
inline render_result render_keydown(const view_element& e, const char* key) { return render_keydown(e, std::string(key)); }
render_result render_keydown(const view& v, std::string_view event, const json& value = json::object());
render_result render_keyup(const view_element& e, const json& value = json::object());
render_result render_keyup(const view_element& e, std::string key);
inline render_result render_keyup(const view_element& e, const char* key) { return render_keyup(e, std::string(key)); }
render_result render_keyup(const view& v, std::string_view event, const json& value = json::object());
render_result render_focus(const view_element& e, const json& value = json::object());
render_result render_focus(const view& v, std::string_view event, const json& value = json::object());
render_result render_blur(const view_element& e, const json& value = json::object());
render_result render_blur(const view& v, std::string_view event, const json& value = json::object());
/// A hook's pushEvent from the view's container, or from an element with phx-hook (its
/// phx-target applies).
render_result render_hook(const view& v, std::string_view event, const json& value = json::object());
render_result render_hook(const view_element& e, std::string_view event, const json& value = json::object());
/// A live patch of the view to `path` (as a live_patch link would); handle_params runs.
render_result render_patch(const view& v, std::string_view path);

// -- navigation -----------------------------------------------------------------------------
// Patches and redirects are queued per page as they happen and consumed by the asserts,
// like LiveViewTest's mailbox. Nothing waits: the page has settled when an action returns,
// and reads and asserts take in what the server sent meanwhile; use advance() first for
// navigation that timers cause.

/// A patch happened (to `to`, when given); returns its path.
std::string assert_patch(const view& v, std::optional<std::string_view> to = std::nullopt);
void assert_patched(const view& v, std::string_view to);
/// No patch (to `to`, when given) is queued.
void refute_patched(const view& v, std::optional<std::string_view> to = std::nullopt);
/// A redirect (live or not) happened, to `to` when given; returns its path and flash.
std::pair<std::string, json> assert_redirect(const view& v,
                                             std::optional<std::string_view> to = std::nullopt);
json assert_redirected(const view& v, std::string_view to);
void refute_redirected(const view& v, std::string_view to);

/// Follows a redirect as LiveViewTest does: a new GET of the target with the redirect's flash
/// cookie in a new tab, then live/2. The redirected tab stopped when the redirect came. A
/// plain redirect to a page without a LiveView (a controller's) gives that page, whatever its
/// status (LiveViewTest's {:ok, conn}); to a LiveView, the mounted view, as live/2 would.
/// `to` checks the target. Throws testkit_error not_redirected when `r` is not a redirect.
live_result follow_redirect(const redirect& r, const conn& c, std::optional<std::string_view> to = std::nullopt);
live_result follow_redirect(const render_result& r, const conn& c, std::optional<std::string_view> to = std::nullopt);
live_result follow_redirect(const live_result& r, const conn& c, std::optional<std::string_view> to = std::nullopt);
/// A live redirect from the view's page to `path` (a live_redirect link): the new view.
live_result live_redirect(const view& v, std::string_view path);

// -- pushes and replies ---------------------------------------------------------------------

/// `payload` matches as an Elixir pattern does: objects by the keys given, arrays and scalars
/// exactly; null matches anything.
bool json_matches(const json& pattern, const json& actual);
/// The first pushed event of the view named `event` whose payload matches; consumed and
/// returned.
json assert_push_event(const view& v, std::string_view event, const json& payload = nullptr);
/// The first reply ({:reply, map, socket}) of the view that matches, to any event; consumed
/// and returned.
json assert_reply(const view& v, const json& payload = nullptr);

// -- time -----------------------------------------------------------------------------------

/// Virtual time moves by `d` for every tab on the server and for the server itself:
/// phx-debounce/phx-throttle, heartbeats and send_after timers fire in time order.
void advance_time(const view& v, std::chrono::milliseconds d);
void advance_time(const conn& c, std::chrono::milliseconds d);

// advance(view, 300ms): templates so that they, not std::advance (found by ADL through the
// chrono argument), are chosen for any duration.
template <class Rep, class Period>
void advance(view& v, std::chrono::duration<Rep, Period> d) {
  advance_time(v, std::chrono::duration_cast<std::chrono::milliseconds>(d));
}
template <class Rep, class Period>
void advance(const view& v, std::chrono::duration<Rep, Period> d) {
  advance_time(v, std::chrono::duration_cast<std::chrono::milliseconds>(d));
}
template <class Rep, class Period>
void advance(conn& c, std::chrono::duration<Rep, Period> d) {
  advance_time(c, std::chrono::duration_cast<std::chrono::milliseconds>(d));
}
template <class Rep, class Period>
void advance(const conn& c, std::chrono::duration<Rep, Period> d) {
  advance_time(c, std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

// -- tools ----------------------------------------------------------------------------------

/// Writes the HTML (the whole page for the main view, else the view or element wrapped in
/// a page with the document's head) to a temp file, prints "open_browser: <path>" to `out`
/// and returns the path. `open` (e.g. xdg-open) is called with the path when set.
std::string open_browser(const view& v, std::function<void(const std::string&)> open = nullptr);
std::string open_browser(const view_element& e, std::function<void(const std::string&)> open = nullptr);

/// A component rendered alone, with `assigns` (stateful when they hold "id").
std::string render_component(const conn& c, std::string_view component, const json& assigns = json::object());

/// The simulated browser behind a view (for what the API above does not cover).
sim::browser& browser_of(const view& v);

}  // namespace lvh::testkit
