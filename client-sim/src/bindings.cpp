#include <lvh/sim/bindings.hpp>

#include <lvh/dom/node.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/forms.hpp>
#include <lvh/sim/loading.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <type_traits>

namespace lvh::sim {

using protocol::client_profile;
using json = nlohmann::json;

// -- actions -------------------------------------------------------------------------------

action action::change(std::optional<std::string> new_value) {
  action a;
  a.kind = action_kind::change;
  a.value = std::move(new_value);
  return a;
}
action action::submit(const dom::node* submitter) {
  action a;
  a.kind = action_kind::submit;
  a.submitter = submitter;
  return a;
}
action action::keydown(std::string key) {
  action a;
  a.kind = action_kind::keydown;
  a.key = std::move(key);
  return a;
}
action action::keyup(std::string key) {
  action a;
  a.kind = action_kind::keyup;
  a.key = std::move(key);
  return a;
}
action action::focus() {
  action a;
  a.kind = action_kind::focus;
  return a;
}
action action::blur() {
  action a;
  a.kind = action_kind::blur;
  return a;
}
action action::window_focus() {
  action a;
  a.kind = action_kind::window_focus;
  return a;
}
action action::window_blur() {
  action a;
  a.kind = action_kind::window_blur;
  return a;
}
action action::hook_push(std::string event, json payload) {
  action a;
  a.kind = action_kind::hook_push;
  a.event = std::move(event);
  a.payload = std::move(payload);
  return a;
}
action action::hook_push_to(std::string target, std::string event, json payload) {
  action a = hook_push(std::move(event), std::move(payload));
  a.kind = action_kind::hook_push_to;
  a.target = std::move(target);
  return a;
}

std::vector<const effect*> dispatch_result::pushes() const {
  std::vector<const effect*> out;
  for (const auto& e : effects)
    if (e.what == effect::kind::push) out.push_back(&e);
  return out;
}

std::string_view binding_name(action_kind k) noexcept {
  switch (k) {
    case action_kind::click: return "phx-click";
    case action_kind::change: return "phx-change";
    case action_kind::submit: return "phx-submit";
    case action_kind::keydown: return "phx-keydown";
    case action_kind::keyup: return "phx-keyup";
    case action_kind::focus: return "phx-focus";
    case action_kind::blur: return "phx-blur";
    case action_kind::window_focus: return "phx-window-focus";
    case action_kind::window_blur: return "phx-window-blur";
    case action_kind::hook_push:
    case action_kind::hook_push_to: return "phx-hook";
  }
  return "";
}

// -- URLs ----------------------------------------------------------------------------------

std::string resolve_url(std::string_view base, std::string_view href) {
  auto scheme_end = base.find("://");
  if (href.find("://") != std::string_view::npos) {
    // An absolute URL: only http(s) ones matter here; keep it.
    return std::string(href);
  }
  if (scheme_end == std::string_view::npos) return std::string(href);
  const std::string_view scheme = base.substr(0, scheme_end);
  const std::size_t host_start = scheme_end + 3;
  std::size_t path_start = base.find('/', host_start);
  if (path_start == std::string_view::npos) path_start = base.size();
  const std::string_view origin = base.substr(0, path_start);
  std::string_view path_query = base.substr(path_start);
  if (path_query.empty()) path_query = "/";
  const std::string_view base_no_frag = path_query.substr(0, path_query.find('#'));
  const std::string_view base_path = base_no_frag.substr(0, base_no_frag.find('?'));

  if (href.substr(0, 2) == "//") return std::string(scheme) + ":" + std::string(href);
  if (href.empty()) return std::string(origin) + std::string(base_no_frag);
  if (href[0] == '#') return std::string(origin) + std::string(base_no_frag) + std::string(href);
  if (href[0] == '?') return std::string(origin) + std::string(base_path) + std::string(href);

  std::string path;
  std::string rest;
  std::size_t cut = href.find_first_of("?#");
  std::string_view href_path = href.substr(0, cut);
  if (cut != std::string_view::npos) rest = std::string(href.substr(cut));
  if (!href_path.empty() && href_path[0] == '/') {
    path = std::string(href_path);
  } else {
    path = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(href_path);
  }
  // Remove dot segments.
  std::vector<std::string> segs;
  std::size_t i = 1;
  bool trailing = false;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string seg = path.substr(i, j - i);
    trailing = j == path.size() && (seg == "." || seg == "..");
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (seg != ".") {
      segs.push_back(seg);
    }
    i = j + 1;
  }
  std::string out = std::string(origin);
  for (const auto& s : segs) out += "/" + s;
  if (segs.empty() || trailing) out += "/";
  return out + rest;
}

