#include <lvh/ref/token.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <cmath>
#include <limits>

namespace lvh::ref {
namespace {

constexpr int key_iterations = 1000;
constexpr std::size_t key_length = 32;
constexpr std::string_view protected_header = "HS256";
constexpr char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view in) {
    std::string out;
    out.reserve((in.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
    for (; i + 3 <= in.size(); i += 3) {
        const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += b64url[v >> 18 & 63];
        out += b64url[v >> 12 & 63];
        out += b64url[v >> 6 & 63];
        out += b64url[v & 63];
    }
    if (in.size() - i == 1) {
        const unsigned v = byte(i) << 16;
        out += b64url[v >> 18 & 63];
        out += b64url[v >> 12 & 63];
    } else if (in.size() - i == 2) {
        const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
        out += b64url[v >> 18 & 63];
        out += b64url[v >> 12 & 63];
        out += b64url[v >> 6 & 63];
    }
    return out;
}

int b64url_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// Strict: no padding, and the unused low bits of the last character must be zero, so each
// byte string has exactly one spelling and no edited character still verifies.
bool base64url_decode(std::string_view in, std::string& out) {
    if (in.size() % 4 == 1) return false;
    out.clear();
    out.reserve(in.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char c : in) {
        const int v = b64url_value(c);
        if (v < 0) return false;
        acc = (acc << 6 | static_cast<unsigned>(v)) & 0xFFFFFFu;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(acc >> bits & 0xFF);
        }
    }
    return (acc & ((1u << bits) - 1)) == 0;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    const unsigned char* ok =
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(), &len);
    if (!ok) return {};
    return std::string(reinterpret_cast<const char*>(md.data()), len);
}

std::string sign_with_key(std::string_view key, const nlohmann::json& data,
                          std::chrono::milliseconds signed_at, std::chrono::seconds max_age) {
    nlohmann::json payload = nlohmann::json::object();
    payload["data"] = data;
    payload["signed"] = signed_at.count();
    if (max_age == token_max_age_infinity)
        payload["max_age"] = "infinity";
    else
        payload["max_age"] = max_age.count();
    // Replacing bad UTF-8 keeps sign() from throwing on data it was handed.
    const std::string message = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string plain = base64url_encode(protected_header);
    plain += '.';
    plain += base64url_encode(message);
    const std::string signature = hmac_sha256(key, plain);
    plain += '.';
    plain += base64url_encode(signature);
    return plain;
}

// signed + max_age * 1000 < now, without overflow (Plug.Crypto's expired?/2).
bool expired(std::int64_t signed_ms, std::int64_t max_age_ms, std::int64_t now_ms) {
    if (max_age_ms <= 0) return true;
    if (signed_ms > 0 && max_age_ms > std::numeric_limits<std::int64_t>::max() - signed_ms)
        return false;   // the sum is beyond any clock reading
    return signed_ms + max_age_ms < now_ms;
}

std::int64_t seconds_to_ms(double s) {
    const double ms = std::trunc(s * 1000.0);
    if (!(ms < 9.2e18)) return std::numeric_limits<std::int64_t>::max();
    if (!(ms > -9.2e18)) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(ms);
}

std::int64_t seconds_to_ms(std::int64_t s) {
    constexpr std::int64_t lim = std::numeric_limits<std::int64_t>::max() / 1000;
    if (s > lim) return std::numeric_limits<std::int64_t>::max();
    if (s < -lim) return std::numeric_limits<std::int64_t>::min();
    return s * 1000;
}

token_result verify_with_key(std::string_view key, std::optional<std::string_view> token,
                             std::optional<std::chrono::seconds> max_age,
                             std::chrono::milliseconds now) {
    token_result invalid{token_status::invalid, nullptr};
    if (!token) return {token_status::missing, nullptr};
    const std::string_view t = *token;
    const auto dot1 = t.find('.');
    if (dot1 == std::string_view::npos) return invalid;
    const auto dot2 = t.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return invalid;

    std::string header, message, signature;
    if (!base64url_decode(t.substr(0, dot1), header) || header != protected_header ||
        !base64url_decode(t.substr(dot1 + 1, dot2 - dot1 - 1), message) ||
        !base64url_decode(t.substr(dot2 + 1), signature))
        return invalid;

    const std::string challenge = hmac_sha256(key, t.substr(0, dot2));
    if (challenge.empty() || challenge.size() != signature.size() ||
        CRYPTO_memcmp(challenge.data(), signature.data(), challenge.size()) != 0)
        return invalid;

    const auto payload = nlohmann::json::parse(message, nullptr, false);
    if (!payload.is_object()) return invalid;
    const auto data = payload.find("data");
    const auto signed_at = payload.find("signed");
    const auto own_max_age = payload.find("max_age");
    if (data == payload.end() || signed_at == payload.end() || !signed_at->is_number_integer())
        return invalid;
    const std::int64_t signed_ms = signed_at->is_number_unsigned()
                                       ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                             signed_at->get<std::uint64_t>(),
                                             std::numeric_limits<std::int64_t>::max()))
                                       : signed_at->get<std::int64_t>();

    std::optional<std::int64_t> limit_ms;   // nullopt: never expires
    if (max_age) {
        if (*max_age != token_max_age_infinity) limit_ms = seconds_to_ms(std::int64_t{max_age->count()});
    } else if (own_max_age == payload.end()) {
        limit_ms = seconds_to_ms(std::int64_t{token_default_max_age.count()});
    } else if (own_max_age->is_string()) {
        if (own_max_age->get_ref<const std::string&>() != "infinity") return invalid;
    } else if (own_max_age->is_number_unsigned()) {
        limit_ms = seconds_to_ms(static_cast<std::int64_t>(std::min<std::uint64_t>(
            own_max_age->get<std::uint64_t>(), std::numeric_limits<std::int64_t>::max())));
    } else if (own_max_age->is_number_integer()) {
        limit_ms = seconds_to_ms(own_max_age->get<std::int64_t>());
    } else if (own_max_age->is_number_float()) {
        limit_ms = seconds_to_ms(own_max_age->get<double>());
    } else {
        return invalid;
    }
    if (limit_ms && expired(signed_ms, *limit_ms, now.count())) return {token_status::expired, nullptr};
    return {token_status::ok, *data};
}

}  // namespace

