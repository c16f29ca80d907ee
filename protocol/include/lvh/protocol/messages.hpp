// The LiveView messages carried in frame payloads, as typed structs: join, join replies,
// events, navigation, and the Phoenix channel lifecycle frames (docs: protocol-notes §1–3).
//
//   auto join = lvh::protocol::join_payload::from_json(f.payload);  // never throws
//   if (!join) return reply_error(join.error().message());          // "… (at params._mounts)"
//
// Every struct decodes with `from_json` (a message_errc whose `where` is the JSON path, e.g.
// `params._track_static.1`) and encodes with `to_json`; `to_json(from_json(j)) == j` for
// everything from_json accepts. Keys the struct does not name are kept in `extra` and written
// back, so an app's own connect params, LiveViewTest's `caller` or keys of newer releases
// survive a round trip. Keys the struct names are checked strictly: a wrong type is an error,
// not an absent key.
#pragma once

#include <lvh/protocol/error.hpp>
#include <lvh/protocol/frame.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace lvh::protocol {

/// Why a payload was refused.
enum class message_errc {
  not_object = 1,    ///< a payload, or a value that must be an object, is not a JSON object
  missing_key,       ///< a required key is absent
  wrong_type,        ///< a key holds a value of the wrong JSON type
  bad_value,         ///< the type is right but the value is not one the protocol allows
  conflicting_keys,  ///< keys that exclude each other are both present (url and redirect)
  unexpected_key,    ///< a known key where this kind of message has no use for it
  wrong_event,       ///< the frame carries another event than the one asked for
};

const std::error_category& message_category() noexcept;
std::error_code make_error_code(message_errc e) noexcept;

/// Event names and the heartbeat topic.
namespace events {
inline constexpr std::string_view join = "phx_join";
inline constexpr std::string_view leave = "phx_leave";
inline constexpr std::string_view reply = "phx_reply";
inline constexpr std::string_view error = "phx_error";
inline constexpr std::string_view close = "phx_close";
inline constexpr std::string_view heartbeat = "heartbeat";
inline constexpr std::string_view event = "event";
inline constexpr std::string_view diff = "diff";
inline constexpr std::string_view redirect = "redirect";
inline constexpr std::string_view live_redirect = "live_redirect";
/// Both a server push and, from 0.16 on, the client's patch request ("link" in 0.15).
inline constexpr std::string_view live_patch = "live_patch";
inline constexpr std::string_view link = "link";
inline constexpr std::string_view cids_will_destroy = "cids_will_destroy";
inline constexpr std::string_view cids_destroyed = "cids_destroyed";
}  // namespace events
inline constexpr std::string_view phoenix_topic = "phoenix";

/// A key the wire may leave out, send as null, or send with a value, where the three differ
/// (the join's `static` and `flash`): the outer optional is "present", the inner "not null".
template <class T>
using nullable = std::optional<std::optional<T>>;

/// History entry kind of a live navigation: pushState or replaceState.
enum class navigation : unsigned char { push, replace };
std::string_view to_string(navigation n) noexcept;

/// `{to, flash?}`: a full page load, pushed as "redirect" or sent in a reply or join error.
struct redirect_to {
  std::string to;
  std::optional<std::string> flash;  ///< signed flash token for the next page
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<redirect_to> from_json(const nlohmann::json& j);
  friend bool operator==(const redirect_to&, const redirect_to&) = default;
};

/// `{to, kind, flash?}`: navigate to another LiveView without a page load.
struct live_redirect_to {
  std::string to;
  navigation kind = navigation::push;
  std::optional<std::string> flash;
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<live_redirect_to> from_json(const nlohmann::json& j);
  friend bool operator==(const live_redirect_to&, const live_redirect_to&) = default;
};

/// `{to, kind}`: the same LiveView at a new URL (push_patch); only history changes.
struct live_patch_to {
  std::string to;
  navigation kind = navigation::push;
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<live_patch_to> from_json(const nlohmann::json& j);
  friend bool operator==(const live_patch_to&, const live_patch_to&) = default;
};

// ---------------------------------------------------------------------------------------
// Join

