#include <lvh/ref/params.hpp>

#include <optional>
#include <unordered_map>
#include <variant>
#include <vector>

namespace lvh::ref {
namespace {

class params_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "params"; }
    std::string message(int ev) const override {
        switch (static_cast<params_errc>(ev)) {
            case params_errc::bad_percent_encoding:
                return "a '%' in the urlencoded params is not followed by two hex digits";
            case params_errc::invalid_utf8:
                return "the urlencoded params decode to bytes that are not valid UTF-8";
            case params_errc::too_deep:
                return "a key of the urlencoded params nests deeper than params_max_depth";
            case params_errc::not_an_object:
                return "only an object can be encoded as a query string";
            case params_errc::map_in_list:
                return "an object inside a list must have exactly one member to be encoded";
        }
        return "unknown params error";
    }
};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Erlang's notion of valid UTF-8 (String.valid?): no overlongs, surrogates or > U+10FFFF.
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = cp << 6 | (cc & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

// ---- Plug's decoder: every bracket prefix of a key ("a", "a[b]", "a[b][]") is a level
// holding the pairs written into it, newest last; a nested level is referenced from its
// parent by a pointer entry created once, when the level first appears. The newest entry of
// a key wins; a level whose newest entry has no key ("[]") is a list.

struct pointer {
    std::size_t level;
};
struct entry {
    std::optional<std::string> key;   // nullopt: a list item ("[]")
    std::variant<std::string, pointer> val;
};

class decoder {
public:
    decoder() { levels_.emplace_back(); }   // level 0 is the root

    // keys: innermost first, as (level name, key); the root is named by nullopt.
    void insert(std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> keys,
                std::string value) {
        std::variant<std::string, pointer> v = std::move(value);
        for (auto& [level, key] : keys) {
            if (!level) {
                levels_[0].push_back({std::move(key), std::move(v)});
                return;
            }
            auto it = index_.find(*level);
            if (it != index_.end()) {
                levels_[it->second].push_back({std::move(key), std::move(v)});
                return;
            }
            const std::size_t id = levels_.size();
            levels_.push_back({entry{std::move(key), std::move(v)}});
            index_.emplace(std::move(*level), id);
            v = pointer{id};
        }
    }

    nlohmann::json finish() const { return finish_map(0); }

private:
    nlohmann::json resolve(const std::variant<std::string, pointer>& v) const {
        if (const auto* s = std::get_if<std::string>(&v)) return *s;
        const auto& entries = levels_[std::get<pointer>(v).level];
        if (!entries.empty() && !entries.back().key) return finish_list(std::get<pointer>(v).level);
        return finish_map(std::get<pointer>(v).level);
    }

    nlohmann::json finish_map(std::size_t level) const {
        nlohmann::json out = nlohmann::json::object();
        const auto& entries = levels_[level];
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
            if (!it->key || out.contains(*it->key)) continue;   // newest wins
            out[*it->key] = resolve(it->val);
        }
        return out;
    }

    nlohmann::json finish_list(std::size_t level) const {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : levels_[level])
            if (!e.key) out.push_back(resolve(e.val));
        return out;
    }

    std::vector<std::vector<entry>> levels_;
    std::unordered_map<std::string, std::size_t> index_;
};

// "users[address][street]" → [("users[address]","street"), ("users","address"), (root,"users")].
std::optional<std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>>
split_key(const std::string& key) {
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> keys;
    const auto open = key.find('[');
    if (key.empty() || key.back() != ']' || open == std::string::npos || open == 0) {
        keys.emplace_back(std::nullopt, key);
        return keys;
    }
    keys.emplace_back(std::nullopt, key.substr(0, open));
    std::string level = key.substr(0, open);
    std::size_t start = open + 1;
    auto segment = [&](std::size_t end) -> std::optional<std::string> {
        if (end == start) return std::nullopt;
        return key.substr(start, end - start);
    };
    for (std::size_t i = start; i < key.size();) {
        if (key[i] == ']' && i + 1 < key.size() && key[i + 1] == '[') {
            keys.emplace_back(level, segment(i));
            if (keys.size() > params_max_depth) return std::nullopt;
            level = key.substr(0, i + 1);
            i += 2;
            start = i;
        } else if (key[i] == ']' && i + 1 == key.size()) {
            keys.emplace_back(std::move(level), segment(i));
            break;
        } else {
            ++i;
        }
    }
    if (keys.size() > params_max_depth) return std::nullopt;
    return std::vector(keys.rbegin(), keys.rend());
}