namespace {

// -- DOM helpers ---------------------------------------------------------------------------

const std::string* attr(const dom::node& el, std::string_view name) {
  return el.is_element() ? el.get_attribute(name) : nullptr;
}

bool is_html(const dom::node& el, std::string_view tag) {
  return el.is_element() && el.element_namespace() == dom::ns::html && el.tag() == tag;
}

bool is_view_container(client_profile p, const dom::node& el) {
  return el.is_element() &&
         el.has_attribute(p == client_profile::v0_15 ? "data-phx-view" : "data-phx-session");
}

// The `disabled` IDL attribute: only these elements have one.
bool disabled_property(const dom::node& el) {
  if (el.element_namespace() != dom::ns::html) return false;
  const auto& t = el.tag();
  if (t == "button" || t == "input" || t == "select" || t == "textarea" || t == "fieldset" ||
      t == "optgroup" || t == "option")
    return el.has_attribute("disabled");
  return false;
}

// The client's closestPhxBinding: `el` or an ancestor carrying `binding`, not above the
// view container (the container itself only when it is `el`). 0.20+ skip disabled elements.
dom::node* closest_binding(client_profile p, dom::node& start, std::string_view binding) {
  dom::node* el = &start;
  while (true) {
    if (el->has_attribute(binding) && !(p >= client_profile::v0_20 && disabled_property(*el)))
      return el;
    el = el->parent();
    if (!el || !el->is_element() || is_view_container(p, *el)) return nullptr;
  }
}

// The elements under `root` in document order (not into <template>), until `fn` returns
// false when it returns bool.
template <class Fn>
void walk_elements(dom::node& root, Fn&& fn) {
  std::vector<dom::node*> stack;
  stack.reserve(64);
  auto push_children = [&stack](const dom::node& parent) {
    for (auto it = parent.children().rbegin(); it != parent.children().rend(); ++it)
      if ((*it)->is_element()) stack.push_back(it->get());
  };
  push_children(root);
  while (!stack.empty()) {
    dom::node* n = stack.back();
    stack.pop_back();
    if constexpr (std::is_same_v<decltype(fn(*n)), bool>) {
      if (!fn(*n)) return;
    } else {
      fn(*n);
    }
    if (n->tag() != std::string_view("template")) push_children(*n);  // sizes first
  }
}

std::vector<dom::node*> all_with_attribute(dom::node& root, std::string_view name) {
  std::vector<dom::node*> out;
  walk_elements(root, [&](dom::node& n) {
    if (n.has_attribute(name)) out.push_back(&n);
  });
  return out;
}

// {"data": {}}: the default arguments of most bindings' JS.exec.
const json& empty_data_args() {
  static const json args = {{"data", json::object()}};
  return args;
}

bool is_cid(std::string_view s) {
  if (s.empty()) return false;
  if (s == "0") return true;
  if (s[0] == '0') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<long long> cid_of(const dom::node& el) {
  const std::string* v = attr(el, "data-phx-component");
  if (!v || v->empty()) return std::nullopt;
  // parseInt: leading digits.
  std::size_t i = 0;
  long long n = 0;
  while (i < v->size() && std::isdigit(static_cast<unsigned char>((*v)[i])) && n < 1'000'000'000'000LL)
    n = n * 10 + ((*v)[i++] - '0');
  if (i == 0) return std::nullopt;
  return n;
}

// JavaScript's parseInt for an attribute holding a number (li.value etc.); 0 when absent or
// not a number.
long long js_long_attr(const dom::node& el, std::string_view name) {
  const std::string* v = attr(el, name);
  if (!v) return 0;
  const char* s = v->c_str();
  char* end = nullptr;
  long long n = std::strtoll(s, &end, 10);
  if (end == s) return 0;
  if (n > 2147483647LL || n < -2147483648LL) return 0;
  return n;
}

// element.value, for the elements that have a `value` property, as the JSON it serializes to.
std::optional<json> element_value(const dom::node& el, const form_state* forms) {
  if (!el.is_element() || el.element_namespace() != dom::ns::html) return std::nullopt;
  const auto& t = el.tag();
  if (t == "input" || t == "select" || t == "textarea") return json(current_value(el, forms));
  if (t == "button" || t == "data" || t == "param") {
    const std::string* v = el.get_attribute("value");
    return json(v ? *v : std::string());
  }
  if (t == "option") return json(option_value(el));
  if (t == "li") return json(js_long_attr(el, "value"));
  if (t == "output") return json(el.text_content());
  if (t == "meter" || t == "progress") {
    const std::string* v = el.get_attribute("value");
    double d = 0;
    if (v) {
      char* end = nullptr;
      d = std::strtod(v->c_str(), &end);
      if (end == v->c_str()) d = 0;
    }
    if (d == static_cast<double>(static_cast<long long>(d))) return json(static_cast<long long>(d));
    return json(d);
  }
  return std::nullopt;
}

// The 1.x client's prependFormDataKey(key, "_unused_"): the prefix goes before the last
// name segment ("user[name]" -> "user[_unused_name]", "tags[]" -> "_unused_tags[]").
std::string unused_key(const std::string& key) {
  constexpr std::string_view prefix = "_unused_";
  const bool is_array = key.size() >= 2 && key.compare(key.size() - 2, 2, "[]") == 0;
  std::string base = is_array ? key.substr(0, key.size() - 2) : key;
  auto run_start = [](const std::string& s, std::size_t end) {
    std::size_t i = end;
    while (i > 0 && s[i - 1] != '[' && s[i - 1] != ']') --i;
    return i;
  };
  std::size_t end = base.size();
  if (!base.empty() && base.back() == ']') --end;
  std::size_t start = run_start(base, end);
  if (start < end) base.insert(start, prefix);
  if (is_array) base += "[]";
  return base;
}

}  // namespace

dom::node* owner_view(client_profile p, const dom::node& el) {
  for (const dom::node* n = &el; n; n = n->parent())
    if (is_view_container(p, *n)) return const_cast<dom::node*>(n);
  return nullptr;
}

namespace {

// -- the dispatcher ------------------------------------------------------------------------

struct target_ctx {
  dom::node* view = nullptr;
  dom::node* el = nullptr;            // the element context, or
  std::optional<long long> cid;        // a component id
};

// withinTargets' result: nearly always one target, kept inline.
class target_list {
 public:
  void push_back(const target_ctx& t) {
    if (size_ == 0) {
      first_ = t;
    } else {
      if (size_ == 1) rest_.push_back(first_);
      rest_.push_back(t);
    }
    ++size_;
  }
  bool empty() const noexcept { return size_ == 0; }
  const target_ctx* begin() const noexcept { return size_ > 1 ? rest_.data() : &first_; }
  const target_ctx* end() const noexcept { return begin() + size_; }

 private:
  target_ctx first_;
  std::vector<target_ctx> rest_;  // all of them, once there are two
  std::size_t size_ = 0;
};

struct push_opts {
  std::optional<std::string> target;  // JS push "target"
  json value;                         // JS push "value" (object or null)
  std::optional<std::string> loading; // JS push "loading"
  std::optional<std::string> event;   // JS push "event"
};

class dispatcher {
 public:
  dispatcher(binding_context& ctx, dispatch_result& out, dom::node& any)
      : ctx_(ctx), p_(ctx.profile), out_(out) {
    doc_ = ctx.document;
    if (!doc_) {
      doc_ = &any;
      while (doc_->parent()) doc_ = doc_->parent();
    }
  }

