// Params: the cases of Plug.Conn.Query's own test suite (decode and encode), plus errors and
// URL splitting.
#include <lvh/ref/params.hpp>

#include <gtest/gtest.h>

using lvh::ref::decode_query;
using lvh::ref::encode_query;
using lvh::ref::params_errc;
using json = nlohmann::json;

namespace {

json decoded(std::string_view q) {
    auto r = decode_query(q);
    EXPECT_TRUE(r.has_value()) << q << ": " << (r ? "" : r.error().message());
    return r ? *r : json();
}

std::string encoded(const json& v) {
    auto r = encode_query(v);
    EXPECT_TRUE(r.has_value()) << v.dump() << ": " << (r ? "" : r.error().message());
    return r ? *r : std::string();
}

}  // namespace

TEST(ParamsDecode, FlatAndNestedKeys) {
    EXPECT_EQ(decoded("foo=bar&baz=bat"), (json{{"foo", "bar"}, {"baz", "bat"}}));
    EXPECT_EQ(decoded("users[name]=hello&users[age]=17&users[address][street]=foo"),
              json::parse(R"({"users":{"name":"hello","age":"17","address":{"street":"foo"}}})"));
    EXPECT_EQ(decoded("x[y][z]=1"), json::parse(R"({"x":{"y":{"z":"1"}}})"));
}

TEST(ParamsDecode, PlusAndPercentEscapes) {
    EXPECT_EQ(decoded("my+weird+field=q1%212%22%27w%245%267%2Fz8%29%3F"),
              (json{{"my weird field", "q1!2\"'w$5&7/z8)?"}}));
    EXPECT_EQ(decoded("a=%C3%A5%c2%ae"), (json{{"a", "\xC3\xA5\xC2\xAE"}}));
}

TEST(ParamsDecode, EmptyKeysAndValues) {
    EXPECT_EQ(decoded("="), (json{{"", ""}}));
    EXPECT_EQ(decoded("key"), (json{{"key", ""}}));
    EXPECT_EQ(decoded("key="), (json{{"key", ""}}));
    EXPECT_EQ(decoded("=value"), (json{{"", "value"}}));
    EXPECT_EQ(decoded(""), json::object());
}

TEST(ParamsDecode, Lists) {
    EXPECT_EQ(decoded("foo[]"), (json{{"foo", {""}}}));
    EXPECT_EQ(decoded("foo[]="), (json{{"foo", {""}}}));
    EXPECT_EQ(decoded("foo[]=bar&foo[]=baz"), (json{{"foo", {"bar", "baz"}}}));
    EXPECT_EQ(decoded("foo[]=bar&foo[]=baz&bat[]=1&bat[]=2"),
              (json{{"foo", {"bar", "baz"}}, {"bat", {"1", "2"}}}));
    EXPECT_EQ(decoded("x[y][z][]=1"), json::parse(R"({"x":{"y":{"z":["1"]}}})"));
    EXPECT_EQ(decoded("x[y][z][]=1&x[y][z][]=2"), json::parse(R"({"x":{"y":{"z":["1","2"]}}})"));
    EXPECT_EQ(decoded("x[y][][z]=1"), json::parse(R"({"x":{"y":[{"z":"1"}]}})"));
    EXPECT_EQ(decoded("x[y][][z][]=1"), json::parse(R"({"x":{"y":[{"z":["1"]}]}})"));
    EXPECT_EQ(decoded("x[][][]=1"), json::parse(R"({"x":[[["1"]]]})"));
}

TEST(ParamsDecode, LastValueWins) {
    EXPECT_EQ(decoded("foo=bar&foo=baz"), (json{{"foo", "baz"}}));
    EXPECT_EQ(decoded("x[y][z]=1&x[y][z]=2"), json::parse(R"({"x":{"y":{"z":"2"}}})"));
}

