// The browser model against scripted servers: join payloads, rejoin, queued diffs, nested
// views, component destruction, titles, push events and navigation.
#include <lvh/protocol/messages.hpp>
#include <lvh/sim/browser.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using lvh::protocol::client_profile;
using lvh::protocol::frame;
using nlohmann::json;
namespace sim = lvh::sim;

std::string page(std::string_view main_attrs, std::string_view body) {
  std::string h =
      "<!DOCTYPE html><html><head><meta name=\"csrf-token\" content=\"CSRF\">"
      "<title data-prefix=\"[\" data-suffix=\"]\">T</title></head><body>";
  h += "<div id=\"phx-main\" data-phx-main=\"true\" data-phx-session=\"SESS\" "
       "data-phx-static=\"STAT\" data-phx-view=\"V\"";
  h += main_attrs;
  h += ">";
  h += body;
  h += "</div></body></html>";
  return h;
}

json rendered(std::vector<std::string> statics, std::vector<json> dyn = {}) {
  json r = {{"s", statics}};
  for (std::size_t i = 0; i < dyn.size(); ++i) r[std::to_string(i)] = dyn[i];
  return r;
}

struct browser_fixture : ::testing::Test {
  sim::scripted_transport t;
  sim::static_pages pages;
  std::unique_ptr<sim::browser> b;

  void start(client_profile p, std::string body = "<p id=\"a\">dead</p>") {
    pages.add("/", page("", body));
    sim::browser_options o;
    o.profile = p;
    b = std::make_unique<sim::browser>(t, pages, o);
    b->visit("http://localhost:4000/");
  }
  std::vector<frame> sent(std::string_view event, std::string_view topic = "") const {
    std::vector<frame> out;
    for (const auto& f : t.sent())
      if (f.event == event && (topic.empty() || f.topic == topic)) out.push_back(f);
    return out;
  }
};

TEST_F(browser_fixture, JoinPayloadAndSocketUrlPerProfile) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<p id=\"a\">live</p>"})}})});
  start(client_profile::v1_0);
  auto joins = sent("phx_join");
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].topic, "lv:phx-main");
  const json& p = joins[0].payload;
  EXPECT_EQ(p["url"], "http://localhost:4000/");
  EXPECT_FALSE(p.contains("redirect"));
  EXPECT_FALSE(p.contains("flash"));
  EXPECT_EQ(p["session"], "SESS");
  EXPECT_EQ(p["static"], "STAT");
  EXPECT_EQ(p["sticky"], false);
  EXPECT_EQ(p["params"], (json{{"_csrf_token", "CSRF"}, {"_mounts", 0}, {"_mount_attempts", 0}}));
  ASSERT_EQ(t.connects().size(), 1u);
  EXPECT_EQ(t.connects()[0].url,
            "ws://localhost:4000/live/websocket?_csrf_token=CSRF&_mounts=0&_mount_attempts=0&"
            "_live_referer=undefined&vsn=2.0.0");
  EXPECT_EQ(b->view_html("phx-main"), "<p id=\"a\">live</p>");
}

TEST_F(browser_fixture, RejoinAfterCrashSendsMountsAndNullFlash) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>", "</b>"}, {"1"})}})});
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>", "</b>"}, {"fresh"})}})});
  start(client_profile::v0_15);
  EXPECT_EQ(b->view_html("phx-main"), "<b>1</b>");
  const auto jr = sent("phx_join")[0].ref;
  t.push(frame{jr, jr, "lv:phx-main", "phx_error", json::object()});
  b->settle();
  EXPECT_FALSE(b->main_view()->joined);
  b->advance(999);
  EXPECT_EQ(sent("phx_join").size(), 1u);
  b->advance(1);
  auto joins = sent("phx_join");
  ASSERT_EQ(joins.size(), 2u);
  EXPECT_EQ(joins[1].payload["params"]["_mounts"], 1);
  EXPECT_TRUE(joins[1].payload.contains("flash"));
  EXPECT_TRUE(joins[1].payload["flash"].is_null());
  EXPECT_NE(joins[1].ref, joins[0].ref);
  EXPECT_EQ(b->view_html("phx-main"), "<b>fresh</b>");
  EXPECT_EQ(b->main_view()->join_count, 2);
}

TEST_F(browser_fixture, DiffsDuringAPendingJoinAreAppliedAfterIt) {
  // The server pushes a diff before its join reply reaches the client.
  t.on("phx_join", {sim::server_push("diff", {{"0", "2"}}),
                    sim::reply_ok({{"rendered", rendered({"<b>", "</b>"}, {"1"})}})});
  start(client_profile::v0_20);
  EXPECT_EQ(b->view_html("phx-main"), "<b>2</b>");
  EXPECT_TRUE(b->errors().empty());
}

TEST_F(browser_fixture, TitleAndPushEvents) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>", "</b>"}, {"1"})}})});
  start(client_profile::v0_20);
  t.push(frame{sent("phx_join")[0].ref, std::nullopt, "lv:phx-main", "diff",
               {{"t", "New"}, {"e", json::array({json::array({"hi", {{"x", 1}}})})}}});
  b->settle();
  EXPECT_EQ(b->title(), "[New]");
  auto ev = b->take_push_events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "hi");
  EXPECT_EQ(ev[0].payload, (json{{"x", 1}}));
  EXPECT_TRUE(b->take_push_events().empty());
}