/// The join's `params`: the connect params the app gave the LiveSocket plus the client's own
/// underscore keys. Everything else is the app's and is kept in `extra` as sent.
struct join_params {
  std::optional<std::string> csrf_token;                 ///< `_csrf_token`
  std::optional<std::int64_t> mounts;                    ///< `_mounts`: successful joins so far
  std::optional<std::vector<std::string>> track_static;  ///< `_track_static`: tracked asset URLs
  std::optional<std::string> live_referer;               ///< `_live_referer` [≥0.18]
  std::optional<std::int64_t> mount_attempts;            ///< `_mount_attempts` [≥1.0]
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<join_params> from_json(const nlohmann::json& j);
  friend bool operator==(const join_params&, const join_params&) = default;
};

/// Payload of `phx_join` on an `lv:` topic (client → server).
struct join_payload {
  std::optional<std::string> url;       ///< root views, on page load and rejoin
  std::optional<std::string> redirect;  ///< [≥0.16] live redirect target, instead of url
  join_params params;
  std::string session;                 ///< the container's data-phx-session token
  nullable<std::string> static_token;  ///< `static`: data-phx-static, null when empty
  nullable<std::string> flash;         ///< absent on page load, null after the first join
  std::optional<bool> sticky;          ///< [≥1.0.10]
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<join_payload> from_json(const nlohmann::json& j);
  friend bool operator==(const join_payload&, const join_payload&) = default;
};

/// `container: [tag, {attrs}]` [≥0.16]: the root element the client must swap in.
struct container_spec {
  std::string tag;
  nlohmann::json attrs = nlohmann::json::object();

  friend bool operator==(const container_spec&, const container_spec&) = default;
};

/// The response of an ok join reply.
struct join_ok {
  nlohmann::json rendered = nlohmann::json::object();  ///< decoded by lvh::protocol::diff
  std::optional<live_patch_to> live_patch;             ///< push_patch during mount
  std::optional<container_spec> container;             ///< [≥0.16]
  std::optional<std::string> liveview_version;         ///< [≥0.20.15]
  nlohmann::json extra = nlohmann::json::object();     ///< e.g. [1.1] `pid`

  nlohmann::json to_json() const;
  static result<join_ok> from_json(const nlohmann::json& response);
  friend bool operator==(const join_ok&, const join_ok&) = default;
};

/// The response of an error join reply: a reason, or a redirect issued during mount.
/// Phoenix also answers any push to a topic nobody joined with reason "unmatched topic".
struct join_error {
  enum class kind : unsigned char {
    stale,            ///< bad, expired or outdated token, or no session
    unauthorized,     ///< [≥0.16] live redirect outside the live_session
    unmatched_topic,  ///< no channel route for the topic
    join_crashed,     ///< the view died before replying
    reload,           ///< [≥0.18.16] mount raised a 4xx Plug error: `status`, `token`
    other_reason,     ///< any other reason string (e.g. the client's own "timeout")
    redirect,         ///< `{"redirect": {...}}`
    live_redirect,    ///< `{"live_redirect": {...}}`
  };

  kind what = kind::stale;
  std::string reason;                  ///< as sent, for the reason kinds; empty for redirects
  std::optional<std::int64_t> status;  ///< reload: the HTTP status
  std::optional<std::string> token;    ///< reload: signed token for the error page
  std::optional<redirect_to> redirect;
  std::optional<live_redirect_to> live_redirect;
  nlohmann::json extra = nlohmann::json::object();

  /// A reason reply; `what` follows from the string.
  static join_error with_reason(std::string reason);
  static join_error redirecting(redirect_to r);
  static join_error live_redirecting(live_redirect_to r);

  nlohmann::json to_json() const;
  static result<join_error> from_json(const nlohmann::json& response);
  friend bool operator==(const join_error&, const join_error&) = default;
};

// ---------------------------------------------------------------------------------------
// Replies

enum class reply_status : unsigned char { ok, error };

/// The `phx_reply` payload envelope `{status, response}`.
struct reply {
  reply_status status = reply_status::ok;
  nlohmann::json response = nlohmann::json::object();
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<reply> from_json(const nlohmann::json& payload);
  /// Checks that the frame is a `phx_reply` first (message_errc::wrong_event).
  static result<reply> from_frame(const frame& f);
  friend bool operator==(const reply&, const reply&) = default;
};

/// A join reply, ok or error, decoded from the whole `{status, response}` payload.
struct join_reply {
  std::variant<join_ok, join_error> value;

  bool ok() const noexcept { return value.index() == 0; }
  nlohmann::json to_json() const;
  static result<join_reply> from_json(const nlohmann::json& payload);
  friend bool operator==(const join_reply&, const join_reply&) = default;
};

