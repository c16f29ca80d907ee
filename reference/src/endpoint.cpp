#include <lvh/ref/connection.hpp>
#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/engine.hpp>
#include <lvh/ref/params.hpp>
#include <lvh/ref/socket.hpp>

#include "server_util.hpp"

#include <openssl/rand.h>

#include <iostream>
#include <stdexcept>

namespace lvh::ref {

namespace {

constexpr std::string_view session_cookie_salt = "lvh session cookie";

const char* default_layout_source =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "  <head>\n"
    "    <meta charset=\"utf-8\"/>\n"
    "<%= @csrf_meta_tag %>\n"
    "    <title><%= @page_title %></title>\n"
    "  </head>\n"
    "  <body>\n"
    "<%= @inner_content %>\n"
    "  </body>\n"
    "</html>\n";

// Renders a view without a process, nested views included (Phoenix's static render).
struct static_renderer {
    endpoint& ep;
    int depth = 0;

    std::string render(live_view& view, socket& s, const std::string& name) {
        view_renderer r(ep.components(), s.id());
        render_context ctx;
        ctx.connected = false;
        ctx.view_id = s.id();
        ctx.live_render = [this, &s](const std::string& child, const value& opts) {
            return nested(s, child, opts);
        };
        telemetry_metadata md;
        md.view = name;
        std::string html = ep.telemetry().run(telemetry_event::render, md, [&] {
            return r.render_static(view.render(s), s.assigns(), ctx);
        });
        return html;
    }

    std::string nested(socket& parent, const std::string& name, const value& opts) {
        if (depth > 32) throw std::runtime_error("live_render nested too deeply");
        std::string id = detail::child_id(opts);
        auto child = ep.views().make(name);
        if (!child) throw std::invalid_argument("live_render: unknown view \"" + name + "\"");
        socket cs(id, false);
        cs.set_parent_assigns(&parent.assigns());
        cs.set_parent_id(parent.id());
        value session = opts.is_object() && opts.contains("session") ? opts["session"]
                                                                      : value::object();
        telemetry_metadata md;
        md.view = name;
        md.params = "not_mounted_at_router";
        ep.telemetry().run(telemetry_event::mount, md,
                           [&] { child->mount(value("not_mounted_at_router"), session, cs); });
        if (cs.patch_pending()) throw std::runtime_error("attempted to live patch while mounting");
        static_renderer inner{ep, depth + 1};
        std::string content = inner.render(*child, cs, name);
        value static_data = {{"id", id},
                             {"flash", value::object()},
                             {"assign_new", cs.assign_new_keys()}};
        std::string tag = detail::container_tag(opts);
        return "<" + tag + " data-phx-parent-id=\"" + detail::escape_attr(parent.id()) +
               "\" data-phx-session=\"\" data-phx-static=\"" +
               ep.sign(static_data, ep.config().session_max_age) + "\" data-phx-view=\"" +
               detail::escape_attr(name) + "\" id=\"" + detail::escape_attr(id) + "\">" +
               content + "</" + tag + ">";
    }
};

}  // namespace

endpoint::endpoint(endpoint_config config, view_registry views, component_registry components,
                   lvh::ref::router routes, scheduler& sched)
    : config_(std::move(config)),
      views_(std::move(views)),
      components_(std::move(components)),
      router_(std::move(routes)),
      sched_(sched),
      signer_(config_.secret_key_base),
      default_layout_(template_::compile(default_layout_source, "default_layout")) {
    if (config_.seed) {
        rng_.seed(*config_.seed);
        seeded_ = true;
    }
}

endpoint::~endpoint() = default;

std::chrono::milliseconds endpoint::now() const {
    return config_.clock ? config_.clock() : unix_now();
}

std::string endpoint::sign(const value& data, std::chrono::seconds max_age) const {
    return signer_.sign(config_.signing_salt, data, now(), max_age);
}

token_result endpoint::verify(std::optional<std::string_view> token,
                              std::chrono::seconds max_age) const {
    return signer_.verify(config_.signing_salt, token, max_age, now());
}

std::string endpoint::sign_flash(const value& flash) const {
    return signer_.sign(config_.signing_salt + "/flash", flash, now(), config_.flash_max_age);
}

value endpoint::verify_flash(std::optional<std::string_view> token) const {
    if (!token || token->empty()) return value::object();
    auto r = signer_.verify(config_.signing_salt + "/flash", token, config_.flash_max_age, now());
    if (!r.ok() || !r.data.is_object()) return value::object();
    return r.data;
}

std::string endpoint::session_cookie(const value& session) const {
    return signer_.sign(session_cookie_salt, session, now(), config_.session_max_age);
}

value endpoint::session_from_cookie(std::optional<std::string_view> cookie) const {
    if (!cookie || cookie->empty()) return nullptr;
    auto r = signer_.verify(session_cookie_salt, cookie, config_.session_max_age, now());
    if (!r.ok() || !r.data.is_object()) return nullptr;
    return r.data;
}

std::string endpoint::random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (seeded_) {
        std::lock_guard lock(rng_mutex_);
        for (auto& c : out) c = static_cast<char>(rng_() & 0xff);
        return out;
    }
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string endpoint::new_view_id() {
    if (config_.view_id_generator) return config_.view_id_generator();
    return "phx-" + detail::base64url(random_bytes(12));
}

// The session keeps the raw token; each page gets it XORed with a fresh mask, mask appended,
// so the page token changes while the session does not (as Plug.CSRFProtection).
std::string endpoint::mask_csrf(std::string_view raw) {
    std::string mask = random_bytes(raw.size());
    std::string masked(raw.size(), '\0');
    for (std::size_t i = 0; i < raw.size(); ++i) masked[i] = static_cast<char>(raw[i] ^ mask[i]);
    return detail::base64url(masked + mask);
}

bool endpoint::csrf_valid(const value& session, std::string_view masked) const {
    if (!session.is_object() || !session.contains("_csrf_token") ||
        !session["_csrf_token"].is_string())
        return false;
    const std::string& raw = session["_csrf_token"].get_ref<const std::string&>();
    auto bytes = detail::base64url_decode(masked);
    if (!bytes || bytes->size() != 2 * raw.size() || raw.empty()) return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < raw.size(); ++i)
        diff |= static_cast<unsigned char>((*bytes)[i] ^ (*bytes)[raw.size() + i] ^ raw[i]);
    return diff == 0;
}