TEST_F(browser_fixture, NestedViewsJoinFromTheRenderAndLeaveWhenRemoved) {
  const std::string child =
      "<div id=\"kid\" data-phx-session=\"KS\" data-phx-static=\"\" "
      "data-phx-parent-id=\"phx-main\" data-phx-view=\"K\"></div>";
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<main>", "</main>"}, {child})}})});
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<i>kid</i>"})}})});
  start(client_profile::v0_20,
        "<main><div id=\"kid\" data-phx-session=\"\" data-phx-static=\"KSTAT\" "
        "data-phx-parent-id=\"phx-main\"><i>dead kid</i></div></main>");
  auto joins = sent("phx_join");
  ASSERT_EQ(joins.size(), 2u);
  EXPECT_EQ(joins[1].topic, "lv:kid");
  EXPECT_EQ(joins[1].payload["session"], "KS");
  EXPECT_EQ(joins[1].payload["static"], "KSTAT");  // copied from the page's element
  EXPECT_FALSE(joins[1].payload.contains("url"));
  EXPECT_EQ(joins[1].payload["params"]["_mounts"], 0);
  EXPECT_EQ(b->views().size(), 2u);
  EXPECT_NE(b->html().find("<i>kid</i>"), std::string::npos);

  t.push(frame{joins[0].ref, std::nullopt, "lv:phx-main", "diff", {{"0", ""}}});
  b->settle();
  auto leaves = sent("phx_leave", "lv:kid");
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].join_ref, joins[1].ref);
  EXPECT_EQ(b->views().size(), 1u);
}

TEST_F(browser_fixture, ComponentsLeavingTheDomAreDestroyedInTwoSteps) {
  json r = rendered({"<div>", "</div>"}, {1});
  r["c"] = {{"1", rendered({"<p id=\"c1\">comp</p>"})}};
  t.on("phx_join", {sim::reply_ok({{"rendered", r}})});
  t.on("cids_will_destroy", {sim::reply_ok()});
  t.on("cids_destroyed", {sim::reply_ok({{"cids", {1}}})});
  start(client_profile::v0_20);
  EXPECT_NE(b->view_html("phx-main").find("comp"), std::string::npos);
  t.push(frame{sent("phx_join")[0].ref, std::nullopt, "lv:phx-main", "diff", {{"0", "gone"}}});
  b->settle();
  EXPECT_EQ(b->view_html("phx-main"), "<div>gone</div>");
  auto events = b->sent_events("phx-main");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "cids_will_destroy");
  EXPECT_EQ(events[0].payload, (json{{"cids", {1}}}));
  EXPECT_EQ(events[1].event, "cids_destroyed");
  EXPECT_EQ(events[1].payload, (json{{"cids", {1}}}));
  EXPECT_TRUE(b->errors().empty()) << b->errors().front();
}

TEST_F(browser_fixture, ServerLivePatchChangesUrlAndHistory) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>x</b>"})}})});
  start(client_profile::v0_20);
  t.push(frame{sent("phx_join")[0].ref, std::nullopt, "lv:phx-main", "live_patch",
               {{"to", "/?page=2"}, {"kind", "push"}}});
  b->settle();
  EXPECT_EQ(b->url(), "http://localhost:4000/?page=2");
  auto nav = b->take_navigations();
  ASSERT_FALSE(nav.empty());
  EXPECT_EQ(nav.back().what, sim::navigation_record::kind::live_patch);
}

TEST_F(browser_fixture, ClientLivePatchPushesAndCommitsAfterTheReply) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>", "</b>"}, {"1"})}})});
  t.on("live_patch", {sim::reply_ok({{"diff", {{"0", "2"}}}})}, true);
  t.on("link", {sim::reply_ok({{"diff", {{"0", "2"}}}})});
  start(client_profile::v0_20);
  b->live_patch("/other?x=1");
  auto p = sent("live_patch");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].payload, (json{{"url", "http://localhost:4000/other?x=1"}}));
  EXPECT_EQ(b->url(), "http://localhost:4000/other?x=1");
  EXPECT_EQ(b->view_html("phx-main"), "<b>2</b>");
  EXPECT_TRUE(b->back());
  EXPECT_EQ(sent("live_patch").size(), 2u);
  EXPECT_EQ(b->url(), "http://localhost:4000/");
}

TEST_F(browser_fixture, LiveRedirectRejoinsTheSameTopicWithRedirect) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>one</b>"})}})});
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>two</b>"})}})});
  start(client_profile::v0_20);
  const auto jr = sent("phx_join")[0].ref;
  t.push(frame{jr, std::nullopt, "lv:phx-main", "live_redirect",
               {{"to", "/two"}, {"kind", "push"}, {"flash", "FL"}}});
  b->settle();
  ASSERT_EQ(sent("phx_leave").size(), 1u);
  auto joins = sent("phx_join");
  ASSERT_EQ(joins.size(), 2u);
  EXPECT_EQ(joins[1].topic, "lv:phx-main");
  EXPECT_EQ(joins[1].payload["redirect"], "http://localhost:4000/two");
  EXPECT_FALSE(joins[1].payload.contains("url"));
  EXPECT_EQ(joins[1].payload["flash"], "FL");
  EXPECT_EQ(joins[1].payload["params"]["_live_referer"], "http://localhost:4000/");
  EXPECT_EQ(b->url(), "http://localhost:4000/two");
  EXPECT_EQ(b->view_html("phx-main"), "<b>two</b>");
}

TEST_F(browser_fixture, RedirectLoadsThePageWithTheFlashCookie) {
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>one</b>"})}})});
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>next</b>"})}})});
  pages.add("/next", page("", "<b>dead next</b>"));
  start(client_profile::v0_15);
  t.push(frame{std::nullopt, std::nullopt, "lv:phx-main", "redirect",
               {{"to", "/next"}, {"flash", "F1"}}});
  b->settle();
  EXPECT_EQ(b->url(), "http://localhost:4000/next");
  ASSERT_EQ(pages.requests().size(), 2u);
  EXPECT_EQ(pages.requests()[1].cookie, "__phoenix_flash__=F1");
  EXPECT_EQ(b->view_html("phx-main"), "<b>next</b>");
}

