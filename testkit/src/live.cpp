#include <lvh/testkit/live.hpp>

#include "session.hpp"

#include <lvh/dom/html.hpp>
#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/messages.hpp>
#include <lvh/ref/params.hpp>
#include <lvh/sim/errors.hpp>
#include <lvh/sim/forms.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

namespace lvh::testkit {

namespace detail {

std::string path_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    auto slash = url.find('/', scheme + 3);
    url = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  }
  if (auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  if (url.empty()) return "/";
  return std::string(url);
}

namespace {

std::string cookie_header(const std::map<std::string, std::string>& cookies) {
  std::string out;
  for (const auto& [k, v] : cookies) {
    if (!out.empty()) out += "; ";
    out += k + "=" + v;
  }
  return out;
}

std::map<std::string, std::string> parse_cookie_header(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
  }
  return out;
}

}  // namespace

sim::http_response session_pages::get(const sim::http_request& req) {
  if (blocked_) {
    // The tab the server redirected loads nothing more: LiveViewTest mounts the target only
    // when the test follows the redirect.
    sim::http_response blank;
    blank.body = std::string(blank_page);
    blank.headers.emplace_back("content-type", "text/html; charset=utf-8");
    return blank;
  }
  if (primed_ && primed_->first == req.url && req.headers.empty()) {
    sim::http_response r = std::move(primed_->second);
    primed_.reset();
    return r;
  }
  // The browser's cookies win over the conn's: they are what the server set since.
  auto merged = cookies_;
  for (auto& [k, v] : parse_cookie_header(req.cookie)) merged[k] = v;
  sim::http_request r = req;
  r.cookie = cookie_header(merged);
  return server_.pages().get(r);
}

// A tab the server redirected joins nothing more. Later clients follow a live redirect with a
// join over the socket, which the blocked page loads do not stand in for; LiveViewTest mounts
// the target only when the test follows the redirect.
bool observing_transport::holds_back(const protocol::frame& f) const {
  return owner_.pages.blocked() && f.event == protocol::events::join;
}

void observing_transport::send(std::string text) {
  if (owner_.pages.blocked() && text.find("\"phx_join\"") != std::string::npos)
    if (auto f = protocol::decode(text); f && holds_back(*f)) return;
  owner_.observe_sent(text);
  inner_->send(std::move(text));
}

void observing_transport::send_encoded(std::string text, const protocol::frame& f) {
  if (holds_back(f)) return;
  owner_.observe_sent(f);  // no second parse of what the client just encoded
  inner_->send_encoded(std::move(text), f);
}

std::vector<std::string> observing_transport::receive() {
  auto frames = inner_->receive();
  for (const auto& f : frames) owner_.observe(f);
  return frames;
}

void observing_transport::send_frame(protocol::frame f) {
  if (holds_back(f)) return;
  owner_.observe_sent(f);
  inner_->send_frame(std::move(f));
}

std::vector<protocol::frame> observing_transport::receive_frames() {
  auto frames = inner_->receive_frames();
  for (const auto& f : frames) owner_.observe(f);
  return frames;
}

void observing_transport::advance(std::chrono::milliseconds d) {
  (void)d;  // the browser's clock already reads the new time
  owner_.client_advanced();
}

session::session(const conn& conn_in)
    : server(conn_in.server),
      c(conn_in),
      epoch(conn_in.server->now()),
      pages(*conn_in.server, conn_in.cookies),
      transport(conn_in.server->open_transport(), *this) {
  sim::browser_options opts = c.browser;
  opts.profile = c.profile.value_or(server->default_profile());
  opts.connect_params = c.connect_params;
  browser = std::make_unique<sim::browser>(transport, pages, std::move(opts));
}

session::~session() { browser.reset(); }

void session::stop() {
  pages.block();
  if (stopped || !browser) return;
  stopped = true;
  // Whatever the client got to load (a live redirect joins over the socket, which no page
  // load stands in for) leaves with the page.
  browser->load(browser->url(), blank_page);
  collect();
}

std::chrono::milliseconds session::client_time() const {
  return epoch + std::chrono::milliseconds(browser ? browser->clock().now() : 0);
}

void session::client_advanced() { server->advance_to(client_time()); }

void session::observe_sent(const std::string& text) {
  // Only "event" pushes matter (their replies may carry a reply map); the rest is not worth
  // a second parse.
  if (text.find(",\"event\",") == std::string::npos && text.find("\"event\":\"event\"") == std::string::npos)
    return;
  if (auto f = protocol::decode(text)) observe_sent(*f);
}

void recent_events::add(std::string_view ref, std::string_view topic, std::string_view event) {
  if (size_ == capacity) {
    head_ = (head_ + 1) % capacity;
    --size_;
  }
  entry& e = at(size_++);
  e.ref.assign(ref);
  e.topic.assign(topic);
  e.event.assign(event);
}

std::size_t recent_events::find(std::string_view ref, std::string_view topic) const noexcept {
  for (std::size_t i = 0; i < size_; ++i) {
    const entry& e = at(i);
    if (e.ref == ref && e.topic == topic) return i;
  }
  return std::string_view::npos;
}

void recent_events::erase(std::size_t i) noexcept {
  if (i >= size_) return;
  if (i == 0) {
    head_ = (head_ + 1) % capacity;
  } else {
    // The later ones move up a place; the freed entry (its buffers) goes last, for reuse.
    for (std::size_t k = i; k + 1 < size_; ++k) std::swap(at(k), at(k + 1));
  }
  --size_;
}

namespace {
// The string `key` of an object, or null (a missing key, another type, not an object).
const std::string* string_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}
}  // namespace

void session::observe_sent(const protocol::frame& f) {
  if (f.event != "event" || !f.ref) return;
  if (const std::string* type = string_field(f.payload, "type"); type && *type == "form")
    ++form_events_sent;
  const std::string* name = string_field(f.payload, "event");
  // Replies come within the action that sent the event: a few recent ones suffice.
  sent_events.add(*f.ref, f.topic, name ? std::string_view(*name) : std::string_view());
}

void session::observe(const std::string& text) {
  // Only navigation, crashes and replies with a reply map matter here; most frames are
  // diffs, not worth a second parse.
  const bool reply_map = !sent_events.empty() && text.find("phx_reply") != std::string::npos &&
                         text.find("\"r\":") != std::string::npos;
  if (!reply_map && text.find("redirect") == std::string::npos && text.find("phx_error") == std::string::npos)
    return;
  if (auto f = protocol::decode(text)) observe(*f);
}

