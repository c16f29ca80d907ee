// The endpoint: routes, the disconnected render (the full page with the view's container and
// signed tokens), CSRF, and connections (Phoenix's Endpoint + LiveView's static.ex and plug).
//
//   lvh::ref::deterministic_scheduler sched;
//   lvh::ref::endpoint ep({.secret_key_base = key, .signing_salt = "salt"}, views, components,
//                         router, sched);
//   auto page = ep.get({.url = "http://127.0.0.1:4000/"});      // page.body: the HTML
//   auto conn = ep.connect({{"_csrf_token", page.csrf_token}},
//                          {{"session", page.session_cookie}});
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>
#include <lvh/ref/runtime.hpp>
#include <lvh/ref/telemetry.hpp>
#include <lvh/ref/template.hpp>
#include <lvh/ref/token.hpp>
#include <lvh/ref/value.hpp>

#include <lvh/protocol/frame.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

class connection;

struct endpoint_config {
    std::string secret_key_base{};
    // LiveView's signing_salt: session and static tokens.
    std::string signing_salt = "lvh-live-view";
    // The scheme and host views see in handle_params' uri for relative URLs.
    std::string base_url = "http://127.0.0.1:4000";
    // Phoenix's defaults: sessions two weeks, flash tokens 60 s.
    std::chrono::seconds session_max_age{1'209'600};
    std::chrono::seconds flash_max_age{60};
    // Page layout: assigns inner_content (the container, raw), csrf_token, csrf_meta_tag
    // (raw) and page_title. Unset: a page shaped like phoenix-0.15.7-page.html.
    std::optional<template_> layout{};
    // When false, connections need no CSRF token and every join has a session.
    bool check_csrf = true;
    // Static assets the server serves; a join whose _track_static names others makes the
    // socket's static_changed() true.
    std::vector<std::string> static_paths{};

    // Deterministic ids and CSRF tokens (tests): seeded generator instead of the OS's.
    std::optional<std::uint64_t> seed{};
    // Root view ids; unset: "phx-" + 16 URL-safe base64 characters, as Phoenix.
    std::function<std::string()> view_id_generator{};
    // Unix time for signing and verifying tokens; unset: the system clock.
    std::function<std::chrono::milliseconds()> clock{};

    // Bounds on untrusted input: frames over max_bytes are dropped with a log line; a push to
    // a view with more than max_pending_per_view messages waiting gets an error reply
    // {"reason":"overloaded"} and the view goes on.
    protocol::frame_limits frame_limits{};
    std::size_t max_pending_per_view = 1000;

    // Where log lines go; unset: std::clog.
    std::function<void(std::string_view)> logger{};
};

// A GET of a page (the disconnected render), or the 0.15 client's live-link request.
struct http_request {
    std::string url{};                        // absolute or "/path?query"
    std::optional<std::string> session_cookie{};
    std::optional<std::string> flash_cookie{};  // __phoenix_flash__
    bool live_link = false;                   // x-requested-with: live-link (§9.6)
};

struct http_response {
    int status = 200;                  // 200, 302 (redirect from mount), 404 (no route)
    std::string body{};
    std::string location{};            // 302 only
    std::string session_cookie{};      // always set: the (possibly new) signed session
    std::string csrf_token{};          // the page's masked token (meta tag)
    std::string view_id{};             // the container id
    std::optional<std::string> flash_cookie{};  // set on a redirect carrying flash
    // 302 only: the mount navigated live (push_redirect, or push_patch in handle_params),
    // not with redirect/2. Phoenix marks the conn so (private phoenix_live_redirect);
    // LiveViewTest's live/2 reads it. Nothing in the HTTP response says so.
    bool live_redirect = false;
};

class endpoint {
public:
    endpoint(endpoint_config config, view_registry views, component_registry components,
             lvh::ref::router routes, scheduler& sched);
    ~endpoint();
    endpoint(const endpoint&) = delete;
    endpoint& operator=(const endpoint&) = delete;

    http_response get(const http_request& req);

    // A new client connection. params: the socket's connect params (`_csrf_token`, …);
    // connect_info: {"session": <session cookie>} and anything a view may read with
    // get_connect_info. A failed CSRF check leaves the connection without a session: every
    // join is answered {"reason":"stale"}, as Phoenix does.
    std::shared_ptr<connection> connect(value params, value connect_info);

    // --- what connections and channels use
    const endpoint_config& config() const { return config_; }
    const view_registry& views() const { return views_; }
    const component_registry& components() const { return components_; }
    const lvh::ref::router& routes() const { return router_; }
    scheduler& sched() { return sched_; }
    lvh::ref::pubsub& pubsub() { return pubsub_; }
    lvh::ref::telemetry& telemetry() { return telemetry_; }
    const token_signer& signer() const { return signer_; }

    std::chrono::milliseconds now() const;
    std::string sign(const value& data, std::chrono::seconds max_age) const;
    token_result verify(std::optional<std::string_view> token, std::chrono::seconds max_age) const;
    std::string sign_flash(const value& flash) const;
    // The flash of a token; {} when the token is missing, bad or expired.
    value verify_flash(std::optional<std::string_view> token) const;

    // The HTTP session of a cookie; null when missing or invalid.
    value session_from_cookie(std::optional<std::string_view> cookie) const;
    // A signed session cookie holding `session` (an object), as get() sets it: what
    // Plug.Test.init_test_session puts on a test's conn.
    std::string session_cookie(const value& session) const;
    // Whether a masked CSRF token belongs to the session.
    bool csrf_valid(const value& session, std::string_view masked) const;

    std::string new_view_id();
    std::uint64_t next_serial() { return ++serial_; }
    std::string absolute_url(std::string_view url) const;
    void log(std::string_view line) const;

private:
    std::string random_bytes(std::size_t n);
    std::string mask_csrf(std::string_view raw_b64);
    std::string render_page(const route& r, const std::string& inner, const std::string& csrf,
                            const value& page_title);

    endpoint_config config_;
    view_registry views_;
    component_registry components_;
    lvh::ref::router router_;
    scheduler& sched_;
    lvh::ref::pubsub pubsub_;
    lvh::ref::telemetry telemetry_;
    token_signer signer_;
    template_ default_layout_;
    std::mutex rng_mutex_;
    std::mt19937_64 rng_;
    bool seeded_ = false;
    std::atomic<std::uint64_t> serial_{0};
};

}  // namespace lvh::ref
