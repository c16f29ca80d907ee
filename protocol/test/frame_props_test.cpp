// Properties of the frame codec: decode inverts encode for arbitrary frames, and decode of
// arbitrary bytes is a frame or a typed error, never a crash or an exception.
#include <lvh/protocol/frame.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace lvh::protocol {

// For RapidCheck's counterexamples (found by ADL).
std::ostream& operator<<(std::ostream& os, const frame& f) { return os << encode(f); }

namespace {

using nlohmann::json;

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Unicode scalar values, leaning on the ones JSON must escape.
rc::Gen<std::uint32_t> gen_code_point() {
  return rc::gen::weightedOneOf<std::uint32_t>({
      {4, rc::gen::inRange<std::uint32_t>(0x20, 0x7F)},
      {2, rc::gen::inRange<std::uint32_t>(0x00, 0x20)},  // control characters
      {2, rc::gen::element<std::uint32_t>('"', '\\', '/', 0x7F)},
      {1, rc::gen::inRange<std::uint32_t>(0x80, 0xD800)},
      {1, rc::gen::inRange<std::uint32_t>(0xE000, 0x10000)},
      {1, rc::gen::inRange<std::uint32_t>(0x10000, 0x110000)},
  });
}

rc::Gen<std::string> gen_unicode() {
  return rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(gen_code_point()),
                      [](const std::vector<std::uint32_t>& cps) {
                        std::string s;
                        for (auto cp : cps) append_utf8(s, cp);
                        return s;
                      });
}

rc::Gen<json> gen_scalar() {
  return rc::gen::oneOf(
      rc::gen::just(json(nullptr)),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t v) { return json(v); }),
      rc::gen::map(rc::gen::arbitrary<std::uint64_t>(), [](std::uint64_t v) { return json(v); }),
      rc::gen::map(rc::gen::suchThat(rc::gen::arbitrary<double>(),
                                     [](double d) { return std::isfinite(d); }),
                   [](double d) { return json(d); }),
      rc::gen::map(gen_unicode(), [](std::string s) { return json(std::move(s)); }));
}

rc::Gen<json> gen_object(int depth);

rc::Gen<json> gen_value(int depth) {
  if (depth <= 0) return gen_scalar();
  return rc::gen::weightedOneOf<json>({
      {3, gen_scalar()},
      {1, rc::gen::mapcat(rc::gen::inRange(0, 5),
                          [depth](int n) {
                            return rc::gen::map(
                                rc::gen::container<std::vector<json>>(n, gen_value(depth - 1)),
                                [](std::vector<json> v) { return json(std::move(v)); });
                          })},
      {1, gen_object(depth - 1)},
  });
}

rc::Gen<json> gen_object(int depth) {
  return rc::gen::mapcat(rc::gen::inRange(0, 5), [depth](int n) {
    return rc::gen::map(rc::gen::container<std::vector<std::pair<std::string, json>>>(
                            n, rc::gen::pair(gen_unicode(), gen_value(depth))),
                        [](const std::vector<std::pair<std::string, json>>& kv) {
                          json o = json::object();
                          for (const auto& [k, v] : kv) o[k] = v;
                          return o;
                        });
  });
}

rc::Gen<std::optional<std::string>> gen_ref() {
  return rc::gen::map(rc::gen::maybe(gen_unicode()), [](rc::Maybe<std::string> m) {
    return m ? std::optional<std::string>(std::move(*m)) : std::nullopt;
  });
}

rc::Gen<frame> gen_frame() {
  return rc::gen::apply(
      [](std::optional<std::string> join_ref, std::optional<std::string> ref, std::string topic,
         std::string event, json payload) {
        return frame{std::move(join_ref), std::move(ref), std::move(topic), std::move(event),
                     std::move(payload)};
      },
      gen_ref(), gen_ref(), gen_unicode(), gen_unicode(), gen_object(3));
}

