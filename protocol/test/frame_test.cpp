#include <lvh/protocol/frame.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lvh::protocol {
namespace {

using nlohmann::json;

frame make(std::optional<std::string> join_ref, std::optional<std::string> ref, std::string topic,
           std::string event, json payload = json::object()) {
  return frame{std::move(join_ref), std::move(ref), std::move(topic), std::move(event),
               std::move(payload)};
}

// --- encode ---------------------------------------------------------------------------

TEST(frame_encode, writes_the_compact_v2_array) {
  EXPECT_EQ(encode(make("4", "7", "lv:phx-F", "event", json{{"type", "click"}})),
            R"(["4","7","lv:phx-F","event",{"type":"click"}])");
}

TEST(frame_encode, writes_absent_refs_as_null) {
  EXPECT_EQ(encode(make(std::nullopt, "8", "phoenix", "heartbeat")),
            R"([null,"8","phoenix","heartbeat",{}])");
  EXPECT_EQ(encode(make(std::nullopt, std::nullopt, "lv:x", "diff", json{{"0", "1"}})),
            R"([null,null,"lv:x","diff",{"0":"1"}])");
}

TEST(frame_encode, escapes_quotes_and_control_characters) {
  const frame f = make("1", "1", "t\"\\\n\x01", "e\t");
  EXPECT_EQ(encode(f), R"(["1","1","t\"\\\n\u0001","e\t",{}])");
}

TEST(frame_encode, replaces_invalid_utf8_instead_of_throwing) {
  const frame f = make("1", "1", "bad\xff", "e", json{{"k", "x\xc3"}});
  const std::string text = encode(f);
  auto back = decode(text);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back.value().topic, "bad\xEF\xBF\xBD");
  EXPECT_EQ(back.value().payload["k"], "x\xEF\xBF\xBD");
}

// --- decode: accepted shapes ------------------------------------------------------------

TEST(frame_decode, reads_a_captured_join_reply) {
  auto f = decode(
      R"(["4","5","lv:phx-GOrxfnT8vAhRggLx","phx_reply",{"response":{"diff":{"0":"1"}},"status":"ok"}])");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f.value().join_ref, "4");
  EXPECT_EQ(f.value().ref, "5");
  EXPECT_EQ(f.value().topic, "lv:phx-GOrxfnT8vAhRggLx");
  EXPECT_EQ(f.value().event, "phx_reply");
  EXPECT_EQ(f.value().payload, (json{{"response", {{"diff", {{"0", "1"}}}}}, {"status", "ok"}}));
}

TEST(frame_decode, reads_null_refs_as_absent) {
  auto f = decode(R"([null,null,"lv:x","diff",{}])");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f.value().join_ref.has_value());
  EXPECT_FALSE(f.value().ref.has_value());
}

TEST(frame_decode, allows_whitespace_around_and_inside_the_array) {
  auto f = decode(" \r\n[ null , \"1\" ,\t\"phoenix\", \"heartbeat\" , { } ]\n");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f.value(), make(std::nullopt, "1", "phoenix", "heartbeat"));
}

// Phoenix echoes "" as sent; we keep it a string rather than folding it into null.
TEST(frame_decode, keeps_an_empty_string_ref) {
  auto f = decode(R"(["","","","",{}])");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f.value().join_ref, std::optional<std::string>(""));
  EXPECT_EQ(f.value().ref, std::optional<std::string>(""));
  EXPECT_EQ(f.value().topic, "");
  EXPECT_EQ(f.value().event, "");
  EXPECT_EQ(encode(f.value()), R"(["","","","",{}])");
}

TEST(frame_decode, bounds_a_huge_topic_only_by_the_size_limit) {
  const std::string topic(1u << 20, 't');
  const std::string text = encode(make("1", "1", topic, "phx_join"));
  auto f = decode(text);
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f.value().topic, topic);

  auto refused = decode(text, frame_limits{.max_bytes = 1000, .max_depth = 512});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, frame_errc::too_large);
}

TEST(frame_decode, lets_the_last_duplicate_key_win) {
  auto f = decode(R"([null,null,"t","e",{"a":1,"a":2}])");
  ASSERT_TRUE(f);
  EXPECT_EQ(f.value().payload, (json{{"a", 2}}));
}

TEST(frame_decode, keeps_unicode_and_escapes) {
  auto f = decode(R"([null,"1","lv:\u00e9\ud83d\ude00","\"q\"",{"k":"\u0000\n"}])");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f.value().topic, "lv:\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(f.value().event, "\"q\"");
  EXPECT_EQ(f.value().payload["k"], std::string("\0\n", 2));
  EXPECT_EQ(decode(encode(f.value())).value(), f.value());
}

