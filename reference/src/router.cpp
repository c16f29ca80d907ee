#include <lvh/ref/params.hpp>
#include <lvh/ref/router.hpp>

namespace lvh::ref {

namespace {

std::vector<std::string_view> split_segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/') ++i;
        if (i >= path.size()) break;
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

// Path segments are percent-decoded but '+' stays '+' (URI.decode, not decode_www_form).
std::optional<std::string> decode_segment(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hex(s[i + 1]);
        int lo = hex(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

}  // namespace

std::string url_path_and_query(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::string(url);
    auto slash = url.find('/', scheme + 3);
    if (slash == std::string_view::npos) {
        auto q = url.find('?', scheme + 3);
        std::string path("/");
        if (q != std::string_view::npos) path.append(url.substr(q));
        return path;
    }
    return std::string(url.substr(slash));
}

router& router::live(std::string path, std::string view, route_options options) {
    routes_.push_back(route{std::move(path), std::move(view), std::move(options)});
    return *this;
}

std::optional<route_match> router::match(std::string_view url) const {
    auto split = split_path_query(url_path_and_query(url));
    if (!split) return std::nullopt;
    auto segments = split_segments(split->path);
    for (const auto& r : routes_) {
        auto pattern = split_segments(r.path);
        value params = value::object();
        bool ok = true;
        std::size_t i = 0;
        for (; i < pattern.size() && ok; ++i) {
            std::string_view p = pattern[i];
            if (!p.empty() && p[0] == '*') {
                value rest = value::array();
                for (std::size_t k = i; k < segments.size(); ++k) {
                    auto d = decode_segment(segments[k]);
                    if (!d) {
                        ok = false;
                        break;
                    }
                    rest.push_back(*d);
                }
                params[std::string(p.substr(1))] = rest;
                i = pattern.size();
                break;
            }
            if (i >= segments.size()) {
                ok = false;
                break;
            }
            if (!p.empty() && p[0] == ':') {
                auto d = decode_segment(segments[i]);
                if (!d) ok = false;
                else params[std::string(p.substr(1))] = *d;
            } else if (p != segments[i]) {
                ok = false;
            }
        }
        if (!ok) continue;
        bool glob = !pattern.empty() && !pattern.back().empty() && pattern.back()[0] == '*';
        if (!glob && segments.size() != pattern.size()) continue;
        value merged = split->params.is_object() ? split->params : value::object();
        for (auto it = params.begin(); it != params.end(); ++it) merged[it.key()] = it.value();
        return route_match{&r, std::move(merged), split->path};
    }
    return std::nullopt;
}

}  // namespace lvh::ref
