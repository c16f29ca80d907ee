// Signed tokens in the manner of Phoenix.Token (Plug.Crypto.sign/verify): the session and
// static tokens a disconnected render embeds and a join sends back.
//
// Key: PBKDF2-HMAC-SHA256(secret_key_base, salt, 1000 iterations, 32 bytes), as
// Plug.Crypto.KeyGenerator derives it. Token: "SFMyNTY." (base64url of "HS256") +
// base64url(payload) + "." + base64url(HMAC-SHA256(key, first two parts)), no padding, as
// Plug.Crypto.MessageVerifier builds it. Unlike Phoenix the payload is not
// :erlang.term_to_binary but JSON {"data": <value>, "signed": <unix ms>, "max_age": <s>}
// (max_age may be "infinity"), so our tokens and Phoenix's do not verify each other; the
// format, the key derivation and the expiry rule are Phoenix's.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace lvh::ref {

enum class token_status {
    ok,
    invalid,   // not a token, bad signature, other secret or salt, malformed payload
    expired,   // signed + max_age * 1000 < now, or max_age <= 0
    missing,   // no token at all (Phoenix's nil)
};

std::string_view to_string(token_status s);

struct token_result {
    token_status status = token_status::invalid;
    nlohmann::json data;   // the signed data when ok, null otherwise

    bool ok() const { return status == token_status::ok; }
};

// Max age meaning "never expires" (Phoenix's :infinity).
inline constexpr std::chrono::seconds token_max_age_infinity = std::chrono::seconds::max();
inline constexpr std::chrono::seconds token_default_max_age{86400};

// Unix time in milliseconds from the system clock, for signed_at/now in production.
std::chrono::milliseconds unix_now();

// The 32-byte key Plug.Crypto.KeyGenerator derives (no cache).
std::string derive_token_key(std::string_view secret_key_base, std::string_view salt);

// Signs data. signed_at is unix ms; max_age is stored in the token and is the default limit
// at verify time.
std::string sign_token(std::string_view secret_key_base, std::string_view salt,
                       const nlohmann::json& data, std::chrono::milliseconds signed_at,
                       std::chrono::seconds max_age = token_default_max_age);

// Verifies token at time now (unix ms). max_age overrides the token's own when set. Never
// throws, whatever the bytes of token; comparison of signatures is constant-time.
// nullopt token → missing.
token_result verify_token(std::string_view secret_key_base, std::string_view salt,
                          std::optional<std::string_view> token,
                          std::optional<std::chrono::seconds> max_age,
                          std::chrono::milliseconds now);

// The same under one secret_key_base, with the derived key per salt cached (Plug.Crypto.Keys)
// since PBKDF2 costs 1000 HMACs. Thread-safe.
class token_signer {
public:
    explicit token_signer(std::string secret_key_base);

    std::string sign(std::string_view salt, const nlohmann::json& data,
                     std::chrono::milliseconds signed_at,
                     std::chrono::seconds max_age = token_default_max_age) const;
    token_result verify(std::string_view salt, std::optional<std::string_view> token,
                        std::optional<std::chrono::seconds> max_age,
                        std::chrono::milliseconds now) const;

    const std::string& secret_key_base() const { return secret_key_base_; }

private:
    const std::string& key_for(std::string_view salt) const;

    std::string secret_key_base_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, std::string, std::less<>> keys_;
};

}  // namespace lvh::ref
