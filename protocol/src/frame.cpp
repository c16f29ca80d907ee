#include <lvh/protocol/frame.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

namespace lvh::protocol {

namespace {

class frame_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "frame"; }

  std::string message(int ev) const override {
    switch (static_cast<frame_errc>(ev)) {
      case frame_errc::not_json:
        return "the frame is not a single well-formed JSON value in UTF-8";
      case frame_errc::not_array:
        return "the frame is not a JSON array";
      case frame_errc::wrong_arity:
        return "the frame does not have exactly five elements [join_ref, ref, topic, event, "
               "payload]";
      case frame_errc::bad_join_ref:
        return "the frame's join_ref is neither a JSON string nor null";
      case frame_errc::bad_ref:
        return "the frame's ref is neither a JSON string nor null";
      case frame_errc::bad_topic:
        return "the frame's topic is not a JSON string";
      case frame_errc::bad_event:
        return "the frame's event is not a JSON string";
      case frame_errc::bad_payload:
        return "the frame's payload is not a JSON object";
      case frame_errc::too_large:
        return "the frame is larger than the configured size limit";
      case frame_errc::too_deep:
        return "the frame nests JSON arrays or objects deeper than the configured limit";
    }
    return "unknown frame error";
  }
};

using json = nlohmann::json;

// Builds the DOM through the SAX interface so depth is checked before a level is opened:
// nlohmann's own DOM parser would build a million nested arrays first and ask later.
class bounded_dom_builder {
 public:
  enum class failure { none, syntax, too_deep, out_of_range };

  explicit bounded_dom_builder(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() { return put(json(nullptr)); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(json::number_integer_t v) { return put(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) {
    // nlohmann refuses 1e400 itself; an infinity that got through would re-encode as null.
    if (!std::isfinite(v)) return fail(failure::out_of_range);
    return put(json(v));
  }
  bool string(json::string_t& s) { return put(json(std::move(s))); }
  bool binary(json::binary_t&) { return fail(failure::syntax); }  // JSON text has none
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool key(json::string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    position_ = position;
    return fail(failure::syntax);
  }

  failure why() const noexcept { return failure_; }
  std::size_t position() const noexcept { return position_; }
  json& root() noexcept { return root_; }

 private:
  bool fail(failure f) {
    if (failure_ == failure::none) failure_ = f;
    return false;
  }

  // Places v in the innermost open container (or as the root) and returns where it landed.
  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.get_ref<json::array_t&>().push_back(std::move(v));
      return &parent.get_ref<json::array_t&>().back();
    }
    // Later duplicates overwrite earlier ones, as in Jason and JSON.parse. The key is moved in
    // (key() sets it afresh before every value).
    auto placed = parent.get_ref<json::object_t&>().insert_or_assign(std::move(key_), std::move(v));
    return &placed.first->second;
  }

  bool put(json&& v) {
    place(std::move(v));
    return true;
  }

  bool open(json::value_t t) {
    if (stack_.size() >= max_depth_) return fail(failure::too_deep);
    if (stack_.empty()) stack_.reserve(16);  // deeper than most frames: no regrowth
    // A pointer into the parent stays valid: the parent grows only after this child closes.
    json* opened = place(json(t));
    // The frame itself: five elements, so the array is allocated once.
    if (stack_.empty() && t == json::value_t::array) opened->get_ref<json::array_t&>().reserve(5);
    stack_.push_back(opened);
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  std::size_t max_depth_;
  std::vector<json*> stack_;
  json root_;
  std::string key_;
  failure failure_ = failure::none;
  std::size_t position_ = 0;
};

// Parses the common frame (printable ASCII strings without escapes, small integers, shallow
// nesting) without nlohmann's lexer, which keeps every character of a token for its error
// messages. It declines anything else, and never reports an error itself: whatever it
// declines goes to the SAX path, so refusals, limits and unusual values are decided there.
class plain_parser {
 public:
  plain_parser(std::string_view text, std::size_t max_depth)
      : p_(text.data()), end_(text.data() + text.size()),
        max_depth_(max_depth < kMaxDepth ? max_depth : kMaxDepth) {}

  // The frame, if the whole text is `[join_ref, ref, topic, event, payload]` of the plain
  // kind with the types a frame needs: the four strings go straight into their fields, with
  // no JSON values of their own. Anything else declines, and the general path decides.
  bool parse(frame& f) {
    skip_space();
    if (max_depth_ < 1 || p_ == end_ || *p_++ != '[') return false;  // the frame is depth 1
    if (!optional_string(f.join_ref) || !comma() || !optional_string(f.ref) || !comma() ||
        !string_value(f.topic) || !comma() || !string_value(f.event) || !comma())
      return false;
    skip_space();
    if (p_ == end_ || *p_ != '{' || !object(f.payload, 2)) return false;
    skip_space();
    if (p_ == end_ || *p_++ != ']') return false;
    skip_space();
    return p_ == end_;
  }

 private:
  // Deeper frames are rare; declining keeps the recursion shallow.
  static constexpr std::size_t kMaxDepth = 32;

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  // The characters of a string the serializer would write as they are; p_ is past the quote.
  bool string_body(std::string_view& out) {
    const char* start = p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x7F || c == '\\') return false;
      ++p_;
    }
    return false;
  }