  void click(dom::node& el);
  void change(dom::node& input, const action& a);
  void submit(dom::node& form, const dom::node* submitter);
  void key(dom::node& el, action_kind k, const std::string& key);
  void focus(dom::node& el, bool focus_in);
  void window_focus(bool focus_in);
  void hook(dom::node& el, const action& a);
  void link(dom::node& el);

 private:
  dom::node& document() { return *doc_; }
  // closestComponentID: the cid of the closest component element owned by `view`.
  std::optional<long long> closest_cid(dom::node* view, const target_ctx& tc) {
    if (tc.cid) return tc.cid;
    if (!tc.el) return std::nullopt;
    for (dom::node* n = tc.el; n; n = n->parent()) {
      if (!n->is_element()) break;
      if (n->has_attribute("data-phx-component")) {
        if (owner_view(p_, *n) != view) return std::nullopt;
        return cid_of(*n);
      }
    }
    return std::nullopt;
  }
  // targetComponentID(target, targetCtx, opts).
  std::optional<long long> target_cid(const dom::node& target, dom::node* view,
                                      const target_ctx& tc, const push_opts& o) {
    if (p_ == client_profile::v0_15) {
      if (attr(target, "phx-target")) return closest_cid(view, tc);
      return std::nullopt;
    }
    if (tc.cid) return tc.cid;
    const std::string* own = attr(target, "phx-target");
    std::optional<std::string> sel;
    if (p_ >= client_profile::v1_0 && o.target) sel = o.target;
    else if (own) sel = *own;
    if (sel && is_cid(*sel)) return std::strtoll(sel->c_str(), nullptr, 10);
    if (tc.el && (sel || o.target)) return closest_cid(view, tc);
    return std::nullopt;
  }

  // The client's withinTargets: each (view, context) the push goes to.
  target_list within_targets(dom::node& source, const std::string* phx_target,
                             dom::node* ctx_el) {
    target_list out;
    if (!phx_target) {
      dom::node* view = owner_view(p_, *ctx_el);
      if (view) out.push_back({view, ctx_el, std::nullopt});
      else note_skip("no_view");
      return out;
    }
    dom::node* view = owner_view(p_, source);
    if (is_cid(*phx_target)) {
      const long long cid = std::strtoll(phx_target->c_str(), nullptr, 10);
      dom::node* found = nullptr;
      if (view) {
        walk_elements(*view, [&](dom::node& n) {
          if (cid_of(n) == cid) found = &n;
          return !found;
        });
      }
      if (!view || !found) {
        note_skip("no_target");
        return out;
      }
      if (p_ == client_profile::v0_15) out.push_back({view, found, std::nullopt});
      else out.push_back({view, nullptr, cid});
      return out;
    }
    auto sel = dom::selector::parse(*phx_target);
    if (!sel) {
      note_skip("no_target");
      return out;
    }
    for (dom::node* m : dom::query_all(document(), *sel)) {
      if (dom::node* v = owner_view(p_, *m)) out.push_back({v, m, std::nullopt});
    }
    if (out.empty()) note_skip("no_target");
    return out;
  }

  json extract_meta(const dom::node& el, json meta, const json& value, bool skip_form_value) {
    if (!meta.is_object()) meta = json::object();
    constexpr std::string_view prefix = "phx-value-";
    for (const auto& a : el.attributes()) {
      if (a.name.size() >= prefix.size() && a.name.compare(0, prefix.size(), prefix) == 0)
        meta[a.name.substr(prefix.size())] = a.value;
    }
    if (!(skip_form_value && is_html(el, "form"))) {
      if (auto v = element_value(el, ctx_.forms)) {
        meta["value"] = *v;
        if (is_html(el, "input")) {
          const std::string type = input_type(el);
          if ((type == "checkbox" || type == "radio") && !is_checked(el, ctx_.forms))
            meta.erase("value");
        }
      }
    }
    if (value.is_object())
      for (auto it = value.begin(); it != value.end(); ++it) meta[it.key()] = it.value();
    return meta;
  }

  void note_skip(std::string reason) {
    if (!out_.skipped) out_.skipped = std::move(reason);
  }

  void add_push(dom::node* view, dom::node& source, json payload, loading_request lr) {
    effect e;
    e.what = effect::kind::push;
    e.view = view;
    e.channel_event = "event";
    if (payload.contains("cid") && !payload["cid"].is_number()) payload.erase("cid");
    e.payload = std::move(payload);
    e.source = &source;
    e.loading = std::move(lr);
    out_.effects.push_back(std::move(e));
  }

  // JS.exec over the binding's value: a command list (0.18+) or a plain event name.
  // `push` runs the client's default push with the merged arguments.
  // `push(name, opts, data)`.
  template <class Push>
  void exec(dom::node& source, const std::string& phx_event, const json& default_args,
            Push&& push);
  void push_event(dom::node& source, const std::string& type, const std::string& phx_event,
                  const push_opts& o, const json& data);
  void push_input(dom::node& input, dom::node* dispatcher_el, const std::string& phx_event,
                  const push_opts& o, const std::string& target_name,
                  std::optional<long long> force_cid = std::nullopt);
  json input_payload(dom::node& input, const dom::node& form, const std::string& phx_event,
                     const push_opts& o, const std::string& target_name,
                     const dom::node* submitter);
  void push_submit(dom::node& form, const dom::node* submitter, const std::string& phx_event,
                   const push_opts& o);
 public:
  void recover(const form_recovery& r, recovery_pushes& out);

 private:
  void recover_1x(const form_recovery& r, dom::node& input, const std::string& phx_event,
                  recovery_pushes& out);
  void navigation(dom::node& source, effect::kind k, const std::string& href, bool replace,
                  bool from_link);
  std::string serialize_form(const dom::node& form, const dom::node* submitter,
                             const std::string* only_name, bool unused_markers);

  binding_context& ctx_;
  client_profile p_;
  dispatch_result& out_;
  interaction_state& inter() { return ctx_.interactions ? *ctx_.interactions : local_; }

