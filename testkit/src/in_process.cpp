#include <lvh/testkit/in_process.hpp>

#include <lvh/ref/engine.hpp>
#include <lvh/ref/params.hpp>
#include <lvh/ref/template.hpp>
#include <lvh/testkit/errors.hpp>

#include <cctype>
#include <iostream>

namespace lvh::testkit {
namespace {

using namespace std::chrono_literals;

// The unix time the virtual clock starts at: tokens need a plausible signed_at.
constexpr std::chrono::milliseconds token_epoch{1'700'000'000'000};

// live_isolated mounts views through this name; the real view's name and session travel in
// the query string, so no route per view is needed.
constexpr std::string_view isolated_view_name = "__lvh_isolated__";
constexpr std::string_view isolated_route = "/__lvh_isolated__";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A view standing in for the one live_isolated names: it makes the real view on mount and
// hands every callback on. Not mounted at the router, as LiveViewTest's isolated views.
class isolated_proxy final : public ref::live_view {
 public:
  explicit isolated_proxy(std::shared_ptr<const ref::view_registry> views)
      : views_(std::move(views)) {}

  void mount(const ref::value& params, const ref::value& session, ref::socket& s) override {
    std::string name;
    ref::value inner_session = session.is_object() ? session : ref::value::object();
    if (params.is_object()) {
      if (params.contains("view") && params["view"].is_string()) name = params["view"];
      if (params.contains("session") && params["session"].is_string()) {
        auto parsed = ref::value::parse(params["session"].get<std::string>(), nullptr, false);
        if (parsed.is_object())
          for (auto it = parsed.begin(); it != parsed.end(); ++it) inner_session[it.key()] = it.value();
      }
    }
    inner_ = views_->make(name);
    if (!inner_) throw std::invalid_argument("live_isolated: unknown view \"" + name + "\"");
    inner_->mount(ref::value("not_mounted_at_router"), inner_session, s);
  }
  const ref::template_& render(const ref::socket& s) const override { return inner_->render(s); }
  ref::event_result handle_event(std::string_view event, const ref::value& payload,
                                 ref::socket& s) override {
    return inner_->handle_event(event, payload, s);
  }
  void handle_info(const ref::value& msg, ref::socket& s) override { inner_->handle_info(msg, s); }
  void handle_params(const ref::value&, const std::string&, ref::socket&) override {}
  ref::value handle_call(const ref::value& msg, ref::socket& s) override {
    return inner_->handle_call(msg, s);
  }
  void terminate(std::string_view reason, ref::socket& s) override {
    if (inner_) inner_->terminate(reason, s);
  }

 private:
  std::shared_ptr<const ref::view_registry> views_;
  std::unique_ptr<ref::live_view> inner_;
};

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) == name) return std::string(trim(pair.substr(eq + 1)));
  }
  return std::nullopt;
}

// -- transport ------------------------------------------------------------------------------

in_process_transport::in_process_transport(ref::endpoint& ep, ref::deterministic_scheduler& sched,
                                           ref::in_process_client::mode m)
    : ep_(ep), sched_(sched), mode_(m) {}

in_process_transport::~in_process_transport() { close(); }

bool in_process_transport::connect(const sim::connect_request& req) {
  close();
  params_ = nlohmann::json::object();
  auto q = req.url.find('?');
  if (q != std::string::npos) {
    std::string_view query(req.url);
    query = query.substr(q + 1);
    if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
    auto decoded = ref::decode_query(query);
    if (!decoded) return false;  // a socket URL Phoenix would refuse to parse
    params_ = std::move(*decoded);
    params_.erase("vsn");
  }
  connect_info_ = nlohmann::json::object();
  if (auto session = cookie_value(req.cookie, session_cookie_name)) connect_info_["session"] = *session;
  client_ = ref::in_process_client::connect(ep_, params_, connect_info_, mode_);
  return client_ != nullptr;
}

void in_process_transport::send(std::string text) {
  if (client_ && !client_->closed()) client_->send(std::move(text));
}

std::vector<std::string> in_process_transport::receive() {
  std::vector<std::string> out;
  if (!client_) return out;
  while (client_->waiting() > 0) {
    // A frame that could not travel as JSON text throws transport_error: the test fails
    // there, naming the payload, rather than the client seeing a frame the wire never would.
    auto text = client_->receive_text();
    if (!text) break;
    out.push_back(std::move(*text));
  }
  return out;
}

void in_process_transport::send_frame(protocol::frame f) {
  if (client_ && !client_->closed()) client_->send(std::move(f));
}

std::vector<protocol::frame> in_process_transport::receive_frames() {
  if (!client_) return {};
  return client_->receive_all();
}

void in_process_transport::pump() { sched_.run_until_idle(); }

void in_process_transport::close() {
  if (client_ && !client_->closed()) {
    client_->close();
    sched_.run_until_idle();
  }
  client_.reset();
}

bool in_process_transport::is_open() const { return client_ && !client_->closed(); }

void in_process_transport::advance(std::chrono::milliseconds d) {
  if (d > 0ms) sched_.advance(d);
}

// -- pages ------------------------------------------------------------------------------------