TEST_F(browser_fixture, RedirectLeavesEveryChannelFrom020) {
  for (auto p : lvh::protocol::all_client_profiles) {
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>one</b>"})}})});
    start(p);
    const std::size_t before = t.sent().size();
    t.push(frame{std::nullopt, std::nullopt, "lv:phx-main", "redirect", {{"to", "/gone"}}});
    b->settle();
    std::vector<frame> leaves;
    for (std::size_t i = before; i < t.sent().size(); ++i)
      if (t.sent()[i].event == "phx_leave") leaves.push_back(t.sent()[i]);
    if (p < client_profile::v0_20) {
      // LiveSocket.redirect only disconnects.
      EXPECT_TRUE(leaves.empty()) << lvh::protocol::name(p);
      continue;
    }
    // LiveSocket.unload: each root view, then the dead view the client made for the body.
    ASSERT_EQ(leaves.size(), 2u) << lvh::protocol::name(p);
    EXPECT_EQ(leaves[0].topic, "lv:phx-main");
    EXPECT_EQ(leaves[0].join_ref, sent("phx_join").back().ref);
    EXPECT_EQ(leaves[1].topic, "lv:");
    EXPECT_EQ(leaves[1].join_ref, std::nullopt);
  }
}

TEST_F(browser_fixture, JoinRedirectLeavesTheViewTwiceFrom020) {
  // View.onJoinError leaves; the redirect's unload leaves again: the view is still a root.
  for (auto p : {client_profile::v0_18, client_profile::v0_20, client_profile::v1_2}) {
    t.on("phx_join", {sim::reply_error({{"redirect", {{"to", "/gone"}}}})});
    const std::size_t before = t.sent().size();
    start(p);
    std::vector<std::string> topics;
    for (std::size_t i = before; i < t.sent().size(); ++i)
      if (t.sent()[i].event == "phx_leave") topics.push_back(t.sent()[i].topic);
    const std::vector<std::string> want =
        p < client_profile::v0_20 ? std::vector<std::string>{"lv:phx-main"}
                                  : std::vector<std::string>{"lv:phx-main", "lv:phx-main", "lv:"};
    EXPECT_EQ(topics, want) << lvh::protocol::name(p);
  }
}

namespace nested {
const std::string child =
    "<div id=\"kid\" data-phx-session=\"KS\" data-phx-static=\"\" "
    "data-phx-parent-id=\"phx-main\" data-phx-view=\"K\"></div>";
const std::string dead =
    "<main><div id=\"kid\" data-phx-session=\"\" data-phx-static=\"KSTAT\" "
    "data-phx-parent-id=\"phx-main\" data-phx-view=\"K\"><i>dead kid</i></div></main>";
}  // namespace nested

TEST_F(browser_fixture, NestedJoinRedirectLeavesTheChildTwiceFrom020) {
  // The refused child leaves its channel but stays its parent's child: 0.20+'s unload
  // destroys it with the parent, which leaves once more.
  for (auto p : lvh::protocol::all_client_profiles) {
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<main>", "</main>"}, {nested::child})}})});
    t.on("phx_join", {sim::reply_error({{"redirect", {{"to", "/gone"}}}})});
    const std::size_t before = t.sent().size();
    start(p, nested::dead);
    std::vector<std::string> topics;
    for (std::size_t i = before; i < t.sent().size(); ++i)
      if (t.sent()[i].event == "phx_leave") topics.push_back(t.sent()[i].topic);
    const std::vector<std::string> want =
        p < client_profile::v0_20
            ? std::vector<std::string>{"lv:kid"}
            : std::vector<std::string>{"lv:kid", "lv:kid", "lv:phx-main", "lv:"};
    EXPECT_EQ(topics, want) << lvh::protocol::name(p);
    ASSERT_FALSE(b->navigations().empty()) << lvh::protocol::name(p);
    EXPECT_EQ(b->navigations().back().url, "http://localhost:4000/gone");
  }
}

TEST_F(browser_fixture, FirstJoinWaitsForItsNestedViews) {
  // View.onJoinComplete: the root's render goes in with its children's, once every child
  // answered its join; meanwhile the page shows the dead render.
  for (auto p : lvh::protocol::all_client_profiles) {
    const std::string name(lvh::protocol::name(p));
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<main><b>live</b>", "</main>"},
                                                            {nested::child})}})});
    t.on("phx_join", {}).when = [](const frame& f) { return f.topic == "lv:kid"; };
    const std::size_t before = t.sent().size();
    start(p, nested::dead);
    std::vector<frame> joins;
    for (std::size_t i = before; i < t.sent().size(); ++i)
      if (t.sent()[i].event == "phx_join") joins.push_back(t.sent()[i]);
    ASSERT_EQ(joins.size(), 2u) << name;
    EXPECT_EQ(joins[1].payload["static"], "KSTAT") << name;
    EXPECT_EQ(b->view_html("phx-main").find("<b>live</b>"), std::string::npos) << name;
    auto& kid = b->find("#kid");
    EXPECT_EQ(kid.text_content(), "dead kid") << name;
    // 1.x marks the page's element with the root's id while its join is pending.
    EXPECT_EQ(kid.has_attribute("data-phx-root-id"), p >= client_profile::v1_0) << name;

    t.push(frame{joins[1].ref, joins[1].ref, "lv:kid", "phx_reply",
                 {{"status", "ok"}, {"response", {{"rendered", rendered({"<i>kid</i>"})}}}}});
    b->settle();
    EXPECT_NE(b->view_html("phx-main").find("<b>live</b>"), std::string::npos) << name;
    EXPECT_EQ(b->find("#kid").text_content(), "kid") << name;
    EXPECT_EQ(*b->find("#phx-main").get_attribute("class"), "phx-connected") << name;
    EXPECT_EQ(*b->find("#kid").get_attribute("class"), "phx-connected") << name;
  }
}

