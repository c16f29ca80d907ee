// Bindings, timing and loading against the official clients: every fixture of
// golden/events.json (recorded by golden/make-events.mjs from each client under jsdom) is
// replayed through lvh::sim, and after every step the frames sent and the body's HTML must
// equal what the client of that profile produced.
#include <lvh/dom/html.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/bindings.hpp>
#include <lvh/sim/forms.hpp>
#include <lvh/sim/loading.hpp>
#include <lvh/sim/timing.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <fstream>
#include <functional>

namespace {

using json = nlohmann::json;
using lvh::protocol::client_profile;
namespace sim = lvh::sim;
namespace dom = lvh::dom;

const json& golden() {
  static const json data = [] {
    std::ifstream in(LVH_SIM_EVENTS_GOLDEN);
    return json::parse(in);
  }();
  return data;
}

dom::node* find(dom::node& root, const std::string& sel) {
  return dom::query_first(root, dom::selector::parse_or_throw(sel));
}

// A small client around the three parts, the way a browser model would drive them.
struct harness {
  client_profile profile;
  std::unique_ptr<dom::node> doc;
  dom::node* body = nullptr;
  sim::form_state forms;
  sim::interaction_state interactions;
  sim::virtual_clock clock;
  sim::rate_limiter limiter;
  sim::loading_state loading;
  sim::binding_context ctx;
  std::deque<std::uint64_t> pending;
  json frames = json::array();

  harness(client_profile p, const std::string& html)
      : profile(p),
        doc(dom::parse_document("<!DOCTYPE html><html><head><title>t</title></head><body>" +
                                html + "</body></html>")),
        limiter(p, clock),
        loading(p, "phx-F") {
    body = find(*doc, "body");
    ctx.profile = p;
    ctx.document = doc.get();
    ctx.forms = &forms;
    ctx.interactions = &interactions;
    ctx.page_url = "http://localhost/page?x=1";
  }

  void emit(const sim::dispatch_result& r) {
    if (r.missing && r.missing->href) frames.push_back({{"follow", *r.missing->href}});
    for (const auto& e : r.effects) {
      if (e.what == sim::effect::kind::push || e.what == sim::effect::kind::patch) {
        frames.push_back({{"topic", "lv:" + *e.view->get_attribute("id")},
                          {"event", e.channel_event},
                          {"payload", e.payload}});
        sim::loading_request lr = e.loading;
        lr.user_initiated = false;  // the golden's events are dispatched by script
        pending.push_back(loading.put_ref(*doc, lr));
      } else if (e.what == sim::effect::kind::navigate) {
        frames.push_back({{"navigate", sim::resolve_url(ctx.page_url, e.href)}});
      }
    }
  }

  void run(dom::node& el, const sim::action& a) { emit(sim::dispatch(ctx, el, a)); }

  // The element whose phx-debounce / phx-throttle applies, as the client picks it.
  dom::node* click_target(dom::node& el) {
    for (dom::node* n = &el; n && n->is_element(); n = n->parent()) {
      if (n->has_attribute("phx-click")) return n;
      if (n->has_attribute("data-phx-session") || n->has_attribute("data-phx-view")) break;
    }
    return nullptr;
  }