// --- decode: refused shapes -------------------------------------------------------------

struct refusal {
  const char* name;
  std::string text;
  frame_errc code;
  std::string where;  // empty: any
};

class frame_refusal : public ::testing::TestWithParam<refusal> {};

TEST_P(frame_refusal, is_a_typed_error_naming_the_place) {
  const refusal& r = GetParam();
  auto f = decode(r.text);
  ASSERT_FALSE(f) << "decoded: " << encode(f.value());
  EXPECT_EQ(f.error().code, r.code) << f.error().message();
  EXPECT_EQ(&f.error().code.category(), &frame_category());
  if (!r.where.empty()) {
    EXPECT_EQ(f.error().where, r.where);
  }
}

INSTANTIATE_TEST_SUITE_P(
    all, frame_refusal,
    ::testing::Values(
        refusal{"empty", "", frame_errc::not_json, ""},
        refusal{"only_whitespace", "  \n", frame_errc::not_json, ""},
        refusal{"truncated", R"(["1","1","t","e",{})", frame_errc::not_json, ""},
        refusal{"trailing_garbage", R"(["1","1","t","e",{}] x)", frame_errc::not_json, ""},
        refusal{"two_values", R"([null,null,"t","e",{}][])", frame_errc::not_json, ""},
        refusal{"byte_order_mark", "\xEF\xBB\xBF[null,null,\"t\",\"e\",{}]", frame_errc::not_json,
                "byte 0"},
        refusal{"invalid_utf8", "[null,null,\"\xff\",\"e\",{}]", frame_errc::not_json, ""},
        refusal{"overlong_utf8", "[null,null,\"\xc0\xaf\",\"e\",{}]", frame_errc::not_json, ""},
        refusal{"lone_surrogate", R"([null,null,"\ud800","e",{}])", frame_errc::not_json, ""},
        refusal{"raw_control_char", "[null,null,\"a\x01\",\"e\",{}]", frame_errc::not_json, ""},
        refusal{"comment", R"([null,null,"t","e",{}/**/])", frame_errc::not_json, ""},
        refusal{"single_quotes", R"([null,null,'t',"e",{}])", frame_errc::not_json, ""},
        // nlohmann refuses it already; the decoder would also refuse an infinity it let through.
        refusal{"infinite_number", R"([null,null,"t","e",{"n":1e400}])", frame_errc::not_json,
                "byte 29"},
        refusal{"nan", R"([null,null,"t","e",{"n":NaN}])", frame_errc::not_json, ""},
        refusal{"object", R"({"topic":"t"})", frame_errc::not_array, "frame"},
        refusal{"string", R"("frame")", frame_errc::not_array, "frame"},
        refusal{"null", "null", frame_errc::not_array, "frame"},
        refusal{"empty_array", "[]", frame_errc::wrong_arity, "frame (0 elements)"},
        refusal{"four_elements", R"([null,"1","t","e"])", frame_errc::wrong_arity,
                "frame (4 elements)"},
        // Phoenix would ignore a sixth element; no client sends one.
        refusal{"six_elements", R"([null,"1","t","e",{},{}])", frame_errc::wrong_arity,
                "frame (6 elements)"},
        // Phoenix would echo a number; phoenix.js only sends strings.
        refusal{"number_join_ref", R"([1,"1","t","e",{}])", frame_errc::bad_join_ref,
                "element 0 (join_ref)"},
        refusal{"object_join_ref", R"([{},"1","t","e",{}])", frame_errc::bad_join_ref,
                "element 0 (join_ref)"},
        refusal{"number_ref", R"([null,7,"t","e",{}])", frame_errc::bad_ref, "element 1 (ref)"},
        refusal{"bool_ref", R"([null,true,"t","e",{}])", frame_errc::bad_ref, "element 1 (ref)"},
        refusal{"null_topic", R"([null,"1",null,"e",{}])", frame_errc::bad_topic,
                "element 2 (topic)"},
        refusal{"array_topic", R"([null,"1",["t"],"e",{}])", frame_errc::bad_topic,
                "element 2 (topic)"},
        refusal{"number_event", R"([null,"1","t",3,{}])", frame_errc::bad_event,
                "element 3 (event)"},
        refusal{"null_event", R"([null,"1","t",null,{}])", frame_errc::bad_event,
                "element 3 (event)"},
        refusal{"array_payload", R"([null,"1","t","e",[]])", frame_errc::bad_payload,
                "element 4 (payload)"},
        refusal{"null_payload", R"([null,"1","t","e",null])", frame_errc::bad_payload,
                "element 4 (payload)"},
        refusal{"string_payload", R"([null,"1","t","e","{}"])", frame_errc::bad_payload,
                "element 4 (payload)"}),
    [](const ::testing::TestParamInfo<refusal>& p) { return std::string(p.param.name); });