  dom::node* doc_ = nullptr;
  interaction_state local_;
};

template <class Push>
void dispatcher::exec(dom::node& source, const std::string& phx_event, const json& default_args,
                      Push&& push) {
  auto opts_from = [&](const json& args, std::string& event_name) {
    push_opts o;
    event_name = phx_event;
    if (!args.is_object()) return o;
    if (auto it = args.find("event"); it != args.end() && it->is_string()) event_name = *it;
    if (auto it = args.find("target"); it != args.end() && it->is_string()) o.target = *it;
    if (auto it = args.find("value"); it != args.end()) o.value = *it;
    if (auto it = args.find("loading"); it != args.end() && it->is_string()) o.loading = *it;
    return o;
  };
  if (p_ == client_profile::v0_15 || phx_event.empty() || phx_event[0] != '[') {
    // A plain event name: the default arguments' data as it is.
    static const json no_data = json::object();
    const auto data = default_args.find("data");
    push(phx_event, push_opts{}, data != default_args.end() ? *data : no_data);
    return;
  }
  json commands = json::parse(phx_event, nullptr, false);
  if (commands.is_discarded() || !commands.is_array()) {
    note_skip("bad_js");
    return;
  }
  for (const json& cmd : commands) {
    if (!cmd.is_array() || cmd.empty() || !cmd[0].is_string()) {
      note_skip("bad_js");
      continue;
    }
    const std::string kind = cmd[0];
    json args = cmd.size() > 1 && cmd[1].is_object() ? cmd[1] : json::object();
    if (kind == "push") {
      json data = args.value("data", json::object());
      if (p_ >= client_profile::v1_0) {
        // {...defaults, ...args}
        json merged = default_args;
        for (auto it = args.begin(); it != args.end(); ++it) merged[it.key()] = it.value();
        args = merged;
        data = args.value("data", json::object());
      } else if (default_args.contains("data") && default_args["data"].is_object()) {
        if (!data.is_object()) data = json::object();
        for (auto it = default_args["data"].begin(); it != default_args["data"].end(); ++it)
          data[it.key()] = it.value();
      }
      std::string name;
      push_opts o = opts_from(args, name);
      push(name, o, data);
    } else if (kind == "patch" || kind == "navigate") {
      const std::string href = args.value("href", std::string());
      const bool replace = args.value("replace", false);
      navigation(source, kind == "patch" ? effect::kind::patch : effect::kind::navigate, href,
                 replace, false);
    } else {
      effect e;
      e.what = effect::kind::js_command;
      e.view = owner_view(p_, source);
      e.command = kind;
      e.payload = args;
      e.source = &source;
      out_.effects.push_back(std::move(e));
    }
  }
}

void dispatcher::push_event(dom::node& source, const std::string& type,
                            const std::string& phx_event, const push_opts& o, const json& data) {
  const std::string* own = attr(source, "phx-target");
  const std::string* target = o.target && p_ >= client_profile::v0_18 ? &*o.target : own;
  for (const target_ctx& tc : within_targets(source, target, &source)) {
    json payload = json::object();
    payload["type"] = type;
    payload["event"] = phx_event;
    payload["value"] = extract_meta(source, data, o.value, p_ >= client_profile::v0_20);
    if (auto cid = target_cid(source, tc.view, tc, o)) payload["cid"] = *cid;
    loading_request lr;
    lr.what = loading_request::kind::element;
    lr.el = &source;
    lr.event_type = type;
    lr.phx_event = phx_event;
    lr.also = o.loading;
    add_push(tc.view, source, std::move(payload), std::move(lr));
  }
}

std::string dispatcher::serialize_form(const dom::node& form, const dom::node* submitter,
                                       const std::string* only_name, bool unused_markers) {
  std::vector<form_entry> entries;
  if (p_ >= client_profile::v1_0 && submitter && attr(*submitter, "name") &&
      !attr(*submitter, "name")->empty()) {
    // 1.x injects a hidden input with the submitter's name and value just before it.
    const std::string name = *attr(*submitter, "name");
    const bool image = is_html(*submitter, "input") && input_type(*submitter) == "image";
    entries = construct_entry_list(form, ctx_.forms, submitter_options{submitter, 0, 0});
    std::string value = is_html(*submitter, "button")
                            ? (attr(*submitter, "value") ? *attr(*submitter, "value") : "")
                            : current_value(*submitter, ctx_.forms);
    if (image) {
      auto it = std::find_if(entries.begin(), entries.end(),
                             [&](const form_entry& e) { return e.name == name + ".x"; });
      if (it != entries.end()) {
        it = entries.erase(it);
        if (it != entries.end() && it->name == name + ".y") it = entries.erase(it);
        entries.insert(it, form_entry{name, value, false});
      }
    }
  } else {
    entries = construct_entry_list(form, ctx_.forms);
  }
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [](const form_entry& e) { return e.is_file; }),
                entries.end());
  if (p_ == client_profile::v0_20 && submitter && attr(*submitter, "name") &&
      form_owner(*submitter) == &form) {
    std::string value = is_html(*submitter, "button")
                            ? (attr(*submitter, "value") ? *attr(*submitter, "value") : "")
                            : current_value(*submitter, ctx_.forms);
    entries.push_back({*attr(*submitter, "name"), value, false});
  }
  std::map<std::string, bool> unused, hidden;
  const bool skip_unused = p_ >= client_profile::v1_2 && form.has_attribute("phx-no-unused-field");
  if (unused_markers && !skip_unused) {
    for (const dom::node* c : form_controls(form)) {
      const std::string* name = attr(*c, "name");
      if (!name || name->empty()) continue;
      auto u = unused.emplace(*name, true).first;
      auto h = hidden.emplace(*name, true).first;
      const bool used = inter().used(*c) ||
                        (p_ >= client_profile::v1_2 && c->has_attribute("phx-no-unused-field"));
      u->second = u->second && !used;
      h->second = h->second && is_html(*c, "input") && input_type(*c) == "hidden";
    }
  }
  const std::string* submitter_name = submitter ? attr(*submitter, "name") : nullptr;
  std::vector<form_entry> out;
  for (auto& e : entries) {
    if (only_name && e.name != *only_name) continue;
    if (unused_markers && !skip_unused) {
      auto u = unused.find(e.name);
      auto h = hidden.find(e.name);
      const bool is_unused = u != unused.end() && u->second;
      const bool is_hidden = h != hidden.end() && h->second;
      if (is_unused && !(submitter_name && *submitter_name == e.name) && !is_hidden)
        out.push_back({unused_key(e.name), std::string(), false});
    }
    out.push_back(std::move(e));
  }
  return urlencode(out);
}