// A rendered key may hold anything; '[' and ']' in a key are escaped like other bytes.
bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

std::string scalar_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get_ref<const std::string&>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool empty_container(const nlohmann::json& v) {
    return (v.is_object() || v.is_array()) && v.empty();
}

bool encode_pair(const std::string& field, const nlohmann::json& v, std::string& out,
                 lvh::protocol::error& err, int depth);

void append_pair(std::string& out, std::string_view text) {
    if (text.empty()) return;
    if (!out.empty()) out += '&';
    out += text;
}

bool encode_object(const std::string& parent, const nlohmann::json& obj, std::string& out,
                   lvh::protocol::error& err, int depth) {
    for (const auto& [k, v] : obj.items()) {
        if (empty_container(v)) continue;
        std::string field = parent.empty() ? encode_www_form(k) : parent + "[" + encode_www_form(k) + "]";
        std::string part;
        if (!encode_pair(field, v, part, err, depth + 1)) return false;
        append_pair(out, part);
    }
    return true;
}

bool encode_pair(const std::string& field, const nlohmann::json& v, std::string& out,
                 lvh::protocol::error& err, int depth) {
    if (depth > static_cast<int>(params_max_depth)) {
        err = lvh::protocol::make_error(params_errc::too_deep, field);
        return false;
    }
    if (v.is_object()) return encode_object(field, v, out, err, depth);
    if (v.is_array()) {
        for (const auto& item : v) {
            if (item.is_object() && item.size() != 1) {
                err = lvh::protocol::make_error(params_errc::map_in_list, field);
                return false;
            }
            std::string part;
            if (!encode_pair(field + "[]", item, part, err, depth + 1)) return false;
            append_pair(out, part);
        }
        return true;
    }
    out += field;
    out += '=';
    if (!v.is_null()) out += encode_www_form(scalar_text(v));
    return true;
}

}  // namespace

const std::error_category& params_category() noexcept {
    static const params_category_impl cat;
    return cat;
}

std::error_code make_error_code(params_errc e) noexcept {
    return {static_cast<int>(e), params_category()};
}

params_result<std::string> decode_www_form(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
            const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return lvh::protocol::make_error(params_errc::bad_percent_encoding,
                                                 std::string(s));
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string encode_www_form(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved(c)) {
            out += ch;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

params_result<nlohmann::json> decode_query(std::string_view query) {
    decoder d;
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = query.find('&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        const std::string_view pair = query.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto key = decode_www_form(pair.substr(0, eq));
        if (!key) return key.error();
        params_result<std::string> val = std::string();
        if (eq != std::string_view::npos) val = decode_www_form(pair.substr(eq + 1));
        if (!val) return val.error();
        if (!valid_utf8(*key) || !valid_utf8(*val))
            return lvh::protocol::make_error(params_errc::invalid_utf8, std::string(pair));
        auto keys = split_key(*key);
        if (!keys) return lvh::protocol::make_error(params_errc::too_deep, std::string(pair));
        d.insert(std::move(*keys), std::move(*val));
    }
    return d.finish();
}

params_result<std::string> encode_query(const nlohmann::json& params) {
    if (!params.is_object()) return lvh::protocol::make_error(params_errc::not_an_object);
    std::string out;
    lvh::protocol::error err;
    if (!encode_object("", params, out, err, 0)) return err;
    return out;
}

params_result<path_and_query> split_path_query(std::string_view url) {
    if (const auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
    path_and_query r;
    const auto q = url.find('?');
    r.path = std::string(url.substr(0, q));
    if (q != std::string_view::npos) {
        r.query = std::string(url.substr(q + 1));
        auto p = decode_query(r.query);
        if (!p) return p.error();
        r.params = std::move(*p);
    }
    return r;
}

}  // namespace lvh::ref