std::string endpoint::absolute_url(std::string_view url) const {
    if (url.find("://") != std::string_view::npos) return std::string(url);
    return config_.base_url + std::string(url);
}

void endpoint::log(std::string_view line) const {
    if (config_.logger) config_.logger(line);
    else std::clog << "[lvh::ref] " << line << '\n';
}

std::string endpoint::render_page(const route& r, const std::string& inner, const std::string& csrf,
                                  const value& page_title) {
    const template_& layout = r.options.layout ? *r.options.layout
                              : config_.layout ? *config_.layout
                                               : default_layout_;
    assigns a;
    a.set("inner_content", raw(inner));
    a.set("csrf_token", csrf);
    a.set("csrf_meta_tag", raw("<meta charset=\"UTF-8\" content=\"" + detail::escape_attr(csrf) +
                               "\" csrf-param=\"_csrf_token\" method-param=\"_method\" "
                               "name=\"csrf-token\">"));
    a.set("page_title", page_title.is_null() ? value("") : page_title);
    view_renderer vr(components_, "layout");
    render_context ctx;
    ctx.connected = false;
    return vr.render_static(layout, a, ctx);
}

http_response endpoint::get(const http_request& req) {
    http_response res;
    value session = session_from_cookie(req.session_cookie);
    if (!session.is_object()) session = value::object();
    if (!session.contains("_csrf_token") || !session["_csrf_token"].is_string())
        session["_csrf_token"] = detail::base64url(random_bytes(18));
    res.session_cookie = session_cookie(session);
    res.csrf_token = mask_csrf(session["_csrf_token"].get<std::string>());

    auto m = router_.match(req.url);
    if (!m || !views_.has(m->matched->view)) {
        res.status = 404;
        res.body = "Not Found";
        return res;
    }
    const route& r = *m->matched;
    res.view_id = new_view_id();

    value view_session = session;
    view_session.erase("_csrf_token");
    for (auto it = r.options.session.begin(); it != r.options.session.end(); ++it)
        view_session[it.key()] = it.value();
    value session_data = {{"id", res.view_id},     {"view", r.view},  {"session", view_session},
                          {"route", r.path},       {"parent", nullptr}, {"parent_serial", 0},
                          {"root", res.view_id}};
    std::string session_token = sign(session_data, config_.session_max_age);
    const std::string& tag = r.options.container_tag;

    if (req.live_link) {
        // The 0.15 client's live redirect: the container alone, no mount (§9.6).
        res.body = "<" + tag + " data-phx-session=\"" + session_token + "\" data-phx-view=\"" +
                   detail::escape_attr(r.view) + "\" id=\"" + detail::escape_attr(res.view_id) +
                   "\"></" + tag + ">";
        return res;
    }

    auto view = views_.make(r.view);
    socket s(res.view_id, false);
    value flash = verify_flash(req.flash_cookie);
    s.assign("flash", flash);
    if (!r.options.action.empty()) s.assign("live_action", r.options.action);

    auto redirect_response = [&](const socket::state& p) {
        res.status = 302;
        res.location = p.navigation->to;
        res.live_redirect = p.navigation->type != navigation::kind::redirect;
        value f = s.flash();
        if (f.is_object() && !f.empty()) res.flash_cookie = sign_flash(f);
        res.body.clear();
        return res;
    };

    std::string uri = absolute_url(url_path_and_query(req.url));
    try {
        telemetry_metadata md;
        md.view = r.view;
        md.params = m->params;
        md.uri = uri;
        telemetry_.run(telemetry_event::mount, md, [&] { view->mount(m->params, view_session, s); });
        // Phoenix raises on a patch from mount (utils.ex validate_mount_redirect!): a 500.
        if (s.patch_pending()) throw std::runtime_error("attempted to live patch while mounting");
        if (s.redirected()) return redirect_response(s.take_pending());
        telemetry_.run(telemetry_event::handle_params, md,
                       [&] { view->handle_params(m->params, uri, s); });
        // In the disconnected render any navigation, a patch included, is an HTTP redirect.
        if (s.redirected()) return redirect_response(s.take_pending());

        static_renderer sr{*this};
        std::string content = sr.render(*view, s, r.view);
        value static_data = {{"id", res.view_id}, {"flash", flash}, {"assign_new", s.assign_new_keys()}};
        // Attributes sorted by name, as Phoenix 0.15 writes them (§9.2.3).
        std::string container = "<" + tag + " data-phx-main=\"true\" data-phx-session=\"" +
                                session_token + "\" data-phx-static=\"" +
                                sign(static_data, config_.session_max_age) + "\" data-phx-view=\"" +
                                detail::escape_attr(r.view) + "\" id=\"" +
                                detail::escape_attr(res.view_id) + "\">" + content + "</" + tag + ">";
        res.body = render_page(r, container, res.csrf_token, s.get("page_title"));
    } catch (const std::exception& e) {
        log(std::string("disconnected render of ") + r.view + " failed: " + e.what());
        res.status = 500;
        res.body = "Internal Server Error";
    }
    return res;
}

std::shared_ptr<connection> endpoint::connect(value params, value connect_info) {
    if (!params.is_object()) params = value::object();
    if (!connect_info.is_object()) connect_info = value::object();
    std::optional<std::string_view> cookie;
    if (connect_info.contains("session") && connect_info["session"].is_string())
        cookie = connect_info["session"].get_ref<const std::string&>();
    value session = session_from_cookie(cookie);
    if (config_.check_csrf) {
        bool ok = session.is_object() && params.contains("_csrf_token") &&
                  params["_csrf_token"].is_string() &&
                  csrf_valid(session, params["_csrf_token"].get_ref<const std::string&>());
        if (!ok) session = nullptr;
    } else if (!session.is_object()) {
        session = value::object();
    }
    return std::make_shared<connection>(*this, std::move(params), std::move(connect_info),
                                        std::move(session));
}

}  // namespace lvh::ref