void session::observe(const protocol::frame& f) {
  auto add = [&](nav::kind k, const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("to") || !j["to"].is_string()) return;
    nav n{k, j["to"].get<std::string>(), std::nullopt};
    if (j.contains("flash") && j["flash"].is_string()) n.flash_token = j["flash"].get<std::string>();
    if (k == nav::kind::patch) return;  // patches come from the browser (client ones too)
    pages.block();
    redirects.push_back(n);
    action_redirects.push_back(std::move(n));
  };
  const auto& p = f.payload;
  if (f.event != protocol::events::reply) {
    if (f.event == "live_redirect") {
      add(nav::kind::live_redirect, p);
    } else if (f.event == "redirect") {
      add(nav::kind::redirect, p);
    } else if (f.event == protocol::events::error) {
      crashed_topics.insert(f.topic);
    }
    return;
  }
  const nlohmann::json* resp = nullptr;
  if (p.is_object())
    if (auto it = p.find("response"); it != p.end()) resp = &*it;
  if (!sent_events.empty() && f.ref) {
    const std::size_t sent = sent_events.find(*f.ref, f.topic);
    if (sent != std::string_view::npos) {
      // A reply map travels as the diff's "r"; most replies have none (checked before parsing).
      const auto has_r = [](const nlohmann::json& r) {
        if (!r.is_object()) return false;
        auto d = r.find("diff");
        return d != r.end() && d->is_object() && d->contains("r");
      };
      const auto status_ok = [&p] {
        auto st = p.find("status");
        return st != p.end() && st->is_string() && st->get_ref<const std::string&>() == "ok";
      };
      if (resp && has_r(*resp) && status_ok()) {
        auto reply = protocol::event_reply::from_json(*resp);
        if (reply && reply->diff && reply->diff->is_object() && reply->diff->contains("r")) {
          std::string id = f.topic.rfind("lv:", 0) == 0 ? f.topic.substr(3) : f.topic;
          replies.push_back({std::move(id), sent_events.event(sent), (*reply->diff)["r"]});
        }
      }
      sent_events.erase(sent);
    }
  }
  if (!resp || !resp->is_object()) return;
  const auto& r = *resp;
  if (auto to = r.find("live_redirect"); to != r.end()) add(nav::kind::live_redirect, *to);
  if (auto to = r.find("redirect"); to != r.end()) add(nav::kind::redirect, *to);
}

void session::collect() {
  if (!browser) return;
  // The held-back change went out (or another form event did, which read them too).
  if (!lingering_extras.empty() && form_events_sent != lingering_since) remove_extras(lingering_extras);
  for (auto& n : browser->take_navigations()) {
    using k = sim::navigation_record::kind;
    if (n.what == k::live_patch) {
      patches.push_back({nav::kind::patch, n.url, std::nullopt});
    } else if (n.what == k::live_redirect || n.what == k::redirect) {
      // Server-initiated ones were seen on the wire already; a live link the user clicked
      // was not.
      const std::string p = path_of(n.url);
      bool seen = std::any_of(action_redirects.begin(), action_redirects.end(),
                              [&](const nav& r) { return path_of(r.to) == p; });
      if (!seen) {
        nav r{n.what == k::redirect ? nav::kind::redirect : nav::kind::live_redirect, p, n.flash};
        redirects.push_back(r);
        action_redirects.push_back(std::move(r));
      }
    }
  }
  for (auto& e : browser->take_push_events()) pushes.push_back(std::move(e));
  // Replies are read off the wire (observe), for every event as in LiveViewTest, not only
  // for hooks as the client hands them out.
  (void)browser->take_hook_replies();
}

}  // namespace detail

// -- conn ---------------------------------------------------------------------------------

std::vector<std::shared_ptr<detail::session>> connection_factory::sessions() {
  std::vector<std::shared_ptr<detail::session>> out;
  std::vector<std::weak_ptr<detail::session>> keep;
  for (auto& w : sessions_) {
    if (auto s = w.lock()) {
      out.push_back(s);
      keep.push_back(w);
    }
  }
  sessions_ = std::move(keep);
  return out;
}

void connection_factory::add_session(const std::shared_ptr<detail::session>& s) {
  sessions_.push_back(s);
}

sim::browser_options default_browser_options() {
  sim::browser_options o;
  o.socket.log_limit = 0;
  return o;
}

conn build_conn(std::shared_ptr<connection_factory> server) {
  conn c;
  c.server = std::move(server);
  return c;
}

conn put_connect_params(conn c, nlohmann::json params) {
  c.connect_params = std::move(params);
  return c;
}

conn init_test_session(conn c, const nlohmann::json& session) {
  auto cookie = c.server ? c.server->session_cookie(session) : std::nullopt;
  if (!cookie) throw testkit_error("unsupported", "init_test_session: this server cannot make session cookies");
  c.cookies[std::string(session_cookie_name)] = *cookie;
  return c;
}

conn put_req_cookie(conn c, std::string name, std::string value) {
  c.cookies[std::move(name)] = std::move(value);
  return c;
}

// -- results ------------------------------------------------------------------------------

std::string_view to_string(redirect::kind k) noexcept {
  return k == redirect::kind::live_redirect ? "live_redirect" : "redirect";
}

std::string inspect(const redirect& r) {
  std::string s = "{:error, {:" + std::string(to_string(r.what)) + ", %{to: " + sim::inspect_string(r.to);
  if (!r.flash.empty()) s += ", flash: " + r.flash.dump();
  return s + "}}}";
}

namespace {
std::string describe_page(const page& p) {
  return "a page without a LiveView (GET " + p.url + " answered " + std::to_string(p.status) + ")";
}
}  // namespace

const live_result::ok_value& live_result::value() const {
  if (const auto* r = std::get_if<redirect>(&v_))
    throw testkit_error("not_live", "expected a mounted LiveView, got " + inspect(*r));
  if (const auto* p = std::get_if<page>(&v_))
    throw testkit_error("not_live", "expected a mounted LiveView, got " + describe_page(*p));
  return std::get<ok_value>(v_);
}

const std::string& live_result::html() const {
  if (const auto* p = std::get_if<page>(&v_)) return p->html;
  return value().html;
}

const redirect& live_result::redirect_value() const {
  if (const auto* r = std::get_if<redirect>(&v_)) return *r;
  if (const auto* p = std::get_if<page>(&v_))
    throw testkit_error("not_redirected", "expected a redirect, got " + describe_page(*p));
  throw testkit_error("not_redirected", "expected a redirect, but the LiveView mounted at " +
                                            std::get<ok_value>(v_).view.path());
}

