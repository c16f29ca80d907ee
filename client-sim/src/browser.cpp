#include <lvh/sim/browser.hpp>

#include <lvh/dom/html.hpp>
#include <lvh/protocol/messages.hpp>
#include <lvh/protocol/rendered.hpp>
#include <lvh/sim/forms.hpp>
#include <lvh/sim/loading.hpp>
#include <lvh/sim/patch.hpp>

#include "class_list.hpp"
#include "recovery.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace lvh::sim {
namespace {

using protocol::client_profile;
// Literals compared as "x"sv in hot paths: libstdc++ 12 compares a std::string with a char
// pointer through strlen and compare, with a string_view by size first.
using namespace std::string_view_literals;
constexpr std::int64_t push_timeout_ms = 30000;  // the LiveView client's PUSH_TIMEOUT

template <class Fn>
void for_each_element(const dom::node& root, Fn fn) {
  std::vector<dom::node*> todo;
  todo.reserve(32);  // a page's worth of pending siblings without regrowth
  for (std::size_t i = root.child_count(); i-- > 0;) todo.push_back(&root.child(i));
  while (!todo.empty()) {
    dom::node* n = todo.back();
    todo.pop_back();
    if (!n->is_element()) continue;
    if (!fn(*n)) continue;  // false: do not descend
    for (std::size_t i = n->child_count(); i-- > 0;) todo.push_back(&n->child(i));
  }
}

std::string attr(const dom::node& el, std::string_view name) {
  const std::string* v = el.get_attribute(name);
  return v ? *v : std::string();
}

bool is_root_container(client_profile p, const dom::node& el) {
  if (el.has_attribute("data-phx-parent-id")) return false;
  if (p == client_profile::v0_15) return el.has_attribute("data-phx-view");
  return el.has_attribute("data-phx-session");
}

bool is_main(client_profile p, const dom::node& el) {
  const std::string* m = el.get_attribute("data-phx-main");
  if (!m) return false;
  // Up to 0.18 the client tests the attribute's value for truth (§9.2.2).
  return p >= client_profile::v0_20 || !m->empty();
}

/// encodeURIComponent.
std::string encode_component(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' ||
        c == '(' || c == ')') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// phoenix.js serialize(): nested objects as a[b]=c, arrays as a[]=…
void serialize_params(const nlohmann::json& j, const std::string& prefix, std::string& out) {
  auto add = [&](const std::string& key, const std::string& value) {
    if (!out.empty()) out += '&';
    out += encode_component(key);
    out += '=';
    out += encode_component(value);
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string key = prefix.empty() ? it.key() : prefix + "[" + it.key() + "]";
    const auto& v = it.value();
    if (v.is_object()) {
      serialize_params(v, key, out);
    } else if (v.is_array()) {
      for (const auto& e : v) add(key + "[]", e.is_string() ? e.get<std::string>() : e.dump());
    } else if (v.is_string()) {
      add(key, v.get<std::string>());
    } else if (v.is_null()) {
      add(key, "null");
    } else {
      add(key, v.dump());
    }
  }
}

/// "http://host:4000/a?b#c" → {"http:", "host:4000"}.
std::pair<std::string, std::string> scheme_host(std::string_view url) {
  auto p = url.find("://");
  if (p == std::string_view::npos) return {"http:", "localhost"};
  auto rest = url.substr(p + 3);
  auto slash = rest.find_first_of("/?#");
  return {std::string(url.substr(0, p + 1)), std::string(rest.substr(0, slash))};
}

bool attached_to(const dom::node* n, const dom::node* root) {
  while (n) {
    if (n == root) return true;
    n = n->parent();
  }
  return false;
}

std::optional<std::string> string_member(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

protocol::navigation kind_of(const nlohmann::json& j) {
  auto k = string_member(j, "kind");
  return k && *k == "replace" ? protocol::navigation::replace : protocol::navigation::push;
}

/// ≤0.20 phx-feedback-for: the controls the client counts as used (patch_options::used).
std::function<bool(const dom::node&)> used_controls(client_profile p,
                                                    const interaction_state& s) {
  if (p > client_profile::v0_20) return nullptr;
  return [p, &s](const dom::node& control) {
    if (s.focused(control)) return true;
    if (p == client_profile::v0_20) return s.submitted(control);
    const dom::node* form = form_owner(control);
    return form != nullptr && s.submitted(*form);
  };
}

int component_id(const dom::node& el) {
  const std::string* c = el.get_attribute("data-phx-component");
  if (!c || c->empty()) return -1;
  int cid = 0;
  for (char ch : *c) {
    if (ch < '0' || ch > '9' || cid > 100000000) return -1;
    cid = cid * 10 + (ch - '0');
  }
  return cid;
}

/// The patch's destroyed cids in the order the client collects them: per discarded
/// element, its component descendants in tree order, then the element itself
/// (afterElementsRemoved); 0.15.7 takes each discarded element as it goes.
std::vector<int> destroyed_cid_order(client_profile p, const patch_report& report) {
  std::vector<int> out;
  auto take = [&](const dom::node& el) {
    int cid = component_id(el);
    if (cid < 0 || std::find(out.begin(), out.end(), cid) != out.end()) return;
    if (std::find(report.removed_cids.begin(), report.removed_cids.end(), cid) ==
        report.removed_cids.end())
      return;
    out.push_back(cid);
  };
  for (const dom::node* n : report.removed) {
    if (!n || !n->is_element()) continue;
    if (p != client_profile::v0_15) {
      for_each_element(*n, [&](dom::node& el) {
        take(el);
        return true;
      });
    }
    take(*n);
  }
  for (int cid : report.removed_cids)
    if (std::find(out.begin(), out.end(), cid) == out.end()) out.push_back(cid);
  return out;
}

}  // namespace

/// A join's render waiting to be patched in (View.onJoin → onJoinComplete).
struct browser::join_render {
  std::string html;
  std::vector<nlohmann::json> streams;
  nlohmann::json events;
  std::optional<protocol::live_patch_to> live_patch;
};

struct browser::view_state {
  view_state(client_profile p, std::string view_id)
      : id(view_id), dom(p, view_id), loading(p, view_id) {}