TEST_F(browser_fixture, RefusedNestedJoinIsRetriedFrom10) {
  // 1.x View.onJoinError keeps a refused child's channel, which rejoins after 1 s, then
  // 2 s, with _mount_attempts counting; from the second refusal the page's container shows
  // the error state. The root's render waits for the child all along.
  for (auto p : {client_profile::v1_0, client_profile::v1_2}) {
    const std::string name(lvh::protocol::name(p));
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<main><b>live</b>", "</main>"},
                                                            {nested::child})}})});
    t.on("phx_join", {sim::reply_error({{"reason", "join crashed"}})});
    t.on("phx_join", {sim::reply_error({{"reason", "join crashed"}})});
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<i>kid</i>"})}})});
    const std::size_t before = t.sent().size();
    start(p, nested::dead);
    auto kid_joins = [&] {
      std::vector<frame> out;
      for (std::size_t i = before; i < t.sent().size(); ++i)
        if (t.sent()[i].event == "phx_join" && t.sent()[i].topic == "lv:kid")
          out.push_back(t.sent()[i]);
      return out;
    };
    ASSERT_EQ(kid_joins().size(), 1u) << name;
    auto& kid = b->find("#kid");
    // The page's container took the attributes of the one the view was made with; the
    // first refusal's classes went on that one.
    EXPECT_EQ(*kid.get_attribute("data-phx-session"), "KS") << name;
    EXPECT_FALSE(kid.has_attribute("class")) << name;
    // 1.0 makes the view without data-phx-root-id, so the merge takes the page's off.
    EXPECT_EQ(kid.has_attribute("data-phx-root-id"), p >= client_profile::v1_2) << name;

    b->advance(999);
    EXPECT_EQ(kid_joins().size(), 1u) << name;
    EXPECT_EQ(*b->find("#phx-main").get_attribute("class"), "phx-loading") << name;
    b->advance(1);
    ASSERT_EQ(kid_joins().size(), 2u) << name;
    EXPECT_EQ(kid_joins()[1].payload["params"]["_mount_attempts"], 1) << name;
    EXPECT_EQ(kid_joins()[1].payload["session"], "KS") << name;
    EXPECT_EQ(kid_joins()[1].payload["static"], "KSTAT") << name;
    EXPECT_EQ(*b->find("#kid").get_attribute("class"), "phx-loading phx-error phx-server-error")
        << name;
    EXPECT_EQ(b->view_html("phx-main").find("<b>live</b>"), std::string::npos) << name;

    b->advance(1999);
    EXPECT_EQ(kid_joins().size(), 2u) << name;
    b->advance(1);
    ASSERT_EQ(kid_joins().size(), 3u) << name;
    EXPECT_EQ(kid_joins()[2].payload["params"]["_mount_attempts"], 2) << name;
    EXPECT_NE(b->view_html("phx-main").find("<b>live</b>"), std::string::npos) << name;
    EXPECT_EQ(b->find("#kid").text_content(), "kid") << name;
    EXPECT_EQ(*b->find("#kid").get_attribute("class"), "phx-connected") << name;
    EXPECT_EQ(*b->find("#phx-main").get_attribute("class"), "phx-connected") << name;
    for (const auto& n : b->take_navigations())
      EXPECT_EQ(n.what, sim::navigation_record::kind::visit) << name;
    EXPECT_TRUE(sent("phx_leave").empty()) << name;
  }
}

TEST_F(browser_fixture, NestedJoinGivesUpAfterThreeAttemptsFrom10) {
  // The third refusal puts the root in the error state and destroys the child (it leaves
  // with its last join_ref); nothing reloads and nothing rejoins.
  for (auto p : {client_profile::v1_0, client_profile::v1_2}) {
    const std::string name(lvh::protocol::name(p));
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<main><b>live</b>", "</main>"},
                                                            {nested::child})}})});
    for (int i = 0; i < 3; ++i) t.on("phx_join", {sim::reply_error({{"reason", "join crashed"}})});
    const std::size_t before = t.sent().size();
    start(p, nested::dead);
    b->advance(3000);
    std::vector<frame> joins, leaves;
    for (std::size_t i = before; i < t.sent().size(); ++i) {
      if (t.sent()[i].topic != "lv:kid") continue;
      if (t.sent()[i].event == "phx_join") joins.push_back(t.sent()[i]);
      if (t.sent()[i].event == "phx_leave") leaves.push_back(t.sent()[i]);
    }
    ASSERT_EQ(joins.size(), 3u) << name;
    ASSERT_EQ(leaves.size(), 1u) << name;
    EXPECT_EQ(leaves[0].join_ref, joins[2].ref) << name;
    EXPECT_EQ(*b->find("#phx-main").get_attribute("class"),
              "phx-loading phx-error phx-server-error")
        << name;
    EXPECT_EQ(*b->find("#kid").get_attribute("data-phx-session"), "") << name;
    EXPECT_EQ(b->find("#kid").text_content(), "dead kid") << name;
    const std::size_t sent_before = t.sent().size();
    b->advance(60000);
    for (std::size_t i = sent_before; i < t.sent().size(); ++i)
      EXPECT_EQ(t.sent()[i].event, "heartbeat") << name;
    for (const auto& n : b->take_navigations())
      EXPECT_EQ(n.what, sim::navigation_record::kind::visit) << name;
  }
}