TEST(ParamsDecode, LastAlwaysWinsOnBadQueries) {
    EXPECT_EQ(decoded("x[]=1&x[y]=1"), json::parse(R"({"x":{"y":"1"}})"));
    EXPECT_EQ(decoded("x[y][][w]=2&x[y]=1"), json::parse(R"({"x":{"y":"1"}})"));
    EXPECT_EQ(decoded("x=1&x[y]=1"), json::parse(R"({"x":{"y":"1"}})"));
    EXPECT_EQ(decoded("x[y][0][w]=2&x[y]=1"), json::parse(R"({"x":{"y":"1"}})"));
    EXPECT_EQ(decoded("x[y]=1&x[]=2"), json::parse(R"({"x":["2"]})"));
    // The level "x" already exists, so x[z] writes into it while the root keeps "1" newest.
    EXPECT_EQ(decoded("x[y]=1&x=2&x[z]=3"), json::parse(R"({"x":"2"})"));
}

TEST(ParamsDecode, EmptyPairsAreSkipped) {
    EXPECT_EQ(decoded("&x=1&&y=2&"), (json{{"x", "1"}, {"y", "2"}}));
}

TEST(ParamsDecode, KeysThatAreNotBracketPaths) {
    EXPECT_EQ(decoded("[a]=1"), (json{{"[a]", "1"}}));       // '[' at position 0
    EXPECT_EQ(decoded("a[b=1"), (json{{"a[b", "1"}}));       // no closing ']'
    EXPECT_EQ(decoded("a]=1"), (json{{"a]", "1"}}));
    EXPECT_EQ(decoded("a[b]c]=1"), json::parse(R"({"a":{"b]c":"1"}})"));
    EXPECT_EQ(decoded("a[b[c]=1"), json::parse(R"({"a":{"b[c":"1"}})"));
    // Escaped brackets are decoded before the key is split, as in Plug.
    EXPECT_EQ(decoded("a%5Bb%5D=1"), json::parse(R"({"a":{"b":"1"}})"));
}

TEST(ParamsDecode, FormPayloadAsTheClientSendsIt) {
    EXPECT_EQ(decoded("user%5Bname%5D=Jos%C3%A9&user%5Btags%5D%5B%5D=a&user%5Btags%5D%5B%5D=b&"
                      "_target=user%5Bname%5D"),
              json::parse(R"({"user":{"name":"José","tags":["a","b"]},"_target":"user[name]"})"));
}

TEST(ParamsDecode, BadPercentEncodingIsATypedError) {
    for (std::string_view q : {"_utf8=%R2%9P%93", "a=%", "a=%4", "%zz=1", "a=1&b=%G0"}) {
        SCOPED_TRACE(q);
        auto r = decode_query(q);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, params_errc::bad_percent_encoding);
        EXPECT_FALSE(r.error().message().empty());
    }
}

TEST(ParamsDecode, InvalidUtf8IsATypedError) {
    for (std::string_view q : {"a=%FF", "%C3=1", "a=%ED%A0%80", "a=%C0%AF", "a=%F4%90%80%80"}) {
        SCOPED_TRACE(q);
        auto r = decode_query(q);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, params_errc::invalid_utf8);
    }
}

TEST(ParamsDecode, DepthIsBounded) {
    std::string key = "a";
    for (int i = 0; i < 10000; ++i) key += "[b]";
    auto r = decode_query(key + "=1");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, params_errc::too_deep);
}