/// The response of an ok reply to "event", "link"/"live_patch", "progress", …
/// An unchanged render answers `{}`. Upload keys and `cids` stay in `extra`.
struct event_reply {
  std::optional<nlohmann::json> diff;  ///< an object; decoded by lvh::protocol::diff
  std::optional<redirect_to> redirect;
  std::optional<live_redirect_to> live_redirect;
  std::optional<live_patch_to> live_patch;
  std::optional<bool> link_redirect;  ///< patch request for another LiveView: redirect instead
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<event_reply> from_json(const nlohmann::json& response);
  friend bool operator==(const event_reply&, const event_reply&) = default;
};

// ---------------------------------------------------------------------------------------
// Client → server after the join

enum class event_type : unsigned char { click, keyup, keydown, focus, blur, form, hook, other };

/// Payload of "event" (client → server).
struct event_payload {
  event_type type = event_type::click;
  /// For event_type::other, the type sent: a DOM event that ran a JS.push [≥0.17] such as
  /// "remove", or nullopt when the wire said null (phx-mounted runs JS without an event).
  std::optional<std::string> other_type;
  std::string event;
  /// An object, except for form events, where it is the urlencoded form (a string).
  nlohmann::json value = nlohmann::json::object();
  std::optional<int> cid;  ///< target component
  /// The wire said `"cid": null` (a client that does not drop the key). Means no cid; kept
  /// only so the payload encodes back as it came.
  bool null_cid = false;
  std::optional<nlohmann::json> uploads;  ///< form events: `{config_ref: [entries]}`
  std::optional<nlohmann::json> meta;     ///< form events [≥1.0.6]: `_target`, phx-values
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<event_payload> from_json(const nlohmann::json& j);
  /// The same, taking `value`, `uploads`, `meta` and `extra` out of j instead of copying
  /// them; j is left valid but unspecified, on success and on error alike.
  static result<event_payload> from_json(nlohmann::json&& j);
  friend bool operator==(const event_payload&, const event_payload&) = default;
};

std::string_view to_string(event_type t) noexcept;

/// Payload of "link" [0.15] / "live_patch" [≥0.16] (client → server): patch to this URL.
struct link_payload {
  std::string url;
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<link_payload> from_json(const nlohmann::json& j);
  friend bool operator==(const link_payload&, const link_payload&) = default;
};

/// `{cids: [...]}`: "cids_will_destroy", "cids_destroyed", and the latter's reply.
struct cids_payload {
  std::vector<int> cids;
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static result<cids_payload> from_json(const nlohmann::json& j);
  friend bool operator==(const cids_payload&, const cids_payload&) = default;
};

// ---------------------------------------------------------------------------------------
// Frames with the refs where Phoenix puts them (protocol-notes §1.2)

/// `phx_join`: a join's ref is also its join_ref.
frame make_join(std::string topic, std::string ref, const join_payload& p);
/// A client push on a joined channel.
frame make_push(std::string topic, std::string event, nlohmann::json payload, std::string join_ref,
                std::string ref);
/// A server push (no ref). join_ref is null from 0.15 servers, the channel's from ≥0.16.4.
frame make_server_push(std::string topic, std::string event, nlohmann::json payload,
                       std::optional<std::string> join_ref);
/// The reply to `request`: same join_ref, ref and topic.
frame make_reply(const frame& request, const reply& r);
/// The same as `make_reply(request, reply{status, response})`, with the response moved into
/// the payload rather than copied (a server's diff can be large).
frame make_reply(const frame& request, reply_status status, nlohmann::json response);
/// The same, made out of the request itself: its refs and topic move into the reply (a server
/// that is done with the request saves their copies). request is left valid but unspecified.
frame make_reply(frame&& request, reply_status status, nlohmann::json response);
/// Phoenix's answer to a push on a topic with no channel: error "unmatched topic", join_ref null.
frame make_unmatched_topic_reply(const frame& request);
/// Channel crashed / closed: the socket layer puts the join_ref in both ref slots.
frame make_phx_error(std::string topic, std::string join_ref);
frame make_phx_close(std::string topic, std::string join_ref);
frame make_phx_leave(std::string topic, std::string join_ref, std::string ref);
/// `[null, ref, "phoenix", "heartbeat", {}]` and its reply (join_ref null, ok, `{}`).
frame make_heartbeat(std::string ref);
frame make_heartbeat_reply(std::string ref);
bool is_heartbeat(const frame& f) noexcept;

}  // namespace lvh::protocol

template <>
struct std::is_error_code_enum<lvh::protocol::message_errc> : std::true_type {};