const page& live_result::page_value() const {
  if (const auto* p = std::get_if<page>(&v_)) return *p;
  if (const auto* r = std::get_if<redirect>(&v_))
    throw testkit_error("not_page", "expected a page without a LiveView, got " + inspect(*r));
  throw testkit_error("not_page", "expected a page without a LiveView, but the LiveView mounted at " +
                                      std::get<ok_value>(v_).view.path());
}

const std::string& render_result::html() const {
  if (const auto* r = std::get_if<redirect>(&v_))
    throw testkit_error("not_live", "expected rendered HTML, got " + inspect(*r));
  return std::get<std::string>(v_);
}

const redirect& render_result::redirect_value() const {
  if (const auto* r = std::get_if<redirect>(&v_)) return *r;
  throw testkit_error("not_redirected", "expected a redirect, but the event rendered");
}

// -- views --------------------------------------------------------------------------------

detail::session& view::session() const {
  if (!s_) throw testkit_error("view_gone", "an empty view handle");
  return *s_;
}

std::string view::url() const { return s_ && s_->browser ? s_->browser->url() : std::string(); }
std::string view::path() const { return detail::path_of(url()); }

bool view::alive() const {
  if (!s_ || !s_->browser) return false;
  auto v = s_->browser->view(id_);
  return v && v->joined;
}

std::string view::describe() const {
  if (!s_) return "view (none)";
  std::string s = "view " + id_ + " at " + path();
  if (!s_->last_action.empty()) s += " (last action: " + s_->last_action + ")";
  return s;
}

namespace {
// view_element::describe() appended to `out`.
void append_description(std::string& out, const view_element& e) {
  out += "element(";
  out += sim::inspect_string(e.selector);
  if (!e.filter.empty()) {
    out += ", ";
    out += e.filter.describe();
  }
  out += ')';
}
}  // namespace

std::string view_element::describe() const {
  std::string s;
  append_description(s, *this);
  return s;
}

sim::browser& browser_of(const view& v) { return *v.session().browser; }

namespace {

using detail::session;

// LiveViewTest pings the view's process before it reads or acts on the view, so what the
// server sent meanwhile (handle_info diffs, broadcasts, pushes) is in the page first. Here:
// the server runs until idle and the tab takes in its frames; no time passes.
void take_in_pending(session& s) {
  if (!s.browser) return;
  s.browser->settle();
  s.collect();
}

dom::node& container_of(const view& v) {
  session& s = v.session();
  take_in_pending(s);
  auto info = s.browser->status_of_view(v.id());
  if (!info || !info->container) {
    std::string msg = v.describe() + " is no longer on the page";
    if (!s.redirects.empty()) msg += " (the page redirected to " + s.redirects.back().to + ")";
    throw testkit_error("view_gone", msg);
  }
  return *info->container;
}

dom::node& resolve(const view_element& e) {
  return sim::find_one(container_of(e.view), e.selector, e.filter);
}

redirect to_redirect(session& s, const detail::nav& n) {
  redirect r;
  r.what = n.what == detail::nav::kind::redirect ? redirect::kind::redirect : redirect::kind::live_redirect;
  r.to = n.to;
  r.flash_token = n.flash_token;
  if (n.flash_token) r.flash = s.server->verify_flash(*n.flash_token);
  return r;
}

// Runs one user action on the view's page and returns the view's HTML after it, or the
// redirect it caused. A redirect ends the tab (LiveViewTest's proxy stops), unless `keep_tab`
// (the caller navigates on purpose and takes the page it lands on). `resolved`: the caller
// has just looked the view up (container_of), so the page is settled already.
// What an action on an element is called in messages ("click on element(\"#b\")"), written
// into the session's last_action in place: its buffer is reused from one action to the next.
struct element_action {
  std::string_view kind;
  const view_element& e;
};

void describe_into(std::string& out, std::string what) { out = std::move(what); }
void describe_into(std::string& out, const element_action& a) {
  out.assign(a.kind);
  out += " on ";
  append_description(out, a.e);
}

template <class What, class Fn>
render_result perform(const view& v, What&& what, Fn&& act, bool keep_tab = false,
                      bool resolved = false) {
  session& s = v.session();
  if (!resolved) (void)container_of(v);
  s.collect();
  s.action_redirects.clear();
  s.crashed_topics.clear();
  describe_into(s.last_action, std::forward<What>(what));
  std::optional<redirect> link_to;
  {
    // Results are read for missing and skipped only: the effects' payloads move into the
    // pushes rather than being copied.
    struct keep_effects_guard {
      sim::browser& b;
      bool was;
      ~keep_effects_guard() { b.set_keep_effects(was); }
    } guard{*s.browser, s.browser->keeps_effects()};
    s.browser->set_keep_effects(false);
    act(*s.browser, link_to);
  }
  s.collect();
  if (!s.action_redirects.empty()) {
    redirect r = to_redirect(s, s.action_redirects.front());
    if (!keep_tab) s.stop();
    return r;
  }
  if (link_to) {
    if (!keep_tab) s.stop();
    return std::move(*link_to);
  }
  auto info = s.browser->status_of_view(v.id());
  if (info && !info->joined) {
    std::string msg = v.describe() + " crashed (the server sent phx_error); see the server log";
    if (!s.browser->errors().empty()) msg += "; client: " + s.browser->errors().back();
    throw testkit_error("view_crashed", msg);
  }
  return s.browser->view_html(v.id());
}

// Whether `el` is `root` or one of its descendants. Found by identity: `el` may point at a
// node a patch has freed, so it is never dereferenced.
bool holds_node(const dom::node& root, const dom::node* el) {
  std::vector<const dom::node*> todo{&root};
  while (!todo.empty()) {
    const dom::node* n = todo.back();
    todo.pop_back();
    if (n == el) return true;
    for (const auto& c : n->children()) todo.push_back(c.get());
  }
  return false;
}

bool is_scalar(const json& j) { return j.is_string() || j.is_number() || j.is_boolean(); }
std::string scalar_text(const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

// Extra values for element events, as phx-value-* attributes for the duration of the action
// (LiveViewTest merges them into the phx-value-* ones).
class extra_values {
 public:
  extra_values(dom::node& el, const json& value, dom::node& root) : el_(&el), root_(&root) {
    if (!value.is_object()) throw testkit_error("bad_value", "event values must be an object");
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it.key() == "key") continue;  // keyboard events: the key itself
      if (!is_scalar(it.value()))
        throw testkit_error("bad_value", "value " + it.key() + " must be a string, number or boolean");
      std::string name = "phx-value-" + it.key();
      const std::string* old = el.get_attribute(name);
      saved_.push_back({name, old ? std::optional<std::string>(*old) : std::nullopt,
                        scalar_text(it.value())});
      el.set_attribute(name, scalar_text(it.value()));
    }
  }
  ~extra_values() {
    if (saved_.empty() || !attached()) return;
    for (const auto& s : saved_) {
      const std::string* now = el_->get_attribute(s.name);
      if (!now || *now != s.set) continue;  // a patch rewrote it
      if (s.old) el_->set_attribute(s.name, *s.old);
      else el_->remove_attribute(s.name);
    }
  }
  extra_values(const extra_values&) = delete;
  extra_values& operator=(const extra_values&) = delete;