json dispatcher::input_payload(dom::node& input, const dom::node& form,
                               const std::string& phx_event, const push_opts& o,
                               const std::string& target_name, const dom::node* submitter) {
  const std::string* own_change = attr(input, "phx-change");
  const bool filter = p_ >= client_profile::v0_18 && own_change && !own_change->empty();
  const std::string* name = attr(input, "name");
  const std::string only_name = filter && name ? *name : std::string();
  json payload = {{"type", "form"}, {"event", phx_event}};
  std::string value =
      serialize_form(form, submitter, filter ? &only_name : nullptr, p_ >= client_profile::v1_0);
  if (p_ < client_profile::v1_0) {
    std::string extra;
    urlencode_append(extra, "_target");
    extra += '=';
    urlencode_append(extra, target_name);
    if (p_ == client_profile::v0_20) {
      // The form's phx-value-* follow _target as more parameters.
      constexpr std::string_view prefix = "phx-value-";
      for (const auto& a : form.attributes()) {
        if (a.name.compare(0, prefix.size(), prefix) != 0) continue;
        extra += '&';
        urlencode_append(extra, a.name.substr(prefix.size()));
        extra += '=';
        urlencode_append(extra, a.value);
      }
    }
    value += value.empty() ? extra : "&" + extra;
  }
  payload["value"] = value;
  if (p_ >= client_profile::v1_0) {
    json meta = extract_meta(form, json::object(), o.value, true);
    meta["_target"] = target_name;
    payload["meta"] = meta;
  }
  payload["uploads"] = json::object();
  return payload;
}

void dispatcher::push_input(dom::node& input, dom::node* dispatcher_el,
                            const std::string& phx_event, const push_opts& o,
                            const std::string& target_name, std::optional<long long> force_cid) {
  dom::node* form = const_cast<dom::node*>(form_owner(input));
  if (!form) {
    note_skip("not_in_form");
    return;
  }
  dom::node* target_src = dispatcher_el ? dispatcher_el : form;
  const std::string* own = attr(*target_src, "phx-target");
  const std::string* target = o.target && p_ >= client_profile::v0_18 ? &*o.target : own;
  const push_opts none;
  const push_opts& cid_opts = p_ >= client_profile::v1_0 ? o : none;
  for (const target_ctx& tc : within_targets(*target_src, target, target_src)) {
    json payload = input_payload(input, *form, phx_event, o, target_name, nullptr);
    if (force_cid) payload["cid"] = *force_cid;
    else if (auto cid = target_cid(*form, tc.view, tc, cid_opts)) payload["cid"] = *cid;
    loading_request lr;
    lr.what = loading_request::kind::change;
    lr.el = &input;
    lr.form = form;
    lr.event_type = "change";
    lr.phx_event = phx_event;
    lr.also = o.loading;
    add_push(tc.view, input, std::move(payload), std::move(lr));
  }
}

void dispatcher::push_submit(dom::node& form, const dom::node* submitter,
                             const std::string& phx_event, const push_opts& o) {
  const std::string* own = attr(form, "phx-target");
  const std::string* target = o.target && p_ >= client_profile::v0_18 ? &*o.target : own;
  for (const target_ctx& tc : within_targets(form, target, &form)) {
    if (p_ >= client_profile::v0_20 &&
        form.has_attribute(p_ >= client_profile::v1_0 ? "data-phx-ref-src" : "data-phx-ref")) {
      const std::string* cls = attr(form, "class");
      if (cls && (" " + *cls + " ").find(" phx-submit-loading ") != std::string::npos) {
        note_skip("submitting");
        continue;
      }
    }
    json payload = {{"type", "form"}, {"event", phx_event}};
    std::string value = serialize_form(form, p_ >= client_profile::v0_20 ? submitter : nullptr,
                                       nullptr, p_ >= client_profile::v1_0);
    if (p_ == client_profile::v0_20) {
      constexpr std::string_view prefix = "phx-value-";
      for (const auto& a : form.attributes()) {
        if (a.name.compare(0, prefix.size(), prefix) != 0) continue;
        if (!value.empty()) value += '&';
        urlencode_append(value, a.name.substr(prefix.size()));
        value += '=';
        urlencode_append(value, a.value);
      }
    }
    payload["value"] = value;
    if (p_ >= client_profile::v1_0) payload["meta"] = extract_meta(form, json::object(), o.value, true);
    if (auto cid = target_cid(form, tc.view, tc, push_opts{})) payload["cid"] = *cid;
    loading_request lr;
    lr.what = loading_request::kind::submit;
    lr.el = &form;
    lr.submitter = submitter;
    lr.event_type = "submit";
    lr.phx_event = phx_event;
    lr.also = o.loading;
    add_push(tc.view, form, std::move(payload), std::move(lr));
  }
}

// -- form recovery on rejoin ---------------------------------------------------------------

namespace {

// HTMLFormElement.elements: the listed elements the form owns, image buttons excepted.
std::vector<dom::node*> form_elements(const dom::node& form) {
  std::vector<dom::node*> out;
  for (const dom::node* c : form_controls(form))
    if (!(is_html(*c, "input") && input_type(*c) == "image")) out.push_back(const_cast<dom::node*>(c));
  return out;
}

// element.name: the attribute, "" without one.
std::string name_of(const dom::node& el) {
  const std::string* n = attr(el, "name");
  return n ? *n : std::string();
}

// element.type !== "hidden" (only an input can be of type hidden).
bool is_hidden_input(const dom::node& el) {
  return is_html(el, "input") && input_type(el) == "hidden";
}

// DOM.isFormInput (0.20, 1.0): input, select, textarea, not of type button.
bool is_form_input(const dom::node& el) {
  if (is_html(el, "select") || is_html(el, "textarea")) return true;
  return is_html(el, "input") && input_type(el) != "button";
}

// DOM.isFormAssociated (1.2): input, select, textarea, button.
bool is_form_associated(const dom::node& el) {
  return is_html(el, "input") || is_html(el, "select") || is_html(el, "textarea") ||
         is_html(el, "button");
}

// The event a recovered form pushes: phx-auto-recover, else phx-change (the `||` of the
// client: an empty value counts as none).
std::string recovery_event(const dom::node& form) {
  const std::string* a = attr(form, "phx-auto-recover");
  if (a && !a->empty()) return *a;
  const std::string* c = attr(form, "phx-change");
  return c ? *c : std::string();
}

}  // namespace