  void step(const json& s) {
    const std::string act = s.at("act");
    dom::node* el = s.contains("sel") ? find(*doc, s.at("sel").get<std::string>()) : nullptr;
    if (s.contains("sel")) {
      ASSERT_NE(el, nullptr) << s.dump();
    }
    if (act == "click") {
      // The browser's activation behaviour comes first: a click toggles a checkbox.
      if (el->tag() == "input" && sim::input_type(*el) == "checkbox")
        forms.set_checked(*el, !sim::is_checked(*el, &forms));
      dom::node* target = click_target(*el);
      if (target && profile >= client_profile::v0_20 && sim::is_pending(profile, *target)) return;
      if (!target) return run(*el, sim::action::click());
      limiter.submit(*target, "click", "", [this, el] { run(*el, sim::action::click()); });
    } else if (act == "input" || act == "check" || act == "select") {
      if (act == "input") forms.set_value(*el, s.at("value").get<std::string>());
      if (act == "check") forms.set_checked(*el, s.at("checked").get<bool>());
      if (act == "select") {
        for (const dom::node* o : sim::options_of(*el)) {
          bool on = false;
          for (const auto& v : s.at("values")) on = on || v.get<std::string>() == sim::option_value(*o);
          forms.set_selected(*o, on);
        }
      }
      limiter.submit(*el, "input", "", [this, el] { run(*el, sim::action::change()); });
    } else if (act == "submit") {
      const dom::node* submitter =
          s.contains("submitter") ? find(*doc, s.at("submitter").get<std::string>()) : nullptr;
      std::vector<const dom::node*> inputs;
      for (const auto& entry : sim::construct_entry_list(*el, &forms)) {
        for (const dom::node* c : sim::form_controls(*el)) {
          const std::string* n = c->get_attribute("name");
          if (n && *n == entry.name) {
            inputs.push_back(c);
            break;
          }
        }
      }
      limiter.form_submitted(*el, inputs);
      run(*el, sim::action::submit(submitter));
    } else if (act == "keydown" || act == "keyup") {
      dom::node& target = el ? *el : *body;
      const std::string key = s.at("key");
      auto a = act == "keydown" ? sim::action::keydown(key) : sim::action::keyup(key);
      if (target.has_attribute("phx-" + act)) {
        limiter.submit(target, act, key, [this, &target, a] { run(target, a); });
      } else {
        run(target, a);
      }
    } else if (act == "focus") {
      run(*el, sim::action::focus());
    } else if (act == "blur") {
      limiter.blur(*el);
      run(*el, sim::action::blur());
    } else if (act == "window_focus") {
      run(*body, sim::action::window_focus());
    } else if (act == "window_blur") {
      run(*body, sim::action::window_blur());
    } else if (act == "hook") {
      if (s.contains("target"))
        run(*el, sim::action::hook_push_to(s.at("target"), s.at("event"), s.at("payload")));
      else
        run(*el, sim::action::hook_push(s.at("event"), s.at("payload")));
    } else if (act == "advance") {
      clock.advance(s.at("ms").get<long long>());
    } else if (act == "reply") {
      while (!pending.empty()) {
        loading.undo(*doc, pending.front());
        pending.pop_front();
      }
    } else {
      FAIL() << "unknown step " << act;
    }
  }
};

// The golden's frames in the harness's shape: leaves dropped, a live_redirect's join as
// {"navigate": url} ("*" when the client left but had not joined yet).
json expected_frames(const json& frames) {
  json out = json::array();
  bool left = false, joined = false;
  for (const auto& f : frames) {
    const std::string ev = f.at("event");
    if (ev == "phx_leave") {
      left = left || f.at("topic") == "lv:phx-F";
    } else if (ev == "phx_join") {
      joined = true;
      out.push_back({{"navigate", f.at("payload").value("redirect", std::string("?"))}});
    } else {
      out.push_back(f);
    }
  }
  if (left && !joined) out.push_back({{"navigate", "*"}});
  return out;
}

bool frames_match(json got, const json& want) {
  // Following a plain link unloads the page: some clients leave their channels first.
  if (!got.empty() && got.back().contains("follow")) {
    got.erase(got.size() - 1);
    return got.empty() && (want.empty() || want == json::array({{{"navigate", "*"}}}));
  }
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (want[i].contains("navigate") && want[i]["navigate"] == "*" && got[i].contains("navigate"))
      continue;
    if (got[i] != want[i]) return false;
  }
  return true;
}

// Fixtures whose HTML after a step depends on JS commands we report but do not apply.
// Navigation replaces the page, which is the browser model's business.
bool html_checked(const std::string& fixture) {
  return fixture != "js_show_then_push" && fixture != "link_redirect" && fixture != "js_navigate";
}

