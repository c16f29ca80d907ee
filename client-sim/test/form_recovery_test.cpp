// phx-auto-recover: when a view joins again after an error, the browser replays the forms
// the user filled in before it shows the join's render, as each official client does.
#include <lvh/sim/browser.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using lvh::protocol::client_profile;
using lvh::protocol::frame;
using nlohmann::json;
namespace sim = lvh::sim;

std::string page(std::string_view body) {
  std::string h =
      "<!DOCTYPE html><html><head><meta name=\"csrf-token\" content=\"CSRF\"><title>T</title>"
      "</head><body><div id=\"phx-main\" data-phx-main=\"true\" data-phx-session=\"SESS\" "
      "data-phx-static=\"STAT\" data-phx-view=\"V\">";
  h += body;
  h += "</div></body></html>";
  return h;
}

// A render of static markup with one dynamic (the message).
json rendered(const std::string& before, const std::string& msg, const std::string& after = "") {
  return {{"s", {before + "<p id=\"msg\">", "</p>" + after}}, {"0", msg}};
}

const std::string form_a =
    "<form id=\"a\" phx-change=\"validate\"><input type=\"hidden\" name=\"token\" value=\"t\">"
    "<input type=\"text\" name=\"name\" value=\"\"></form>";

struct recovery : ::testing::TestWithParam<client_profile> {
  const client_profile p = GetParam();
  sim::scripted_transport t;
  sim::static_pages pages;
  std::unique_ptr<sim::browser> b;

  void start(const json& first) {
    t.on("phx_join", {sim::reply_ok({{"rendered", first}})});
    pages.add("/", page("<p>dead</p>"));
    sim::browser_options o;
    o.profile = p;
    b = std::make_unique<sim::browser>(t, pages, o);
    b->visit("http://localhost:4000/");
  }
  std::vector<frame> sent(std::string_view event, std::string_view topic = "lv:phx-main") const {
    std::vector<frame> out;
    for (const auto& f : t.sent())
      if (f.event == event && (topic.empty() || f.topic == topic)) out.push_back(f);
    return out;
  }
  // The user types into a control; the server answers without a diff.
  void type(std::string_view selector, std::string value) {
    t.on("event", {sim::reply_ok()});
    b->change(b->find(selector), std::move(value));
  }
  // The view's channel errors; the next join is answered with `again` after the back-off.
  void crash_and_rejoin(const json& again, std::string_view topic = "lv:phx-main") {
    const auto joins = sent("phx_join", topic);
    const auto jr = joins.back().ref;
    t.on("phx_join", {sim::reply_ok({{"rendered", again}})});
    t.push(frame{jr, jr, std::string(topic), "phx_error", json::object()});
    b->settle();
    b->advance(1000);
  }
  // The events sent after the last join on the main topic.
  std::vector<frame> since_last_join() const {
    std::vector<frame> out;
    for (const auto& f : t.sent()) {
      if (f.topic != "lv:phx-main") continue;
      if (f.event == "phx_join") out.clear();
      else if (f.event == "event") out.push_back(f);
    }
    return out;
  }
  void reply(const frame& push, json response) {
    t.push(frame{push.join_ref, push.ref, push.topic, "phx_reply",
                 {{"status", "ok"}, {"response", std::move(response)}}});
    b->settle();
  }
  bool has_error(std::string_view part) const {
    for (const auto& e : b->errors())
      if (e.find(part) != std::string::npos) return true;
    return false;
  }
};

TEST_P(recovery, NothingIsRecoveredOnTheFirstJoin) {
  start(rendered(form_a, "joined"));
  EXPECT_TRUE(sent("event").empty());
  EXPECT_TRUE(b->main_view()->joined);
}