 private:
  struct saved {
    std::string name;
    std::optional<std::string> old;
    std::string set;
  };
  // Whether the element is still in the tree (patches may have replaced it).
  bool attached() const { return holds_node(*root_, el_); }
  dom::node* el_;
  dom::node* root_;
  std::vector<saved> saved_;
};

[[noreturn]] void throw_no_binding(const view_element& e, dom::node& node, std::string_view binding) {
  throw sim::usage_error(sim::usage_errc::no_binding,
                         "element selected by " + sim::inspect_string(e.selector) +
                             " does not have " + std::string(binding) + " attribute",
                         dom::serialize(node));
}

void check_result(const view_element& e, dom::node& node, const sim::dispatch_result& r,
                  std::string_view binding) {
  if (r.missing) throw_no_binding(e, node, r.missing->binding.empty() ? binding : r.missing->binding);
  if (r.skipped && *r.skipped == "not_in_form")
    throw sim::usage_error(sim::usage_errc::not_in_form,
                           "element selected by " + sim::inspect_string(e.selector) +
                               " is not inside a form",
                           dom::serialize(node));
}

json deep_merge(json base, const json& over) {
  if (!base.is_object() || !over.is_object()) return over.is_null() ? base : over;
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (base.contains(it.key())) base[it.key()] = deep_merge(base[it.key()], it.value());
    else base[it.key()] = it.value();
  }
  return base;
}

std::string absolute(const conn& c, std::string_view path) {
  if (path.find("://") != std::string_view::npos) return std::string(path);
  std::string base = c.server->base_url();
  if (!path.empty() && path.front() != '/') base += '/';
  return base + std::string(path);
}

element_action event_description(std::string_view kind, const view_element& e) {
  return {kind, e};
}

using act_fn = std::function<sim::dispatch_result(sim::browser&, dom::node&)>;

// An element event of the simple kinds: click, key, focus, blur.
// The href of an <a data-phx-link="redirect"> the client follows as a live redirect (one
// with phx-click pushes its event instead, as LiveViewTest does).
std::optional<std::string> live_redirect_link(const dom::node& n) {
  if (n.tag() != "a" || n.has_attribute("phx-click")) return std::nullopt;
  const std::string* type = n.get_attribute("data-phx-link");
  const std::string* href = n.get_attribute("href");
  if (!type || *type != "redirect" || !href) return std::nullopt;
  return *href;
}

render_result element_event(const view_element& e, const json& value, std::string_view kind,
                            std::string_view binding, const act_fn& fn) {
  dom::node& node = resolve(e);
  sim::check_enabled(node, kind, e.selector);
  return perform(e.view, event_description(kind, e), [&](sim::browser& b, std::optional<redirect>& link) {
    if (auto to = live_redirect_link(node); to && kind == "click") {
      // A live redirect link is the redirect itself, as in LiveViewTest: the target mounts
      // when the test follows it, not in this tab.
      link = redirect{redirect::kind::live_redirect, *to, json::object(), std::nullopt};
      return;
    }
    extra_values extra(node, value, b.document());
    auto r = fn(b, node);
    if (r.missing && r.missing->href && kind == "click") {
      // A plain link: the browser would load it. The href as written, as LiveViewTest has it.
      const std::string* href = node.get_attribute("href");
      link = redirect{redirect::kind::redirect, href ? *href : *r.missing->href, json::object(), std::nullopt};
      return;
    }
    check_result(e, node, r, binding);
  }, /*keep_tab=*/false, /*resolved=*/true);
}

// Events pushed to the view itself (LiveViewTest's render_*(view, event, value)), with the
// payload LiveViewTest sends: the function's type ("form" for change and submit, whose value
// goes urlencoded as Plug.Conn.Query.encode writes it), the event and the value.
render_result view_event(const view& v, std::string_view kind, std::string_view event, const json& value) {
  if (!value.is_object()) throw testkit_error("bad_value", "event values must be an object");
  json payload = json::object();
  if (kind == "change" || kind == "submit") {
    auto encoded = ref::encode_query(value);
    if (!encoded)
      throw testkit_error("bad_value", "form values cannot be urlencoded: " + encoded.error().message());
    payload = {{"type", "form"}, {"event", event}, {"value", *encoded}};
  } else {
    payload = {{"type", kind}, {"event", event}, {"value", value}};
  }
  dom::node& container = container_of(v);
  return perform(v, std::string(kind) + " " + sim::inspect_string(event) + " on the view",
                 [&](sim::browser& b, std::optional<redirect>&) {
                   b.push_view_event(container, std::move(payload));
                 });
}

}  // namespace

// -- mounting -----------------------------------------------------------------------------