  bool comma() {
    skip_space();
    return p_ != end_ && *p_++ == ',';
  }

  bool string_value(std::string& out) {
    skip_space();
    std::string_view s;
    if (p_ == end_ || *p_++ != '"' || !string_body(s)) return false;
    out.assign(s);
    return true;
  }

  // A ref: a string or null.
  bool optional_string(std::optional<std::string>& out) {
    skip_space();
    if (p_ != end_ && *p_ == 'n') return literal("null");
    return string_value(out.emplace());
  }

  // Integers of up to 18 digits fit either type; fractions and exponents are declined.
  bool number(json& out) {
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    const char* digits = p_;
    std::uint64_t v = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') v = v * 10 + static_cast<unsigned>(*p_++ - '0');
    const auto n = p_ - digits;
    if (n == 0 || n > 18 || (n > 1 && *digits == '0')) return false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (negative)
      out = static_cast<json::number_integer_t>(-static_cast<std::int64_t>(v));
    else
      out = static_cast<json::number_unsigned_t>(v);
    return true;
  }

  bool value(json& out, std::size_t depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"': {
        ++p_;
        std::string_view s;
        if (!string_body(s)) return false;
        out = std::string(s);
        return true;
      }
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case 't':
        out = true;
        return literal("true");
      case 'f':
        out = false;
        return literal("false");
      case 'n':
        out = nullptr;
        return literal("null");
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number(out);
        return false;
    }
  }

  bool array(json& out, std::size_t depth) {
    if (depth > max_depth_) return false;
    ++p_;
    out = json::array();
    auto& elements = out.get_ref<json::array_t&>();
    if (depth == 1) elements.reserve(5);
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    while (true) {
      skip_space();
      elements.emplace_back();
      if (!value(elements.back(), depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      if (*p_++ != ',') return false;
    }
  }

  bool object(json& out, std::size_t depth) {
    if (depth > max_depth_) return false;
    ++p_;
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    while (true) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return false;
      ++p_;
      std::string_view key;
      if (!string_body(key)) return false;
      skip_space();
      if (p_ == end_ || *p_++ != ':') return false;
      skip_space();
      // Later duplicates overwrite earlier ones, as on the SAX path.
      json v;
      if (!value(v, depth)) return false;
      members.insert_or_assign(std::string(key), std::move(v));
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      if (*p_++ != ',') return false;
    }
  }

  const char* p_;
  const char* end_;
  std::size_t max_depth_;
};

// Appends s as a JSON string, as dump() writes it with error_handler_t::replace. Refs, topics
// and events are nearly always printable ASCII with nothing to escape: those are copied as
// they are (what the serializer would write), the rest go through the serializer.
void append_string(std::string& out, const std::string& s) {
  bool plain = true;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

// Appends j as dump(-1, ' ', false, error_handler_t::replace) writes it, without the
// serializer's detour through a stream adapter for every value. Floats (whose shortest form is
// the serializer's own algorithm) and binary values are still written by the serializer.
void append_json(std::string& out, const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += j.get_ref<const json::boolean_t&>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      char buf[24];
      const auto r = j.is_number_unsigned()
                         ? std::to_chars(buf, buf + sizeof buf, j.get_ref<const json::number_unsigned_t&>())
                         : std::to_chars(buf, buf + sizeof buf, j.get_ref<const json::number_integer_t&>());
      out.append(buf, r.ptr);
      return;
    }
    case json::value_t::string:
      append_string(out, j.get_ref<const json::string_t&>());
      return;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& v : j.get_ref<const json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        append_json(out, v);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : j.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_string(out, k);
        out += ':';
        append_json(out, v);
      }
      out += '}';
      return;
    }
    case json::value_t::number_float:
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  out += j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void append_ref(std::string& out, const std::optional<std::string>& ref) {
  if (ref)
    append_string(out, *ref);
  else
    out += "null";
}

