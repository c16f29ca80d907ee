#include <lvh/ref/transport.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace lvh::ref {
namespace {

TEST(Transport, EncodeStrictRefusesWhatCannotTravel) {
    protocol::frame f{std::nullopt, std::nullopt, "lv:x", "diff", {{"a", "ok"}}};
    EXPECT_EQ(encode_strict(f), R"([null,null,"lv:x","diff",{"a":"ok"}])");
    f.payload = {{"a", std::string("\xc3\x28")}};
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = {{"a", {1.0, std::nan("")}}};
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = {{"a", value::binary({1, 2, 3})}};
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = {{"a", value::binary({1, 2, 3}, 7)}};  // with a subtype: no null written
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = {{"a", -std::numeric_limits<double>::infinity()}};
    EXPECT_THROW(encode_strict(f), transport_error);
    // What may look like a mark but is fine travels as encode writes it.
    f.payload = {{"a", nullptr}, {"bytes", "\xef\xbf\xbd"}, {"n", 1.5}};
    EXPECT_EQ(encode_strict(f), protocol::encode(f));
    f.payload = value::object();
    f.payload[std::string("k\xff")] = 1;
    EXPECT_THROW(encode_strict(f), transport_error);
}

// encode_strict checks UTF-8 itself (without a dump per string); it must refuse exactly what
// the JSON serializer refuses: overlong forms, surrogates, code points past U+10FFFF, cut
// sequences, stray continuation bytes; in payload strings, keys and the topic alike.
TEST(Transport, EncodeStrictRefusesExactlyWhatTheSerializerRefuses) {
    auto serializer_accepts = [](const std::string& s) {
        try {
            (void)value(s).dump();
            return true;
        } catch (const nlohmann::json::type_error&) {
            return false;
        }
    };
    auto strict_accepts = [](const protocol::frame& f) {
        try {
            (void)encode_strict(f);
            return true;
        } catch (const transport_error&) {
            return false;
        }
    };
    std::vector<std::string> cases = {"\xed\xa0\x80", "\xe0\x80\x80", "\xe0\xa0\x80", "\xf4\x90\x80\x80",
                                      "\xf4\x8f\xbf\xbf", "\xf0\x9f\x98\x80", "\xe2\x82", "\x80", "\xc0\xaf",
                                      "\xc2\xa0", "\xf5\x80\x80\x80", "\xed\x9f\xbf"};
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> len(1, 6), byte(0x70, 0xff);
    for (int i = 0; i < 20000; ++i) {
        std::string s;
        for (int n = len(rng); n > 0; --n) s += char(byte(rng));
        cases.push_back(std::move(s));
    }
    // Longer, mostly ASCII strings, with the odd bad byte anywhere in them.
    std::uniform_int_distribution<int> long_len(7, 30), ascii(0x20, 0x7e), pct(0, 99);
    for (int i = 0; i < 5000; ++i) {
        std::string s;
        for (int n = long_len(rng); n > 0; --n) s += char(pct(rng) < 4 ? byte(rng) : ascii(rng));
        cases.push_back(std::move(s));
    }
    for (const auto& s : cases) {
        const bool want = serializer_accepts(s);
        protocol::frame in_value{std::nullopt, std::nullopt, "lv:x", "diff", {{"a", s}}};
        protocol::frame in_key{std::nullopt, std::nullopt, "lv:x", "diff", value::object()};
        in_key.payload[s] = 1;
        protocol::frame in_topic{std::nullopt, std::nullopt, "lv:" + s, "diff", value::object()};
        ASSERT_EQ(strict_accepts(in_value), want) << testing::PrintToString(s);
        ASSERT_EQ(strict_accepts(in_key), want) << testing::PrintToString(s);
        ASSERT_EQ(strict_accepts(in_topic), want) << testing::PrintToString(s);
    }
}

}  // namespace
}  // namespace lvh::ref