namespace {

// live/2; `follow` (follow_redirect of a plain redirect) gives a page without a LiveView, or
// with another status than 200, as a value instead of an error.
live_result mount(const conn& c, std::string_view path, bool follow) {
  if (!c.server) throw testkit_error("unsupported", "live: the conn has no server");
  auto s = std::make_shared<session>(c);
  c.server->add_session(s);
  const std::string url = absolute(c, path);

  sim::http_request req{url, {}, {}};
  sim::http_response resp = s->pages.get(req);
  if (resp.status >= 300 && resp.status < 400 && resp.location) {
    // Redirected by the disconnected mount: nothing joins (LiveViewTest's error_redirect_conn).
    redirect r;
    const std::string* live_nav = resp.header(live_redirect_header);
    r.what = live_nav && *live_nav == "true" ? redirect::kind::live_redirect : redirect::kind::redirect;
    r.to = *resp.location;
    for (const auto& line : resp.set_cookie) {
      const std::string prefix = std::string(flash_cookie_name) + "=";
      if (line.rfind(prefix, 0) != 0) continue;
      std::string token = line.substr(prefix.size(), line.find(';') - prefix.size());
      if (token.empty()) continue;
      r.flash_token = token;
      r.flash = c.server->verify_flash(token);
    }
    return r;
  }
  if (resp.status != 200 && follow) return page{std::string(path), resp.status, std::move(resp.body)};
  if (resp.status != 200)
    throw testkit_error("http_status", "GET " + std::string(path) + " answered " + std::to_string(resp.status));
  std::optional<std::string> body;
  if (follow) body = resp.body;
  s->pages.prime(url, std::move(resp));
  s->last_action = "live " + std::string(path);
  s->browser->visit(url);
  s->collect();
  if (!s->action_redirects.empty()) {
    redirect r = to_redirect(*s, s->action_redirects.front());
    s->stop();
    return r;
  }
  auto main = s->browser->main_view();
  if (!main) {
    auto all = s->browser->views();
    if (all.empty() && follow) return page{std::string(path), 200, std::move(*body)};
    if (all.empty())
      throw testkit_error("not_live", "GET " + std::string(path) + " is not a LiveView page");
    main = all.front();
  }
  if (!main->joined) {
    std::string msg = "the LiveView at " + std::string(path) + " did not join";
    for (const auto& e : s->browser->errors()) msg += "; " + e;
    throw testkit_error("view_crashed", msg);
  }
  s->action_redirects.clear();
  view v(s, main->id);
  return live_result::ok_value{v, s->browser->view_html(main->id)};
}

}  // namespace

live_result live(const conn& c, std::string_view path) { return mount(c, path, false); }

live_result live_isolated(const conn& c, std::string_view view_name, const json& session) {
  auto path = c.server ? c.server->isolated_path(view_name, session) : std::nullopt;
  if (!path) throw testkit_error("unsupported", "live_isolated: this server cannot mount views outside its router");
  return live(c, *path);
}

// -- reading ------------------------------------------------------------------------------

std::string render(const view& v) {
  (void)container_of(v);
  return v.session().browser->view_html(v.id());
}

std::string render(const view_element& e) { return dom::serialize(resolve(e)); }

view_element element(const view& v, std::string selector, text_filter filter) {
  return testkit::view_element{v, std::move(selector), std::move(filter), std::nullopt, std::nullopt};
}

view_element put_submitter(view_element form, std::string selector) {
  form.submitter = std::move(selector);
  return form;
}

view_element form(const view& v, std::string selector, json data) {
  return testkit::view_element{v, std::move(selector), {}, std::move(data), std::nullopt};
}

bool has_element(const view& v, std::string_view selector, const text_filter& filter) {
  return sim::has_element(container_of(v), selector, filter);
}

bool has_element(const view_element& e) { return has_element(e.view, e.selector, e.filter); }

std::optional<std::string> page_title(const view& v) {
  take_in_pending(v.session());
  std::string t = v.session().browser->title();
  if (t.empty()) return std::nullopt;
  return t;
}

std::vector<view> live_children(const view& parent) {
  take_in_pending(parent.session());
  std::vector<view> out;
  for (const auto& info : parent.session().browser->views())
    if (info.parent_id && *info.parent_id == parent.id()) out.emplace_back(parent.session_ptr(), info.id);
  return out;
}

std::optional<view> find_live_child(const view& parent, std::string_view child_id) {
  for (auto& c : live_children(parent))
    if (c.id() == child_id) return c;
  return std::nullopt;
}

// -- events -------------------------------------------------------------------------------

render_result render_click(const view_element& e, const json& value) {
  return element_event(e, value, "click", "phx-click",
                       [](sim::browser& b, dom::node& n) { return b.click(n); });
}

render_result render_click(const view& v, std::string_view event, const json& value) {
  return view_event(v, "click", event, value);
}

namespace {

// Each leaf of `values` (a scalar, a list or null) with the path of keys leading to it.
void for_each_leaf(const json& values, std::vector<std::string>& path,
                   const std::function<void(const std::vector<std::string>&, const json&)>& fn) {
  if (values.is_object() && !values.empty()) {
    for (auto it = values.begin(); it != values.end(); ++it) {
      path.push_back(it.key());
      for_each_leaf(it.value(), path, fn);
      path.pop_back();
    }
    return;
  }
  if (!path.empty()) fn(path, values);
}

json nest(const std::vector<std::string>& path, json leaf) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) leaf = json{{*it, std::move(leaf)}};
  return leaf;
}

// The (name, value) pairs Plug would write for `values`.
std::vector<std::pair<std::string, std::string>> plug_pairs(const json& values) {
  auto encoded = ref::encode_query(values);
  if (!encoded) throw testkit_error("bad_value", "form values cannot be urlencoded: " + encoded.error().message());
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view q = *encoded;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    auto eq = pair.find('=');
    auto name = ref::decode_www_form(pair.substr(0, eq));
    auto val = ref::decode_www_form(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (name && val) out.emplace_back(std::move(*name), std::move(*val));
  }
  return out;
}

constexpr std::string_view extra_marker = "data-lvh-extra";

// The values render_change/render_submit take besides form/3's data, which LiveViewTest
// merges into the event as they are. Those a user could fill in are filled in; the others
// (hidden inputs, names the form lacks, values no field of that name offers) become hidden
// inputs at the end of the form for the duration of the action, so they come last in the
// payload and win as Plug decodes it. Removed afterwards unless a patch took them over; kept
// alive by the session, since the browser may still hold their address.
class extra_fields {
 public:
  /// `held_back_may_linger`: a change, whose event the client may hold back (phx-debounce);
  /// then the fields stay until it goes out.
  extra_fields(sim::browser& b, dom::node& form, const json& value, session& s, bool held_back_may_linger = false)
      : s_(s), may_linger_(held_back_may_linger), sent_before_(s.form_events_sent) {
    std::vector<std::string> path;
    std::vector<json> leftovers;
    for_each_leaf(value, path, [&](const std::vector<std::string>& p, const json& leaf) {
      json one = nest(p, leaf);
      try {
        b.fill_form(form, one);
      } catch (const sim::usage_error&) {
        leftovers.push_back(std::move(one));
      }
    });
    for (const auto& one : leftovers) {
      for (auto& [name, val] : plug_pairs(one)) {
        auto input = dom::node::make_element("input");
        input->set_attribute("type", "hidden");
        input->set_attribute("name", name);
        input->set_attribute("value", val);
        input->set_attribute(std::string(extra_marker), "");
        added_.push_back({&form.append_child(std::move(input)), name, val});
      }
    }
  }
  ~extra_fields() {
    if (may_linger_ && !added_.empty() && s_.form_events_sent == sent_before_) {
      s_.lingering_extras.insert(s_.lingering_extras.end(), added_.begin(), added_.end());
      s_.lingering_since = s_.form_events_sent;
      return;
    }
    s_.remove_extras(added_);
  }
  extra_fields(const extra_fields&) = delete;
  extra_fields& operator=(const extra_fields&) = delete;

