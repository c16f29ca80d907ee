// liveharness simulate: run a DOM-level scenario (tests/interop/README.md, "DOM-level
// interop") with lvh::sim's browser against a scripted server, printing what the page shows
// and what the client sent after every step — the records tests/interop/dom-oracle.mjs
// prints for the official client.
#include "commands.hpp"

#include <cstdio>

// Built without the client simulator's browser (lvh_sim_client), the command only says so.
#if !LVH_HAVE_SIM_BROWSER

namespace lvh::cli {

int simulate_command(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fputs("liveharness simulate: not available in this build (the client simulator's browser, "
             "lvh_sim_client, was not built)\n",
             stderr);
  return 2;
}

}  // namespace lvh::cli

#else

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>
#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/sim/browser.hpp>
#include <lvh/sim/errors.hpp>
#include <lvh/sim/transport.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lvh::cli {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace proto = lvh::protocol;
namespace sim = lvh::sim;

constexpr std::string_view usage_text =
    "usage: liveharness simulate --client PROFILE [--jsonl] SCENARIO.json\n"
    "\n"
    "Runs a scenario with the client simulator of PROFILE against a scripted server: loads\n"
    "the page, joins, then performs each step (a server push, a user action, or virtual\n"
    "time passing) and prints, after every step, the main container's HTML and attributes,\n"
    "the title, the URL, the frames the client sent (refs renumbered by first use), push\n"
    "events, hook replies and navigations away from the page.\n"
    "\n"
    "The scenario format is described in tests/interop/README.md (\"DOM-level interop\");\n"
    "give it resolved for the profile (node tests/interop/dom-oracle.mjs --resolve).\n"
    "\n"
    "options:\n"
    "  --client PROFILE  0.15.7, 0.18, 0.20, 1.0 or 1.2\n"
    "  --jsonl           one JSON object per step (the only output format)\n"
    "\n"
    "Exit status: 0 the scenario ran (problems during steps are in the records), 1 the\n"
    "scenario could not be read, 2 bad usage.\n";

// The scripted server: answers each push with the next reply of the scenario's queue, with
// the client's refs; heartbeats, phx_leave and the component destroy handshake it answers
// itself. It computes nothing.
class scenario_transport final : public sim::transport {
 public:
  std::deque<json> queue;
  std::vector<std::string> connects;
  std::vector<json> sent;  // raw frames, this step
  std::vector<std::string> notes;

  bool connect(const sim::connect_request& req) override {
    connects.push_back(req.url);
    open_ = true;
    return true;
  }

  void send(std::string text) override {
    auto decoded = proto::decode(text);
    if (!decoded) {
      notes.push_back("client sent an undecodable frame: " + text.substr(0, 80));
      return;
    }
    const proto::frame& f = *decoded;
    sent.push_back(json::array({opt(f.join_ref), opt(f.ref), f.topic, f.event, f.payload}));
    if (f.event == "phx_join") join_refs_[f.topic] = f.join_ref;
    if (!f.ref) return;
    if (f.topic == "phoenix" && f.event == "heartbeat") return reply(f, ok({}));
    if (f.event == "phx_leave") return reply(f, ok({}));
    const json* head = queue.empty() ? nullptr : &queue.front();
    bool head_names_it = head && head->contains("event") && (*head)["event"] == f.event;
    if ((f.event == "cids_will_destroy" || f.event == "cids_destroyed") && !head_names_it) {
      json response = json::object();
      if (f.event == "cids_destroyed") {
        response["cids"] = f.payload.contains("cids") ? f.payload["cids"] : json::array();
      }
      return reply(f, ok(std::move(response)));
    }
    if (queue.empty()) {
      notes.push_back("no reply scripted for " + f.event + " on " + f.topic);
      return;
    }
    json item = std::move(queue.front());
    queue.pop_front();
    if (item.contains("event") && item["event"] != f.event) {
      notes.push_back("reply scripted for " + item["event"].dump() + " but the client sent " +
                      f.event);
    }
    if (item.contains("topic") && item["topic"] != f.topic) {
      notes.push_back("reply scripted for " + item["topic"].dump() + " but the client sent on " +
                      f.topic);
    }
    if (item.value("hold", false)) {
      held_.push_back(f);
      return;
    }
    if (item.value("ignore", false)) return;
    reply(f, item);
  }

  std::vector<std::string> receive() override { return std::exchange(inbox_, {}); }
  void pump() override {}
  void close() override { open_ = false; }
  bool is_open() const override { return open_; }

