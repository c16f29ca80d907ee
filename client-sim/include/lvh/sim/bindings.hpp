// From a user action on an element to what the official client of a profile sends.
//
// `dispatch` plays the part of the client's window listeners (click, keydown/keyup,
// focusin/focusout, window focus/blur, input/change, submit, live links) and of its
// `JS.exec` "push"/"patch"/"navigate" commands: it finds the binding the client would find,
// resolves `phx-target`, serializes the form and returns the effects in the order the
// client produces them. It does not touch the DOM and does not rate-limit: wrap it in a
// `rate_limiter` (timing.hpp) and apply `effect::loading` with a `loading_state`
// (loading.hpp), as the client does around each push.
//
// The payload shapes per profile are pinned by client-sim/test/golden/events.json, recorded
// from the official clients under jsdom (client-sim/test/golden/make-events.mjs).
#pragma once

#include <lvh/protocol/profile.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lvh::dom {
class node;
}

namespace lvh::sim {

class form_state;

/// What the user does. Window bindings are reached the way the client reaches them: a key
/// event on an element without its own `phx-keydown`/`phx-keyup` (e.g. the body), or the
/// window gaining or losing focus.
enum class action_kind : unsigned char {
  click,         ///< the caller applies the browser's activation behaviour first (a click
                 ///< toggles a checkbox, picks a radio) and dispatches `change` after it
  change,        ///< an input/change event on a form control (the form state already holds
                 ///< the new value, or `action::value` carries it)
  submit,        ///< a submit event on a form, with an optional submitter button
  keydown,
  keyup,
  focus,         ///< focusin on the element
  blur,          ///< focusout on the element
  window_focus,  ///< the window gains focus: every phx-window-focus binding
  window_blur,
  hook_push,     ///< a hook's this.pushEvent(event, payload) on the hook's element
  hook_push_to,  ///< a hook's this.pushEventTo(target, event, payload)
};

struct action {
  action_kind kind = action_kind::click;
  std::string key;                           ///< keydown/keyup: KeyboardEvent.key
  std::optional<std::string> value;          ///< change: the control's new value, when the
                                             ///< caller has not put it in the form state
  const dom::node* submitter = nullptr;      ///< submit: the button that submitted
  std::string event;                         ///< hook: event name
  nlohmann::json payload = nlohmann::json::object();  ///< hook: payload
  std::string target;                        ///< hook_push_to: "123" (cid) or a CSS selector
  /// change: the `_target` to send instead of the control's name (test APIs that name
  /// another, as LiveViewTest lets a test do).
  std::optional<std::string> target_name;

  static action click() { return {}; }
  static action change(std::optional<std::string> new_value = std::nullopt);
  static action submit(const dom::node* submitter = nullptr);
  static action keydown(std::string key);
  static action keyup(std::string key);
  static action focus();
  static action blur();
  static action window_focus();
  static action window_blur();
  static action hook_push(std::string event, nlohmann::json payload);
  static action hook_push_to(std::string target, std::string event, nlohmann::json payload);
};

/// The client's per-element private flags that change what it sends: whether a form input
/// has been changed by the user ("phx-has-focused") or its form submitted
/// ("phx-has-submitted"); 1.x sends `_unused_<name>` for inputs with neither. Keyed by
/// element identity, as the client keeps them on the element object; `forget` an element
/// that left the DOM.
class interaction_state {
 public:
  void mark_focused(const dom::node& input) { focused_.insert(&input); }
  void mark_submitted(const dom::node& el) { submitted_.insert(&el); }
  bool used(const dom::node& input) const { return focused(input) || submitted(input); }
  bool focused(const dom::node& input) const { return focused_.count(&input) != 0; }
  bool submitted(const dom::node& el) const { return submitted_.count(&el) != 0; }
  void forget(const dom::node& el) {
    focused_.erase(&el);
    submitted_.erase(&el);
  }
  void clear() {
    focused_.clear();
    submitted_.clear();
  }