TEST_P(recovery, TheRenderWaitsForTheRecoveryReply) {
  start(rendered(form_a, "joined"));
  type("input[name='name']", "Bob");
  crash_and_rejoin(rendered(form_a, "rejoined"));
  auto pushes = since_last_join();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].payload["type"], "form");
  EXPECT_EQ(pushes[0].payload["event"], "validate");
  // Joined on the wire, but the page still shows the old render and the error state.
  EXPECT_FALSE(b->main_view()->joined);
  EXPECT_NE(b->view_html("phx-main").find("joined"), std::string::npos);
  EXPECT_EQ(b->view_html("phx-main").find("rejoined"), std::string::npos);
  ASSERT_TRUE(b->find("#phx-main").get_attribute("class"));
  EXPECT_NE(b->find("#phx-main").get_attribute("class")->find("phx-error"), std::string::npos);
  // The reply's diff is applied after the join's render.
  reply(pushes[0], {{"diff", {{"0", "recovered"}}}});
  EXPECT_TRUE(b->main_view()->joined);
  EXPECT_EQ(b->find("#msg").text_content(), "recovered");
  EXPECT_EQ(*b->find("#phx-main").get_attribute("class"), "phx-connected");
  // The caller sees the recovery like any other push.
  auto events = b->sent_events("phx-main");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event, "event");
  EXPECT_EQ(events.back().payload, pushes[0].payload);
  EXPECT_TRUE(b->errors().empty());
}

TEST_P(recovery, PayloadPerProfile) {
  start(rendered(form_a, "joined"));
  type("input[name='name']", "Bob");
  t.on("event", {sim::reply_ok()});
  crash_and_rejoin(rendered(form_a, "rejoined"));
  auto pushes = since_last_join();
  ASSERT_EQ(pushes.size(), 1u);
  const json& payload = pushes[0].payload;
  switch (p) {
    case client_profile::v0_15:
    case client_profile::v0_18:
      // form.elements[0], a hidden input, is the _target.
      EXPECT_EQ(payload["value"], "token=t&name=Bob&_target=token");
      EXPECT_FALSE(payload.contains("meta"));
      break;
    case client_profile::v0_20:
      // From 0.20 the first named control that is not hidden.
      EXPECT_EQ(payload["value"], "token=t&name=Bob&_target=name");
      EXPECT_FALSE(payload.contains("meta"));
      break;
    default:
      EXPECT_EQ(payload["value"], "token=t&name=Bob");
      EXPECT_EQ(payload["meta"], (json{{"_target", "name"}}));
      break;
  }
  EXPECT_FALSE(payload.contains("cid"));
  EXPECT_TRUE(b->main_view()->joined);
}

TEST_P(recovery, WhichFormsEachProfileRecovers) {
  // b names its recovery event, c is never recovered, d is gone from the new render, e's
  // phx-change changed in it.
  auto forms = [](bool with_d, const std::string& e_change) {
    std::string h =
        "<form id=\"a\" phx-change=\"validate\"><input name=\"x\" value=\"\"></form>"
        "<form id=\"b\" phx-change=\"change_b\" phx-auto-recover=\"recover_b\">"
        "<input name=\"y\" value=\"\"></form>"
        "<form id=\"c\" phx-change=\"change_c\" phx-auto-recover=\"ignore\">"
        "<input name=\"z\" value=\"\"></form>";
    if (with_d) h += "<form id=\"d\" phx-change=\"change_d\"><input name=\"w\" value=\"\"></form>";
    h += "<form id=\"e\" phx-change=\"" + e_change + "\"><input name=\"v\" value=\"\"></form>";
    return h;
  };
  start(rendered(forms(true, "old_e"), "joined"));
  t.on("event", {sim::reply_ok()}, true);
  crash_and_rejoin(rendered(forms(false, "new_e"), "rejoined"));
  std::vector<std::string> got;
  for (const auto& f : since_last_join()) got.push_back(f.payload["event"]);
  // 0.20.1 recovers the forms the render dropped or changed too, with their old event.
  const std::vector<std::string> want =
      p == client_profile::v0_20
          ? std::vector<std::string>{"validate", "recover_b", "change_d", "old_e"}
          : std::vector<std::string>{"validate", "recover_b"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(b->find("#msg").text_content(), "rejoined");
}

TEST_P(recovery, TheNewRendersAutoRecoverCountsFrom10) {
  auto form = [](const std::string& rec) {
    return "<form id=\"f\" phx-change=\"v\" phx-auto-recover=\"" + rec +
           "\"><input name=\"x\" value=\"\"></form>";
  };
  start(rendered(form("old_rec"), "joined"));
  t.on("event", {sim::reply_ok()});
  crash_and_rejoin(rendered(form("new_rec"), "rejoined"));
  auto pushes = since_last_join();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].payload["event"], p >= client_profile::v1_0 ? "new_rec" : "old_rec");
}