 private:
  session& s_;
  bool may_linger_;
  std::uint64_t sent_before_;
  std::vector<detail::extra_field> added_;
};


// _target as LiveViewTest takes it in the values: ["user", "name"] (as Plug decodes the
// client's `_target=user[name]`) or the field name itself.
std::optional<std::string> target_name(const json& t) {
  if (t.is_string()) return t.get<std::string>();
  if (!t.is_array() || t.empty()) return std::nullopt;
  std::string name;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!t[i].is_string()) return std::nullopt;
    name += i == 0 ? t[i].get<std::string>() : "[" + t[i].get<std::string>() + "]";
  }
  return name;
}

bool names_field(const std::string& field, const std::string& name) {
  return field == name || field == name + "[]";
}

// The field the input event fires on: the one _target names, else the first field the data
// names (keys in JSON order), as a user types into it, else the form's first named field. A
// _target that names no field is sent as given (LiveViewTest sends any): `report` says so.
dom::node* change_target(dom::node& form, const std::optional<std::string>& target, const json& data,
                         std::optional<std::string>& report) {
  std::vector<dom::node*> fields;
  for (const dom::node* c : sim::form_controls(form))
    if (c->has_attribute("name") && !c->has_attribute(std::string(extra_marker)))
      fields.push_back(const_cast<dom::node*>(c));
  if (target) {
    for (dom::node* f : fields)
      if (names_field(*f->get_attribute("name"), *target)) return f;
    report = target;
  }
  std::optional<std::string> first;
  std::vector<std::string> path;
  for_each_leaf(data, path, [&](const std::vector<std::string>& p, const json&) {
    if (!first) first = target_name(json(p));
  });
  if (first) {
    for (dom::node* f : fields)
      if (names_field(*f->get_attribute("name"), *first)) return f;
    for (dom::node* f : fields)
      if (f->get_attribute("name")->rfind(*first + "[", 0) == 0) return f;
  }
  return fields.empty() ? nullptr : fields.front();
}

json without_target(json j, std::optional<std::string>& target) {
  if (!j.is_object()) throw testkit_error("bad_value", "form values must be an object");
  if (auto it = j.find("_target"); it != j.end()) {
    target = target_name(*it);
    if (!target) throw testkit_error("bad_value", "_target must be a field name or a list of keys");
    j.erase(it);
  }
  return j;
}

}  // namespace

void detail::session::remove_extras(std::vector<extra_field>& extras) {
  for (const auto& a : extras) {
    if (!browser || !holds_node(browser->document(), a.el)) continue;  // a patch removed it (and destroyed it)
    const std::string* name = a.el->get_attribute("name");
    const std::string* val = a.el->get_attribute("value");
    if (!a.el->has_attribute(std::string(extra_marker)) || !name || *name != a.name || !val || *val != a.value)
      continue;  // a patch made it one of the server's elements
    removed_nodes.push_back(a.el->parent()->remove_child(a.el->index_in_parent()));
  }
  extras.clear();
}

render_result render_change(const view_element& e, const json& value) {
  dom::node& node = resolve(e);
  sim::check_enabled(node, "change", e.selector);
  if (node.tag() != "form") {
    json data = deep_merge(e.form_data.value_or(json::object()), value);
    return perform(e.view, event_description("change", e), [&](sim::browser& b, std::optional<redirect>&) {
      sim::dispatch_result r = data.is_object() && data.contains("value") && is_scalar(data["value"])
                                   ? b.change(node, scalar_text(data["value"]))
                                   : b.change(node);
      if (r.missing && node.has_attribute("phx-change") && !sim::form_owner(node))
        r.skipped = "not_in_form";  // bound, but the client only listens within forms
      if (r.skipped && *r.skipped == "not_in_form") r.missing.reset();
      check_result(e, node, r, "phx-change");
    });
  }
  std::optional<std::string> target;
  json form_data = without_target(e.form_data.value_or(json::object()), target);
  json extra = without_target(value, target);
  session& s = e.view.session();
  // form/3's data must name fields a user can fill, as LiveViewTest's fill_in checks.
  s.browser->fill_form(node, form_data);
  std::optional<std::string> report;
  dom::node* field = change_target(node, target, deep_merge(form_data, extra), report);
  return perform(e.view, event_description("change", e), [&](sim::browser& b, std::optional<redirect>&) {
    extra_fields extras(b, node, extra, s, /*held_back_may_linger=*/true);
    // One input event, on the target field: its name is the event's _target.
    sim::dispatch_result r = field ? b.change(*field, std::nullopt, report) : b.change(node);
    check_result(e, node, r, "phx-change");
  });
}

render_result render_change(const view& v, std::string_view event, const json& value) {
  return view_event(v, "change", event, value);
}

render_result render_submit(const view_element& e, const json& value) {
  dom::node& node = resolve(e);
  if (node.tag() != "form")
    throw sim::usage_error(sim::usage_errc::not_a_form,
                           "phx-submit is only allowed in forms, got " + sim::inspect_string(node.tag()),
                           dom::serialize(node));
  if (!value.is_object()) throw testkit_error("bad_value", "form values must be an object");
  const dom::node* submitter = e.submitter ? &sim::find_submitter(node, *e.submitter) : nullptr;
  session& s = e.view.session();
  s.browser->fill_form(node, e.form_data.value_or(json::object()));
  return perform(e.view, event_description("submit", e), [&](sim::browser& b, std::optional<redirect>&) {
    extra_fields extras(b, node, value, s);
    // The submit alone: filling in fired nothing, as LiveViewTest sends one event.
    auto r = b.submit(node, submitter);
    check_result(e, node, r, "phx-submit");
  });
}

render_result render_submit(const view& v, std::string_view event, const json& value) {
  return view_event(v, "submit", event, value);
}

namespace {
std::string key_of(const json& value) {
  if (value.is_object() && value.contains("key") && value["key"].is_string()) return value["key"];
  return std::string();
}
}  // namespace