TEST(frame_decode, reports_the_first_bad_element) {
  auto f = decode(R"([1,2,3,4,5])");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, frame_errc::bad_join_ref);
}

TEST(frame_decode, reports_the_byte_offset_of_a_syntax_error) {
  auto f = decode(R"([null,"1",x])");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, frame_errc::not_json);
  EXPECT_EQ(f.error().where, "byte 11");
}

TEST(frame_decode, message_is_one_sentence_with_the_place) {
  auto f = decode(R"([null,"1","t",3,{}])");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message(), "the frame's event is not a JSON string (at element 3 (event))");
}

TEST(frame_errc, every_code_has_its_own_message) {
  std::set<std::string> seen;
  for (int c = static_cast<int>(frame_errc::not_json); c <= static_cast<int>(frame_errc::too_deep);
       ++c) {
    const std::string m = make_error_code(static_cast<frame_errc>(c)).message();
    EXPECT_FALSE(m.empty());
    EXPECT_TRUE(seen.insert(m).second) << "duplicate message: " << m;
  }
  EXPECT_STREQ(frame_category().name(), "frame");
}

// --- limits -----------------------------------------------------------------------------

TEST(frame_limits, size_is_checked_before_parsing) {
  const std::string text = R"([null,"1","t","e",{}])";
  const frame_limits exact{.max_bytes = text.size(), .max_depth = 512};
  EXPECT_TRUE(decode(text, exact));

  // Not even JSON, but too long is what it is told first.
  const frame_limits tight{.max_bytes = 4, .max_depth = 512};
  auto f = decode("not json at all", tight);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, frame_errc::too_large);
  EXPECT_EQ(f.error().where, "frame (15 bytes)");
}

TEST(frame_limits, depth_counts_the_frame_array_as_one) {
  // frame [ = 1, payload { = 2, {"a": { = 3, {"b": [ = 4.
  const std::string text = R"([null,"1","t","e",{"a":{"b":[]}}])";
  EXPECT_TRUE(decode(text, frame_limits{.max_bytes = 1024, .max_depth = 4}));
  auto f = decode(text, frame_limits{.max_bytes = 1024, .max_depth = 3});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, frame_errc::too_deep);
  EXPECT_EQ(f.error().where, "depth 4");
}

TEST(frame_limits, a_megabyte_of_open_brackets_is_refused_without_recursion) {
  const std::string arrays(1u << 20, '[');
  auto a = decode(arrays);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, frame_errc::too_deep);

  std::string objects;
  while (objects.size() < (1u << 20)) objects += R"({"a":)";
  auto o = decode(objects);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, frame_errc::too_deep);
}

TEST(frame_limits, nesting_within_the_limit_decodes_and_round_trips) {
  // 500 levels of payload nesting under the default limit of 512.
  std::string payload;
  for (int i = 0; i < 500; ++i) payload += R"({"a":)";
  payload += "1";
  payload += std::string(500, '}');
  const std::string text = R"([null,"1","t","e",)" + payload + "]";
  auto f = decode(text);
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(encode(f.value()), text);
}

TEST(release, empties_trees_of_any_depth_to_null) {
  auto v = nlohmann::json::parse(R"({"a":[1,{"b":[[],{},"x"]}],"c":{"d":{"e":null}},"f":"g"})");
  release(v);
  EXPECT_TRUE(v.is_null());
  nlohmann::json scalar = "s";
  release(scalar);
  EXPECT_TRUE(scalar.is_null());
  // Deeper than release walks: the rest goes the library's way, without recursion.
  auto deep = nlohmann::json::array();
  nlohmann::json* at = &deep;
  for (int i = 0; i < 100000; ++i) {
    at->push_back(nlohmann::json::object());
    at = &(*at)[0]["k"];
    *at = nlohmann::json::array();
  }
  release(deep);
  EXPECT_TRUE(deep.is_null());
  // A frame's payload goes; the frame stays usable.
  frame f{"1", "2", "lv:x", "event", {{"type", "click"}, {"value", {{"a", {1, 2}}}}}};
  release(f.payload);
  EXPECT_TRUE(f.payload.is_null());
  EXPECT_EQ(encode(f), R"(["1","2","lv:x","event",null])");
}

}  // namespace
}  // namespace lvh::protocol
