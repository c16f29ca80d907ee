// Tokens: Plug.Crypto's key derivation and MessageVerifier format, expiry, and bad input.
#include <lvh/ref/token.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace std::chrono_literals;
using lvh::ref::token_signer;
using lvh::ref::token_status;
using json = nlohmann::json;

namespace {

const std::string secret = std::string("0123456789abcdef") + "0123456789abcdef" +
                           "0123456789abcdef" + "0123456789abcdef";
constexpr std::chrono::milliseconds t0{1'600'000'000'000};

std::string hex(const std::string& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

}  // namespace

// Expected values computed independently with Python's hashlib.pbkdf2_hmac and hmac.
TEST(Token, KeyIsPbkdf2HmacSha256With1000IterationsAnd32Bytes) {
    EXPECT_EQ(hex(lvh::ref::derive_token_key(secret, "lv:session")),
              "20c12dfa077bbe7f92884059b2065d66a55e18b22bf5a2760cfb097f7c5f58e8");
}

TEST(Token, FormatIsMessageVerifiersHs256WithAJsonPayload) {
    const auto token =
        lvh::ref::sign_token(secret, "lv:session", json{{"id", 1}, {"name", "jo"}}, t0);
    EXPECT_EQ(token,
              "SFMyNTY."
              "eyJkYXRhIjp7ImlkIjoxLCJuYW1lIjoiam8ifSwibWF4X2FnZSI6ODY0MDAsInNpZ25lZCI6MTYwMDAwMDAw"
              "MDAwMH0.ms_of2DDwtKKeyAx7gere-yfMiAf6_njgRaDPYc86fE");
}

TEST(Token, RoundTrip) {
    token_signer signer(secret);
    const json data{{"id", "phx-Fxyz"}, {"session", {{"user", 42}}}, {"list", {1, "two", nullptr}}};
    const auto token = signer.sign("salt", data, t0);
    const auto r = signer.verify("salt", token, std::nullopt, t0 + 1000ms);
    ASSERT_EQ(r.status, token_status::ok);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.data, data);
    // The free functions and the caching signer agree.
    EXPECT_EQ(lvh::ref::sign_token(secret, "salt", data, t0), token);
    EXPECT_TRUE(lvh::ref::verify_token(secret, "salt", token, std::nullopt, t0).ok());
}

TEST(Token, WrongSaltOrSecretIsInvalid) {
    token_signer signer(secret);
    const auto token = signer.sign("salt-a", 1, t0);
    EXPECT_EQ(signer.verify("salt-b", token, std::nullopt, t0).status, token_status::invalid);
    token_signer other(secret + "x");
    EXPECT_EQ(other.verify("salt-a", token, std::nullopt, t0).status, token_status::invalid);
}