TEST(events_golden, every_fixture_every_profile) {
  std::size_t compared = 0;
  for (const auto& fx : golden().at("fixtures")) {
    const std::string name = fx.at("name");
    for (auto it = fx.at("results").begin(); it != fx.at("results").end(); ++it) {
      const auto profile = lvh::protocol::parse_client_profile(it.key());
      ASSERT_TRUE(profile) << it.key();
      const json& res = it.value();
      SCOPED_TRACE(name + " @ " + it.key());
      ASSERT_FALSE(res.contains("error")) << res.value("error", "");
      harness h(*profile, "");
      h.doc = dom::parse_document("<!DOCTYPE html><html><head><title>t</title></head><body>" +
                                  res.at("html").get<std::string>() + "</body></html>");
      h.body = find(*h.doc, "body");
      h.ctx.document = h.doc.get();
      const json& steps = fx.at("steps");
      for (std::size_t i = 0; i < steps.size(); ++i) {
        SCOPED_TRACE("step " + std::to_string(i) + " " + steps[i].dump());
        h.frames = json::array();
        h.step(steps[i]);
        const json& want = res.at("steps")[i];
        const json expect = expected_frames(want.at("frames"));
        EXPECT_TRUE(frames_match(h.frames, expect))
            << "got  " << h.frames.dump() << "\nwant " << expect.dump();
        if (html_checked(name)) {
          EXPECT_EQ(dom::serialize_children(*h.body), want.at("html").get<std::string>());
        }
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 300u);
}

// -- unit cases ----------------------------------------------------------------------------

struct page {
  std::unique_ptr<dom::node> doc;
  sim::binding_context ctx;
  explicit page(const std::string& inner, client_profile p = client_profile::v1_0) {
    doc = dom::parse_document("<body><div id=\"phx-v\" data-phx-session=\"s\" data-phx-view=\"V\">" +
                              inner + "</div></body>");
    ctx.profile = p;
    ctx.document = doc.get();
  }
  dom::node& at(const std::string& sel) { return *find(*doc, sel); }
};

TEST(bindings, missing_click_binding_keeps_link_href) {
  page pg(R"(<a id="a" href="/x?y=1"><span id="s">go</span></a>)");
  auto r = sim::dispatch(pg.ctx, pg.at("#s"), sim::action::click());
  ASSERT_TRUE(r.missing);
  EXPECT_EQ(r.missing->binding, "phx-click");
  EXPECT_EQ(r.missing->href, "http://localhost/x?y=1");
  EXPECT_TRUE(r.empty());
}

TEST(bindings, phx_key_mismatch_is_skipped_not_missing) {
  page pg(R"(<input id="i" phx-keyup="k" phx-key="Enter">)");
  auto r = sim::dispatch(pg.ctx, pg.at("#i"), sim::action::keyup("a"));
  EXPECT_FALSE(r.missing);
  EXPECT_EQ(r.skipped, "key");
  EXPECT_TRUE(r.empty());
}

TEST(bindings, malformed_js_and_selector_do_not_throw) {
  page pg(R"(<button id="b" phx-click='[["push",'>x</button><button id="c" phx-click="x" phx-target="div[">y</button>)");
  auto r = sim::dispatch(pg.ctx, pg.at("#b"), sim::action::click());
  EXPECT_EQ(r.skipped, "bad_js");
  auto r2 = sim::dispatch(pg.ctx, pg.at("#c"), sim::action::click());
  EXPECT_EQ(r2.skipped, "no_target");
}

TEST(bindings, js_commands_other_than_push_are_reported) {
  page pg(R"(<button id="b" phx-click='[["show",{"to":"#m"}],["push",{"event":"e"}]]'>x</button>)");
  auto r = sim::dispatch(pg.ctx, pg.at("#b"), sim::action::click());
  ASSERT_EQ(r.effects.size(), 2u);
  EXPECT_EQ(r.effects[0].what, sim::effect::kind::js_command);
  EXPECT_EQ(r.effects[0].command, "show");
  EXPECT_EQ(r.effects[0].payload, json({{"to", "#m"}}));
  EXPECT_EQ(r.effects[1].payload.at("event"), "e");
}

TEST(bindings, change_applies_the_new_value_through_the_form_state) {
  page pg(R"(<form phx-change="v"><input id="a" name="a" value="old"><select id="s" name="s"><option>x</option><option>y</option></select></form>)",
          client_profile::v0_20);
  sim::form_state forms;
  pg.ctx.forms = &forms;
  auto r = sim::dispatch(pg.ctx, pg.at("#a"), sim::action::change("new"));
  ASSERT_EQ(r.pushes().size(), 1u);
  EXPECT_EQ(r.pushes()[0]->payload.at("value"), "a=new&s=x&_target=a");
  r = sim::dispatch(pg.ctx, pg.at("#s"), sim::action::change("y"));
  EXPECT_EQ(r.pushes()[0]->payload.at("value"), "a=new&s=y&_target=s");
}

TEST(bindings, unused_markers_follow_interactions) {
  page pg(R"(<form phx-change="v"><input id="a" name="user[a]"><input id="b" name="tags[]"></form>)");
  sim::interaction_state seen;
  pg.ctx.interactions = &seen;
  auto r = sim::dispatch(pg.ctx, pg.at("#a"), sim::action::change());
  EXPECT_EQ(r.pushes()[0]->payload.at("value"), "user%5Ba%5D=&_unused_tags%5B%5D=&tags%5B%5D=");
  EXPECT_TRUE(seen.used(pg.at("#a")));
  EXPECT_FALSE(seen.used(pg.at("#b")));
}

TEST(bindings, resolve_url_cases) {
  const std::string base = "http://h:4000/a/b/c?q=1#f";
  EXPECT_EQ(sim::resolve_url(base, "/x"), "http://h:4000/x");
  EXPECT_EQ(sim::resolve_url(base, "d"), "http://h:4000/a/b/d");
  EXPECT_EQ(sim::resolve_url(base, "../d?e=1"), "http://h:4000/a/d?e=1");
  EXPECT_EQ(sim::resolve_url(base, "?z=2"), "http://h:4000/a/b/c?z=2");
  EXPECT_EQ(sim::resolve_url(base, "#top"), "http://h:4000/a/b/c?q=1#top");
  EXPECT_EQ(sim::resolve_url(base, "//o.example/p"), "http://o.example/p");
  EXPECT_EQ(sim::resolve_url(base, "https://o/p"), "https://o/p");
  EXPECT_EQ(sim::resolve_url(base, "./"), "http://h:4000/a/b/");
}

TEST(bindings, owner_view_per_profile) {
  page pg(R"(<p id="p">x</p>)");
  EXPECT_EQ(sim::owner_view(client_profile::v1_0, pg.at("#p")), &pg.at("#phx-v"));
  EXPECT_EQ(sim::owner_view(client_profile::v0_15, pg.at("#p")), &pg.at("#phx-v"));
  EXPECT_EQ(sim::owner_view(client_profile::v1_0, pg.at("body")), nullptr);
}

}  // namespace