TEST_P(recovery, AFormWithOnlyANamedButton) {
  const std::string form = "<form id=\"f\" phx-change=\"v\"><button name=\"go\">Go</button></form>";
  start(rendered(form, "joined"));
  t.on("event", {sim::reply_ok()});
  crash_and_rejoin(rendered(form, "rejoined"));
  auto pushes = since_last_join();
  switch (p) {
    case client_profile::v0_15:
    case client_profile::v0_18:
      // form.elements[0] is the button: only its name goes, as _target.
      ASSERT_EQ(pushes.size(), 1u);
      EXPECT_EQ(pushes[0].payload["value"], "_target=go");
      EXPECT_TRUE(b->main_view()->joined);
      break;
    case client_profile::v0_20:
      // No control to send, and the callback that would complete the join never comes.
      EXPECT_TRUE(pushes.empty());
      EXPECT_FALSE(b->main_view()->joined);
      EXPECT_EQ(b->view_html("phx-main").find("rejoined"), std::string::npos);
      EXPECT_TRUE(has_error("never completes"));
      break;
    case client_profile::v1_0:
      EXPECT_TRUE(pushes.empty());
      EXPECT_TRUE(b->main_view()->joined);
      EXPECT_EQ(b->find("#msg").text_content(), "rejoined");
      break;
    default:
      // 1.2 takes the button as the control, and so as the submitter.
      ASSERT_EQ(pushes.size(), 1u);
      EXPECT_EQ(pushes[0].payload["value"], "go=");
      EXPECT_EQ(pushes[0].payload["meta"], (json{{"_target", "go"}}));
      EXPECT_TRUE(b->main_view()->joined);
      break;
  }
}

TEST_P(recovery, ACommandListPhxChange) {
  const std::string form =
      "<form id=\"j\" phx-change=\"[[&quot;push&quot;,{&quot;event&quot;:&quot;validate&quot;}]]\">"
      "<input name=\"x\" value=\"\"></form>";
  start(rendered(form, "joined"));
  type("input[name='x']", "typed");
  t.on("event", {sim::reply_ok({{"diff", {{"0", "recovered"}}}})});
  crash_and_rejoin(rendered(form, "rejoined"));
  auto pushes = since_last_join();
  if (p <= client_profile::v0_18) {
    // The client's selector, built from the list, is not valid CSS: the join stops there.
    EXPECT_TRUE(pushes.empty());
    EXPECT_FALSE(b->main_view()->joined);
    EXPECT_TRUE(has_error("not valid CSS"));
    return;
  }
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].payload["event"], "validate");
  if (p == client_profile::v0_20) {
    // The command's own arguments lose the callback.
    EXPECT_FALSE(b->main_view()->joined);
    EXPECT_TRUE(has_error("never completes"));
  } else {
    EXPECT_TRUE(b->main_view()->joined);
    EXPECT_EQ(b->find("#msg").text_content(), "recovered");
  }
}

TEST_P(recovery, LoadingStateOnTheFormInThePageUpTo020) {
  start(rendered(form_a, "joined"));
  type("input[name='name']", "Bob");
  crash_and_rejoin(rendered(form_a, "rejoined"));
  auto pushes = since_last_join();
  ASSERT_EQ(pushes.size(), 1u);
  // ≤0.20 marks the form (and its control) in the page; 1.x marks its copies.
  auto loading = [&] {
    const std::string* cls = b->find("#a").get_attribute("class");
    return cls && cls->find("phx-change-loading") != std::string::npos;
  };
  EXPECT_EQ(loading(), p <= client_profile::v0_20);
  reply(pushes[0], json::object());
  EXPECT_FALSE(loading());
  EXPECT_FALSE(b->find("#a").has_attribute("data-phx-ref"));
  EXPECT_FALSE(b->find("#a").has_attribute("data-phx-ref-src"));
}