std::size_t depth_of(const json& j) {
  std::size_t d = 0;
  if (j.is_structured())
    for (const auto& v : j) d = std::max(d, depth_of(v));
  return j.is_structured() ? d + 1 : 0;
}

// A failed decode must be one of ours, name a place, and say something.
void check_typed(const result<frame>& r) {
  if (r) return;
  const error& e = r.error();
  RC_ASSERT(&e.code.category() == &frame_category());
  RC_ASSERT(e.code.value() >= static_cast<int>(frame_errc::not_json));
  RC_ASSERT(e.code.value() <= static_cast<int>(frame_errc::too_deep));
  RC_ASSERT(!e.where.empty());
  RC_ASSERT(!e.message().empty());
}

// Whatever decodes also survives encode → decode unchanged.
void check_stable(const result<frame>& r) {
  if (!r) return;
  auto again = decode(encode(*r));
  RC_ASSERT(again.has_value());
  RC_ASSERT(*again == *r);
}

// Frames of the kind decode parses without nlohmann's lexer (printable ASCII, integers, shallow
// nesting) and near misses: floats, escapes, long integers, DEL.
rc::Gen<std::string> gen_plain_string() {
  return rc::gen::container<std::string>(rc::gen::weightedOneOf<char>({
      {20, rc::gen::inRange<char>(0x20, 0x7F)},
      {1, rc::gen::element<char>('"', '\\', '\x7f', '\n')},
  }));
}

rc::Gen<json> gen_plain_value(int depth) {
  auto scalar = rc::gen::weightedOneOf<json>({
      {1, rc::gen::just(json(nullptr))},
      {1, rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); })},
      {2, rc::gen::map(rc::gen::inRange<std::int64_t>(-1000, 1000),
                       [](std::int64_t v) { return json(v); })},
      {1, rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t v) { return json(v); })},
      {1, rc::gen::map(rc::gen::arbitrary<std::uint64_t>(),
                       [](std::uint64_t v) { return json(v); })},
      {1, rc::gen::map(rc::gen::inRange(-100, 100), [](int v) { return json(v / 8.0); })},
      {3, rc::gen::map(gen_plain_string(), [](std::string s) { return json(std::move(s)); })},
  });
  if (depth <= 0) return scalar;
  return rc::gen::weightedOneOf<json>({
      {3, scalar},
      {1, rc::gen::map(rc::gen::container<std::vector<json>>(gen_plain_value(depth - 1)),
                       [](std::vector<json> v) { return json(std::move(v)); })},
      {1, rc::gen::map(rc::gen::container<std::vector<std::pair<std::string, json>>>(
                           rc::gen::pair(gen_plain_string(), gen_plain_value(depth - 1))),
                       [](const std::vector<std::pair<std::string, json>>& kv) {
                         json o = json::object();
                         for (const auto& [k, v] : kv) o[k] = v;
                         return o;
                       })},
  });
}

// Equal values of the same types all the way down (== holds 1 and 1u equal).
bool same(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
      if (i.key() != j.key() || !same(*i, *j)) return false;
    return true;
  }
  return a == b;
}

}  // namespace

// decode's fast path for plain frames must give what the general path gives, value, types and
// errors alike, on plain frames, on near misses and on edits of both.
RC_GTEST_PROP(frame_props, plain_frames_decode_as_the_general_path_decodes, ()) {
  const json array = {*rc::gen::oneOf(rc::gen::just(json(nullptr)), gen_plain_value(0)),
                      *gen_plain_value(0), *gen_plain_value(0), *gen_plain_value(0),
                      *gen_plain_value(3)};
  std::string text = *rc::gen::arbitrary<bool>() ? array.dump() : array.dump(1, '\t');
  const int edits = *rc::gen::inRange(0, 3);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
    const char c = *rc::gen::element<char>('[', ']', '{', '}', '"', ',', ':', '-', '0', '.', 'e',
                                           'n', 't', ' ', '\r');
    if (*rc::gen::arbitrary<bool>())
      text.insert(at, 1, c);
    else
      text[at] = c;
  }
  const frame_limits limits{.max_bytes = 16u << 20,
                            .max_depth = *rc::gen::inRange<std::size_t>(0, 6)};
  const auto fast = decode(text, limits);
  const auto general = detail::decode_general(text, limits);
  RC_ASSERT(fast.has_value() == general.has_value());
  if (fast) {
    RC_ASSERT(*fast == *general);
    RC_ASSERT(same(fast->payload, general->payload));
  } else {
    RC_ASSERT(fast.error().code == general.error().code);
    RC_ASSERT(fast.error().where == general.error().where);
  }
}