 private:
  std::unordered_set<const dom::node*> focused_;
  std::unordered_set<const dom::node*> submitted_;
};

/// Which elements the client marks as loading for a push (its `putRef` call); loading.hpp
/// applies it. `kind` selects the client's element set: the source element alone (click,
/// keys, focus, hook), input + form (change), the form's controls (submit), a live link.
struct loading_request {
  enum class kind : unsigned char { none, element, change, submit, link };
  kind what = kind::none;
  dom::node* el = nullptr;               ///< the source element (the form for submit)
  dom::node* form = nullptr;             ///< change: the input's form
  const dom::node* submitter = nullptr;  ///< submit
  std::string event_type;                ///< "click", "keydown", "change", "submit", "hook", ...
  std::string phx_event;                 ///< the event name (1.x passes it to undo)
  std::optional<std::string> also;       ///< JS push `loading` selector (1.x): more elements
  /// A live link or JS patch marks its element loading (1.x) only for a trusted (user) event;
  /// false reproduces events dispatched by script, as the jsdom goldens are.
  bool user_initiated = true;
};

/// One thing the client does in answer to the action, in order.
struct effect {
  enum class kind : unsigned char {
    push,        ///< channel push `channel_event` with `payload` on `view`'s channel
    patch,       ///< live navigation within the view (the client pushes "live_patch" with
                 ///< {"url": absolute href} when `view` is the connected main view, else it
                 ///< redirects): `href`, `replace`
    navigate,    ///< live_redirect to `href` (a new join), `replace`
    js_command,  ///< another JS command (show, hide, add_class, ...): `command`, `payload`
                 ///< holds its arguments; reported, not applied
  };
  kind what = kind::push;
  dom::node* view = nullptr;       ///< container element of the view (topic "lv:" + id)
  std::string channel_event;       ///< push: "event"; patch: "live_patch"
  nlohmann::json payload;          ///< push: the event payload; patch: {"url": ...}
  std::string href;                ///< patch/navigate: as written (patch payload: absolute)
  bool replace = false;            ///< patch/navigate: replace the history entry
  std::string command;             ///< js_command: its name
  dom::node* source = nullptr;     ///< the element the action came from
  loading_request loading;         ///< push/patch: what the client marks as loading
};

/// The element had no binding for the action (LiveViewTest's "no_binding"). A link without
/// a binding keeps its href so the caller can follow it instead.
struct no_binding {
  std::string binding;              ///< e.g. "phx-click"
  std::optional<std::string> href;  ///< an <a href> the click would follow
};

struct dispatch_result {
  std::vector<effect> effects;
  /// Set when nothing is bound; `effects` is then empty.
  std::optional<no_binding> missing;
  /// Set when a binding exists but the client sends nothing, with the reason: "key" (phx-key
  /// does not match), "pending" (0.20+: the clicked element awaits a reply), "no_view",
  /// "no_target" (phx-target matched nothing), "submitting" (0.20+: the form is being
  /// submitted), "not_in_form", "bad_js" (unparsable command list), "bad_link",
  /// "window_focus" (0.18, 0.20 and 1.2 never push phx-window-focus/blur).
  std::optional<std::string> skipped;

  bool empty() const noexcept { return effects.empty(); }
  /// The push effects only.
  std::vector<const effect*> pushes() const;
};

struct binding_context {
  protocol::client_profile profile = protocol::client_profile::v1_0;
  /// The document (or whatever root holds every view): phx-target selectors and window
  /// bindings are searched in it.
  dom::node* document = nullptr;
  /// Current values of form controls; null means "as the HTML says".
  form_state* forms = nullptr;
  /// Read and updated (change marks the input, submit the form's controls); null: none kept.
  interaction_state* interactions = nullptr;
  /// The page URL: relative hrefs resolve against it (live_patch carries absolute URLs).
  std::string page_url = "http://localhost/";
};

/// The effects of `a` performed on `el` (for window_* actions `el` is ignored and may be any
/// element of the document). Never throws on odd HTML: a malformed JS command list or
/// phx-target selector leaves `skipped` set instead.
dispatch_result dispatch(binding_context& ctx, dom::node& el, const action& a);

/// A click on a `data-phx-link` element ("patch" / "redirect") or one inside it: the
/// navigation the client performs, followed by the element's phx-click effects (1.x); a
/// plain link gives `missing` with its href.
dispatch_result click_link(binding_context& ctx, dom::node& el);

/// A form the client replays when its view rejoins (View.pushFormRecovery): the form as the
/// user left it goes to the new server state before the join's render is shown.
struct form_recovery {
  /// ≤0.20: the form in the document. 1.x: the copy the client took before the join (a
  /// detached form holding copies of its controls, whose values and flags the context's
  /// `forms` and `interactions` hold).
  dom::node* form = nullptr;
  /// The join render's form with the same id: 0.18/0.20 take a cid phx-target from it (0.20
  /// passes the old form when the render has none); 1.x its event and phx-target. Required
  /// in 1.x; ignored in 0.15.
  const dom::node* new_form = nullptr;
  /// 1.x: the join render's container (the client's template), where phx-target resolves.
  dom::node* render_root = nullptr;
  /// 1.x: the rejoining view's container; the pushes go to its channel.
  dom::node* view = nullptr;
};

/// What recovering one form sends.
struct recovery_pushes {
  /// The pushes (and other commands of a command list), in order.
  dispatch_result result;
  /// Per effect of `result`: whether its reply runs the client's recovery callback (a
  /// command list loses the callback before 1.0).
  std::vector<bool> calls_back;
  /// 1.x: the targets the form went to; the callback waits for that many replies.
  int targets = 0;
  /// Nothing to send: 1.x calls back at once, 0.20 never.
  bool no_inputs = false;
};

/// The pushes that recover `r.form` (0.15: form.elements[0] through the form's phx-target;
/// 0.18: elements[0]; 0.20 and 1.x: the first named control without its own phx-change,
/// preferring non-hidden ones; 1.x: the event and target of the render's form).
recovery_pushes recover_form(binding_context& ctx, const form_recovery& r);

/// The view container `el` belongs to (closest element with data-phx-session, or
/// data-phx-view in 0.15.7), or null.
dom::node* owner_view(protocol::client_profile p, const dom::node& el);

/// The phx-* binding name of an action, e.g. "phx-click", "phx-window-keydown".
std::string_view binding_name(action_kind k) noexcept;

/// Resolves `href` against `base` the way `new URL(href, base)` does for the http(s) URLs
/// LiveView uses (absolute, scheme-relative, absolute-path, relative-path, query, fragment).
std::string resolve_url(std::string_view base, std::string_view href);

}  // namespace lvh::sim