render_result render_keydown(const view_element& e, const json& value) {
  std::string key = key_of(value);
  return element_event(e, value, "keydown", "phx-keydown",
                       [key](sim::browser& b, dom::node& n) { return b.keydown(n, key); });
}
render_result render_keydown(const view_element& e, std::string key) {
  return render_keydown(e, json{{"key", std::move(key)}});
}
render_result render_keydown(const view& v, std::string_view event, const json& value) {
  return view_event(v, "keydown", event, value);
}
render_result render_keyup(const view_element& e, const json& value) {
  std::string key = key_of(value);
  return element_event(e, value, "keyup", "phx-keyup",
                       [key](sim::browser& b, dom::node& n) { return b.keyup(n, key); });
}
render_result render_keyup(const view_element& e, std::string key) {
  return render_keyup(e, json{{"key", std::move(key)}});
}
render_result render_keyup(const view& v, std::string_view event, const json& value) {
  return view_event(v, "keyup", event, value);
}
render_result render_focus(const view_element& e, const json& value) {
  return element_event(e, value, "focus", "phx-focus",
                       [](sim::browser& b, dom::node& n) { return b.focus(n); });
}
render_result render_focus(const view& v, std::string_view event, const json& value) {
  return view_event(v, "focus", event, value);
}
render_result render_blur(const view_element& e, const json& value) {
  return element_event(e, value, "blur", "phx-blur",
                       [](sim::browser& b, dom::node& n) { return b.blur(n); });
}
render_result render_blur(const view& v, std::string_view event, const json& value) {
  return view_event(v, "blur", event, value);
}

render_result render_hook(const view& v, std::string_view event, const json& value) {
  return view_event(v, "hook", event, value);
}

render_result render_hook(const view_element& e, std::string_view event, const json& value) {
  dom::node& node = resolve(e);
  if (!node.has_attribute("phx-hook"))
    throw sim::usage_error(sim::usage_errc::no_hook,
                           "element selected by " + sim::inspect_string(e.selector) +
                               " does not have phx-hook attribute",
                           dom::serialize(node));
  return perform(e.view, "hook " + sim::inspect_string(event) + " on " + e.describe(),
                 [&](sim::browser& b, std::optional<redirect>&) {
                   if (const std::string* target = node.get_attribute("phx-target"))
                     b.hook_push_to(node, *target, std::string(event), value);
                   else
                     b.hook_push(node, std::string(event), value);
                 });
}

render_result render_patch(const view& v, std::string_view path) {
  return perform(v, "patch to " + std::string(path), [&](sim::browser& b, std::optional<redirect>&) {
    b.live_patch(absolute(v.session().c, path));
  });
}

// -- navigation ---------------------------------------------------------------------------

namespace {

bool same_path(std::string_view a, std::string_view b) { return detail::path_of(a) == detail::path_of(b); }

std::string kind_name(detail::nav::kind k) {
  switch (k) {
    case detail::nav::kind::patch: return "patch";
    case detail::nav::kind::live_redirect: return "live_redirect";
    case detail::nav::kind::redirect: return "redirect";
  }
  return "?";
}

// LiveViewTest's assert_navigation: the first queued navigation (to `to` when given) is
// consumed; without one, the message names the last one seen.
detail::nav take_nav(const view& v, std::deque<detail::nav>& q, std::string_view kind,
                     std::optional<std::string_view> to) {
  auto it = std::find_if(q.begin(), q.end(), [&](const detail::nav& n) { return !to || same_path(n.to, *to); });
  if (it != q.end()) {
    detail::nav n = *it;
    q.erase(it);
    return n;
  }
  std::string msg = "expected " + v.describe() + " to " + std::string(kind);
  if (to) msg += " to " + sim::inspect_string(*to);
  if (q.empty()) msg += ", but got none";
  else msg += ", but got a " + kind_name(q.back().what) + " to " + sim::inspect_string(detail::path_of(q.back().to));
  throw assertion_error(msg);
}

}  // namespace

std::string assert_patch(const view& v, std::optional<std::string_view> to) {
  auto& s = v.session();
  take_in_pending(s);
  return detail::path_of(take_nav(v, s.patches, "patch", to).to);
}

void assert_patched(const view& v, std::string_view to) { (void)assert_patch(v, to); }

void refute_patched(const view& v, std::optional<std::string_view> to) {
  auto& s = v.session();
  take_in_pending(s);
  for (const auto& n : s.patches) {
    if (to && !same_path(n.to, *to)) continue;
    std::string msg = "expected " + v.describe() + " not to patch";
    if (to) msg += " to " + sim::inspect_string(*to);
    throw assertion_error(msg + ", but got a patch to " + sim::inspect_string(detail::path_of(n.to)));
  }
}

std::pair<std::string, json> assert_redirect(const view& v, std::optional<std::string_view> to) {
  auto& s = v.session();
  take_in_pending(s);
  detail::nav n = take_nav(v, s.redirects, "redirect", to);
  json flash = n.flash_token ? s.server->verify_flash(*n.flash_token) : json::object();
  return {detail::path_of(n.to), flash};
}

json assert_redirected(const view& v, std::string_view to) { return assert_redirect(v, to).second; }

void refute_redirected(const view& v, std::string_view to) {
  auto& s = v.session();
  take_in_pending(s);
  for (const auto& n : s.redirects)
    if (same_path(n.to, to))
      throw assertion_error("expected " + v.describe() + " not to redirect to " + sim::inspect_string(to) +
                            ", but got a " + kind_name(n.what) + " to " + sim::inspect_string(detail::path_of(n.to)));
}

live_result follow_redirect(const redirect& r, const conn& c, std::optional<std::string_view> to) {
  if (to && !same_path(*to, r.to))
    throw testkit_error("redirect_mismatch", "expected LiveView to redirect to " + sim::inspect_string(*to) +
                                                 ", but got " + sim::inspect_string(r.to));
  // As LiveViewTest: a new GET of the target with the redirect's flash, in a new tab (the
  // redirected one has stopped).
  conn next = c;
  if (r.flash_token) next.cookies[std::string(flash_cookie_name)] = *r.flash_token;
  return mount(next, r.to, r.what == redirect::kind::redirect);
}

live_result follow_redirect(const render_result& r, const conn& c, std::optional<std::string_view> to) {
  if (!r.is_redirect()) throw testkit_error("not_redirected", "LiveView did not redirect");
  return follow_redirect(r.redirect_value(), c, to);
}