void dispatcher::recover(const form_recovery& r, recovery_pushes& out) {
  if (!r.form) return;
  dom::node& form = *r.form;
  const bool list = p_ != client_profile::v0_15 && [&] {
    const std::string ev = p_ >= client_profile::v1_0 && r.new_form ? recovery_event(*r.new_form)
                                                                      : recovery_event(form);
    return !ev.empty() && ev[0] == '[';
  }();
  auto record = [&](std::size_t before, bool calls_back) {
    for (std::size_t i = before; i < out_.effects.size(); ++i) out.calls_back.push_back(calls_back);
  };
  const std::vector<dom::node*> elements = form_elements(form);
  if (p_ == client_profile::v0_15) {
    // form.elements[0] and the form's event, through the form's owners (its phx-target).
    if (elements.empty()) return;
    dom::node& input = *elements.front();
    const std::size_t before = out_.effects.size();
    push_input(input, nullptr, recovery_event(form), push_opts{}, name_of(input));
    record(before, true);
    return;
  }
  // The control whose name goes in _target.
  dom::node* input = nullptr;
  if (p_ == client_profile::v0_18) {
    if (!elements.empty()) input = elements.front();
  } else {
    std::vector<dom::node*> named;
    for (dom::node* el : elements) {
      const bool kind = p_ >= client_profile::v1_2 ? is_form_associated(*el) : is_form_input(*el);
      if (kind && !name_of(*el).empty() && !el->has_attribute("phx-change")) named.push_back(el);
    }
    for (dom::node* el : named) {
      if (!is_hidden_input(*el)) {
        input = el;
        break;
      }
    }
    if (!input && !named.empty()) input = named.front();
  }
  if (!input) {
    out.no_inputs = true;
    return;
  }
  if (p_ >= client_profile::v1_0) {
    if (!r.new_form || !r.render_root || !r.view) return;
    recover_1x(r, *input, recovery_event(*r.new_form), out);
    return;
  }
  // 0.18 / 0.20: JS.exec "change" on the control; the new render's form may force the cid.
  std::optional<long long> new_cid;
  if (r.new_form) {
    const std::string* t = attr(*r.new_form, "phx-target");
    if (t && is_cid(*t)) new_cid = std::strtoll(t->c_str(), nullptr, 10);
  }
  const std::string phx_event = recovery_event(form);
  std::string target_name = name_of(*input);
  if (list) {
    // A command list keeps its own arguments: _target falls back to the control's name
    // (0.18: only an <input>'s), and the callback is lost.
    const bool has_name = p_ == client_profile::v0_18 ? is_html(*input, "input") : is_form_input(*input);
    if (!has_name) target_name.clear();
  }
  if (target_name.empty()) target_name = "undefined";
  const std::size_t before = out_.effects.size();
  exec(*input, phx_event, json{{"_target", target_name}},
       [&](const std::string& ev, const push_opts& o, const json&) {
         push_input(*input, input, ev, o, target_name, list ? std::nullopt : new_cid);
       });
  record(before, !list);
}

void dispatcher::recover_1x(const form_recovery& r, dom::node& input, const std::string& phx_event,
                            recovery_pushes& out) {
  const dom::node& new_form = *r.new_form;
  dom::node& root = *r.render_root;
  const std::string view_id = attr(root, "id") ? *attr(root, "id") : std::string();
  // closestComponentID over the render: the closest component element (the render holds
  // this view's markup only).
  auto closest_cid_in_render = [&](const dom::node* el) -> std::optional<long long> {
    for (const dom::node* n = el; n && n != &root; n = n->parent()) {
      if (!n->is_element()) break;
      if (n->has_attribute("data-phx-component")) return cid_of(*n);
    }
    return std::nullopt;
  };
  // withinTargets(phxTarget, …, render): the new form, a component of the render, or the
  // render's elements a selector matches.
  struct target {
    const dom::node* el = nullptr;
    std::optional<long long> cid;
  };
  std::vector<target> targets;
  const std::string* phx_target = attr(new_form, "phx-target");
  if (!phx_target || phx_target->empty()) {
    targets.push_back({&new_form, std::nullopt});
  } else if (is_cid(*phx_target)) {
    const std::string cid = *phx_target;
    bool found = false;
    walk_elements(root, [&](dom::node& n) {
      if (found || !attr(n, "data-phx-component") || *attr(n, "data-phx-component") != cid) return;
      // 1.2 looks the component up by its data-phx-view too.
      if (p_ >= client_profile::v1_2 && (!attr(n, "data-phx-view") || *attr(n, "data-phx-view") != view_id))
        return;
      found = true;
    });
    if (found) targets.push_back({nullptr, std::strtoll(cid.c_str(), nullptr, 10)});
  } else if (auto sel = dom::selector::parse(*phx_target)) {
    for (dom::node* m : dom::query_all(root, *sel)) targets.push_back({m, std::nullopt});
  }
  out.targets = static_cast<int>(targets.size());
  if (targets.empty()) note_skip("no_target");
  dom::node* form = const_cast<dom::node*>(form_owner(input));
  if (!form) return;
  const std::string target_name = name_of(input).empty() ? "undefined" : name_of(input);
  const std::string* old_target = attr(*form, "phx-target");
  for (const target& t : targets) {
    // targetComponentID(newForm, targetCtx), then pushInput's own fallback on the old form.
    std::optional<long long> cid = t.cid;
    if (!cid && phx_target && !phx_target->empty()) cid = closest_cid_in_render(t.el);
    const std::size_t before = out_.effects.size();
    exec(input, phx_event,
         json{{"_target", name_of(input)}, {"newCid", cid ? json(*cid) : json(nullptr)}},
         [&](const std::string& ev, const push_opts& o, const json&) {
           std::optional<long long> push_cid = cid;
           if (!push_cid) {
             const std::optional<std::string> sel = o.target ? o.target
                                                 : old_target ? std::optional<std::string>(*old_target)
                                                              : std::nullopt;
             if (sel && is_cid(*sel)) push_cid = std::strtoll(sel->c_str(), nullptr, 10);
             else if (sel && t.el) push_cid = closest_cid_in_render(t.el);
           }
           const dom::node* submitter = is_html(input, "button") ? &input : nullptr;
           json payload = input_payload(input, *form, ev, o, target_name, submitter);
           if (push_cid) payload["cid"] = *push_cid;
           loading_request lr;
           lr.what = loading_request::kind::change;
           lr.el = &input;
           lr.form = form;
           lr.event_type = "change";
           lr.phx_event = ev;
           lr.also = o.loading;
           add_push(r.view, input, std::move(payload), std::move(lr));
         });
    for (std::size_t i = before; i < out_.effects.size(); ++i)
      out.calls_back.push_back(out_.effects[i].what == effect::kind::push);
  }
}