TEST(Token, TamperedPayloadOrSignatureIsInvalid) {
    token_signer signer(secret);
    const auto token = signer.sign("s", json{{"admin", false}}, t0);
    const auto forged_payload =
        lvh::ref::sign_token(secret + "attacker", "s", json{{"admin", true}}, t0);
    // The forged payload under the genuine signature.
    const auto d1 = forged_payload.find('.'), d2 = forged_payload.find('.', d1 + 1);
    const auto g1 = token.find('.'), g2 = token.find('.', g1 + 1);
    const std::string spliced = forged_payload.substr(0, d2) + token.substr(g2);
    EXPECT_EQ(signer.verify("s", spliced, std::nullopt, t0).status, token_status::invalid);
    std::string flipped = token;
    flipped[g1 + 3] = flipped[g1 + 3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(signer.verify("s", flipped, std::nullopt, t0).status, token_status::invalid);
    EXPECT_EQ(signer.verify("s", token + "A", std::nullopt, t0).status, token_status::invalid);
    EXPECT_EQ(signer.verify("s", token.substr(0, token.size() - 1), std::nullopt, t0).status,
              token_status::invalid);
}

TEST(Token, ExpiryFollowsPlugCrypto) {
    token_signer signer(secret);
    const auto token = signer.sign("s", "x", t0, 60s);
    // The token's own max_age applies by default; the boundary itself is still valid.
    EXPECT_EQ(signer.verify("s", token, std::nullopt, t0 + 60s).status, token_status::ok);
    EXPECT_EQ(signer.verify("s", token, std::nullopt, t0 + 60s + 1ms).status,
              token_status::expired);
    // The verifier's max_age overrides it, both ways.
    EXPECT_EQ(signer.verify("s", token, 10s, t0 + 11s).status, token_status::expired);
    EXPECT_EQ(signer.verify("s", token, 3600s, t0 + 120s).status, token_status::ok);
    // max_age <= 0 is always expired; infinity never.
    EXPECT_EQ(signer.verify("s", token, 0s, t0).status, token_status::expired);
    EXPECT_EQ(signer.verify("s", token, -5s, t0).status, token_status::expired);
    EXPECT_EQ(signer.verify("s", token, lvh::ref::token_max_age_infinity, t0 + 10000h).status,
              token_status::ok);
    const auto forever = signer.sign("s", "x", t0, lvh::ref::token_max_age_infinity);
    EXPECT_EQ(signer.verify("s", forever, std::nullopt, t0 + 100000h).status, token_status::ok);
    // The default is a day, as Phoenix.Token's.
    const auto day = signer.sign("s", "x", t0);
    EXPECT_EQ(signer.verify("s", day, std::nullopt, t0 + 24h).status, token_status::ok);
    EXPECT_EQ(signer.verify("s", day, std::nullopt, t0 + 24h + 1ms).status, token_status::expired);
}

TEST(Token, MissingIsNotInvalid) {
    token_signer signer(secret);
    EXPECT_EQ(signer.verify("s", std::nullopt, std::nullopt, t0).status, token_status::missing);
    EXPECT_EQ(lvh::ref::verify_token(secret, "s", std::nullopt, std::nullopt, t0).status,
              token_status::missing);
    EXPECT_EQ(signer.verify("s", "", std::nullopt, t0).status, token_status::invalid);
    EXPECT_EQ(lvh::ref::to_string(token_status::missing), "missing");
}

TEST(Token, GarbageIsInvalidAndNeverThrows) {
    token_signer signer(secret);
    for (const char* g : {".", "..", "...", "SFMyNTY", "SFMyNTY.", "SFMyNTY..", "SFMyNTY.e30.",
                          "SFMyNTY.e30.AAAA", "SFMyNTY=.e30.x", "SFMzODQ.e30.AAAA", "a.b.c.d",
                          "\xff\xfe.\x00\x01.\x80"}) {
        SCOPED_TRACE(g);
        EXPECT_EQ(signer.verify("s", std::string_view(g), std::nullopt, t0).status,
                  token_status::invalid);
    }
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> len(0, 200), byte(0, 255), pick(0, 3);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=";
    const auto good = signer.sign("s", json{{"k", "v"}}, t0);
    for (int i = 0; i < 3000; ++i) {
        std::string s;
        const int n = len(rng);
        const int mode = pick(rng);
        for (int k = 0; k < n; ++k)
            s += mode == 0 ? static_cast<char>(byte(rng))
                           : alphabet[static_cast<std::size_t>(byte(rng)) % alphabet.size()];
        if (mode == 3) s = "SFMyNTY." + s;
        if (mode == 2 && !s.empty()) s = good.substr(0, good.size() / 2) + s;
        EXPECT_NO_THROW({
            const auto r = signer.verify("s", s, std::nullopt, t0);
            EXPECT_NE(r.status, token_status::ok) << s;
        });
    }
}

TEST(Token, SignNeverThrowsOnNonUtf8Data) {
    token_signer signer(secret);
    std::string token;
    EXPECT_NO_THROW(token = signer.sign("s", json(std::string("\xff\xfe")), t0));
    EXPECT_TRUE(signer.verify("s", token, std::nullopt, t0).ok());
}