  void reply_held(const json& item) {
    if (held_.empty()) {
      notes.push_back("no held push to answer");
      return;
    }
    proto::frame f = std::move(held_.front());
    held_.pop_front();
    reply(f, item);
  }

  void server_push(const json& spec, const std::string& main_topic) {
    if (spec.contains("frame")) {
      deliver(spec["frame"].dump());
      return;
    }
    proto::frame f;
    f.topic = spec.value("topic", main_topic);
    if (spec.contains("join_ref")) {
      if (spec["join_ref"].is_string()) f.join_ref = spec["join_ref"].get<std::string>();
    } else if (auto it = join_refs_.find(f.topic); it != join_refs_.end()) {
      f.join_ref = it->second;
    }
    f.event = spec.value("event", "diff");
    if (spec.contains("payload")) {
      f.payload = spec["payload"];
    } else if (spec.contains("diff")) {
      f.payload = spec["diff"];
    }
    deliver(proto::encode(f));
  }

 private:
  static json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
  static json ok(json response) {
    return json{{"status", "ok"}, {"response", std::move(response)}};
  }

  void reply(const proto::frame& req, const json& item) {
    json response;
    if (item.contains("response")) {
      response = item["response"];
    } else {
      response = json::object();
      for (const char* k : {"rendered", "diff", "reason", "live_redirect", "redirect",
                            "liveview_version"}) {
        if (item.contains(k)) response[k] = item[k];
      }
    }
    proto::frame f;
    f.join_ref = req.join_ref;
    f.ref = req.ref;
    f.topic = req.topic;
    f.event = "phx_reply";
    f.payload = json{{"status", item.value("status", "ok")}, {"response", std::move(response)}};
    deliver(proto::encode(f));
  }

  void deliver(std::string text) {
    if (!open_) {
      notes.push_back("server push dropped (socket not open): " + text.substr(0, 80));
      return;
    }
    inbox_.push_back(std::move(text));
  }

  bool open_ = false;
  std::vector<std::string> inbox_;
  std::deque<proto::frame> held_;
  std::map<std::string, std::optional<std::string>> join_refs_;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string origin_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

dom::node* enclosing_form(dom::node* el) {
  for (dom::node* n = el; n; n = n->parent()) {
    if (n->is_element() && n->tag() == "form") return n;
  }
  return nullptr;
}

class runner {
 public:
  runner(proto::client_profile profile, const json& sc) : sc_(sc) {
    url_ = sc.value("url", std::string("http://localhost:4000/"));
    sim::browser_options o;
    o.profile = profile;
    // The oracle dispatches events by script: only focus/blur steps move the focus.
    o.actions_move_focus = false;
    const json socket = sc.value("socket", json::object());
    o.socket_path = socket.value("path", std::string("/live"));
    if (socket.contains("params")) {
      o.connect_params = socket["params"];
      o.csrf_from_meta = false;
    }
    if (sc.contains("http") && sc["http"].is_object()) {
      const std::string origin = origin_of(url_);
      for (auto& [path, body] : sc["http"].items()) {
        sim::http_response r;
        r.status = 200;
        r.body = body.is_string() ? body.get<std::string>() : body.dump();
        r.headers = {{"x-requested-with", "live-link"}, {"x-response-url", origin + path}};
        pages_.add(path, std::move(r));
      }
    }
    for (const auto& r : sc.value("replies", json::array())) transport_.queue.push_back(r);
    browser_ = std::make_unique<sim::browser>(transport_, pages_, o);
  }

  void run(std::ostream& out) {
    errors_.clear();
    guard([&] { browser_->load(url_, sc_.value("page", std::string())); });
    emit(out, 0, "load", true);
    int n = 0;
    for (const auto& st : sc_.value("steps", json::array())) {
      ++n;
      const int index = st.value("index", n);
      if (st.contains("replies")) {
        for (const auto& r : st["replies"]) transport_.queue.push_back(r);
      }
      std::string kind = "unknown";
      if (st.contains("server")) {
        kind = "server";
        const json& sv = st["server"];
        if (sv.contains("reply_held")) {
          transport_.reply_held(sv["reply_held"]);
        } else if (sv.contains("close")) {
          transport_.notes.push_back("server close is not supported by simulate");
        } else {
          transport_.server_push(sv, main_topic());
        }
        guard([&] { browser_->settle(); });
      } else if (st.contains("action")) {
        kind = "action:" + st["action"].value("kind", std::string());
        guard([&] { act(st["action"]); });
        guard([&] { browser_->settle(); });
      } else if (st.contains("advance")) {
        kind = "advance";
        const std::int64_t ms = st["advance"].is_number() ? st["advance"].get<std::int64_t>() : 0;
        guard([&] { browser_->advance(ms); });
      } else {
        transport_.notes.push_back("unknown step");
      }
      emit(out, index, kind, false);
    }
  }