std::string_view to_string(token_status s) {
    switch (s) {
        case token_status::ok: return "ok";
        case token_status::invalid: return "invalid";
        case token_status::expired: return "expired";
        case token_status::missing: return "missing";
    }
    return "invalid";
}

std::chrono::milliseconds unix_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
}

std::string derive_token_key(std::string_view secret_key_base, std::string_view salt) {
    std::string key(key_length, '\0');
    const int ok = PKCS5_PBKDF2_HMAC(
        secret_key_base.data(), static_cast<int>(std::min<std::size_t>(secret_key_base.size(), INT_MAX)),
        reinterpret_cast<const unsigned char*>(salt.data()),
        static_cast<int>(std::min<std::size_t>(salt.size(), INT_MAX)), key_iterations, EVP_sha256(),
        static_cast<int>(key.size()), reinterpret_cast<unsigned char*>(key.data()));
    if (ok != 1) return {};
    return key;
}

std::string sign_token(std::string_view secret_key_base, std::string_view salt,
                       const nlohmann::json& data, std::chrono::milliseconds signed_at,
                       std::chrono::seconds max_age) {
    return sign_with_key(derive_token_key(secret_key_base, salt), data, signed_at, max_age);
}

token_result verify_token(std::string_view secret_key_base, std::string_view salt,
                          std::optional<std::string_view> token,
                          std::optional<std::chrono::seconds> max_age,
                          std::chrono::milliseconds now) {
    if (!token) return {token_status::missing, nullptr};
    return verify_with_key(derive_token_key(secret_key_base, salt), token, max_age, now);
}

token_signer::token_signer(std::string secret_key_base)
    : secret_key_base_(std::move(secret_key_base)) {}

const std::string& token_signer::key_for(std::string_view salt) const {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(salt);
    if (it == keys_.end())
        it = keys_.emplace(std::string(salt), derive_token_key(secret_key_base_, salt)).first;
    return it->second;   // map nodes are never erased, so the reference stays valid
}

std::string token_signer::sign(std::string_view salt, const nlohmann::json& data,
                               std::chrono::milliseconds signed_at,
                               std::chrono::seconds max_age) const {
    return sign_with_key(key_for(salt), data, signed_at, max_age);
}

token_result token_signer::verify(std::string_view salt, std::optional<std::string_view> token,
                                  std::optional<std::chrono::seconds> max_age,
                                  std::chrono::milliseconds now) const {
    if (!token) return {token_status::missing, nullptr};
    return verify_with_key(key_for(salt), token, max_age, now);
}

}  // namespace lvh::ref