TEST(ParamsEncode, PlugsCases) {
    EXPECT_EQ(encoded({{"foo", "bar"}, {"baz", "bat"}}), "baz=bat&foo=bar");
    EXPECT_EQ(encoded({{"foo", nullptr}}), "foo=");
    EXPECT_EQ(encoded({{"foo", "b\xC3\xA5\xC2\xAE"}}), "foo=b%C3%A5%C2%AE");
    EXPECT_EQ(encoded({{"foo", 1337}}), "foo=1337");
    EXPECT_EQ(encoded({{"foo", {"bar", "baz"}}}), "foo[]=bar&foo[]=baz");
    EXPECT_EQ(encoded({{"users", {{"name", "hello"}, {"age", 17}}}}),
              "users[age]=17&users[name]=hello");
    EXPECT_EQ(encoded({{"my weird field", "q1!2\"'w$5&7/z8)?"}}),
              "my+weird+field=q1%212%22%27w%245%267%2Fz8%29%3F");
    EXPECT_EQ(encoded({{"foo", {{"my weird field", "q1!2\"'w$5&7/z8)?"}}}}),
              "foo[my+weird+field]=q1%212%22%27w%245%267%2Fz8%29%3F");
    EXPECT_EQ(encoded(json::object()), "");
    EXPECT_EQ(encoded({{"foo", {""}}}), "foo[]=");
    EXPECT_EQ(encoded(json::parse(R"({"foo":["bar","baz"],"bat":[1,2]})")),
              "bat[]=1&bat[]=2&foo[]=bar&foo[]=baz");
    EXPECT_EQ(encoded(json::parse(R"({"x":{"y":{"z":1}}})")), "x[y][z]=1");
    EXPECT_EQ(encoded(json::parse(R"({"x":{"y":{"z":[1]}}})")), "x[y][z][]=1");
    EXPECT_EQ(encoded(json::parse(R"({"x":{"y":{"z":[1,2]}}})")), "x[y][z][]=1&x[y][z][]=2");
    EXPECT_EQ(encoded(json::parse(R"({"x":{"y":[{"z":1}]}})")), "x[y][][z]=1");
    EXPECT_EQ(encoded(json::parse(R"({"x":{"y":[{"z":[1]}]}})")), "x[y][][z][]=1");
    EXPECT_EQ(encoded(json::parse(R"({"x":[[[1]]]})")), "x[][][]=1");
    EXPECT_EQ(encoded(json::parse(R"({"b":true,"f":false})")), "b=true&f=false");
}

TEST(ParamsEncode, EmptyMapsAndListsAreSkipped) {
    EXPECT_EQ(encoded(json::parse(R"({"filter":{},"foo":"bar","baz":"bat"})")), "baz=bat&foo=bar");
    EXPECT_EQ(encoded(json::parse(R"({"filter":[],"foo":"bar"})")), "foo=bar");
}

TEST(ParamsEncode, MapsInListsNeedExactlyOneMember) {
    for (const char* v : {R"({"foo":[{"a":1,"b":2}]})", R"({"foo":[{"valid":"map"},{}]})"}) {
        auto r = encode_query(json::parse(v));
        ASSERT_FALSE(r.has_value()) << v;
        EXPECT_EQ(r.error().code, params_errc::map_in_list);
    }
    auto top = encode_query(json::array({1}));
    ASSERT_FALSE(top.has_value());
    EXPECT_EQ(top.error().code, params_errc::not_an_object);
}

TEST(ParamsEncode, WwwFormEscaping) {
    EXPECT_EQ(lvh::ref::encode_www_form("a b&c=d/é~-._"), "a+b%26c%3Dd%2F%C3%A9~-._");
    EXPECT_EQ(*lvh::ref::decode_www_form("a+b%26c%3dd"), "a b&c=d");
}

TEST(PathQuery, SplitsPathQueryAndFragment) {
    auto r = lvh::ref::split_path_query("/items?page=2&sort[by]=name#top");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->path, "/items");
    EXPECT_EQ(r->query, "page=2&sort[by]=name");
    EXPECT_EQ(r->params, json::parse(R"({"page":"2","sort":{"by":"name"}})"));

    auto plain = lvh::ref::split_path_query("/");
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain->path, "/");
    EXPECT_EQ(plain->params, json::object());

    auto bad = lvh::ref::split_path_query("/p?x=%");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, params_errc::bad_percent_encoding);
}