void dispatcher::navigation(dom::node& source, effect::kind k, const std::string& href,
                            bool replace, bool from_link) {
  effect e;
  e.what = k;
  // The client navigates its main view: the outermost view around the source.
  dom::node* view = owner_view(p_, source);
  for (dom::node* v = view; v; v = v->parent() ? owner_view(p_, *v->parent()) : nullptr) view = v;
  e.view = view;
  e.source = &source;
  e.replace = replace;
  const std::string absolute = resolve_url(ctx_.page_url, href);
  e.href = from_link ? absolute : href;
  if (k == effect::kind::patch) {
    e.channel_event = p_ == client_profile::v0_15 ? "link" : "live_patch";
    std::string url = href;
    if (from_link) url = absolute;
    else if (p_ >= client_profile::v0_20 && !href.empty() && href[0] == '/') url = absolute;
    e.payload = {{"url", url}};
    e.loading.what = loading_request::kind::link;
    e.loading.el = &source;
    e.loading.event_type = "click";
  }
  out_.effects.push_back(std::move(e));
}

void dispatcher::click(dom::node& el) {
  if (dom::node* link_el = closest_binding(p_, el, "data-phx-link")) {
    link(*link_el);
    return;
  }
  dom::node* target = closest_binding(p_, el, "phx-click");
  const std::string* phx_event = target ? attr(*target, "phx-click") : nullptr;
  if (!phx_event || phx_event->empty()) {
    no_binding nb{"phx-click", std::nullopt};
    for (dom::node* n = &el; n && n->is_element(); n = n->parent()) {
      if (is_html(*n, "a") && n->has_attribute("href")) {
        nb.href = resolve_url(ctx_.page_url, *n->get_attribute("href"));
        break;
      }
    }
    out_.missing = std::move(nb);
    return;
  }
  if (p_ >= client_profile::v0_20 && is_pending(p_, *target)) {
    note_skip("pending");
    return;
  }
  exec(*target, *phx_event, empty_data_args(),
       [&](const std::string& name, const push_opts& o, const json& data) {
         push_event(*target, "click", name, o, data);
       });
}

void dispatcher::link(dom::node& el) {
  const std::string type = *attr(el, "data-phx-link");
  const std::string* href_attr = attr(el, "href");
  const std::string href = href_attr ? *href_attr : std::string();
  const std::string* state = attr(el, "data-phx-link-state");
  const bool replace = state && *state == "replace";
  if (type == "patch") navigation(el, effect::kind::patch, href, replace, true);
  else if (type == "redirect") navigation(el, effect::kind::navigate, href, replace, true);
  else {
    note_skip("bad_link");
    return;
  }
  if (p_ >= client_profile::v1_0) {
    const std::string* phx_click = attr(el, "phx-click");
    if (phx_click && !phx_click->empty())
      exec(el, *phx_click, empty_data_args(),
           [&](const std::string& name, const push_opts& o, const json& data) {
             push_event(el, "click", name, o, data);
           });
  }
}

void dispatcher::change(dom::node& input, const action& a) {
  if (a.value && ctx_.forms) {
    if (is_html(input, "input") &&
        (input_type(input) == "checkbox" || input_type(input) == "radio")) {
      const std::string& v = *a.value;
      ctx_.forms->set_checked(input, !(v.empty() || v == "false" || v == "off"));
    } else if (is_html(input, "select")) {
      for (const dom::node* opt : options_of(input))
        ctx_.forms->set_selected(*opt, option_value(*opt) == *a.value);
    } else {
      ctx_.forms->set_value(input, *a.value);
    }
  }
  const dom::node* form = form_owner(input);
  const std::string* input_event =
      p_ >= client_profile::v0_18 ? attr(input, "phx-change") : nullptr;
  if (input_event && input_event->empty()) input_event = nullptr;
  const std::string* form_event = form ? attr(*form, "phx-change") : nullptr;
  if (form_event && form_event->empty()) form_event = nullptr;
  const std::string* phx_event = input_event ? input_event : form_event;
  if (!phx_event) {
    out_.missing = no_binding{"phx-change", std::nullopt};
    return;
  }
  if (!form) {
    note_skip("not_in_form");
    return;
  }
  inter().mark_focused(input);
  const std::string* name = attr(input, "name");
  std::string target_name = a.target_name ? *a.target_name : name ? *name : std::string();
  if (p_ >= client_profile::v0_18 && target_name.empty()) target_name = "undefined";
  dom::node* disp = input_event ? &input : const_cast<dom::node*>(form);
  if (p_ == client_profile::v0_15) {
    push_input(input, nullptr, *phx_event, push_opts{}, target_name);
    return;
  }
  exec(input, *phx_event, json{{"_target", target_name}},
       [&](const std::string& ev, const push_opts& o, const json&) {
         push_input(input, disp, ev, o, target_name);
       });
}

