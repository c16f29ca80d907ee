// Phoenix channel frames as the V2 JSON serializer puts them on the wire:
// `[join_ref, ref, topic, event, payload]`, the seam between every client and server here.
//
//   auto f = lvh::protocol::decode(text);          // never throws
//   if (!f) log(f.error().message());
//   // "the frame's event is not a JSON string (at element 3 (event))"
//   socket.send(lvh::protocol::encode(*f));
//
// decode is stricter than Phoenix, which pattern-matches `[join_ref, ref, topic, event,
// payload | _]` and crashes the socket process on anything else. What we decided, and why:
//
// * Exactly five elements. Phoenix ignores extra ones, but no client sends them, so a sixth
//   element is a bug worth reporting (frame_errc::wrong_arity).
// * join_ref and ref are strings or null. Phoenix would echo a number back unchanged, but
//   phoenix.js only ever sends decimal strings and keys replies by them, so a number is
//   refused (bad_join_ref / bad_ref).
// * An empty string is a valid ref and is kept as "" (not turned into null): Phoenix echoes
//   it as sent. Note that phoenix.js tests refs for truthiness, so *it* treats "" like null.
// * topic and event may be any string, empty included; their length is bounded only by
//   frame_limits::max_bytes, as Phoenix bounds them only by the WebSocket frame size.
// * The text must be one JSON value and nothing else: invalid UTF-8, a byte order mark,
//   trailing bytes and numbers too large for a double are refused (frame_errc::not_json), as
//   Jason, Phoenix's JSON library, refuses them.
// * Duplicate keys in an object: the last one wins, as in Jason and JSON.parse.
#pragma once

#include <lvh/protocol/error.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace lvh::protocol {

/// Why a frame was refused.
enum class frame_errc {
  not_json = 1,  ///< not one well-formed JSON value (bad syntax, invalid UTF-8, trailing bytes)
  not_array,     ///< the JSON value is not an array
  wrong_arity,   ///< the array does not have exactly five elements
  bad_join_ref,  ///< element 0 is neither a string nor null
  bad_ref,       ///< element 1 is neither a string nor null
  bad_topic,     ///< element 2 is not a string
  bad_event,     ///< element 3 is not a string
  bad_payload,   ///< element 4 is not a JSON object
  too_large,     ///< the text is longer than frame_limits::max_bytes
  too_deep,      ///< JSON nesting deeper than frame_limits::max_depth
};

const std::error_category& frame_category() noexcept;
std::error_code make_error_code(frame_errc e) noexcept;

/// Bounds applied to untrusted frames before and while parsing.
struct frame_limits {
  std::size_t max_bytes = 16u << 20;  ///< checked before parsing; Phoenix's default is unbounded
  std::size_t max_depth = 512;        ///< arrays/objects open at once; the frame itself is 1
};

/// One channel message. Absent refs are null on the wire.
struct frame {
  std::optional<std::string> join_ref;
  std::optional<std::string> ref;
  std::string topic;
  std::string event;
  nlohmann::json payload = nlohmann::json::object();

  friend bool operator==(const frame& a, const frame& b) {
    return a.join_ref == b.join_ref && a.ref == b.ref && a.topic == b.topic && a.event == b.event &&
           a.payload == b.payload;
  }
};

/// Sets `v` to null, freeing its tree leaves first. Cheaper than letting it go out of scope:
/// nlohmann's destructor moves every node of a tree into a heap-allocated list first (so that
/// it never recurses), which for a small message costs more than the message. Past a depth
/// of 64 the rest is left to that destructor, so any depth is safe.
void release(nlohmann::json& v) noexcept;

/// Compact JSON text of the frame. The payload should be an object (decode refuses anything
/// else); encode writes whatever it holds. Strings that are not valid UTF-8 have their bad bytes
/// replaced by U+FFFD (a browser's WebSocket would do the same); non-finite numbers in the
/// payload become null, as JSON.stringify writes them.
std::string encode(const frame& f);

/// Parses untrusted text into a frame; every malformed shape is a frame_errc with `where`
/// naming the element ("element 3 (event)") or the byte offset of a syntax error.
result<frame> decode(std::string_view text, const frame_limits& limits = {}) noexcept;

namespace detail {
/// decode without its fast path for plain frames: every frame through nlohmann's SAX parser.
/// For tests that hold the two equal.
result<frame> decode_general(std::string_view text, const frame_limits& limits = {}) noexcept;
}  // namespace detail

}  // namespace lvh::protocol

template <>
struct std::is_error_code_enum<lvh::protocol::frame_errc> : std::true_type {};
