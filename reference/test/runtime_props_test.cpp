// Properties: params survive encode → decode; token verification never throws and no
// single-byte edit of a valid token verifies.
#include <lvh/ref/params.hpp>
#include <lvh/ref/token.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

using json = nlohmann::json;

namespace {

// Pieces include the characters the query syntax gives meaning to.
rc::Gen<std::string> text(bool brackets) {
    static const std::vector<std::string> plain{
        "a", "b", "Z", "0", "9", " ", "+", "%", "&", "=", "?", "#", "/", ".", "~",
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    static const std::vector<std::string> with_brackets = [] {
        auto v = plain;
        v.insert(v.end(), {"[", "]", "[]"});
        return v;
    }();
    const auto& pieces = brackets ? with_brackets : plain;
    return rc::gen::map(
        // Short strings, but every piece equally likely (inRange scales with the size).
        rc::gen::resize(8, rc::gen::container<std::vector<std::size_t>>(rc::gen::resize(
                               100, rc::gen::inRange<std::size_t>(0, pieces.size())))),
        [&pieces](const std::vector<std::size_t>& v) {
            std::string s;
            for (auto i : v) s += pieces[i];
            return s;
        });
}

// Keys: non-empty and without brackets, which the decoder reads as nesting (as Plug does).
rc::Gen<std::string> key() { return rc::gen::nonEmpty(text(false)); }

rc::Gen<json> leaf() {
    return rc::gen::map(text(true), [](std::string s) { return json(std::move(s)); });
}

using members = std::vector<std::pair<std::string, json>>;

json to_object(const members& m) {
    json j = json::object();
    for (const auto& [k, v] : m) j[k] = v;
    return j;
}

// What decode can produce and encode writes back unchanged: non-empty objects, non-empty
// lists of strings, strings. Containers stay small: depth 3 of full-size ones would be huge.
rc::Gen<json> params_value(int depth) {
    auto list = rc::gen::map(
        rc::gen::resize(4, rc::gen::nonEmpty(rc::gen::container<std::vector<json>>(leaf()))),
        [](std::vector<json> v) { return json(std::move(v)); });
    if (depth == 0) return rc::gen::oneOf(leaf(), list);
    auto object = rc::gen::map(
        rc::gen::resize(3, rc::gen::nonEmpty(rc::gen::container<members>(
                               rc::gen::pair(key(), params_value(depth - 1))))),
        to_object);
    return rc::gen::oneOf(leaf(), list, object);
}

rc::Gen<json> params_object() {
    return rc::gen::map(
        rc::gen::resize(5, rc::gen::container<members>(rc::gen::pair(key(), params_value(2)))),
        to_object);
}

const std::string secret(64, 's');
constexpr std::chrono::milliseconds t0{1'700'000'000'000};

}  // namespace

RC_GTEST_PROP(ParamsProps, EncodeThenDecodeGivesTheParamsBack, ()) {
    const json params = *params_object();
    const auto q = lvh::ref::encode_query(params);
    RC_ASSERT(q.has_value());
    const auto back = lvh::ref::decode_query(*q);
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == params);
}

RC_GTEST_PROP(ParamsProps, EscapedPairsAlwaysDecode, ()) {
    // Whatever the text, brackets included, its escaped form is a well-formed pair.
    const auto k = *text(true);
    const auto v = *text(true);
    const auto r =
        lvh::ref::decode_query(lvh::ref::encode_www_form(k) + "=" + lvh::ref::encode_www_form(v));
    RC_ASSERT(r.has_value());
}

RC_GTEST_PROP(TokenProps, VerifyNeverThrowsAndRejectsArbitraryStrings, (const std::string& s)) {
    lvh::ref::token_result r;
    try {
        r = lvh::ref::verify_token(secret, "salt", s, std::nullopt, t0);
    } catch (...) {
        RC_FAIL("verify threw");
    }
    RC_ASSERT(r.status != lvh::ref::token_status::ok);
}

RC_GTEST_PROP(TokenProps, EverySingleByteEditIsRejected, (const std::string& data)) {
    static const lvh::ref::token_signer signer(secret);
    const auto token = signer.sign("salt", json(data), t0);
    RC_ASSERT(signer.verify("salt", token, std::nullopt, t0).ok());
    // Every replacement byte at a random place and at the last character of each part, where
    // base64's unused low bits live.
    const auto dot1 = token.find('.');
    const auto dot2 = token.find('.', dot1 + 1);
    const std::size_t places[] = {*rc::gen::inRange<std::size_t>(0, token.size()), dot1 - 1,
                                  dot2 - 1, token.size() - 1};
    for (const auto at : places) {
        for (int b = 0; b < 256; ++b) {
            if (static_cast<char>(b) == token[at]) continue;
            std::string edited = token;
            edited[at] = static_cast<char>(b);
            const auto r = signer.verify("salt", edited, std::nullopt, t0);
            RC_ASSERT(r.status == lvh::ref::token_status::invalid);
        }
    }
}