result<frame> decode_impl(std::string_view text, const frame_limits& limits, bool allow_plain) {
  if (text.size() > limits.max_bytes)
    return make_error(frame_errc::too_large, "frame (" + std::to_string(text.size()) + " bytes)");
  // nlohmann skips a UTF-8 byte order mark; JSON on a WebSocket must not start with one.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
    return make_error(frame_errc::not_json, "byte 0");

  if (allow_plain) {
    frame f;
    if (plain_parser(text, limits.max_depth).parse(f)) return f;
  }
  bounded_dom_builder builder(limits.max_depth);
  const bool ok = json::sax_parse(text.data(), text.data() + text.size(), &builder,
                                  json::input_format_t::json, /*strict=*/true);
  if (!ok) {
    switch (builder.why()) {
      case bounded_dom_builder::failure::too_deep:
        return make_error(frame_errc::too_deep, "depth " + std::to_string(limits.max_depth + 1));
      case bounded_dom_builder::failure::out_of_range:
        return make_error(frame_errc::not_json, "a number beyond the range of a double");
      case bounded_dom_builder::failure::syntax:
      case bounded_dom_builder::failure::none:
        break;
    }
    return make_error(frame_errc::not_json, "byte " + std::to_string(builder.position()));
  }

  json& root = builder.root();
  if (!root.is_array()) return make_error(frame_errc::not_array, "frame");
  auto& elements = root.get_ref<json::array_t&>();
  if (elements.size() != 5)
    return make_error(frame_errc::wrong_arity,
                      "frame (" + std::to_string(elements.size()) + " elements)");

  frame f;
  auto take_ref = [](json& j, std::optional<std::string>& out) {
    if (j.is_null()) return true;
    if (!j.is_string()) return false;
    out = std::move(j.get_ref<std::string&>());
    return true;
  };
  if (!take_ref(elements[0], f.join_ref))
    return make_error(frame_errc::bad_join_ref, "element 0 (join_ref)");
  if (!take_ref(elements[1], f.ref)) return make_error(frame_errc::bad_ref, "element 1 (ref)");
  if (!elements[2].is_string()) return make_error(frame_errc::bad_topic, "element 2 (topic)");
  f.topic = std::move(elements[2].get_ref<std::string&>());
  if (!elements[3].is_string()) return make_error(frame_errc::bad_event, "element 3 (event)");
  f.event = std::move(elements[3].get_ref<std::string&>());
  if (!elements[4].is_object()) return make_error(frame_errc::bad_payload, "element 4 (payload)");
  f.payload = std::move(elements[4]);
  return f;
}

}  // namespace

const std::error_category& frame_category() noexcept {
  static const frame_category_impl category;
  return category;
}

std::error_code make_error_code(frame_errc e) noexcept {
  return {static_cast<int>(e), frame_category()};
}

std::string encode(const frame& f) {
  std::string out;
  out.reserve(192 + f.topic.size() + f.event.size());  // an event or a small diff: no regrowth
  out += '[';
  append_ref(out, f.join_ref);
  out += ',';
  append_ref(out, f.ref);
  out += ',';
  append_string(out, f.topic);
  out += ',';
  append_string(out, f.event);
  out += ',';
  append_json(out, f.payload);
  out += ']';
  return out;
}

namespace {

result<frame> guarded_decode(std::string_view text, const frame_limits& limits,
                             bool allow_plain) noexcept {
  try {
    return decode_impl(text, limits, allow_plain);
  } catch (const std::bad_alloc&) {
    // The size limit keeps this out of reach unless it is set absurdly high.
    return make_error(frame_errc::too_large, "out of memory while parsing");
  }
}

}  // namespace

result<frame> decode(std::string_view text, const frame_limits& limits) noexcept {
  return guarded_decode(text, limits, /*allow_plain=*/true);
}

namespace detail {

result<frame> decode_general(std::string_view text, const frame_limits& limits) noexcept {
  return guarded_decode(text, limits, /*allow_plain=*/false);
}

}  // namespace detail

namespace {
void release_children(nlohmann::json& v, int depth) noexcept {
  if (depth > 64) return;
  if (v.is_object()) {
    auto& members = v.get_ref<nlohmann::json::object_t&>();
    for (auto& member : members) release_children(member.second, depth + 1);
    members.clear();
  } else if (v.is_array()) {
    auto& items = v.get_ref<nlohmann::json::array_t&>();
    for (auto& item : items) release_children(item, depth + 1);
    items.clear();
  }
}
}  // namespace

void release(nlohmann::json& v) noexcept {
  release_children(v, 0);
  v = nullptr;
}

}  // namespace lvh::protocol