TEST_F(browser_fixture, RefusedNestedJoinReloadsUpTo020) {
  // ≤0.20 reloads with jitter for the refused child; the disconnect errors the waiting root
  // (its error state, 0.20: the socket is down, a client error). 0.18 and 0.20 reload for
  // the main view (LiveSocket's socket.onClose on the clean close) after 5 s; 0.15 destroys
  // the child and then the errored root, each call a reload after 1 s.
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    const std::string name(lvh::protocol::name(p));
    const bool v015 = p == client_profile::v0_15;
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<main><b>live</b>", "</main>"},
                                                            {nested::child})}})});
    t.on("phx_join", {sim::reply_error({{"reason", "join crashed"}})});
    const std::size_t before = t.sent().size();
    start(p, nested::dead);
    std::vector<std::string> leaves;
    for (std::size_t i = before; i < t.sent().size(); ++i)
      if (t.sent()[i].event == "phx_leave") leaves.push_back(t.sent()[i].topic);
    EXPECT_EQ(leaves, v015 ? std::vector<std::string>{"lv:kid"} : std::vector<std::string>{})
        << name;
    auto& main = b->find("#phx-main");
    EXPECT_EQ(b->view_html("phx-main").find("<b>live</b>"), std::string::npos) << name;
    const std::string want = v015                          ? "phx-disconnected phx-error"
                             : p == client_profile::v0_18 ? "phx-loading phx-error"
                                                          : "phx-loading phx-error phx-client-error";
    EXPECT_EQ(*main.get_attribute("class"), want) << name;
    EXPECT_EQ(*main.get_attribute("data-phx-session"), v015 ? "" : "SESS") << name;
    const std::int64_t delay = v015 ? 1000 : 5000;
    b->advance(delay - 1);
    for (const auto& n : b->take_navigations())
      EXPECT_NE(n.what, sim::navigation_record::kind::reload) << name;
    b->advance(1);
    std::size_t reloads = 0;
    for (const auto& n : b->take_navigations())
      reloads += n.what == sim::navigation_record::kind::reload;
    EXPECT_EQ(reloads, v015 ? 2u : 1u) << name;
  }
}

TEST_F(browser_fixture, JoinLiveRedirectReplacesTheRefusedViewOnEveryProfile) {
  // A view refused with a live_redirect is still registered: replaceMain destroys it (and the
  // refused child with it), which leaves again, and the main view joins with redirect.
  for (bool child : {false, true}) {
    for (auto p : {client_profile::v0_18, client_profile::v0_20, client_profile::v1_2}) {
      const json refuse = {{"live_redirect", {{"to", "/two"}, {"kind", "push"}}}};
      if (child) {
        t.on("phx_join",
             {sim::reply_ok({{"rendered", rendered({"<main>", "</main>"}, {nested::child})}})});
      }
      t.on("phx_join", {sim::reply_error(refuse)});
      t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>two</b>"})}})});
      const std::size_t before = t.sent().size();
      const std::size_t gets = pages.requests().size();
      start(p, child ? nested::dead : "<p>dead</p>");
      std::vector<std::string> got;
      for (std::size_t i = before; i < t.sent().size(); ++i)
        if (t.sent()[i].event != "heartbeat")
          got.push_back(t.sent()[i].event + " " + t.sent()[i].topic);
      const std::vector<std::string> want =
          child ? std::vector<std::string>{"phx_join lv:phx-main", "phx_join lv:kid",
                                           "phx_leave lv:kid", "phx_leave lv:kid",
                                           "phx_leave lv:phx-main", "phx_join lv:phx-main"}
                : std::vector<std::string>{"phx_join lv:phx-main", "phx_leave lv:phx-main",
                                           "phx_leave lv:phx-main", "phx_join lv:phx-main"};
      EXPECT_EQ(got, want) << lvh::protocol::name(p) << (child ? " child" : " main");
      EXPECT_EQ(t.sent().back().payload["redirect"], "http://localhost:4000/two");
      EXPECT_EQ(pages.requests().size(), gets + 1) << "no page load for a live redirect";
      EXPECT_EQ(b->url(), "http://localhost:4000/two");
      EXPECT_EQ(b->view_html("phx-main"), "<b>two</b>");
    }
  }
}

TEST_F(browser_fixture, StaleJoinReloadsThePage) {
  t.on("phx_join", {sim::reply_error({{"reason", "stale"}})}, true);
  start(client_profile::v0_20);
  // 0.20 navigates to the view's URL: a second GET and join, until the loop guard stops it.
  EXPECT_GE(pages.requests().size(), 2u);
  EXPECT_FALSE(b->errors().empty());
}

TEST_F(browser_fixture, RefusedJoinReloadsWhenTheJitterRunsOut) {
  // reloadWithJitter: the reload is a timer (0.15: 1-3 s, the simulator takes 1 s; later
  // 5-10 s, 5 s); the page stays until it runs out.
  for (auto p : lvh::protocol::all_client_profiles) {
    const bool v015 = p == client_profile::v0_15;
    // 0.15 reloads on a stale join too; later clients redirect on that, so another reason.
    t.on("phx_join", {sim::reply_error({{"reason", v015 ? "stale" : "join crashed"}})});
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>again</b>"})}})});
    const std::size_t before = t.sent().size();
    start(p);
    const std::string name(lvh::protocol::name(p));
    std::size_t leaves = 0;
    for (std::size_t i = before; i < t.sent().size(); ++i)
      leaves += t.sent()[i].event == "phx_leave";
    // 0.15 destroys the view (it leaves, its container loses the session) before it
    // disconnects; later clients disconnect and destroy the view when the timer runs out.
    EXPECT_EQ(leaves, v015 ? 1u : 0u) << name;
    const std::size_t gets = pages.requests().size();
    auto& main = b->find("#phx-main");
    EXPECT_EQ(*main.get_attribute("data-phx-session"), v015 ? "" : "SESS") << name;
    const std::string* cls = main.get_attribute("class");
    const std::string want_class =
        p >= client_profile::v0_20 ? "phx-loading phx-error phx-server-error" : "(none)";
    EXPECT_EQ(cls ? *cls : "(none)", want_class) << name;
    const std::int64_t delay = v015 ? 1000 : 5000;
    b->advance(delay - 1);
    if (p == client_profile::v0_18) {  // the loader its join started, after 1 ms
      EXPECT_EQ(*b->find("#phx-main").get_attribute("class"), "phx-loading") << name;
    }
    for (const auto& n : b->take_navigations())
      EXPECT_NE(n.what, sim::navigation_record::kind::reload) << name;
    EXPECT_EQ(pages.requests().size(), gets) << name;
    b->advance(1);
    auto navs = b->take_navigations();
    ASSERT_FALSE(navs.empty()) << name;
    EXPECT_EQ(navs.front().what, sim::navigation_record::kind::reload) << name;
    EXPECT_EQ(pages.requests().size(), gets + 1) << name;
    EXPECT_EQ(b->view_html("phx-main"), "<b>again</b>") << name;
  }
}