live_result follow_redirect(const live_result& r, const conn& c, std::optional<std::string_view> to) {
  if (!r.is_redirect()) throw testkit_error("not_redirected", "LiveView did not redirect");
  return follow_redirect(r.redirect_value(), c, to);
}

live_result live_redirect(const view& v, std::string_view path) {
  auto& s = v.session();
  auto result = perform(
      v, "live_redirect to " + std::string(path),
      [&](sim::browser& b, std::optional<redirect>&) { b.live_redirect(absolute(s.c, path)); }, true);
  if (!result.is_redirect()) throw testkit_error("view_gone", "live_redirect to " + std::string(path) + " did not navigate");
  const redirect& r = result.redirect_value();
  // The user's own navigation is not a redirect to report unless the server redirected on.
  if (!s.pages.blocked() && same_path(r.to, path)) {
    for (auto it = s.redirects.begin(); it != s.redirects.end(); ++it)
      if (same_path(it->to, path)) {
        s.redirects.erase(it);
        break;
      }
    auto main = s.browser->main_view();
    if (main && main->joined && same_path(s.browser->url(), path))
      return live_result::ok_value{view(v.session_ptr(), main->id), s.browser->view_html(main->id)};
  }
  s.stop();
  return r;
}

// -- pushes and replies -------------------------------------------------------------------

bool json_matches(const json& pattern, const json& actual) {
  if (pattern.is_null()) return true;
  if (pattern.is_object()) {
    if (!actual.is_object()) return false;
    for (auto it = pattern.begin(); it != pattern.end(); ++it) {
      auto a = actual.find(it.key());
      if (a == actual.end() || !json_matches(it.value(), *a)) return false;
    }
    return true;
  }
  if (pattern.is_array()) {
    if (!actual.is_array() || actual.size() != pattern.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i)
      if (!json_matches(pattern[i], actual[i])) return false;
    return true;
  }
  return pattern == actual;
}

json assert_push_event(const view& v, std::string_view event, const json& payload) {
  auto& s = v.session();
  take_in_pending(s);
  for (auto it = s.pushes.begin(); it != s.pushes.end(); ++it) {
    if (it->view_id != v.id() || it->event != event || !json_matches(payload, it->payload)) continue;
    json p = it->payload;
    s.pushes.erase(it);
    return p;
  }
  std::string msg = "expected " + v.describe() + " to push event " + sim::inspect_string(event);
  if (!payload.is_null()) msg += " matching " + payload.dump();
  std::string seen;
  for (const auto& p : s.pushes)
    if (p.view_id == v.id()) seen += "\n  " + sim::inspect_string(p.event) + " " + p.payload.dump();
  throw assertion_error(msg + (seen.empty() ? ", but none was pushed" : ", pushed events:" + seen));
}

json assert_reply(const view& v, const json& payload) {
  auto& s = v.session();
  take_in_pending(s);
  for (auto it = s.replies.begin(); it != s.replies.end(); ++it) {
    if (it->view_id != v.id() || !json_matches(payload, it->reply)) continue;
    json r = it->reply;
    s.replies.erase(it);
    return r;
  }
  std::string msg = "expected " + v.describe() + " to reply";
  if (!payload.is_null()) msg += " matching " + payload.dump();
  std::string seen;
  for (const auto& r : s.replies)
    if (r.view_id == v.id()) seen += "\n  " + r.reply.dump() + " (to " + sim::inspect_string(r.event) + ")";
  throw assertion_error(msg + (seen.empty() ? ", but no reply came" : ", replies:" + seen));
}

// -- time -----------------------------------------------------------------------------------

namespace {

void advance_server(connection_factory& server, std::chrono::milliseconds d) {
  if (d.count() < 0) throw testkit_error("bad_value", "advance: negative duration");
  auto sessions = server.sessions();
  std::chrono::milliseconds target = server.now();
  for (auto& s : sessions) target = std::max(target, s->client_time());
  target += d;
  // Each tab's clock runs up to the same instant; the server's clock follows them (and runs
  // alone to the end when no tab is open).
  for (auto& s : sessions) {
    auto behind = target - s->client_time();
    if (behind.count() > 0) s->browser->advance(behind.count());
  }
  server.advance_to(target);
  for (auto& s : sessions) {
    s->browser->settle();
    s->collect();
    if (s->pages.blocked()) s->stop();  // a timer redirected it
  }
}

}  // namespace

void advance_time(const view& v, std::chrono::milliseconds d) { advance_server(*v.session().server, d); }

void advance_time(const conn& c, std::chrono::milliseconds d) {
  if (!c.server) throw testkit_error("unsupported", "advance: the conn has no server");
  advance_server(*c.server, d);
}

// -- tools ----------------------------------------------------------------------------------

namespace {

std::string write_temp_html(const std::string& html) {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  auto name = "lvh-open-browser-" + std::to_string(rd()) + "-" + std::to_string(++counter) + ".html";
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream out(path, std::ios::binary);
  out << html;
  if (!out) throw testkit_error("unsupported", "open_browser: cannot write " + path.string());
  return path.string();
}

std::string page_around(sim::browser& b, const std::string& content) {
  std::string head = "<head></head>";
  std::vector<const dom::node*> todo{&b.document()};
  while (!todo.empty()) {
    const dom::node* n = todo.back();
    todo.pop_back();
    if (n->is_element() && n->tag() == "head") {
      head = dom::serialize(*n);
      break;
    }
    for (const auto& c : n->children()) todo.push_back(c.get());
  }
  return "<!DOCTYPE html>\n<html>" + head + "<body>" + content + "</body></html>\n";
}

std::string open_html(const std::string& html, const std::function<void(const std::string&)>& open) {
  std::string path = write_temp_html(html);
  std::cout << "open_browser: " << path << std::endl;
  if (open) open(path);
  return path;
}

}  // namespace

std::string open_browser(const view& v, std::function<void(const std::string&)> open) {
  auto& b = *v.session().browser;
  dom::node& container = container_of(v);
  std::string html = container.has_attribute("data-phx-main") ? b.html()
                                                              : page_around(b, dom::serialize(container));
  return open_html(html, open);
}

std::string open_browser(const view_element& e, std::function<void(const std::string&)> open) {
  return open_html(page_around(*e.view.session().browser, render(e)), open);
}

std::string render_component(const conn& c, std::string_view component, const json& assigns) {
  auto html = c.server ? c.server->render_component(component, assigns) : std::nullopt;
  if (!html) throw testkit_error("unsupported", "render_component: this server cannot render components alone");
  return *html;
}

}  // namespace lvh::testkit