TEST_P(recovery, AnErrorDuringRecovery) {
  start(rendered(form_a, "joined"));
  type("input[name='name']", "Bob");
  crash_and_rejoin(rendered(form_a, "first rejoin"));
  ASSERT_EQ(since_last_join().size(), 1u);  // never answered
  EXPECT_FALSE(b->main_view()->joined);
  t.on("event", {sim::reply_ok()});
  if (p == client_profile::v0_15) {
    // 0.15 reloads the page on an error while a join's render waits.
    const auto jr = sent("phx_join").back().ref;
    t.push(frame{jr, jr, "lv:phx-main", "phx_error", json::object()});
    b->settle();
    EXPECT_EQ(sent("phx_leave").size(), 1u);
    // The page reloads when the jittered timer (1 to 3 s) runs out.
    for (const auto& n : b->take_navigations())
      EXPECT_NE(n.what, sim::navigation_record::kind::reload);
    b->advance(3000);
    auto navs = b->take_navigations();
    ASSERT_FALSE(navs.empty());
    EXPECT_EQ(navs.front().what, sim::navigation_record::kind::reload);
    return;
  }
  crash_and_rejoin(rendered(form_a, "second rejoin"));
  // 1.x still counts the form as being recovered (its callback never came) and skips it.
  EXPECT_EQ(since_last_join().size(), p >= client_profile::v1_0 ? 0u : 1u);
  EXPECT_TRUE(b->main_view()->joined);
  EXPECT_EQ(b->find("#msg").text_content(), "second rejoin");
}

TEST_P(recovery, ComponentFormsKeepTheirCid) {
  json r = {{"0", 1},
            {"c",
             {{"1",
               {{"s", {"<div id=\"comp\"><form id=\"cf\" phx-change=\"v\" phx-target=\"1\">"
                       "<input name=\"x\" value=\"\"></form></div>"}}}}}},
            {"s", {"<div>", "</div>"}}};
  if (p >= client_profile::v0_20) r["c"]["1"]["r"] = 1;
  start(r);
  type("input[name='x']", "typed");
  t.on("event", {sim::reply_ok()});
  crash_and_rejoin(r);
  auto pushes = since_last_join();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].payload["cid"], 1);
  EXPECT_TRUE(b->main_view()->joined);
}

TEST_P(recovery, NestedViewsRecoverFromTheRootsCopiesFrom10) {
  const json parent = {{"s", {"<div id=\"child\" data-phx-session=\"CS\" data-phx-static=\"\" "
                              "data-phx-parent-id=\"phx-main\" data-phx-view=\"C\"></div>"}}};
  const json kid =
      rendered("<form id=\"cf\" phx-change=\"child_change\"><input name=\"c\" value=\"\"></form>",
               "child");
  t.on("phx_join", {sim::reply_ok({{"rendered", kid}})},
       false).when = [](const frame& f) { return f.topic == "lv:child"; };
  start(parent);
  ASSERT_TRUE(b->view("child"));
  type("input[name='c']", "typed");
  // The parent errors: its child goes, and comes back with the parent's new render.
  t.on("phx_join", {sim::reply_ok({{"rendered", kid}})}).when = [](const frame& f) {
    return f.topic == "lv:child";
  };
  t.on("event", {sim::reply_ok()});
  crash_and_rejoin(parent);
  std::vector<frame> child_pushes;
  int child_joins = 0;
  for (const auto& f : t.sent()) {
    if (f.topic != "lv:child") continue;
    if (f.event == "phx_join") {
      ++child_joins;
      child_pushes.clear();
    } else if (f.event == "event") {
      child_pushes.push_back(f);
    }
  }
  EXPECT_EQ(child_joins, 2);
  // Before 1.0 the child's container is a fresh one: nothing to recover.
  ASSERT_EQ(child_pushes.size(), p >= client_profile::v1_0 ? 1u : 0u);
  if (!child_pushes.empty()) {
    EXPECT_EQ(child_pushes[0].payload["event"], "child_change");
  }
  ASSERT_TRUE(b->view("child"));
  EXPECT_TRUE(b->view("child")->joined);
  EXPECT_EQ(b->find("#child #msg").text_content(), "child");
}

std::string profile_name(const ::testing::TestParamInfo<client_profile>& i) {
  switch (i.param) {
    case client_profile::v0_15: return "v0_15";
    case client_profile::v0_18: return "v0_18";
    case client_profile::v0_20: return "v0_20";
    case client_profile::v1_0: return "v1_0";
    default: return "v1_2";
  }
}

INSTANTIATE_TEST_SUITE_P(profiles, recovery,
                         ::testing::Values(client_profile::v0_15, client_profile::v0_18,
                                           client_profile::v0_20, client_profile::v1_0,
                                           client_profile::v1_2),
                         profile_name);

}  // namespace