RC_GTEST_PROP(frame_props, decode_inverts_encode, ()) {
  const frame f = *gen_frame();
  const std::string text = encode(f);
  const auto back = decode(text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == f);
  RC_ASSERT(encode(*back) == text);
}

// encode copies plain ASCII strings itself and hands the rest to nlohmann's serializer; the
// text must be what that serializer writes for the whole array, bad UTF-8 included.
RC_GTEST_PROP(frame_props, encode_writes_what_the_serializer_writes, ()) {
  auto gen_text = rc::gen::oneOf(gen_unicode(), rc::gen::arbitrary<std::string>());
  frame f = *gen_frame();
  f.topic = *gen_text;
  f.event = *gen_text;
  f.ref = *gen_text;
  if (*rc::gen::arbitrary<bool>()) f.join_ref = *gen_text;
  const json array = {f.join_ref ? json(*f.join_ref) : json(nullptr),
                      f.ref ? json(*f.ref) : json(nullptr), f.topic, f.event, f.payload};
  RC_ASSERT(encode(f) == array.dump(-1, ' ', false, json::error_handler_t::replace));
}

RC_GTEST_PROP(frame_props, depth_limit_refuses_exactly_the_deeper_frames, ()) {
  const frame f = *gen_frame();
  const std::size_t depth = 1 + depth_of(f.payload);
  const std::size_t limit = *rc::gen::inRange<std::size_t>(1, 8);
  const auto r = decode(encode(f), frame_limits{.max_bytes = 16u << 20, .max_depth = limit});
  if (depth <= limit) {
    RC_ASSERT(r.has_value());
  } else {
    RC_ASSERT(!r.has_value());
    RC_ASSERT(r.error().code == make_error_code(frame_errc::too_deep));
  }
}

RC_GTEST_PROP(frame_props, size_limit_refuses_exactly_the_longer_texts, ()) {
  const std::string text = encode(*gen_frame());
  const std::size_t limit = *rc::gen::inRange<std::size_t>(0, text.size() * 2 + 1);
  const auto r = decode(text, frame_limits{.max_bytes = limit, .max_depth = 512});
  RC_ASSERT(r.has_value() == (text.size() <= limit));
  if (!r) RC_ASSERT(r.error().code == make_error_code(frame_errc::too_large));
}

RC_GTEST_PROP(frame_props, arbitrary_bytes_decode_to_a_frame_or_a_typed_error, ()) {
  const auto bytes = *rc::gen::arbitrary<std::string>();
  const auto r = decode(bytes);
  check_typed(r);
  check_stable(r);
}

// Random bytes rarely get past the first '['; edits of real encodings reach every check.
RC_GTEST_PROP(frame_props, edited_encodings_decode_to_a_frame_or_a_typed_error, ()) {
  std::string text = encode(*gen_frame());
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
    const char c = *rc::gen::element<char>('[', ']', '{', '}', '"', ',', ':', '\\', 'n', '1',
                                           '\xff', '\0', ' ');
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        text.insert(at, 1, c);
        break;
      case 1:
        text.erase(at, 1);
        break;
      default:
        text[at] = c;
        break;
    }
  }
  const auto r = decode(text);
  check_typed(r);
  check_stable(r);
}

}  // namespace lvh::protocol