void dispatcher::submit(dom::node& form, const dom::node* submitter) {
  const std::string* phx_event = attr(form, "phx-submit");
  if (!phx_event || phx_event->empty()) {
    out_.missing = no_binding{"phx-submit", std::nullopt};
    return;
  }
  inter().mark_submitted(form);
  for (const dom::node* c : form_controls(form)) inter().mark_submitted(*c);
  if (p_ == client_profile::v0_15) {
    push_submit(form, nullptr, *phx_event, push_opts{});
    return;
  }
  exec(form, *phx_event, json::object(),
       [&](const std::string& ev, const push_opts& o, const json&) {
         push_submit(form, submitter, ev, o);
       });
}

void dispatcher::key(dom::node& el, action_kind k, const std::string& key) {
  const std::string kind = k == action_kind::keydown ? "keydown" : "keyup";
  const std::string binding = "phx-" + kind;
  auto handle = [&](dom::node& target, const std::string& phx_event) {
    const std::string* match = attr(target, "phx-key");
    if (match) {
      auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
      };
      if (lower(*match) != lower(key)) {
        note_skip("key");
        return;
      }
    }
    json data = {{"key", key}};
    if (p_ == client_profile::v0_15) {
      push_event(target, kind, phx_event, push_opts{}, data);
      return;
    }
    exec(target, phx_event, json{{"data", data}},
         [&](const std::string& name, const push_opts& o, const json& d) {
           push_event(target, kind, name, o, d);
         });
  };
  const std::string* own = el.is_element() ? attr(el, binding) : nullptr;
  if (own && !own->empty()) {
    handle(el, *own);
    return;
  }
  auto windows = all_with_attribute(document(), "phx-window-" + kind);
  if (windows.empty()) out_.missing = no_binding{binding, std::nullopt};
  for (dom::node* w : windows) {
    const std::string phx_event = *w->get_attribute("phx-window-" + kind);
    if (!phx_event.empty()) handle(*w, phx_event);
  }
}

void dispatcher::focus(dom::node& el, bool focus_in) {
  const std::string kind = focus_in ? "focus" : "blur";
  const std::string* own = attr(el, "phx-" + kind);
  if (!own || own->empty()) {
    out_.missing = no_binding{"phx-" + kind, std::nullopt};
    return;
  }
  if (p_ == client_profile::v0_15) {
    push_event(el, kind, *own, push_opts{}, json::object());
    return;
  }
  exec(el, *own, empty_data_args(),
       [&](const std::string& name, const push_opts& o, const json& d) {
         push_event(el, kind, name, o, d);
       });
}

void dispatcher::window_focus(bool focus_in) {
  const std::string kind = focus_in ? "focus" : "blur";
  auto windows = all_with_attribute(document(), "phx-window-" + kind);
  if (windows.empty()) {
    out_.missing = no_binding{"phx-window-" + kind, std::nullopt};
    return;
  }
  // 0.18, 0.20 and 1.2 never push window focus/blur (their handler's target check fails).
  if (p_ == client_profile::v0_18 || p_ == client_profile::v0_20 || p_ == client_profile::v1_2) {
    note_skip("window_focus");
    return;
  }
  for (dom::node* w : windows) {
    const std::string phx_event = *w->get_attribute("phx-window-" + kind);
    if (phx_event.empty()) continue;
    if (p_ == client_profile::v0_15) {
      push_event(*w, kind, phx_event, push_opts{}, json::object());
      continue;
    }
    exec(*w, phx_event, empty_data_args(),
         [&](const std::string& name, const push_opts& o, const json& d) {
           push_event(*w, kind, name, o, d);
         });
  }
}

void dispatcher::hook(dom::node& el, const action& a) {
  auto push_to = [&](const target_ctx& tc) {
    json payload = {{"type", "hook"}, {"event", a.event}, {"value", a.payload}};
    if (auto cid = closest_cid(tc.view, tc)) payload["cid"] = *cid;
    loading_request lr;
    if (p_ >= client_profile::v0_20) {
      lr.what = loading_request::kind::element;
      lr.el = &el;
    }
    lr.event_type = "hook";
    lr.phx_event = a.event;
    add_push(tc.view, el, std::move(payload), std::move(lr));
  };
  if (a.kind == action_kind::hook_push) {
    dom::node* view = owner_view(p_, el);
    if (!view) {
      note_skip("no_view");
      return;
    }
    push_to(target_ctx{view, nullptr, std::nullopt});
    return;
  }
  for (const target_ctx& tc : within_targets(el, &a.target, &el)) push_to(tc);
}

}  // namespace

dispatch_result dispatch(binding_context& ctx, dom::node& el, const action& a) {
  dispatch_result out;
  dispatcher d(ctx, out, el);
  switch (a.kind) {
    case action_kind::click: d.click(el); break;
    case action_kind::change: d.change(el, a); break;
    case action_kind::submit:
      if (!is_html(el, "form")) out.missing = no_binding{"phx-submit", std::nullopt};
      else d.submit(el, a.submitter);
      break;
    case action_kind::keydown:
    case action_kind::keyup: d.key(el, a.kind, a.key); break;
    case action_kind::focus: d.focus(el, true); break;
    case action_kind::blur: d.focus(el, false); break;
    case action_kind::window_focus: d.window_focus(true); break;
    case action_kind::window_blur: d.window_focus(false); break;
    case action_kind::hook_push:
    case action_kind::hook_push_to: d.hook(el, a); break;
  }
  if (!out.effects.empty()) out.skipped.reset();
  return out;
}

recovery_pushes recover_form(binding_context& ctx, const form_recovery& r) {
  recovery_pushes out;
  if (!r.form) return out;
  dispatcher d(ctx, out.result, *r.form);
  d.recover(r, out);
  if (!out.result.effects.empty()) out.result.skipped.reset();
  return out;
}

dispatch_result click_link(binding_context& ctx, dom::node& el) {
  return dispatch(ctx, el, action::click());
}

}  // namespace lvh::sim
