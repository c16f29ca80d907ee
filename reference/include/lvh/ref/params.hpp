// application/x-www-form-urlencoded ↔ nested params, as Plug.Conn.Query decodes and encodes
// them: the query strings the router reads and the form payloads of phx-change/phx-submit.
//
// Decoding follows Plug (1.15+): `a=1&b[c]=2&d[]=3&d[]=4` → {"a":"1","b":{"c":"2"},
// "d":["3","4"]}; `+` is a space; a key with no `=` gets ""; empty pairs are skipped; when
// pairs disagree (`x=1&x[y]=1`) the last written wins at the level it writes; `x[][a]=1`
// nests maps in lists as Plug does. Leaves are strings. Keys deeper than params_max_depth
// are an error (Plug has no limit). Bad percent escapes and bytes that
// are not UTF-8 after decoding are errors (Plug raises InvalidQueryError there).
#pragma once

#include <lvh/protocol/error.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace lvh::ref {

enum class params_errc {
    bad_percent_encoding = 1,   // '%' not followed by two hex digits
    invalid_utf8,               // a decoded key or value is not UTF-8
    too_deep,                   // more than params_max_depth bracket levels in one key
    not_an_object,              // encode: the top level is not an object
    map_in_list,                // encode: an object in a list must have exactly one member
};

// Plug has no limit (the BEAM has no stack to overflow); ours keeps recursion bounded.
inline constexpr std::size_t params_max_depth = 256;

const std::error_category& params_category() noexcept;
std::error_code make_error_code(params_errc e) noexcept;

template <class T>
using params_result = lvh::protocol::result<T>;

// URI.decode_www_form: '+' → ' ', %XX → byte. No UTF-8 check.
params_result<std::string> decode_www_form(std::string_view s);
// URI.encode_www_form: unreserved bytes (A-Z a-z 0-9 - . _ ~) kept, ' ' → '+', others %XX.
std::string encode_www_form(std::string_view s);

// Plug.Conn.Query.decode. The error's `where` is the offending pair.
params_result<nlohmann::json> decode_query(std::string_view query);

// Plug.Conn.Query.encode: objects in key order (nlohmann's, i.e. sorted like small Elixir
// maps), lists as `k[]=`, null as `k=`, numbers and booleans as text; empty objects/lists
// are skipped.
params_result<std::string> encode_query(const nlohmann::json& params);

// "/path?x=1#frag" → path "/path", query "x=1", params decoded (fragment dropped).
struct path_and_query {
    std::string path;
    std::string query;
    nlohmann::json params = nlohmann::json::object();
};
params_result<path_and_query> split_path_query(std::string_view url);

}  // namespace lvh::ref

template <>
struct std::is_error_code_enum<lvh::ref::params_errc> : std::true_type {};