sim::http_response in_process_pages::get(const sim::http_request& req) {
  ref::http_request r;
  r.url = req.url;
  r.session_cookie = cookie_value(req.cookie, session_cookie_name);
  r.flash_cookie = cookie_value(req.cookie, flash_cookie_name);
  for (const auto& [name, value] : req.headers)
    if (name == "x-requested-with" && value == "live-link") r.live_link = true;
  ref::http_response res = ep_.get(r);

  sim::http_response out;
  out.status = res.status;
  out.body = std::move(res.body);
  if (res.status >= 300 && res.status < 400) {
    out.location = res.location;
    if (res.live_redirect) out.headers.emplace_back(std::string(live_redirect_header), "true");
  }
  out.set_cookie.push_back(std::string(session_cookie_name) + "=" + res.session_cookie +
                           "; path=/; HttpOnly; SameSite=Lax");
  if (res.flash_cookie) {
    out.set_cookie.push_back(std::string(flash_cookie_name) + "=" + *res.flash_cookie +
                             "; path=/; max-age=60");
  } else if (r.flash_cookie) {
    // Phoenix's fetch_flash deletes the cookie once read.
    out.set_cookie.push_back(std::string(flash_cookie_name) + "=; path=/; max-age=0");
  }
  if (r.live_link && res.status == 200)
    out.headers.emplace_back("x-response-url", ep_.absolute_url(ref::url_path_and_query(req.url)));
  out.headers.emplace_back("content-type", "text/html; charset=utf-8");
  return out;
}

// -- server -----------------------------------------------------------------------------------

in_process_server::in_process_server(ref::view_registry views, ref::component_registry components,
                                     ref::router routes)
    : in_process_server(std::move(views), std::move(components), std::move(routes), options{}) {}

in_process_server::in_process_server(ref::view_registry views, ref::component_registry components,
                                     ref::router routes, options opts)
    : opts_(std::move(opts)) {
  ref::endpoint_config cfg = opts_.config;
  if (cfg.secret_key_base.empty())
    cfg.secret_key_base = std::string(64, 'k');  // tests only: a fixed, long enough key
  if (!cfg.seed) cfg.seed = 1;
  if (!cfg.clock) cfg.clock = [this] { return token_epoch + sched_.now(); };
  if (!cfg.logger) {
    cfg.logger = [this](std::string_view line) {
      logs_.emplace_back(line);
      if (opts_.echo_logs) std::cerr << "[lvh::ref] " << line << '\n';
    };
  }
  auto inner = std::make_shared<const ref::view_registry>(views);
  views.add(std::string(isolated_view_name),
            [inner] { return std::unique_ptr<ref::live_view>(new isolated_proxy(inner)); });
  routes.live(std::string(isolated_route), std::string(isolated_view_name));
  ep_ = std::make_unique<ref::endpoint>(std::move(cfg), std::move(views), std::move(components),
                                        std::move(routes), sched_);
  pages_ = std::make_unique<in_process_pages>(*ep_);
}

std::shared_ptr<in_process_server> in_process_server::make(ref::view_registry views,
                                                           ref::component_registry components,
                                                           ref::router routes, options opts) {
  return std::make_shared<in_process_server>(std::move(views), std::move(components),
                                             std::move(routes), std::move(opts));
}

in_process_server::~in_process_server() {
  // Views terminate (and their timers go) before the endpoint does.
  sched_.run_until_idle();
}

std::unique_ptr<sim::transport> in_process_server::open_transport() {
  return std::make_unique<in_process_transport>(*ep_, sched_, opts_.mode);
}

std::string in_process_server::base_url() const { return ep_->config().base_url; }

void in_process_server::advance_to(std::chrono::milliseconds t) {
  if (t > sched_.now()) sched_.advance(t - sched_.now());
}

std::optional<std::string> in_process_server::session_cookie(const nlohmann::json& session) {
  if (!session.is_object()) return std::nullopt;
  return ep_->session_cookie(session);
}

nlohmann::json in_process_server::verify_flash(std::string_view token) {
  return ep_->verify_flash(token);
}

std::optional<std::string> in_process_server::isolated_path(std::string_view view,
                                                            const nlohmann::json& session) {
  nlohmann::json q = {{"view", std::string(view)},
                      {"session", session.is_object() ? session.dump() : std::string("{}")}};
  auto encoded = ref::encode_query(q);
  if (!encoded) return std::nullopt;
  return std::string(isolated_route) + "?" + *encoded;
}

std::optional<std::string> in_process_server::render_component(std::string_view component,
                                                               const nlohmann::json& assigns) {
  if (!ep_->components().has(component)) {
    throw testkit_error("bad_value", "render_component: no component named " + std::string(component));
  }
  // Rendered as `live_component` would from a template, so stateful (with id) and stateless
  // components follow the engine's own rules; the HTML is the disconnected render's.
  std::string call = "<%= live_component @socket, \"" + std::string(component) + "\"";
  ref::assigns a;
  a.set("socket", nullptr);
  if (assigns.is_object()) {
    for (auto it = assigns.begin(); it != assigns.end(); ++it) {
      if (!is_identifier(it.key()))
        throw testkit_error("bad_value",
                            "render_component: assign name " + it.key() + " is not an identifier");
      call += ", " + it.key() + ": @" + it.key();
      a.set(it.key(), it.value());
    }
  }
  call += " %>";
  auto t = ref::template_::compile(call, "render_component");
  ref::view_renderer r(ep_->components(), "render_component");
  ref::render_context ctx;
  ctx.connected = false;
  return r.render_static(t, a, ctx);
}

}  // namespace lvh::testkit