TEST_F(browser_fixture, ClickSendsTheBindingsPushAndAppliesTheReply) {
  t.on("phx_join",
       {sim::reply_ok({{"rendered", rendered({"<button id=\"b\" phx-click=\"go\">", "</button>"}, {"0"})}})});
  t.on("event", {sim::reply_ok({{"diff", {{"0", "1"}}}})});
  start(client_profile::v0_20);
  b->click(b->find("#b"));
  auto ev = sent("event");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload["event"], "go");
  EXPECT_EQ(ev[0].payload["type"], "click");
  EXPECT_EQ(b->find("#b").text_content(), "1");
  // The loading state is gone once the reply is in.
  EXPECT_FALSE(b->find("#b").has_attribute("data-phx-ref"));
}

// With keep_effects off the result holds no effects, and what goes out is the same: the
// payloads move into the pushes, the sent events are logged as before.
TEST_F(browser_fixture, ResultsWithoutEffectsSendTheSamePushes) {
  t.on("phx_join",
       {sim::reply_ok({{"rendered",
                        rendered({"<button id=\"b\" phx-click=\"go\" phx-value-n=\"1\">x</button>"
                                  "<button id=\"d\" phx-click=\"slow\" phx-debounce=\"100\">y</button>"
                                  "<span id=\"none\">z</span>"})}})});
  t.on("event", {sim::reply_ok()}, true);
  start(client_profile::v0_20);
  EXPECT_TRUE(b->keeps_effects());
  auto status = b->status_of_view("phx-main");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->container, b->view("phx-main")->container);
  EXPECT_TRUE(status->joined);
  EXPECT_FALSE(b->status_of_view("phx-other").has_value());
  auto kept = b->click(b->find("#b"));
  ASSERT_EQ(kept.effects.size(), 1u);
  EXPECT_EQ(kept.effects[0].payload["event"], "go");
  b->set_keep_effects(false);
  auto lean = b->click(b->find("#b"));
  EXPECT_TRUE(lean.effects.empty());
  auto debounced = b->click(b->find("#d"));
  EXPECT_TRUE(debounced.effects.empty());
  auto missing = b->click(b->find("#none"));
  EXPECT_TRUE(missing.missing.has_value());
  b->advance(100);
  auto ev = sent("event");
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[1].payload, ev[0].payload);
  EXPECT_EQ(ev[1].payload, kept.effects[0].payload);
  EXPECT_EQ(ev[2].payload["event"], "slow");
  auto logged = b->sent_events("phx-main");
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_EQ(logged[1].payload, kept.effects[0].payload);
  EXPECT_EQ(logged[2].payload, ev[2].payload);
}

TEST_F(browser_fixture, HookRepliesAreDeliveredToTheCaller) {
  t.on("phx_join",
       {sim::reply_ok({{"rendered", rendered({"<div id=\"h\" phx-hook=\"H\">hook</div>"})}})});
  t.on("event", {sim::reply_ok({{"diff", {{"r", {{"ok", true}}}}}})});
  start(client_profile::v0_20);
  b->hook_push(b->find("#h"), "ping", {{"n", 1}});
  auto ev = sent("event");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload["type"], "hook");
  EXPECT_EQ(ev[0].payload["event"], "ping");
  auto replies = b->take_hook_replies();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].event, "ping");
  EXPECT_EQ(replies[0].reply, (json{{"ok", true}}));
}

TEST_F(browser_fixture, AdvanceSendsHeartbeatsAndRunsDebounces) {
  t.on("phx_join",
       {sim::reply_ok({{"rendered",
                        rendered({"<button id=\"b\" phx-click=\"go\" phx-debounce=\"500\">x</button>"})}})});
  t.on("event", {sim::reply_ok()}, true);
  start(client_profile::v0_20);
  b->click(b->find("#b"));
  EXPECT_TRUE(sent("event").empty());  // debounced
  b->advance(499);
  EXPECT_TRUE(sent("event").empty());
  b->advance(1);
  EXPECT_EQ(sent("event").size(), 1u);
  EXPECT_TRUE(sent("heartbeat").empty());
  b->advance(29500);
  EXPECT_EQ(sent("heartbeat").size(), 1u);
}

TEST_F(browser_fixture, ARestartedDebounceIsHeldBackOnce) {
  // Each input restarts the debounce with a new trigger; the dropped ones are no longer held
  // back (while any is, trees patches remove are kept for it).
  t.on("event", {sim::reply_ok()}, true);
  for (auto p : {client_profile::v0_15, client_profile::v0_20, client_profile::v1_2}) {
    SCOPED_TRACE(std::string(lvh::protocol::name(p)));
    t.on("phx_join",
         {sim::reply_ok({{"rendered",
                          rendered({"<form phx-change=\"v\"><input name=\"q\" phx-debounce=\"300\"/></form>"
                                    "<button id=\"b\" phx-click=\"go\" phx-debounce=\"500\">x</button>"})}})});
    start(p);
    const std::size_t before = sent("event").size();
    for (int i = 0; i < 5; ++i) b->change(b->find("input"), std::string(i + 1, 'a'));
    EXPECT_EQ(b->deferred_calls(), 1);
    b->click(b->find("#b"));
    EXPECT_EQ(b->deferred_calls(), 2);
    b->advance(300);
    EXPECT_EQ(b->deferred_calls(), 1);
    auto events = sent("event");
    ASSERT_EQ(events.size(), before + 1);
    EXPECT_EQ(events.back().payload["value"].get<std::string>().substr(0, 7), "q=aaaaa");
    b->advance(200);
    EXPECT_EQ(b->deferred_calls(), 0);
    EXPECT_EQ(sent("event").size(), before + 2);
  }
}