  std::string id;
  dom::node* el = nullptr;
  std::unique_ptr<dom::node> detached;  // a live redirect's container until it is swapped in
  channel* ch = nullptr;
  std::string parent_id;  // empty for root views
  view_dom dom;
  loading_state loading;
  bool join_pending = true;
  bool destroyed = false;
  bool joined = false;
  bool redirect = false;
  int join_count = 0;
  int join_attempts = 0;
  std::optional<std::string> href;
  std::optional<nlohmann::json> flash;  // absent, null or a token
  std::optional<std::string> live_referer;
  std::string static_token;
  std::vector<std::pair<nlohmann::json, std::optional<std::string>>> pending;  // queued diffs
  std::function<void()> on_joined;
  std::uint64_t created = 0;  // creation order (the client keeps its views in it)
  // A view whose join was refused with a redirect left its channel but is still one of
  // the client's views (a root, or its parent's child): destroying it later (0.20+'s unload
  // before a hard redirect, a live redirect's replaceMain) leaves again (topic, join_ref).
  std::optional<std::pair<std::string, std::string>> leave_again;
  // Form recovery on rejoin: the join whose render waits for it (a new join or an error
  // makes the waiting callbacks stale), the ids of forms being recovered (1.x pendingForms)
  // and, on a 1.x root, the copies of its forms taken when it last rejoined.
  std::uint64_t join_epoch = 0;
  bool rendering_join = false;  // a join reply came, its render is not patched in yet
  std::set<std::string> pending_forms;
  std::shared_ptr<detail::form_copies> form_copies;
  // The first join waits for the nested views its render holds (View.onJoinComplete): a
  // child made then has its container in the parsed render (`fragment`) until its own
  // render is patched in; `child_joins` counts the children not joined yet, and the root
  // keeps every waiting render (pendingJoinOps) to patch them in, its own first.
  std::shared_ptr<dom::node> fragment;
  int child_joins = 0;
  std::vector<std::pair<std::shared_ptr<view_state>, join_render>> pending_join_ops;
  // showLoader(loaderTimeout) of a new view: the loading class after 1 ms, unless the join
  // is patched in (hideLoader) or an error shows first.
  virtual_clock::timer_id loader_timer = 0;
};

struct browser::internals {
  internals(client_profile p, virtual_clock& c, timing_defaults d) : limiter(p, c, d) {}
  form_state forms;
  interaction_state interactions;
  rate_limiter limiter;
  std::vector<std::unique_ptr<dom::node>> graveyard;  // removed trees a deferred call may name
  // Containers of nested views destroyed while still in the DOM (patch_options::destroyed).
  std::unordered_set<const dom::node*> destroyed_children;
  // Calls the client holds back (debounce, throttle, blur) that may still run: counted from
  // when they are scheduled until they run or are dropped (a later input restarts a debounce
  // with a new trigger). Shared with the calls, which may outlive these internals.
  std::shared_ptr<int> deferred = std::make_shared<int>(0);
  std::uint64_t views_created = 0;
  std::uint64_t page = 0;
  binding_context action_context;  // act's, reused
};

// ---------------------------------------------------------------------------------------

browser::browser(transport& t, page_source& pages, browser_options opts)
    : transport_(t),
      pages_(pages),
      opts_(std::move(opts)),
      document_(dom::node::make_document()),
      in_(std::make_unique<internals>(opts_.profile, clock_, opts_.timing)) {}

browser::~browser() {
  *alive_ = false;
  teardown_page();
}

dom::node& browser::document() { return *document_; }

std::string browser::html() const { return dom::serialize_children(*document_); }

std::string browser::title() const {
  dom::node* t = nullptr;
  for_each_element(*document_, [&](dom::node& el) {
    if (!t && el.tag() == "title") t = &el;
    return !t;
  });
  return t ? t->text_content() : std::string();
}

void browser::apply_title(const std::optional<std::string>& str, bool mount, bool main) {
  // Which titles a client puts (DOM.putTitle and its callers): up to 0.20 a non-empty `t`;
  // 1.0 any `t`, and on every join; 1.2 any `t`, and on the main view's join. From 1.0 an
  // empty title shows the <title>'s data-default, or leaves the title alone without one.
  const client_profile p = opts_.profile;
  if (p <= client_profile::v0_20) {
    if (!str || str->empty()) return;
  } else if (!str && !(mount && (p == client_profile::v1_0 || main))) {
    return;
  }
  dom::node* t = nullptr;
  for_each_element(*document_, [&](dom::node& el) {
    if (!t && el.tag() == "title") t = &el;
    return !t;
  });
  std::string inner = str.value_or(std::string());
  if (t && p >= client_profile::v1_0) {
    bool blank = std::all_of(inner.begin(), inner.end(), [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    });
    if (!str || blank) {
      const std::string* fallback = t->get_attribute("data-default");
      if (!fallback) return;
      inner = *fallback;
    }
  }
  // Up to 0.18 the client reads the <title>'s dataset unchecked and throws without one.
  if (!t && p <= client_profile::v0_18) return;
  std::string text = t ? attr(*t, "data-prefix") : std::string();
  text += inner;
  if (t) text += attr(*t, "data-suffix");
  if (!t) {
    // document.title on a page without <title> creates one in <head>.
    dom::node* head = nullptr;
    for_each_element(*document_, [&](dom::node& el) {
      if (!head && el.tag() == "head") head = &el;
      return !head;
    });
    if (!head) return;
    t = &head->append_child(dom::node::make_element("title"));
  }
  t->clear_children();
  t->append_child(dom::node::make_text(std::move(text)));
}

dom::node* browser::find_by_id(std::string_view id) const {
  dom::node* found = nullptr;
  for_each_element(*document_, [&](dom::node& el) {
    if (found) return false;
    const std::string* v = el.get_attribute("id");
    if (v && *v == id) found = &el;
    return !found;
  });
  return found;
}

browser::view_state* browser::view_by_id(std::string_view id) const {
  auto it = views_.find(id);
  return it == views_.end() ? nullptr : it->second.get();
}

browser::view_state* browser::view_by_container(const dom::node* el) {
  if (!el) return nullptr;
  for (auto& [id, v] : views_)
    if (v->el == el && !v->destroyed) return v.get();
  return nullptr;
}

std::string browser::view_html(std::string_view view_id) const {
  view_state* v = view_by_id(view_id);
  return v && v->el ? dom::serialize_children(*v->el) : std::string();
}

namespace {

view_info info_of(const browser::view_state& v, const std::string& main_id) {
  view_info i;
  i.id = v.id;
  i.topic = "lv:" + v.id;
  if (!v.parent_id.empty()) i.parent_id = v.parent_id;
  i.main = v.id == main_id && v.parent_id.empty();
  i.joined = v.joined;
  i.join_count = v.join_count;
  i.container = v.el;
  return i;
}

}  // namespace

std::vector<view_info> browser::views() const {
  std::vector<view_info> out;
  for (const auto& [id, v] : views_)
    if (!v->destroyed) out.push_back(info_of(*v, main_id_));
  return out;
}

// views_ is keyed by view id: one entry at most.
std::optional<view_info> browser::view(std::string_view id) const {
  const view_state* v = view_by_id(id);
  if (!v || v->destroyed) return std::nullopt;
  return info_of(*v, main_id_);
}

std::optional<browser::view_status> browser::status_of_view(std::string_view id) const {
  const view_state* v = view_by_id(id);
  if (!v || v->destroyed) return std::nullopt;
  return view_status{v->el, v->joined};
}

std::optional<view_info> browser::main_view() const {
  const view_state* v = view_by_id(main_id_);
  if (!v || v->destroyed || !v->parent_id.empty()) return std::nullopt;
  return info_of(*v, main_id_);
}

dom::node& browser::find(std::string_view selector, const text_filter& filter) {
  return find_one(*document_, selector, filter);
}

bool browser::has_element(std::string_view selector, const text_filter& filter) {
  return sim::has_element(*document_, selector, filter);
}

std::vector<sent_event> browser::sent_events(std::string_view view_id) const {
  auto it = sent_by_view_.find(view_id);
  return it == sent_by_view_.end() ? std::vector<sent_event>{} : it->second;
}

void browser::record_sent(const std::string& view_id, const std::string& event, const nlohmann::json& payload) {
  if (opts_.socket.log_limit == 0) return;
  auto& log = sent_by_view_[view_id];
  detail::trim_log(log, opts_.socket.log_limit);
  log.push_back({event, payload});
}

const std::vector<protocol::frame>& browser::sent_frames() const {
  static const std::vector<protocol::frame> none;
  return socket_ ? socket_->sent() : none;
}

std::vector<pushed_event> browser::take_push_events() { return std::exchange(push_events_, {}); }
std::vector<hook_reply> browser::take_hook_replies() { return std::exchange(hook_replies_, {}); }
std::vector<navigation_record> browser::take_navigations() {
  return std::exchange(navigations_, {});
}
std::vector<dom::node*> browser::take_trigger_actions() {
  return std::exchange(trigger_actions_, {});
}

// -- cookies ------------------------------------------------------------------------------

std::string browser::cookie_header() const {
  std::string out;
  for (const auto& [k, v] : cookies_) {
    if (!out.empty()) out += "; ";
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

void browser::store_cookies(const std::vector<std::string>& set_cookie) {
  for (const auto& line : set_cookie) {
    auto semi = line.find(';');
    std::string pair = line.substr(0, semi);
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = pair.substr(0, eq);
    std::string value = pair.substr(eq + 1);
    std::string rest = semi == std::string::npos ? "" : line.substr(semi);
    std::string lower;
    for (char c : rest) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower.find("max-age=0") != std::string::npos ||
        lower.find("expires=thu, 01 jan 1970") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
}

// -- page loads ---------------------------------------------------------------------------

int browser::visit(std::string url) {
  page_loads_ = 0;
  int status = fetch_and_load(std::move(url), {});
  settle();
  return status;
}

void browser::load(std::string url, std::string_view html) {
  page_loads_ = 0;
  load_page(std::move(url), html, 200);
  navigations_.push_back({navigation_record::kind::visit, url_, protocol::navigation::push, {}, 200});
  settle();
}

int browser::fetch_and_load(std::string url,
                            std::vector<std::pair<std::string, std::string>> headers) {
  for (int hop = 0; hop <= opts_.max_redirects; ++hop) {
    http_request req{url, cookie_header(), headers};
    http_response resp = pages_.get(req);
    store_cookies(resp.set_cookie);
    if (resp.status >= 300 && resp.status < 400 && resp.location) {
      url = resolve_url(url, *resp.location);
      continue;
    }
    load_page(url, resp.body, resp.status);
    navigations_.push_back(
        {navigation_record::kind::visit, url_, protocol::navigation::push, {}, resp.status});
    return resp.status;
  }
  errors_.push_back("too many HTTP redirects from " + url);
  return 0;
}

void browser::teardown_page() {
  if (reload_timer_) clock_.clear_timeout(reload_timer_);
  reload_timer_ = 0;
  reloads_due_ = 0;
  for (auto& [id, v] : views_) {
    stop_loader(*v);
    v->destroyed = true;
    retired_.push_back(v);
  }
  views_.clear();
  main_id_.clear();
  pending_link_.reset();
  if (socket_) {
    socket_->disconnect();
    socket_.reset();
  }
  focused_ = nullptr;
  sticky_active_ = nullptr;
  in_->forms.clear();
  in_->interactions.clear();
  in_->destroyed_children.clear();
  ++in_->page;
}

std::string browser::socket_url() const {
  auto [scheme, host] = scheme_host(url_);
  std::string ws = scheme == "https:" ? "wss://" : "ws://";
  nlohmann::json params = base_params();
  std::string q;
  serialize_params(params, "", q);
  // The client writes join bookkeeping into the same params object before connecting.
  auto add = [&](std::string_view kv) {
    if (!q.empty()) q += '&';
    q += kv;
  };
  add("_mounts=0");
  if (opts_.profile >= client_profile::v1_0) add("_mount_attempts=0");
  if (opts_.profile >= client_profile::v0_18) add("_live_referer=undefined");
  add("vsn=2.0.0");
  return ws + host + opts_.socket_path + "/websocket?" + q;
}

nlohmann::json browser::base_params() const {
  nlohmann::json p = nlohmann::json::object();
  if (opts_.csrf_from_meta && !csrf_.empty()) p["_csrf_token"] = csrf_;
  if (opts_.connect_params.is_object())
    for (auto it = opts_.connect_params.begin(); it != opts_.connect_params.end(); ++it)
      p[it.key()] = it.value();
  return p;
}

void browser::connect_socket() {
  auto [scheme, host] = scheme_host(url_);
  connect_request req{socket_url(), scheme + "//" + host, cookie_header()};
  socket_->connect(std::move(req));
}

void browser::load_page(std::string url, std::string_view html, int status) {
  teardown_page();
  url_ = std::move(url);
  document_ = dom::parse_document(html);
  (void)status;
  if (history_.empty() || history_[history_pos_].url != url_ || history_[history_pos_].patch) {
    if (!history_.empty()) history_.resize(history_pos_ + 1);
    history_.push_back({url_, false, {}});
    history_pos_ = history_.size() - 1;
  }
  csrf_.clear();
  for_each_element(*document_, [&](dom::node& el) {
    if (el.tag() == "meta" && attr(el, "name") == "csrf-token" && csrf_.empty())
      csrf_ = attr(el, "content");
    return true;
  });
  std::vector<dom::node*> roots;
  for_each_element(*document_, [&](dom::node& el) {
    if (is_root_container(opts_.profile, el)) {
      roots.push_back(&el);
      return false;
    }
    return true;
  });
  if (roots.empty()) return;  // a dead page: no socket

  socket_ = std::make_unique<channel_client>(transport_, clock_, opts_.socket);
  socket_->make_ref();  // LiveSocket's own socket.onOpen registration
  for (dom::node* el : roots) {
    auto v = new_view(*el, nullptr, std::nullopt);
    v->href = url_;
    if (is_main(opts_.profile, *el)) main_id_ = v->id;
    join_view(v);
  }
  // bindTopLevelEvents registers socket.onClose from 0.18 on.
  if (opts_.profile >= client_profile::v0_18) socket_->make_ref();
  connect_socket();
}

// -- views ----------------------------------------------------------------------------------

std::shared_ptr<browser::view_state> browser::new_view(dom::node& el, view_state* parent,
                                                       std::optional<std::string> flash) {
  auto v = std::make_shared<view_state>(opts_.profile, attr(el, "id"));
  v->el = &el;
  if (parent) {
    v->parent_id = parent->id;
    v->join_count = parent->join_count - 1;
  }
  if (flash) v->flash = *flash;
  v->static_token = attr(el, "data-phx-static");
  v->created = ++in_->views_created;
  if (opts_.profile >= client_profile::v1_2) {
    // 1.2 marks the container with its root's id as the view is made, before any join.
    const view_state* root = parent;
    while (root && !root->parent_id.empty()) root = view_by_id(root->parent_id);
    el.set_attribute("data-phx-root-id", root ? root->id : v->id);
  }
  views_[v->id] = v;
  return v;
}

nlohmann::json browser::join_params(view_state& v) {
  nlohmann::json params = base_params();
  std::vector<std::string> manifest;
  for_each_element(*document_, [&](dom::node& el) {
    if (el.has_attribute("phx-track-static")) {
      std::string u = el.has_attribute("src") ? attr(el, "src") : attr(el, "href");
      if (!u.empty()) manifest.push_back(resolve_url(url_, u));
    }
    return true;
  });
  if (!manifest.empty()) params["_track_static"] = manifest;
  params["_mounts"] = v.join_count;
  if (opts_.profile >= client_profile::v1_0) params["_mount_attempts"] = v.join_attempts++;
  if (opts_.profile >= client_profile::v0_18 && v.live_referer)
    params["_live_referer"] = *v.live_referer;
  return params;
}

nlohmann::json browser::join_payload(view_state& v) {
  nlohmann::json p = nlohmann::json::object();
  if (v.parent_id.empty() && v.href) {
    if (v.redirect && opts_.profile != client_profile::v0_15)
      p["redirect"] = *v.href;
    else
      p["url"] = *v.href;
  }
  p["params"] = join_params(v);
  p["session"] = v.el ? attr(*v.el, "data-phx-session") : std::string();
  if (v.static_token.empty())
    p["static"] = nullptr;
  else
    p["static"] = v.static_token;
  if (v.flash) p["flash"] = *v.flash;
  if (opts_.profile >= client_profile::v1_0)
    p["sticky"] = v.el && v.el->has_attribute("data-phx-sticky");
  return p;
}

void browser::join_view(const std::shared_ptr<view_state>& v) {
  std::weak_ptr<view_state> weak = v;
  channel::callbacks cb;
  cb.join_payload = [this, weak] {
    auto s = weak.lock();
    return s ? join_payload(*s) : nlohmann::json::object();
  };
  cb.on_join = [this, weak](const reply_result& r) {
    if (auto s = weak.lock()) on_join_reply(s, r);
  };
  cb.on_message = [this, weak](const protocol::frame& f) {
    if (auto s = weak.lock()) on_message(s, f);
  };
  cb.on_error = [this, weak] {
    if (auto s = weak.lock()) on_view_error(*s);
  };
  cb.on_close = [this, weak] {
    if (auto s = weak.lock()) on_view_close(*s);
  };
  start_loader(v);
  v->ch = &socket_->open_channel("lv:" + v->id, std::move(cb));
  v->join_pending = true;
  v->ch->join();
}

void browser::start_loader(const std::shared_ptr<view_state>& v) {
  stop_loader(*v);
  std::weak_ptr<bool> alive = alive_;
  std::weak_ptr<view_state> weak = v;
  v->loader_timer = clock_.set_timeout(opts_.loader_timeout_ms, [this, alive, weak] {
    if (alive.expired()) return;
    auto s = weak.lock();
    if (!s || s->destroyed) return;
    s->loader_timer = 0;
    set_container_classes(*s, {opts_.profile == client_profile::v0_15 ? "phx-disconnected"
                                                                       : "phx-loading"});
  });
}

void browser::stop_loader(view_state& v) {
  if (v.loader_timer) clock_.clear_timeout(v.loader_timer);
  v.loader_timer = 0;
}

void browser::display_error(view_state& v, const std::vector<std::string_view>& classes) {
  // View.displayError: showLoader() (the pending loader timer goes), then the classes.
  stop_loader(v);
  set_container_classes(v, classes);
}

browser::view_state* browser::root_of(view_state& v) const {
  view_state* root = &v;
  while (!root->parent_id.empty()) {
    view_state* up = view_by_id(root->parent_id);
    if (!up) break;
    root = up;
  }
  return root;
}

void browser::on_join_reply(const std::shared_ptr<view_state>& v, const reply_result& r) {
  if (v->destroyed) return;
  if (r.ok()) {
    on_join_ok(*v, r.response);
  } else {
    on_join_error(*v, r);
  }
}

void browser::on_join_ok(view_state& v, const nlohmann::json& response) {
  auto ok = protocol::join_ok::from_json(response);
  if (!ok) {
    errors_.push_back("join reply of " + v.id + ": " + ok.error().message());
    return;
  }
  const bool rejoin = v.join_count > 0;
  ++v.join_epoch;
  v.rendering_join = true;
  // 1.x: a root view copies its forms as the user left them before the join touches them.
  if (opts_.profile >= client_profile::v1_0 && v.parent_id.empty()) {
    v.form_copies = rejoin && v.el ? detail::copy_forms(opts_.profile, *v.el, *document_,
                                                        &in_->forms, &in_->interactions)
                                   : nullptr;
  }
  v.join_attempts = 0;
  ++v.join_count;
  // After the first join the client sends flash null (1.2: nothing).
  if (opts_.profile >= client_profile::v1_2)
    v.flash.reset();
  else
    v.flash = nlohmann::json(nullptr);
  if (ok->container && v.el && opts_.profile != client_profile::v0_15) {
    for (auto it = ok->container->attrs.begin(); it != ok->container->attrs.end(); ++it)
      if (it.value().is_string()) v.el->set_attribute(it.key(), it.value().get<std::string>());
  }
  auto d = protocol::diff::from_json(ok->rendered, opts_.profile);
  if (!d) {
    errors_.push_back("join rendered of " + v.id + ": " + d.error().message());
    return;
  }
  apply_title(d->title(), true, v.id == main_id_ && v.parent_id.empty());
  if (!v.el) return;
  join_render jr;
  jr.events = d->events();
  jr.live_patch = ok->live_patch;
  auto html = v.dom.render_join(*v.el, std::move(*d), jr.streams);
  if (!html) {
    errors_.push_back("join patch of " + v.id + ": " + html.error().message());
    return;
  }
  jr.html = std::move(*html);
  recover_forms(v, rejoin, std::move(jr));
}

void browser::recover_forms(view_state& v, bool rejoin, join_render jr) {
  const client_profile p = opts_.profile;
  std::shared_ptr<detail::form_copies> copies;
  if (p >= client_profile::v1_0) {
    view_state* root = &v;
    while (!root->parent_id.empty()) {
      view_state* up = view_by_id(root->parent_id);
      if (!up) break;
      root = up;
    }
    copies = root->form_copies;
  }
  const bool look = p <= client_profile::v0_20 ? rejoin : copies && !copies->by_id.empty();
  if (!look) return on_join_complete(v, std::move(jr));
  // The render as the client's <template> holds it.
  auto tmpl = detail::render_template(v.el->tag(), jr.html);
  dom::node* render_root = detail::first_element(*tmpl);
  detail::recovery_list list;
  if (p <= client_profile::v0_20) {
    list = detail::forms_for_recovery(p, *v.el, v.id, *tmpl);
  } else if (render_root) {
    render_root->set_attribute("id", v.id);
    list = detail::forms_to_recover(*copies, *tmpl, v.pending_forms);
  }
  if (list.throws) {
    errors_.push_back("join of " + v.id + " never completes: " + *list.throws +
                      " (the client's form recovery throws)");
    return;
  }
  if (list.forms.empty()) return on_join_complete(v, std::move(jr));

  // The render is patched in once the last form's recovery calls back.
  struct waiting {
    join_render jr;
    std::uint64_t epoch = 0;
    bool done = false;
  };
  auto w = std::make_shared<waiting>();
  w->jr = std::move(jr);
  w->epoch = v.join_epoch;
  const std::string id = v.id;
  view_state* self = &v;  // a live redirect's view takes the same id (views are never freed)
  auto finish = [this, w, id, self](const reply_result* r) {
    view_state* cur = view_by_id(id);
    if (cur != self || cur->destroyed || cur->join_epoch != w->epoch || w->done) return;
    w->done = true;
    // ≤0.20 completes the join with the last recovery reply in place of the join's own.
    if (opts_.profile <= client_profile::v0_20) {
      w->jr.live_patch.reset();
      if (r) {
        auto reply = protocol::event_reply::from_json(r->response);
        if (reply && reply->live_patch) w->jr.live_patch = reply->live_patch;
      }
    }
    on_join_complete(*cur, std::move(w->jr));
  };
  bool calls_back = false;
  for (std::size_t i = 0; i < list.forms.size(); ++i) {
    const detail::recovery_form& f = list.forms[i];
    const bool last = i + 1 == list.forms.size();
    binding_context ctx = context();
    if (copies) {
      ctx.forms = &copies->forms;
      ctx.interactions = &copies->interactions;
    }
    form_recovery req;
    req.form = f.form;
    req.new_form = f.new_form;
    if (p >= client_profile::v1_0) {
      req.render_root = render_root;
      req.view = v.el;
    }
    recovery_pushes rp = recover_form(ctx, req);
    if (p <= client_profile::v0_20) {
      // Only the last form's callback completes the join (when it goes to several targets,
      // the client would complete it again with each later reply; the first one does here).
      for (std::size_t k = 0; k < rp.result.effects.size(); ++k) {
        const effect& e = rp.result.effects[k];
        if (e.what != effect::kind::push) continue;
        const bool cb = last && k < rp.calls_back.size() && rp.calls_back[k];
        calls_back = calls_back || cb;
        push_effect(e, cb ? std::function<void(const reply_result&)>(
                                [finish](const reply_result& r) { finish(&r); })
                          : nullptr);
      }
      continue;
    }
    // 1.x: a form is done when each of its targets' pushes called back (at once without
    // controls); the last form's done completes the join.
    const std::string form_id = attr(*f.new_form, "id");
    v.pending_forms.insert(form_id);
    auto form_done = [this, id, self, form_id, last, finish, epoch = w->epoch] {
      if (view_state* cur = view_by_id(id); cur == self && cur->join_epoch == epoch)
        cur->pending_forms.erase(form_id);
      if (last) finish(nullptr);
    };
    if (rp.no_inputs) {
      if (last) calls_back = true;
      form_done();
      continue;
    }
    auto count = std::make_shared<int>(rp.targets);
    for (std::size_t k = 0; k < rp.result.effects.size(); ++k) {
      const effect& e = rp.result.effects[k];
      if (e.what != effect::kind::push) continue;
      const bool cb = k < rp.calls_back.size() && rp.calls_back[k] && rp.targets > 0;
      if (cb && last) calls_back = true;
      push_effect(e, cb ? std::function<void(const reply_result&)>(
                              [count, form_done](const reply_result&) {
                                if (--*count == 0) form_done();
                              })
                        : nullptr);
    }
  }
  if (!calls_back && !w->done)
    errors_.push_back("join of " + v.id +
                      " never completes: the recovery of its last form does not call back");
}

void browser::on_join_complete(view_state& v, join_render jr) {
  // View.onJoinComplete. A rejoin, or a view whose parent has its render in, patches at
  // once; a first join joins the nested views its render holds and waits for them.
  view_state* parent = v.parent_id.empty() ? nullptr : view_by_id(v.parent_id);
  if (v.join_count > 1 || (parent && !parent->join_pending)) return complete_join(v, std::move(jr));
  view_state* root = root_of(v);
  std::shared_ptr<view_state> self;
  if (auto it = views_.find(v.id); it != views_.end() && it->second.get() == &v) self = it->second;
  if (!self) return complete_join(v, std::move(jr));
  const int joining = join_render_children(v, jr.html);
  if (joining > 0) {
    root->pending_join_ops.emplace_back(std::move(self), std::move(jr));
  } else if (parent) {
    root->pending_join_ops.emplace_back(std::move(self), std::move(jr));
    ack_join(*parent);
  } else {
    all_child_joins_complete(v);
    complete_join(v, std::move(jr));
  }
}

int browser::join_render_children(view_state& v, const std::string& html) {
  // DOM.findPhxChildrenInFragment: containers in the render whose parent is this view.
  const client_profile p = opts_.profile;
  std::shared_ptr<dom::node> frag = dom::parse_fragment(html, "template");
  std::vector<dom::node*> found;
  for_each_element(*frag, [&](dom::node& el) {
    const bool container = p == client_profile::v0_15 ? el.has_attribute("data-phx-view")
                                                      : el.has_attribute("data-phx-session");
    if (container && attr(el, "data-phx-parent-id") == v.id) found.push_back(&el);
    return true;
  });
  const std::string root_id = root_of(v)->id;
  int joined = 0;
  for (dom::node* to : found) {
    const std::string id = attr(*to, "id");
    // The render carries no static token: the one of the element the page shows is copied.
    dom::node* from = nullptr;
    if (!id.empty() && v.el) {
      for_each_element(*v.el, [&](dom::node& el) {
        if (&el != v.el && attr(el, "id") == id) from = &el;
        return !from;
      });
    }
    if (from) {
      if (std::string st = attr(*from, "data-phx-static"); !st.empty())
        to->set_attribute("data-phx-static", st);
      // 1.x marks it with the root's id while the child's join is pending.
      if (p >= client_profile::v1_0) from->set_attribute("data-phx-root-id", root_id);
    }
    if (view_state* c = view_by_id(id); c && c->parent_id == v.id && !c->destroyed) continue;
    auto child = new_view(*to, &v, std::nullopt);
    child->fragment = frag;
    join_view(child);
    ++v.child_joins;
    ++joined;
  }
  return joined;
}

void browser::ack_join(view_state& parent) {
  if (--parent.child_joins > 0) return;
  if (view_state* up = parent.parent_id.empty() ? nullptr : view_by_id(parent.parent_id))
    return ack_join(*up);
  all_child_joins_complete(parent);
}

void browser::all_child_joins_complete(view_state& root) {
  // View.onAllChildJoinsComplete: the waiting renders go in, in the order they were
  // kept (the root's own first), but not those of views destroyed meanwhile.
  auto ops = std::move(root.pending_join_ops);
  root.pending_join_ops.clear();
  for (auto& [view, jr] : ops)
    if (!view->destroyed) complete_join(*view, std::move(jr));
}

void browser::complete_join(view_state& v, join_render jr) {
  stop_loader(v);
  // attachTrueDocEl: a nested view made from its parent's render takes the container the
  // page shows.
  if (!v.parent_id.empty()) {
    if (!v.el || !attached_to(v.el, document_.get()))
      if (dom::node* el = find_by_id(v.id)) v.el = el;
    if (v.el && attached_to(v.el, document_.get())) v.fragment.reset();
  }
  patch_options po;
  po.focused = attached_to(active_element(), v.el) ? active_element() : nullptr;
  po.used = used_controls(opts_.profile, in_->interactions);
  po.root_id = v.parent_id.empty() ? v.id : std::string();
  if (!v.parent_id.empty()) {
    // data-phx-root-id: the root of the chain of parents.
    view_state* root = &v;
    while (!root->parent_id.empty()) {
      view_state* p = view_by_id(root->parent_id);
      if (!p) break;
      root = p;
    }
    po.root_id = root->id;
  }
  po.destroyed = &in_->destroyed_children;
  // applyJoinPatch marks every joined container, a root view too, with its root's id.
  if (v.el) v.el->set_attribute("data-phx-root-id", po.root_id);
  auto rep = v.dom.patch_join(*v.el, jr.html, jr.streams, po);
  v.rendering_join = false;
  v.join_pending = false;
  v.joined = true;
  if (v.el) {
    // The container shows the connected state (the class names the client toggles).
    auto kept = detail::class_tokens(*v.el);
    std::erase_if(kept, [](const std::string& c) {
      return c == "phx-disconnected" || c == "phx-loading" || c == "phx-error" ||
             c == "phx-server-error" || c == "phx-client-error" || c == "phx-connected";
    });
    kept.emplace_back("phx-connected");
    v.el->set_attribute("class", detail::join_tokens(kept));
  }
  after_patch(v, rep, true, po.focused);
  deliver_events(v, jr.events);
  apply_pending(v);
  if (jr.live_patch) {
    v.href = resolve_url(url_, jr.live_patch->to);
    if (v.id == main_id_) {
      url_ = *v.href;
      push_history(url_, jr.live_patch->kind, true);
      navigations_.push_back(
          {navigation_record::kind::live_patch, url_, jr.live_patch->kind, {}, 0});
    }
  }
  // The root's first join done (onAllChildJoinsComplete): nothing waits for recovery.
  if (v.parent_id.empty() && v.join_count == 1) {
    v.pending_forms.clear();
    v.form_copies.reset();
  }
  if (v.on_joined) {
    auto fn = std::move(v.on_joined);
    v.on_joined = nullptr;
    fn();
  }
}

void browser::on_join_error(view_state& v, const reply_result& r) {
  const nlohmann::json& resp = r.response;
  const bool has_redirect = resp.is_object() && resp.contains("redirect");
  const bool has_live_redirect = resp.is_object() && resp.contains("live_redirect");
  if (has_redirect || has_live_redirect) {
    v.join_pending = false;
    if (v.ch && socket_) {
      v.leave_again = std::make_pair(v.ch->topic(), v.ch->join_ref());
      channel* ch = std::exchange(v.ch, nullptr);
      ch->leave();
    }
    if (has_redirect) return on_redirect(resp["redirect"]);
    return on_live_redirect(resp["live_redirect"]);
  }
  std::string reason = r.status == "timeout" ? "timeout" : string_member(resp, "reason").value_or("");
  errors_.push_back("join of " + v.id + " refused: " + (reason.empty() ? resp.dump() : reason));
  const bool main = v.id == main_id_ && v.parent_id.empty();
  if (opts_.profile == client_profile::v0_15) return reload_with_jitter(v);
  // A hard redirect (View.onRedirect): 0.18 to the view's own href, which a nested view
  // never has (the browser goes to "null"); 0.20 the main view only, to its href; 1.0 to
  // the root's, 1.2 to the main view's. 0.18.0 predates "reload".
  const client_profile p = opts_.profile;
  if (reason == "stale" || reason == "unauthorized" ||
      (reason == "reload" && p >= client_profile::v0_20)) {
    if (p == client_profile::v0_18) return on_redirect({{"to", v.href.value_or("null")}});
    if (p == client_profile::v0_20) {
      if (main) on_redirect({{"to", v.href.value_or(url_)}});
      return;
    }
    const view_state* to = p >= client_profile::v1_2 ? view_by_id(main_id_) : root_of(v);
    return on_redirect({{"to", to && to->href ? *to->href : url_}});
  }
  // 1.x: a view other than the main one keeps its channel, which rejoins with back-off.
  if (opts_.profile >= client_profile::v1_0 && !(v.el ? is_main(opts_.profile, *v.el) : main))
    return on_child_join_error(v);
  // The error state: 0.20 and 1.x show it at once (displayError); 0.18 only the loader, when
  // the timer the view's join started runs out.
  if (opts_.profile >= client_profile::v0_20)
    display_error(v, {"phx-loading", "phx-error", "phx-server-error"});
  if (socket_ && socket_->connected()) reload_with_jitter(v);
}

void browser::on_child_join_error(view_state& v) {
  // 1.x View.onJoinError for a view that is not the main one: each refusal shows the error
  // state on the container the page has for it (its attributes merged from the one it was
  // made with, which takes the classes, as the client sets them before switching); the
  // third gives up: the root shows the error state and the view is destroyed (it leaves).
  const std::vector<std::string_view> error{"phx-loading", "phx-error", "phx-server-error"};
  if (v.join_attempts >= 3) {
    display_error(*root_of(v), error);
    destroy_view(v, true);
    if (opts_.profile >= client_profile::v1_2) return;
  }
  dom::node* page_el = find_by_id(v.id);
  if (!page_el) return destroy_view(v, true);
  if (v.el && page_el != v.el) merge_attributes(opts_.profile, *page_el, *v.el);
  display_error(v, error);
  v.el = page_el;
}

bool browser::waits_for_link(const view_state& v) const {
  // A pending live navigation holds back diffs: every view's in 0.15, those under the main
  // view's root later (§4.4.3).
  if (opts_.profile == client_profile::v0_15) return true;
  const view_state* root = &v;
  while (!root->parent_id.empty()) {
    const view_state* p = view_by_id(root->parent_id);
    if (!p) break;
    root = p;
  }
  return root->id == main_id_;
}

void browser::on_message(const std::shared_ptr<view_state>& v, const protocol::frame& f) {
  if (v->destroyed) return;
  // Redirects and patches pushed while the join is pending wait like diffs (§4.4.3).
  if (f.event == protocol::events::diff) {
    if (v->join_pending || (pending_link_ && waits_for_link(*v))) {
      v->pending.emplace_back(f.payload, std::nullopt);
      return;
    }
    update_view(*v, f.payload, std::nullopt);
  } else if (f.event == protocol::events::redirect) {
    on_redirect(f.payload);
  } else if (f.event == protocol::events::live_patch) {
    on_live_patch(*v, f.payload);
  } else if (f.event == protocol::events::live_redirect) {
    on_live_redirect(f.payload);
  }
}

void browser::set_container_classes(view_state& v, const std::vector<std::string_view>& on) {
  // View.setContainerClasses: the state classes come off, the given ones go on at the end.
  if (!v.el) return;
  const client_profile p = opts_.profile;
  std::vector<std::string_view> off{"phx-connected", "phx-error"};
  if (p == client_profile::v0_15) off.push_back("phx-disconnected");
  else off.push_back("phx-loading");
  if (p >= client_profile::v0_20) {
    off.push_back("phx-client-error");
    off.push_back("phx-server-error");
  }
  auto kept = detail::class_tokens(*v.el);
  std::erase_if(kept, [&off](const std::string& c) {
    return std::find(off.begin(), off.end(), c) != off.end();
  });
  for (std::string_view c : on) kept.emplace_back(c);
  v.el->set_attribute("class", detail::join_tokens(kept));
}

void browser::on_view_error(view_state& v) {
  if (v.destroyed) return;
  const client_profile p = opts_.profile;
  // View.onError shows the error state after onClose: 0.20+ tells a server error from a
  // socket that is down (the clean close of a reload errors every channel too).
  auto show_error = [&] {
    std::vector<std::string_view> on;
    on.push_back(p == client_profile::v0_15 ? "phx-disconnected" : "phx-loading");
    on.push_back("phx-error");
    if (p >= client_profile::v0_20)
      on.push_back(socket_ && socket_->connected() ? "phx-server-error" : "phx-client-error");
    display_error(v, on);
  };
  if (v.join_pending && v.join_count == 0 && v.parent_id.empty()) {
    // A crash before the first join completed: the client reloads the page.
    reload_with_jitter(v);
    return;
  }
  if (p == client_profile::v0_15 && v.rendering_join) {
    // 0.15 reloads on an error while a join's render waits (its joinPending, set again by
    // each join reply): while forms are being recovered, or nested views join.
    reload_with_jitter(v);
    return show_error();
  }
  v.joined = false;
  v.join_pending = true;
  ++v.join_epoch;  // recoveries under way for the last join no longer complete it
  // Renders waiting for nested views are stale: the rejoin renders afresh.
  v.pending_join_ops.clear();
  v.child_joins = 0;
  // Nested views go away with the crash; they are joined again from the new render.
  std::vector<view_state*> children;
  for (auto& [id, c] : views_)
    if (c->parent_id == v.id) children.push_back(c.get());
  for (view_state* c : children) destroy_view(*c, true);
  if (focused_ && attached_to(focused_, v.el)) focused_ = nullptr;
  show_error();
}

void browser::on_view_close(view_state& v) {
  if (v.destroyed) return;
  v.joined = false;
  v.ch = nullptr;
}

void browser::destroy_view(view_state& v, bool leave) {
  if (v.destroyed) return;
  stop_loader(v);
  std::vector<view_state*> children;
  for (auto& [id, c] : views_)
    if (c->parent_id == v.id) children.push_back(c.get());
  std::sort(children.begin(), children.end(),
            [](const view_state* a, const view_state* b) { return a->created < b->created; });
  for (view_state* c : children) destroy_view(*c, leave);
  v.destroyed = true;
  // DOM.markPhxChildDestroyed (a root's too): the container keeps its place and content,
  // without a session.
  if (v.el && attached_to(v.el, document_.get())) {
    v.el->set_attribute("data-phx-session", "");
    if (v.el->has_attribute("data-phx-parent-id")) in_->destroyed_children.insert(v.el);
  }
  if (leave && v.ch && socket_) {
    channel* ch = v.ch;
    v.ch = nullptr;
    ch->leave();
  } else if (auto again = std::exchange(v.leave_again, std::nullopt); leave && again && socket_) {
    socket_->send_leave(again->first, again->second);
  }
  auto it = views_.find(v.id);
  if (it != views_.end() && it->second.get() == &v) {
    retired_.push_back(it->second);
    views_.erase(it);
  }
}

void browser::sync_children(view_state& v) {
  if (!v.el) return;
  // Containers this view owns: data-phx-parent-id is its id (nested containers of other
  // views are not descended into).
  std::vector<dom::node*> found;
  for_each_element(*v.el, [&](dom::node& el) {
    const bool container = opts_.profile == client_profile::v0_15
                               ? el.has_attribute("data-phx-view")
                               : el.has_attribute("data-phx-session");
    if (!container) return true;
    if (attr(el, "data-phx-parent-id") == v.id) found.push_back(&el);
    return false;
  });
  // Children gone from the DOM are left. One still in its parent's render (made while
  // the first join waited) takes the container of its id.
  std::vector<view_state*> gone;
  for (auto& [id, c] : views_) {
    if (c->parent_id != v.id || c->destroyed) continue;
    auto hit = std::find(found.begin(), found.end(), c->el);
    if (hit == found.end() && c->fragment) {
      const std::string& child_id = c->id;
      hit = std::find_if(found.begin(), found.end(),
                         [&](const dom::node* el) { return attr(*el, "id") == child_id; });
      if (hit != found.end()) c->el = *hit;
    }
    if (hit == found.end()) gone.push_back(c.get());
  }
  for (view_state* c : gone) destroy_view(*c, true);
  for (dom::node* el : found) {
    std::string id = attr(*el, "id");
    if (id.empty() || attr(*el, "data-phx-session").empty()) continue;
    if (view_state* existing = view_by_id(id)) {
      existing->el = el;
      continue;
    }
    auto child = new_view(*el, &v, std::nullopt);
    join_view(child);
  }
}

void browser::after_patch(view_state& v, patch_report& report, bool join,
                          const dom::node* focused) {
  forget_removed(report);
  sync_form_values(v, report, focused, true);
  if (report.trigger_action) trigger_actions_.push_back(report.trigger_action);
  if (!join && !report.removed_cids.empty())
    push_components_destroyed(v, destroyed_cid_order(opts_.profile, report));
  sync_children(v);
}

void browser::sync_form_values(view_state& v, const patch_report& report,
                               const dom::node* focused, bool focused_checkables) {
  // morphdom's INPUT/TEXTAREA/OPTION/SELECT handlers set value, checked and selected of
  // every control they morph from the new markup: what the user typed into a control that
  // was not focused gives way to the server's render. Controls the patch skipped (focused,
  // phx-update="ignore", held back by a 1.x lock) keep it, but for a focused checkbox or
  // radio, whose checked state DOM.syncAttrsToProps takes from the attribute.
  for (const dom::node* el : report.updated) {
    if (!el || !el->is_element()) continue;
    if (el == focused) {
      if (!focused_checkables) continue;
      const std::string type = el->tag() == "input"sv ? input_type(*el) : std::string();
      if (type == "checkbox"sv || type == "radio"sv)
        in_->forms.set_checked(*el, el->has_attribute("checked"));
      continue;
    }
    const std::string& tag = el->tag();
    if (tag != "input"sv && tag != "textarea"sv && tag != "select"sv && tag != "option"sv) continue;
    const std::string* upd = el->get_attribute("phx-update");
    if (!upd || upd->empty()) upd = el->get_attribute("data-phx-update");
    if (upd && *upd == "ignore"sv) continue;
    if (v.dom.patcher().held_update(*el)) continue;
    const std::string type = tag == "input"sv ? input_type(*el) : std::string();
    if (type == "checkbox"sv || type == "radio"sv) {
      // syncBooleanAttrProp: checking a radio unchecks the rest of its group.
      const bool want = el->has_attribute("checked");
      if (is_checked(*el, &in_->forms) != want) in_->forms.set_checked(*el, want);
      continue;
    }
    in_->forms.forget(*el);
  }
}

void browser::forget_removed(patch_report& report) {
  for (const dom::node* n : report.removed) {
    in_->destroyed_children.erase(n);
    if (n == focused_) focused_ = nullptr;
    if (n == sticky_active_) sticky_active_ = nullptr;
    in_->forms.forget(*n);
    in_->interactions.forget(*n);
    in_->limiter.forget(*n);
  }
  if (*in_->deferred > 0) {
    for (auto& t : report.removed_trees)
      in_->graveyard.push_back(std::move(t));
  }
}

void browser::deliver_events(view_state& v, const nlohmann::json& events) {
  if (!events.is_array()) return;
  for (const auto& e : events) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_string()) continue;
    push_events_.push_back({v.id, e[0].get<std::string>(), e[1]});
  }
}

void browser::update_view(view_state& v, const nlohmann::json& diff_json,
                          std::optional<std::string> hook_event) {
  if (!v.el || v.destroyed) return;
  auto d = protocol::diff::from_json(diff_json, opts_.profile);
  if (!d) {
    errors_.push_back("diff for " + v.id + ": " + d.error().message());
    return;
  }
  apply_title(d->title(), false, v.id == main_id_ && v.parent_id.empty());
  patch_options po;
  po.focused = attached_to(active_element(), v.el) ? active_element() : nullptr;
  po.used = used_controls(opts_.profile, in_->interactions);
  po.destroyed = &in_->destroyed_children;
  auto rep = v.dom.update(*v.el, *d, po);
  if (!rep) {
    errors_.push_back("patch of " + v.id + ": " + rep.error().message());
    return;
  }
  after_patch(v, *rep, false, po.focused);
  deliver_events(v, d->events());
  if (d->reply() && hook_event) hook_replies_.push_back({v.id, *hook_event, *d->reply()});
}

void browser::apply_pending(view_state& v) {
  auto pending = std::move(v.pending);
  v.pending.clear();
  for (auto& [diff, hook] : pending) update_view(v, diff, hook);
}

void browser::push_components_destroyed(view_state& v, const std::vector<int>& cids) {
  auto present = [this, &v](int cid) {
    view_state* cur = view_by_id(v.id);
    if (!cur || !cur->el) return false;
    const std::string c = std::to_string(cid);
    const std::string magic = "c" + c + "-" + v.id;
    bool found = false;
    for_each_element(*cur->el, [&](dom::node& el) {
      if (found) return false;
      if (attr(el, "data-phx-component") == c || attr(el, "data-phx-id") == magic) found = true;
      return !found;
    });
    return found;
  };
  std::vector<int> will;
  for (int cid : cids)
    if (!present(cid)) will.push_back(cid);
  if (will.empty() || !v.ch) return;
  const std::string id = v.id;
  auto send = [this, id](std::string event, nlohmann::json payload, reply_handler h) {
    view_state* cur = view_by_id(id);
    if (!cur || !cur->ch) return;
    record_sent(id, event, payload);
    cur->ch->push(std::move(event), std::move(payload), std::move(h), push_timeout_ms);
  };
  send(std::string(protocol::events::cids_will_destroy), {{"cids", will}},
       [this, id, will, present, send](const reply_result& r) {
         if (!r.ok()) return;
         std::vector<int> gone;
         for (int cid : will)
           if (!present(cid)) gone.push_back(cid);
         if (gone.empty()) return;
         send(std::string(protocol::events::cids_destroyed), {{"cids", gone}},
              [this, id](const reply_result& r2) {
                view_state* cur = view_by_id(id);
                if (!cur || !r2.ok()) return;
                auto c = protocol::cids_payload::from_json(r2.response);
                if (!c) return;
                if (auto pr = cur->dom.tree().prune(c->cids); !pr)
                  errors_.push_back("prune: " + pr.error().message());
              });
       });
}

void browser::apply_reply(view_state& v, const reply_result& r,
                          const std::optional<std::string>& hook_event) {
  if (!r.ok()) {
    if (r.status == "timeout") {
      errors_.push_back("push timed out on " + v.id);
      reload_with_jitter(v);
    }
    return;
  }
  // The usual reply holds a diff only (or nothing): event_reply::from_json would accept it
  // as it is, so only other replies go through it (and are decoded into copies).
  const nlohmann::json& response = r.response;
  const nlohmann::json* diff = nullptr;
  std::optional<protocol::event_reply> reply;
  const auto d = response.is_object() ? response.find("diff") : response.end();
  if (response.is_object() &&
      (d == response.end() ? response.empty() : response.size() == 1 && d->is_object())) {
    if (d != response.end()) diff = &*d;
  } else {
    auto decoded = protocol::event_reply::from_json(response);
    if (!decoded) {
      errors_.push_back("reply on " + v.id + ": " + decoded.error().message());
      return;
    }
    reply = std::move(*decoded);
    if (reply->diff) diff = &*reply->diff;
  }
  // A hook's pushEvent callback runs with every ok reply: with the diff's `r`, else with
  // nothing (null), also when the diff itself waits for a join or a live navigation.
  nlohmann::json hook_answer = nullptr;
  if (diff) {
    if (const auto answer = diff->find("r"); answer != diff->end()) hook_answer = *answer;
    // A diff that waits is kept: moved out of the decoded reply, or copied from the frame's.
    // One applied now is decoded where it is.
    if (v.join_pending || (pending_link_ && waits_for_link(v)))
      v.pending.emplace_back(reply ? std::move(*reply->diff) : *diff, std::nullopt);
    else
      update_view(v, *diff, std::nullopt);
  }
  if (hook_event) hook_replies_.push_back({v.id, *hook_event, std::move(hook_answer)});
  if (!reply) return;
  if (reply->redirect) on_redirect(reply->redirect->to_json());
  if (reply->live_patch) on_live_patch(v, reply->live_patch->to_json());
  if (reply->live_redirect) on_live_redirect(reply->live_redirect->to_json());
}

// -- navigation -------------------------------------------------------------------------------

void browser::push_history(std::string url, protocol::navigation kind, bool patch) {
  history_entry e{std::move(url), patch, main_id_};
  if (history_.empty()) {
    history_.push_back(std::move(e));
    history_pos_ = 0;
    return;
  }
  if (kind == protocol::navigation::replace) {
    history_[history_pos_] = std::move(e);
    return;
  }
  history_.resize(history_pos_ + 1);
  history_.push_back(std::move(e));
  history_pos_ = history_.size() - 1;
}

void browser::navigate_hard(std::string url) { pending_nav_ = resolve_url(url_, url); }

void browser::on_redirect(const nlohmann::json& to) {
  auto target = string_member(to, "to");
  if (!target) return;
  auto flash = string_member(to, "flash");
  if (flash) cookies_["__phoenix_flash__"] = *flash;
  navigations_.push_back({navigation_record::kind::redirect, resolve_url(url_, *target),
                          protocol::navigation::push, flash, 0});
  unload();
  navigate_hard(*target);
}

void browser::unload() {
  // LiveSocket.redirect: 0.20+ unload (destroyAllViews, then disconnect); before, only the
  // disconnect, which the next page load does.
  std::vector<view_state*> roots;
  for (auto& [id, v] : views_)
    if (v->parent_id.empty() && !v->destroyed) roots.push_back(v.get());
  std::sort(roots.begin(), roots.end(),
            [](const view_state* a, const view_state* b) { return a->created < b->created; });
  const bool leaves = opts_.profile >= client_profile::v0_20 && socket_ && socket_->connected();
  // Every root view leaves (its children first), in the order the client made them; then
  // the dead view the client makes for the body at connect (topic "lv:", never joined),
  // unless the body or the document element is a LiveView itself.
  if (!leaves) return;
  for (view_state* r : roots) destroy_view(*r, true);
  main_id_.clear();
  bool dead_view = true;
  for_each_element(*document_, [&](dom::node& el) {
    if ((el.tag() == "html" || el.tag() == "body") && el.has_attribute("data-phx-session"))
      dead_view = false;
    return el.tag() == "html";
  });
  if (dead_view) socket_->open_channel("lv:", {}).leave();
  socket_->disconnect();
}

void browser::on_live_patch(view_state& v, const nlohmann::json& to) {
  auto target = string_member(to, "to");
  if (!target) return;
  std::string href = resolve_url(url_, *target);
  v.href = href;
  if (v.parent_id.empty()) {
    url_ = href;
    push_history(href, kind_of(to), true);
  }
  navigations_.push_back({navigation_record::kind::live_patch, href, kind_of(to), {}, 0});
}

void browser::on_live_redirect(const nlohmann::json& to) {
  auto target = string_member(to, "to");
  if (!target) return;
  replace_main(resolve_url(url_, *target), string_member(to, "flash"), kind_of(to), true);
}

void browser::live_patch(std::string url, protocol::navigation kind) {
  page_loads_ = 0;
  view_state* main = view_by_id(main_id_);
  std::string href = resolve_url(url_, url);
  if (!main || !main->joined) {
    navigate_hard(href);
  } else {
    push_link_patch(*main, href, kind, nullptr, nullptr);
  }
  settle();
}

void browser::live_redirect(std::string url, protocol::navigation kind) {
  page_loads_ = 0;
  replace_main(resolve_url(url_, url), std::nullopt, kind, true);
  settle();
}

void browser::push_link_patch(view_state& v, std::string href, protocol::navigation kind,
                              dom::node* source, const loading_request* loading) {
  (void)source;
  pending_link_ = href;
  std::optional<std::uint64_t> ref;
  if (loading && loading->what != loading_request::kind::none)
    ref = v.loading.put_ref(*document_, *loading);
  const std::string event =
      opts_.profile == client_profile::v0_15 ? std::string(protocol::events::link)
                                             : std::string(protocol::events::live_patch);
  nlohmann::json payload = {{"url", href}};
  record_sent(v.id, event, payload);
  const std::string id = v.id;
  v.ch->push(
      event, payload,
      [this, id, href, kind, ref](const reply_result& r) {
        view_state* cur = view_by_id(id);
        if (!cur) return;
        if (ref) undo_ref(*cur, *ref);
        if (r.status == "timeout") {
          pending_link_.reset();
          unload();  // liveSocket.redirect(window.location.href)
          return navigate_hard(url_);
        }
        apply_reply(*cur, r, std::nullopt);
        auto reply = protocol::event_reply::from_json(r.response);
        if (reply && reply->link_redirect.value_or(false)) {
          replace_main(href, std::nullopt, kind, true);
          return;
        }
        if (pending_link_ && *pending_link_ == href) {
          pending_link_.reset();
          cur->href = href;
          url_ = href;
          push_history(href, kind, true);
          navigations_.push_back({navigation_record::kind::live_patch, href, kind, {}, 0});
          for (auto& [vid, vs] : views_)
            if (!vs->join_pending) apply_pending(*vs);
        }
      },
      push_timeout_ms);
}

void browser::replace_main(std::string href, std::optional<std::string> flash,
                           protocol::navigation kind, bool history) {
  view_state* old = view_by_id(main_id_);
  if (!old || !old->el || !socket_ || !socket_->connected()) return navigate_hard(href);
  const std::string referer = url_;
  if (opts_.profile == client_profile::v0_15) {
    // 0.15: the new container comes from a live-link GET (§7.3.2).
    http_request req{href, cookie_header(),
                     {{"x-requested-with", "live-link"},
                      {"cache-control",
                       "max-age=0, no-cache, no-store, must-revalidate, post-check=0, pre-check=0"}}};
    http_response resp = pages_.get(req);
    store_cookies(resp.set_cookie);
    const std::string* xr = resp.header("x-response-url");
    auto frag = dom::parse_fragment(resp.body, "template");
    dom::node* first = nullptr;
    for (std::size_t i = 0; i < frag->child_count(); ++i)
      if (frag->child(i).is_element()) {
        first = &frag->child(i);
        break;
      }
    if (resp.status != 200 || !xr || !first || !first->has_attribute("data-phx-view"))
      return navigate_hard(href);
    auto el = frag->remove_child(first->index_in_parent());
    destroy_view(*old, true);
    dom::node* raw = el.get();
    auto v = new_view(*raw, nullptr, flash);
    v->detached = std::move(el);
    v->href = href;
    main_id_ = v->id;
    pending_link_ = href;
    std::string old_id = old->id;
    std::weak_ptr<view_state> weak = v;
    v->on_joined = [this, weak, old_id, href, kind, history, flash] {
      auto s = weak.lock();
      if (!s || s->join_count != 1 || !pending_link_ || *pending_link_ != href) return;
      pending_link_.reset();
      if (dom::node* old_el = find_by_id(old_id); old_el && s->detached) {
        dom::node* parent = old_el->parent();
        parent->replace_child(old_el->index_in_parent(), std::move(s->detached));
      }
      url_ = href;
      if (history) push_history(href, kind, false);
      navigations_.push_back({navigation_record::kind::live_redirect, href, kind, flash, 0});
    };
    join_view(v);
    return;
  }
  // ≥0.16: the same topic joins again with `redirect` (§7.3.3).
  auto clone = dom::node::make_element(old->el->tag(), old->el->element_namespace());
  for (const auto& a : old->el->attributes()) clone->set_attribute(a.name, a.value);
  dom::node* old_el = old->el;
  destroy_view(*old, true);
  dom::node* raw = clone.get();
  auto v = new_view(*raw, nullptr, flash);
  v->detached = std::move(clone);
  v->redirect = true;
  v->href = href;
  if (opts_.profile >= client_profile::v0_18) v->live_referer = referer;
  main_id_ = v->id;
  pending_link_ = href;
  std::weak_ptr<view_state> weak = v;
  v->on_joined = [this, weak, old_el, href, kind, history, flash] {
    auto s = weak.lock();
    if (!s || s->join_count != 1 || !pending_link_ || *pending_link_ != href) return;
    pending_link_.reset();
    if (s->detached && attached_to(old_el, document_.get())) {
      dom::node* parent = old_el->parent();
      auto gone = parent->replace_child(old_el->index_in_parent(), std::move(s->detached));
      if (focused_ && attached_to(focused_, gone.get())) focused_ = nullptr;
      if (sticky_active_ && attached_to(sticky_active_, gone.get())) sticky_active_ = nullptr;
      in_->forms.forget(*gone);
      in_->interactions.forget(*gone);
      if (*in_->deferred > 0) in_->graveyard.push_back(std::move(gone));
    }
    url_ = href;
    if (history) push_history(href, kind, false);
    navigations_.push_back({navigation_record::kind::live_redirect, href, kind, flash, 0});
  };
  join_view(v);
}

void browser::reload_with_jitter(view_state& v) {
  // LiveSocket.reloadWithJitter. 0.15: the view is destroyed (it leaves) and the socket
  // disconnected at once; every call starts its own timer. Later: only the disconnect is
  // at once; a new call restarts the timer, which destroys the view (nothing reaches the
  // closed socket) unless it is already gone. Either way the page loads when it fires.
  const client_profile p = opts_.profile;
  const bool v015 = p == client_profile::v0_15;
  std::int64_t delay = opts_.reload_jitter_ms.value_or(v015 ? 1000 : 5000);
  if (v015) {
    // The timers all take the range's start here, so they end together: one timer, a
    // reload for each call (an errored view calls again while the socket closes).
    ++reloads_due_;
    destroy_view(v, true);
    if (socket_) socket_->disconnect();
    if (reload_timer_) return;
  } else {
    if (reload_timer_) clock_.clear_timeout(reload_timer_);
    reload_timer_ = 0;
    const bool was_connected = socket_ && socket_->connected();
    if (socket_) socket_->disconnect();
    if (reload_timer_) clock_.clear_timeout(reload_timer_);  // a view errored by the close
    reload_timer_ = 0;
    // The clean close reaches LiveSocket's socket.onClose (0.18–1.0; 1.2 stops listening
    // before it disconnects), which reloads with jitter for the main view instead: the
    // timer starts again for it, and does nothing if it is gone.
    if (was_connected && p <= client_profile::v1_0 && !main_id_.empty()) {
      view_state* m = view_by_id(main_id_);
      if (!m) return;
      return reload_with_jitter_timer(*m, delay);
    }
  }
  reload_with_jitter_timer(v, delay);
}

void browser::reload_with_jitter_timer(view_state& v, std::int64_t delay) {
  const bool v015 = opts_.profile == client_profile::v0_15;
  std::weak_ptr<bool> alive = alive_;
  std::weak_ptr<view_state> view;
  if (auto it = views_.find(v.id); it != views_.end() && it->second.get() == &v) view = it->second;
  reload_timer_ = clock_.set_timeout(delay, [this, alive, view, v015] {
    if (alive.expired()) return;
    reload_timer_ = 0;
    int reloads = v015 ? std::max(1, std::exchange(reloads_due_, 0)) : 1;
    if (!v015) {
      auto vs = view.lock();
      // The view came back meanwhile (its socket was replaced): no reload.
      if (!vs || vs->destroyed || (vs->joined && socket_ && socket_->connected())) return;
      destroy_view(*vs, false);
    }
    for (int i = 0; i < reloads; ++i) {
      if (pending_link_) {
        navigations_.push_back({navigation_record::kind::redirect, *pending_link_,
                                protocol::navigation::push, {}, 0});
        pending_nav_ = *pending_link_;
      } else {
        navigations_.push_back(
            {navigation_record::kind::reload, url_, protocol::navigation::push, {}, 0});
        pending_nav_ = url_;
      }
    }
  });
}

bool browser::back() {
  if (history_pos_ == 0 || history_.empty()) return false;
  const history_entry from = history_[history_pos_];
  --history_pos_;
  const history_entry to = history_[history_pos_];
  page_loads_ = 0;
  view_state* main = view_by_id(main_id_);
  if (from.patch && main && from.view_id == main_id_ && main->joined) {
    std::string href = to.url;
    pending_link_ = href;
    push_link_patch(*main, href, protocol::navigation::replace, nullptr, nullptr);
    // popstate does not add an entry: undo what push_link_patch's commit would record.
  } else {
    replace_main(to.url, std::nullopt, protocol::navigation::replace, false);
  }
  settle();
  return true;
}

bool browser::forward() {
  if (history_.empty() || history_pos_ + 1 >= history_.size()) return false;
  ++history_pos_;
  const history_entry to = history_[history_pos_];
  page_loads_ = 0;
  view_state* main = view_by_id(main_id_);
  if (to.patch && main && to.view_id == main_id_ && main->joined) {
    push_link_patch(*main, to.url, protocol::navigation::replace, nullptr, nullptr);
  } else {
    replace_main(to.url, std::nullopt, protocol::navigation::replace, false);
  }
  settle();
  return true;
}

// -- time and settling --------------------------------------------------------------------------

void browser::settle() {
  for (int round = 0; round < 1000; ++round) {
    std::size_t n = socket_ ? socket_->drain() : 0;
    if (socket_) {
      for (const auto& e : socket_->errors())
        if (std::find(errors_.begin(), errors_.end(), e) == errors_.end()) errors_.push_back(e);
    }
    if (pending_nav_) {
      std::string to = std::move(*pending_nav_);
      pending_nav_.reset();
      if (++page_loads_ > opts_.max_page_loads_per_action) {
        errors_.push_back("page loads stopped after " +
                          std::to_string(opts_.max_page_loads_per_action) + ": " + to);
        continue;
      }
      fetch_and_load(to, {});
      continue;
    }
    if (n == 0) break;
  }
  if (*in_->deferred == 0) in_->graveyard.clear();
}

int browser::deferred_calls() const noexcept { return *in_->deferred; }

void browser::advance(std::int64_t ms) {
  if (ms < 0) ms = 0;
  bool reached = false;
  clock_.set_timeout(ms, [&reached] { reached = true; });
  while (!reached) {
    const auto before = clock_.now();
    if (!clock_.run_next()) break;
    const auto delta = clock_.now() - before;
    if (delta > 0) transport_.advance(std::chrono::milliseconds(delta));
    settle();
  }
  settle();
}

// -- user actions --------------------------------------------------------------------------------

void browser::set_focus(dom::node* el) { focused_ = el; }

dom::node* browser::active_element() const {
  if (focused_) return focused_;
  if (opts_.profile <= client_profile::v0_20 && attached_to(sticky_active_, document_.get()))
    return sticky_active_;
  return nullptr;
}

void browser::push_effect(const effect& e, nlohmann::json payload,
                          std::function<void(const reply_result&)> then) {
  view_state* v = view_by_container(e.view);
  if (!v || !v->ch || v->destroyed) return;
  // The client takes a ref for every push, marking elements or not.
  std::optional<std::uint64_t> ref = v->loading.put_ref(*document_, e.loading);
  std::optional<std::string> hook_event;
  if (const auto type = payload.find("type");
      type != payload.end() && type->is_string() && type->get_ref<const std::string&>() == "hook"sv)
    hook_event = payload.value("event", "");
  record_sent(v->id, e.channel_event, payload);
  // ≤0.20: the controls whose phx-feedback-for elements show again once the reply is in
  // (DOM.showError): the changed one; 0.18+, every element of a submitted form.
  std::vector<const dom::node*> feedback;
  if (opts_.profile <= client_profile::v0_20 && e.loading.el) {
    if (e.loading.what == loading_request::kind::change) {
      feedback.push_back(e.loading.el);
    } else if (e.loading.what == loading_request::kind::submit &&
               opts_.profile >= client_profile::v0_18) {
      for (const dom::node* c : form_controls(*e.loading.el))
        if (!(c->tag() == "input" && input_type(*c) == "image")) feedback.push_back(c);
    }
  }
  auto replied = std::exchange(next_push_replied_, nullptr);
  v->ch->push(
      e.channel_event, std::move(payload),
      [this, id = v->id, ref, hook_event = std::move(hook_event), replied = std::move(replied),
       feedback = std::move(feedback), then = std::move(then)](const reply_result& r) {
        view_state* cur = view_by_id(id);
        if (!cur) return;
        // The reply's diff is patched after undoRefs, but for 0.18, which undoes (and
        // patches in what it held back for the elements) after the patch.
        const bool undo_after = opts_.profile == client_profile::v0_18;
        if (ref && !undo_after) undo_ref(*cur, *ref);
        apply_reply(*cur, r, hook_event);
        if (ref && undo_after) {
          if (view_state* again = view_by_id(id)) undo_ref(*again, *ref);
        }
        if (r.ok()) show_feedback(feedback);
        if (replied && r.ok()) replied();
        if (then && r.ok()) then(r);
      },
      push_timeout_ms);
}

void browser::undo_ref(view_state& v, std::uint64_t ref) {
  const auto& released = v.loading.undo_buffered(*document_, ref);
  // 1.x: what a lock held back is the patcher's to re-apply with the lock's ack (not yet
  // wired here: the released elements keep the markup they had when locked).
  if (!v.el || v.destroyed || opts_.profile >= client_profile::v1_0) return;
  for (dom::node* el : released) {
    // Only an element the patcher holds an update for has one to apply (unlock does
    // nothing for the others).
    if (!el || !v.dom.patcher().held_update(*el) || !attached_to(el, v.el)) continue;
    patch_options po;
    po.focused = attached_to(active_element(), v.el) ? active_element() : nullptr;
    po.root_id = attr(*v.el, "data-phx-root-id");
    po.destroyed = &in_->destroyed_children;
    auto rep = v.dom.patcher().unlock(*v.el, *el, static_cast<long long>(ref), po);
    if (rep.patch == patch_report::kind::none) continue;
    // DOMPatch.patchEl: a focused control only merges attributes.
    forget_removed(rep);
    sync_form_values(v, rep, po.focused, false);
    if (rep.trigger_action) trigger_actions_.push_back(rep.trigger_action);
  }
}

void browser::show_feedback(const std::vector<const dom::node*>& controls) {
  if (controls.empty()) return;
  // Held by address since the push: only controls still in the document are looked at
  // (one that left may be gone; the client finds no form for it either).
  std::unordered_map<const dom::node*, dom::node*> present;
  for_each_element(*document_, [&](dom::node& el) {
    present.emplace(&el, &el);
    return true;
  });
  for (const dom::node* c : controls) {
    if (!present.count(c)) continue;
    const std::string id = attr(*c, "id");
    const std::string name = attr(*c, "name");
    if (id.empty() && name.empty()) continue;
    auto form = present.find(form_owner(*c));
    if (form == present.end()) continue;
    for_each_element(*form->second, [&](dom::node& el) {
      const std::string* f = el.get_attribute("phx-feedback-for");
      if (f && (*f == id || *f == name)) detail::remove_class(el, "phx-no-feedback");
      return true;
    });
  }
}

void browser::consume_effects(dispatch_result& r) {
  auto effects = std::move(r.effects);
  r.effects.clear();
  for (effect& e : effects) {
    if (e.what == effect::kind::push) {
      push_effect(e, std::move(e.payload), nullptr);
    } else {
      dispatch_result one;
      one.effects.push_back(std::move(e));
      run_effects(one);
    }
  }
}

void browser::run_effects(const dispatch_result& r) {
  for (const effect& e : r.effects) {
    switch (e.what) {
      case effect::kind::push: push_effect(e); break;
      case effect::kind::patch: {
        view_state* main = view_by_id(main_id_);
        std::string href = resolve_url(url_, e.href);
        auto kind = e.replace ? protocol::navigation::replace : protocol::navigation::push;
        if (main && main->joined && main->ch)
          push_link_patch(*main, href, kind, e.source, &e.loading);
        else
          navigate_hard(href);
        break;
      }
      case effect::kind::navigate:
        replace_main(resolve_url(url_, e.href), std::nullopt,
                     e.replace ? protocol::navigation::replace : protocol::navigation::push, true);
        break;
      case effect::kind::js_command: break;
    }
  }
}

binding_context browser::context() {
  binding_context ctx;
  fill_context(ctx);
  return ctx;
}

void browser::fill_context(binding_context& ctx) {
  ctx.profile = opts_.profile;
  ctx.document = document_.get();
  ctx.forms = &in_->forms;
  ctx.interactions = &in_->interactions;
  ctx.page_url = url_;
}

namespace {
// The argument-less actions, made once: an action holds a JSON payload (a hook's), an empty
// object that each call would allocate.
const action& click_action() {
  static const action a = action::click();
  return a;
}
const action& focus_action() {
  static const action a = action::focus();
  return a;
}
const action& blur_action() {
  static const action a = action::blur();
  return a;
}
}  // namespace

dispatch_result browser::act(dom::node* el, const action& a, std::string_view event_type) {
  page_loads_ = 0;
  // Kept from one action to the next, so the page URL's copy reuses its buffer (dispatch,
  // the only reader, never starts another action).
  binding_context& ctx = in_->action_context;
  fill_context(ctx);
  dom::node& target = el ? *el : *document_;
  const bool rate_limited = el && !event_type.empty();
  const bool limits = rate_limited && rate_limiter::limits(*el);
  // A change's callback marks the control changed (phx-has-focused: feedback, 1.x
  // _unused_), makes a non-textual one the active element and serializes the form: all
  // when the debounce fires. Delayed, the look-up beforehand must mark nothing.
  const bool deferred_change = limits && a.kind == action_kind::change;
  interaction_state scratch;
  if (deferred_change) {
    scratch = in_->interactions;
    ctx.interactions = &scratch;
  }
  // A click inside a live link is click_link's, which is what dispatch does with a click.
  dispatch_result r = dispatch(ctx, target, a);
  if (r.effects.empty()) {
    settle();
    return r;
  }
  const bool keep = keep_effects_;
  if (!rate_limited) {
    if (keep) run_effects(r);
    else consume_effects(r);
  } else if (!limits) {
    // Called at once and not kept: the effects need no copy, and the callback holds one
    // pointer (no allocation).
    struct call {
      browser& self;
      dispatch_result& r;
      const action& a;
      dom::node& el;
      bool keep;
      void operator()() {
        if (a.kind == action_kind::change) self.note_changed(el);
        if (keep) self.run_effects(r);
        else self.consume_effects(r);
      }
    } now{*this, r, a, *el, keep};
    in_->limiter.submit(*el, event_type, a.key, [&now] { now(); });
    if (!keep) r.effects.clear();  // a throttled call dropped them
  } else {
    const std::uint64_t page = in_->page;
    std::weak_ptr<bool> alive = alive_;
    struct call_state {
      bool fired = false;
      std::shared_ptr<int> held;  // the count this call is in, while it is held back
      void release() {
        if (held) --*held;
        held.reset();
      }
      ~call_state() { release(); }
    };
    auto st = std::make_shared<call_state>();
    auto effects = std::make_shared<dispatch_result>();
    if (keep) {
      *effects = r;
    } else {
      effects->effects = std::move(r.effects);
      r.effects.clear();
    }
    auto fire = [this, alive, page, effects, st, deferred_change, el, a] {
      if (alive.expired() || page != in_->page) return;
      st->release();
      st->fired = true;
      if (deferred_change && attached_to(el, document_.get())) {
        note_changed(*el);
        binding_context now = context();
        run_effects(dispatch(now, *el, a));
        return;
      }
      run_effects(*effects);
    };
    auto decision = in_->limiter.submit(*el, event_type, a.key, std::move(fire));
    if ((decision == rate_decision::scheduled || decision == rate_decision::on_blur) &&
        !st->fired) {
      st->held = in_->deferred;
      ++*st->held;
    }
  }
  settle();
  return r;
}

dispatch_result browser::click(dom::node& el) {
  if (opts_.actions_move_focus) set_focus(&el);
  // The mouseup listener setActiveElement leaves on its element (reached by bubbling).
  if (sticky_active_ && attached_to(&el, sticky_active_)) sticky_active_ = nullptr;
  return act(&el, click_action(), "click");
}

dispatch_result browser::change(dom::node& control, std::optional<std::string> value,
                                std::optional<std::string> report_target) {
  if (value) {
    const std::string type = input_type(control);
    if (control.tag() == "input" && (type == "checkbox" || type == "radio")) {
      in_->forms.set_checked(control, !value->empty() && *value != "false");
    } else if (control.tag() == "select") {
      for (const dom::node* opt : options_of(control))
        in_->forms.set_selected(*opt, option_value(*opt) == *value);
    } else {
      in_->forms.set_value(control, *value);
    }
  }
  if (opts_.actions_move_focus) set_focus(&control);
  action a = action::change();
  a.target_name = std::move(report_target);
  return act(&control, a, "input");
}

void browser::note_changed(dom::node& control) {
  // ≤0.20: a change on a control that is not textual makes it LiveSocket.activeElement.
  if (opts_.profile > client_profile::v0_20) return;
  static const char* textual[] = {"text", "textarea", "number", "email", "password", "search",
                                  "tel", "url", "date", "time", "datetime-local", "color",
                                  "range"};
  std::string type = control.tag() == "textarea" ? "textarea"
                     : control.tag() == "select" ? "select"
                     : control.tag() == "input"  ? input_type(control)
                                                 : std::string();
  if (type.empty()) return;
  if (opts_.profile == client_profile::v0_15 && (type == "datetime-local" || type == "color" ||
                                                 type == "range")) {
    sticky_active_ = &control;
    return;
  }
  for (const char* t : textual)
    if (type == t) return;
  sticky_active_ = &control;
}

dispatch_result browser::select_options(dom::node& select,
                                        const std::vector<std::string>& values) {
  for (const dom::node* opt : options_of(select)) {
    const bool pick =
        std::find(values.begin(), values.end(), option_value(*opt)) != values.end();
    if (pick || select.has_attribute("multiple")) in_->forms.set_selected(*opt, pick);
  }
  if (opts_.actions_move_focus) set_focus(&select);
  return act(&select, action::change(), "input");
}

dispatch_result browser::change_form(dom::node& form, const nlohmann::json& values) {
  fill_in(form, values, in_->forms);
  dom::node* first = nullptr;
  if (values.is_object() && !values.empty()) {
    const std::string name = values.begin().key();
    for (const dom::node* c : form_controls(form)) {
      std::string n = attr(*c, "name");
      if (n == name || n == name + "[]" || n.rfind(name + "[", 0) == 0) {
        first = const_cast<dom::node*>(c);
        break;
      }
    }
  }
  if (!first) {
    for (const dom::node* c : form_controls(form))
      if (c->has_attribute("name")) {
        first = const_cast<dom::node*>(c);
        break;
      }
  }
  if (!first) return act(&form, action::change(), "input");
  if (opts_.actions_move_focus) set_focus(first);
  return act(first, action::change(), "input");
}

void browser::fill_form(dom::node& form, const nlohmann::json& values) {
  fill_in(form, values, in_->forms);
}

dispatch_result browser::submit(dom::node& form, const dom::node* submitter) {
  std::vector<const dom::node*> inputs;
  for (const dom::node* c : form_controls(form))
    if (c->has_attribute("name")) inputs.push_back(c);
  in_->limiter.form_submitted(form, inputs);
  // ≤0.20 submitForm: blurActiveElement, then restorePreviouslyActiveFocus on the reply
  // (focus moves to a sticky active control too; no focus events are simulated here).
  dom::node* prev = opts_.profile <= client_profile::v0_20 ? active_element() : nullptr;
  if (prev) {
    if (focused_ == prev) focused_ = nullptr;
    const std::uint64_t page = in_->page;
    next_push_replied_ = [this, prev, page] {
      if (page == in_->page && attached_to(prev, document_.get())) focused_ = prev;
    };
  }
  auto r = act(&form, action::submit(submitter), "");
  next_push_replied_ = nullptr;
  return r;
}

dispatch_result browser::keydown(dom::node& el, std::string key) {
  return act(&el, action::keydown(std::move(key)), "keydown");
}
dispatch_result browser::keyup(dom::node& el, std::string key) {
  return act(&el, action::keyup(std::move(key)), "keyup");
}

dispatch_result browser::window_keydown(std::string key) {
  dom::node* body = nullptr;
  for_each_element(*document_, [&](dom::node& el) {
    if (!body && el.tag() == "body") body = &el;
    return !body;
  });
  if (!body) return {};
  return act(body, action::keydown(std::move(key)), "keydown");
}

dispatch_result browser::window_keyup(std::string key) {
  dom::node* body = nullptr;
  for_each_element(*document_, [&](dom::node& el) {
    if (!body && el.tag() == "body") body = &el;
    return !body;
  });
  if (!body) return {};
  return act(body, action::keyup(std::move(key)), "keyup");
}

dispatch_result browser::focus(dom::node& el) {
  set_focus(&el);
  return act(&el, focus_action(), "focus");
}

dispatch_result browser::blur(dom::node& el) {
  if (focused_ == &el) focused_ = nullptr;
  in_->limiter.blur(el);
  auto r = act(&el, blur_action(), "blur");
  return r;
}

dispatch_result browser::window_focus() { return act(nullptr, action::window_focus(), ""); }
dispatch_result browser::window_blur() { return act(nullptr, action::window_blur(), ""); }

dispatch_result browser::hook_push(dom::node& el, std::string event, nlohmann::json payload) {
  return act(&el, action::hook_push(std::move(event), std::move(payload)), "");
}

dispatch_result browser::hook_push_to(dom::node& el, std::string target, std::string event,
                                      nlohmann::json payload) {
  return act(&el, action::hook_push_to(std::move(target), std::move(event), std::move(payload)),
             "");
}

dispatch_result browser::push_view_event(dom::node& container, nlohmann::json payload) {
  page_loads_ = 0;
  dispatch_result r;
  effect e;
  e.view = &container;
  e.source = &container;
  e.channel_event = "event";
  e.payload = std::move(payload);
  r.effects.push_back(std::move(e));
  run_effects(r);
  settle();
  return r;
}

}  // namespace lvh::sim