 private:
  template <class F>
  void guard(F&& f) {
    try {
      f();
    } catch (const sim::usage_error& e) {
      errors_.push_back("action: " + std::string(e.id()) + ": " + e.message());
    } catch (const std::exception& e) {
      errors_.push_back(std::string("simulator threw: ") + e.what());
    }
  }

  std::string main_topic() const {
    auto v = browser_->main_view();
    return v ? v->topic : std::string("lv:");
  }

  dom::node& find(const json& a) { return browser_->find(a.value("selector", std::string())); }

  void act(const json& a) {
    const std::string kind = a.value("kind", std::string());
    const std::string selector = a.value("selector", std::string());
    const bool on_window = selector.empty() || selector == "window" || selector == "document";
    if (kind == "click" || kind == "link") {
      browser_->click(find(a));
    } else if (kind == "change") {
      dom::node& el = find(a);
      if (a.contains("values")) {
        std::vector<std::string> values;
        for (const auto& v : a["values"]) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        browser_->select_options(el, values);
      } else if (a.contains("checked")) {
        // browser::change ticks a checkbox or radio for any value but "" and "false".
        browser_->change(el, std::string(a["checked"].get<bool>() ? "true" : "false"));
      } else if (a.contains("value")) {
        browser_->change(el, a["value"].is_string() ? a["value"].get<std::string>() : a["value"].dump());
      } else {
        browser_->change(el);
      }
    } else if (kind == "submit") {
      dom::node& el = find(a);
      if (el.tag() == "form") {
        const dom::node* submitter = a.contains("submitter")
                                         ? &browser_->find(a["submitter"].get<std::string>())
                                         : nullptr;
        browser_->submit(el, submitter);
      } else {
        dom::node* form = enclosing_form(&el);
        if (!form) throw std::runtime_error("submit: " + selector + " is not in a form");
        browser_->submit(*form, &el);
      }
    } else if (kind == "keydown" || kind == "keyup") {
      const std::string key = a.value("key", std::string());
      if (on_window) {
        if (kind == "keydown") browser_->window_keydown(key); else browser_->window_keyup(key);
      } else if (kind == "keydown") {
        browser_->keydown(find(a), key);
      } else {
        browser_->keyup(find(a), key);
      }
    } else if (kind == "focus") {
      browser_->focus(find(a));
    } else if (kind == "blur") {
      browser_->blur(find(a));
    } else if (kind == "hook") {
      dom::node& el = find(a);
      const std::string event = a.value("event", std::string());
      json payload = a.value("payload", json::object());
      if (a.contains("target")) {
        const json& t = a["target"];
        browser_->hook_push_to(el, t.is_string() ? t.get<std::string>() : t.dump(), event,
                               std::move(payload));
      } else {
        browser_->hook_push(el, event, std::move(payload));
      }
    } else if (kind == "back") {
      browser_->back();
    } else {
      throw std::runtime_error("unknown action kind '" + kind + "'");
    }
  }

  json label(const json& ref) {
    if (!ref.is_string()) return nullptr;
    auto [it, fresh] = labels_.try_emplace(ref.get<std::string>(), std::to_string(labels_.size() + 1));
    (void)fresh;
    return it->second;
  }