TEST_F(browser_fixture, JoinedContainersCarryTheirRootId) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v1_2}) {
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>live</b>"})}})});
    start(p);
    auto main = b->main_view();
    ASSERT_TRUE(main && main->container);
    // applyJoinPatch sets it before the connected class goes on.
    std::vector<std::string> names;
    for (const auto& a : main->container->attributes()) names.push_back(a.name);
    ASSERT_GE(names.size(), 2u);
    EXPECT_EQ(names[names.size() - 2], "data-phx-root-id");
    EXPECT_EQ(names.back(), "class");
    EXPECT_EQ(*main->container->get_attribute("data-phx-root-id"), "phx-main");
  }
}

TEST_F(browser_fixture, EmptyTitlesPerProfile) {
  for (auto p : {client_profile::v0_20, client_profile::v1_0}) {
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>", "</b>"}, {"1"})}})});
    start(p);
    const auto join_ref = sent("phx_join").back().ref;
    t.push(frame{join_ref, std::nullopt, "lv:phx-main", "diff", {{"t", "New"}}});
    b->settle();
    EXPECT_EQ(b->title(), "[New]");
    // Up to 0.20 an empty `t` is skipped; 1.x skips it too without a data-default.
    t.push(frame{join_ref, std::nullopt, "lv:phx-main", "diff", {{"t", ""}}});
    b->settle();
    EXPECT_EQ(b->title(), "[New]");
  }
}

TEST_F(browser_fixture, EmptyTitleShowsTheDefaultFrom10) {
  pages.add("/", "<!DOCTYPE html><html><head><title data-default=\"D\">T</title></head><body>"
                 "<div id=\"phx-main\" data-phx-main=\"true\" data-phx-session=\"S\" "
                 "data-phx-static=\"\"></div></body></html>");
  t.on("phx_join", {sim::reply_ok({{"rendered", rendered({"<b>x</b>"})}})});
  sim::browser_options o;
  o.profile = client_profile::v1_0;
  b = std::make_unique<sim::browser>(t, pages, o);
  b->visit("http://localhost:4000/");
  // 1.0 puts the title on every join, `t` or not: no `t` is empty, so the default shows.
  EXPECT_EQ(b->title(), "D");
}

TEST_F(browser_fixture, TypedValueGivesWayToTheRenderUnlessFocused) {
  for (bool focus : {true, false}) {
    t.on("phx_join", {sim::reply_ok({{"rendered",
                                      rendered({"<form id=\"f\" phx-change=\"v\" phx-submit=\"s\">"
                                                "<input name=\"a\" value=\"",
                                                "\"></form>"},
                                               {"srv"})}})});
    t.on("event", {sim::reply_ok({{"diff", {{"0", "srv2"}}}})});
    t.on("event", {sim::reply_ok()});
    pages.add("/", page("", ""));
    sim::browser_options o;
    o.profile = client_profile::v0_20;
    o.actions_move_focus = focus;
    b = std::make_unique<sim::browser>(t, pages, o);
    b->visit("http://localhost:4000/");
    b->change(b->find("input"), "typed");
    b->submit(b->find("#f"));
    auto ev = sent("event");
    ASSERT_GE(ev.size(), 2u);
    // morphdom sets the value of a control it patches; a focused one keeps what was typed.
    EXPECT_EQ(ev.back().payload["value"], focus ? "a=typed" : "a=srv2") << focus;
  }
}

TEST_F(browser_fixture, ChangedSelectStaysActiveUpTo020) {
  for (auto p : {client_profile::v0_20, client_profile::v1_0}) {
    t.on("phx_join",
         {sim::reply_ok({{"rendered",
                          rendered({"<form id=\"f\" phx-change=\"v\" phx-submit=\"s\"><select "
                                    "name=\"r\"><option>x</option><option>y</option></select>"
                                    "<p>",
                                    "</p></form>"},
                                   {"0"})}})});
    t.on("event", {sim::reply_ok({{"diff", {{"0", "1"}}}})});
    t.on("event", {sim::reply_ok()});
    pages.add("/", page("", ""));
    sim::browser_options o;
    o.profile = p;
    o.actions_move_focus = false;
    b = std::make_unique<sim::browser>(t, pages, o);
    b->visit("http://localhost:4000/");
    b->change(b->find("select"), "y");
    b->submit(b->find("#f"));
    auto ev = sent("event");
    ASSERT_GE(ev.size(), 2u);
    // ≤0.20: the changed select is LiveSocket.activeElement, patched as if focused.
    EXPECT_EQ(ev.back().payload["value"], p == client_profile::v0_20 ? "r=y" : "r=x");
  }
}

// -- phx-feedback-for (≤0.20) ----------------------------------------------------------------

constexpr const char* feedback_form_statics[] = {
    ("<form id=\"f\" phx-change=\"v\" phx-submit=\"s\"><input id=\"a\" name=\"a\">"
     "<span class=\"err\" phx-feedback-for=\"a\">"),
    "</span><input id=\"b\" name=\"b\"><span class=\"err\" phx-feedback-for=\"b\">",
    "</span></form>"};

struct feedback_fixture : browser_fixture {
  void start_form(client_profile p) {
    std::vector<std::string> st(std::begin(feedback_form_statics), std::end(feedback_form_statics));
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered(st, {"x", "y"})}})});
    // The dead render shows the same form, as a server's would.
    start(p, st[0] + "x" + st[1] + "y" + st[2]);
  }
  std::string cls(std::string_view for_) {
    const std::string* c =
        b->find("span[phx-feedback-for=" + std::string(for_) + "]").get_attribute("class");
    return c ? *c : std::string("(none)");
  }
};

TEST_F(feedback_fixture, ErrorsOfUnusedInputsAreHiddenUpTo020) {
  for (auto p : lvh::protocol::all_client_profiles) {
    start_form(p);
    const bool applies = p <= client_profile::v0_20;
    EXPECT_EQ(cls("a"), applies ? "err phx-no-feedback" : "err") << lvh::protocol::name(p);
    EXPECT_EQ(cls("b"), applies ? "err phx-no-feedback" : "err") << lvh::protocol::name(p);
    // The user types into a; the reply re-renders both errors.
    t.on("event", {sim::reply_ok({{"diff", {{"0", "x2"}, {"1", "y2"}}}})});
    b->change(b->find("#a"), "typed");
    EXPECT_EQ(cls("a"), "err") << lvh::protocol::name(p);
    EXPECT_EQ(cls("b"), applies ? "err phx-no-feedback" : "err") << lvh::protocol::name(p);
  }
}

