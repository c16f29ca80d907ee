// Small helpers shared by the server's sources (not installed).
#pragma once

#include <lvh/ref/value.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lvh::ref::detail {

inline std::string base64url(std::string_view bytes) {
    static constexpr char table[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += table[(n >> 6) & 63];
        out += table[n & 63];
    }
    if (i + 1 == bytes.size()) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
    } else if (i + 2 == bytes.size()) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += table[(n >> 6) & 63];
    }
    return out;
}

inline std::optional<std::string> base64url_decode(std::string_view text) {
    auto sextet = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = sextet(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

// Phoenix.HTML's attribute escaping.
inline std::string escape_attr(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// live_render's required `id` option (Phoenix raises without one).
inline std::string child_id(const value& opts) {
    if (opts.is_object() && opts.contains("id")) {
        const value& id = opts["id"];
        if (id.is_string() && !id.get_ref<const std::string&>().empty())
            return id.get<std::string>();
        if (id.is_number_integer()) return std::to_string(id.get<long long>());
    }
    throw std::invalid_argument("live_render needs an :id option for a nested view");
}

inline std::string container_tag(const value& opts) {
    if (opts.is_object() && opts.contains("container") && opts["container"].is_array() &&
        !opts["container"].empty() && opts["container"][0].is_string())
        return opts["container"][0].get<std::string>();
    return "div";
}

}  // namespace lvh::ref::detail