  void emit(std::ostream& out, int step, const std::string& kind, bool first) {
    ojson rec;
    rec["step"] = step;
    rec["do"] = kind;
    rec["now"] = browser_->clock().now();
    ojson sent = ojson::array();
    for (const auto& f : transport_.sent) {
      sent.push_back(ojson::array({label(f[0]), label(f[1]), f[2], f[3], ojson::parse(f[4].dump())}));
    }
    transport_.sent.clear();
    rec["sent"] = std::move(sent);
    auto main = browser_->main_view();
    const dom::node* container = main ? main->container : nullptr;
    if (main && main_id_.empty()) main_id_ = main->id;
    // A main view destroyed in place (0.15's reload with jitter) leaves its container in the
    // page until the page goes; the oracle keeps showing the element with the first main id.
    const std::string sel =
        main_id_.empty() ? std::string("[data-phx-main]") : "[id=\"" + main_id_ + "\"]";
    if (!main && main_id_.find('"') == std::string::npos && browser_->has_element(sel))
      container = &browser_->find(sel);
    if (container) {
      rec["html"] = dom::serialize_children(*container);
      ojson attrs = ojson::array();
      for (const auto& at : container->attributes()) attrs.push_back(ojson::array({at.name, at.value}));
      rec["container"] = std::move(attrs);
    } else {
      rec["html"] = nullptr;
      rec["container"] = nullptr;
    }
    rec["title"] = browser_->title();
    rec["url"] = browser_->url();
    if (first) rec["connects"] = transport_.connects;
    ojson events = ojson::array();
    for (auto& e : browser_->take_push_events()) events.push_back(ojson::array({e.event, ojson::parse(e.payload.dump())}));
    if (!events.empty()) rec["events"] = std::move(events);
    ojson replies = ojson::array();
    for (auto& r : browser_->take_hook_replies()) replies.push_back(ojson::array({r.event, ojson::parse(r.reply.dump())}));
    if (!replies.empty()) rec["replies"] = std::move(replies);
    ojson navigate = ojson::array();
    for (auto& nav : browser_->take_navigations()) {
      using k = sim::navigation_record::kind;
      if (nav.what == k::redirect) navigate.push_back(nav.url);
      if (nav.what == k::reload) navigate.push_back(nav.url + " (reload)");
    }
    if (!navigate.empty()) rec["navigate"] = std::move(navigate);
    if (!transport_.notes.empty()) rec["notes"] = std::exchange(transport_.notes, {});
    const auto& errs = browser_->errors();
    for (; errors_seen_ < errs.size(); ++errors_seen_) errors_.push_back(errs[errors_seen_]);
    if (!errors_.empty()) rec["errors"] = std::exchange(errors_, {});
    out << rec.dump() << '\n';
  }

  json sc_;
  std::string url_;
  scenario_transport transport_;
  sim::static_pages pages_;
  std::unique_ptr<sim::browser> browser_;
  std::map<std::string, std::string> labels_;
  std::string main_id_;  // the first main view's container id
  std::vector<std::string> errors_;
  std::size_t errors_seen_ = 0;
};

}  // namespace

int simulate_command(int argc, char** argv) {
  std::optional<proto::client_profile> profile;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << usage_text;
      return 0;
    } else if (a == "--client" || a == "--client-profile") {
      if (i + 1 >= argc) {
        std::fputs("liveharness simulate: --client needs a value\n", stderr);
        return 2;
      }
      profile = proto::parse_client_profile(argv[++i]);
      if (!profile) {
        std::fprintf(stderr, "liveharness simulate: unknown client profile '%s' (0.15.7, 0.18, 0.20, 1.0, 1.2)\n", argv[i]);
        return 2;
      }
    } else if (a == "--jsonl") {
      // the only output format
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "liveharness simulate: unknown option '%s'\n\n%s", argv[i], std::string(usage_text).c_str());
      return 2;
    } else if (file.empty()) {
      file = a;
    } else {
      std::fputs("liveharness simulate: more than one SCENARIO given\n", stderr);
      return 2;
    }
  }
  if (!profile || file.empty()) {
    std::fputs(std::string(usage_text).c_str(), stderr);
    return 2;
  }
  auto text = read_file(file);
  if (!text) {
    std::fprintf(stderr, "liveharness simulate: cannot read %s\n", file.c_str());
    return 1;
  }
  json sc = json::parse(*text, nullptr, false);
  if (sc.is_discarded() || !sc.is_object()) {
    std::fprintf(stderr, "liveharness simulate: %s is not a JSON object\n", file.c_str());
    return 1;
  }
  // An authored page may live in a file beside the scenario.
  if (sc.contains("page") && sc["page"].is_object() && sc["page"].contains("file")) {
    auto dir = std::filesystem::path(file).parent_path();
    auto page = read_file((dir / sc["page"]["file"].get<std::string>()).string());
    if (!page) {
      std::fprintf(stderr, "liveharness simulate: cannot read the page of %s\n", file.c_str());
      return 1;
    }
    sc["page"] = *page;
  }
  if (!sc.contains("page") || !sc["page"].is_string()) {
    std::fprintf(stderr, "liveharness simulate: %s has no \"page\" (HTML)\n", file.c_str());
    return 1;
  }
  try {
    runner r(*profile, sc);
    r.run(std::cout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "liveharness simulate: %s\n", e.what());
    return 1;
  }
  std::cout.flush();
  return 0;
}

}  // namespace lvh::cli

#endif  // LVH_HAVE_SIM_BROWSER