TEST_F(feedback_fixture, TheReplyToAChangeShowsTheInputsFeedbackEvenWithoutADiff) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    start_form(p);
    t.on("event", {sim::reply_ok()});
    b->change(b->find("#b"), "typed");
    EXPECT_EQ(cls("a"), "err phx-no-feedback") << lvh::protocol::name(p);
    EXPECT_EQ(cls("b"), "err") << lvh::protocol::name(p);  // DOM.showError
  }
}

TEST_F(feedback_fixture, ASubmitShowsEveryFeedback) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    start_form(p);
    t.on("event", {sim::reply_ok()});
    b->submit(b->find("#f"));
    // 0.18+ show the form's feedback when the reply comes (0.15.7 only marks the form).
    const std::string after_reply =
        p == client_profile::v0_15 ? "err phx-no-feedback" : "err";
    EXPECT_EQ(cls("a"), after_reply) << lvh::protocol::name(p);
    EXPECT_EQ(cls("b"), after_reply) << lvh::protocol::name(p);
    // A submitted form's (0.20: submitted inputs') errors are not hidden again.
    t.push(frame{sent("phx_join").back().ref, std::nullopt, "lv:phx-main", "diff",
                 {{"0", "x3"}, {"1", "y3"}}});
    b->settle();
    EXPECT_EQ(cls("a"), "err") << lvh::protocol::name(p);
    EXPECT_EQ(cls("b"), "err") << lvh::protocol::name(p);
  }
}

TEST_F(browser_fixture, ADebouncedChangeMarksTheInputAndReadsTheFormWhenItFires) {
  // The change callback, run by the debounce, marks the control changed (phx-no-feedback
  // goes, 1.x stops sending _unused_) and serializes the form: a render in between is
  // patched as if the user had not typed, and the push carries the form as it is then.
  const std::vector<std::string> st = {
      "<form id=\"f\" phx-change=\"v\"><input id=\"a\" name=\"a\" phx-debounce=\"300\">"
      "<span class=\"err\" phx-feedback-for=\"a\">",
      "</span><input id=\"b\" name=\"b\" value=\"", "\"></form>"};
  for (auto p : lvh::protocol::all_client_profiles) {
    t.on("phx_join", {sim::reply_ok({{"rendered", rendered(st, {"x", "b0"})}})});
    const std::size_t before = t.sent().size();
    start(p, st[0] + "x" + st[1] + "b0" + st[2]);
    auto events = [&] {
      std::vector<frame> out;
      for (std::size_t i = before; i < t.sent().size(); ++i)
        if (t.sent()[i].event == "event") out.push_back(t.sent()[i]);
      return out;
    };
    const std::string name(lvh::protocol::name(p));
    const bool feedback = p <= client_profile::v0_20;
    auto err_class = [&] { return *b->find("span.err").get_attribute("class"); };
    b->change(b->find("#a"), "typed");
    b->advance(100);
    EXPECT_TRUE(events().empty()) << name;
    // The server re-renders the error and b's value meanwhile.
    t.push(frame{sent("phx_join").back().ref, std::nullopt, "lv:phx-main", "diff",
                 {{"0", "x2"}, {"1", "b1"}}});
    b->settle();
    EXPECT_EQ(err_class(), feedback ? "err phx-no-feedback" : "err") << name;
    t.on("event", {sim::reply_ok()});
    b->advance(200);
    auto ev = events();
    ASSERT_EQ(ev.size(), 1u) << name;
    const std::string value = ev[0].payload["value"];
    EXPECT_NE(value.find("a=typed&"), std::string::npos) << name << ": " << value;
    EXPECT_NE(value.find("b=b1"), std::string::npos) << name << ": " << value;
    EXPECT_EQ(value.find("_unused_a"), std::string::npos) << name << ": " << value;
    EXPECT_EQ(err_class(), "err") << name;
  }
}

TEST_F(browser_fixture, HookReplyWithoutAnswerIsNull) {
  t.on("phx_join",
       {sim::reply_ok({{"rendered", rendered({"<div id=\"h\" phx-hook=\"H\">hook</div>"})}})});
  t.on("event", {sim::reply_ok({{"diff", json::object()}})});
  start(client_profile::v1_0);
  b->hook_push(b->find("#h"), "ping", json::object());
  auto replies = b->take_hook_replies();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].event, "ping");
  EXPECT_TRUE(replies[0].reply.is_null());
}

TEST_F(browser_fixture, DestroyedCidsInTheClientsOrder) {
  for (auto p : {client_profile::v0_15, client_profile::v0_20}) {
    json r = rendered({"<div>", "</div>"}, {1});
    r["c"] = {{"1", rendered({"<p id=\"c1\">", "</p>"}, {2})},
              {"2", rendered({"<i id=\"c2\">x</i>"})}};
    t.on("phx_join", {sim::reply_ok({{"rendered", r}})});
    t.on("cids_will_destroy", {sim::reply_ok()});
    t.on("cids_destroyed", {sim::reply_ok({{"cids", {1, 2}}})});
    start(p);
    t.push(frame{sent("phx_join").back().ref, std::nullopt, "lv:phx-main", "diff", {{"0", ""}}});
    b->settle();
    auto events = b->sent_events("phx-main");
    ASSERT_FALSE(events.empty());
    // 0.15.7 collects cids as elements are discarded; later clients a removed element's
    // component descendants first.
    EXPECT_EQ(events[0].payload["cids"],
              p == client_profile::v0_15 ? json({1, 2}) : json({2, 1}));
  }
}

}  // namespace
