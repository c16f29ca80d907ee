// Channels and connections through the in-process transport on the deterministic scheduler:
// replies, heartbeats, unmatched topics, malformed frames, tokens, crash isolation, timers,
// PubSub, nested views, navigation, flash, telemetry.
#include "server_test_support.hpp"

#include <lvh/ref/params.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace lvh::ref::test {
namespace {

using protocol::frame;

std::string enc(const frame& f) { return protocol::encode(f); }

// A copy: chains like response_of(f)["diff"]["0"] must not bind references to it.
value response_of(const frame& f) { return f.payload.value("response", value::object()); }

// Joins the page's view and checks the reply is ok.
void join_ok(fixture& fx, fixture::opened& o, const std::string& ref = "1") {
    auto out = fx.join(*o.client, o.topic, ref, o.session, o.static_token, 0, o.url);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].event, "phx_reply");
    ASSERT_EQ(out[0].payload["status"], "ok") << enc(out[0]);
    ASSERT_TRUE(response_of(out[0]).contains("rendered"));
}

TEST(Connection, HeartbeatIsAnsweredWithNullJoinRef) {
    fixture fx;
    auto o = fx.open("/");
    auto out = fx.exchange(*o.client, R"([null,"8","phoenix","heartbeat",{}])");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]), R"([null,"8","phoenix","phx_reply",{"response":{},"status":"ok"}])");
}

TEST(Connection, UnknownTopicJoinIsUnmatched) {
    fixture fx;
    auto o = fx.open("/");
    auto out = fx.exchange(*o.client, R"(["4","4","nosuch:topic","phx_join",{}])");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]),
              R"([null,"4","nosuch:topic","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])");
}

TEST(Connection, EventOnUnjoinedTopicIsUnmatched) {
    fixture fx;
    auto o = fx.open("/");
    auto out = fx.exchange(*o.client,
                           R"(["5","5","lv:phx-nope","event",{"type":"click","event":"inc","value":{"value":""},"cid":null}])");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]),
              R"([null,"5","lv:phx-nope","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])");
}

TEST(Connection, MalformedFramesAreDroppedWithALogLineAndNothingElseChanges) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    ASSERT_EQ(fx.event(*o.client, o.topic, "1", "2", "inc").size(), 1u);
    const char* bad[] = {"not json", "[1,2,3]", "{}", R"(["1","3","lv:x","event",[]])",
                         R"([1,"3","lv:x","event",{}])", "", "[\"1\",\"3\",\"lv:x\",\"event\",{}] x"};
    for (const char* text : bad) {
        auto before = fx.logs.size();
        EXPECT_TRUE(fx.exchange(*o.client, text).empty()) << text;
        EXPECT_EQ(fx.logs.size(), before + 1) << text;
    }
    // The view kept its state and the connection still answers.
    auto out = fx.event(*o.client, o.topic, "1", "9", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["diff"]["0"], "2");
    EXPECT_EQ(fx.exchange(*o.client, R"([null,"10","phoenix","heartbeat",{}])").size(), 1u);
}

TEST(Connection, FramesOverTheSizeLimitAreDropped) {
    endpoint_config cfg;
    cfg.frame_limits.max_bytes = 200;
    fixture fx(cfg);
    auto o = fx.open("/");
    std::string big = R"([null,"1","phoenix","heartbeat",{"pad":")" + std::string(300, 'x') + "\"}]";
    EXPECT_TRUE(fx.exchange(*o.client, big).empty());
    ASSERT_FALSE(fx.logs.empty());
    EXPECT_NE(fx.logs.back().find("malformed"), std::string::npos);
    EXPECT_EQ(fx.exchange(*o.client, R"([null,"2","phoenix","heartbeat",{}])").size(), 1u);
}

TEST(Connection, PushesOverTheMailboxLimitGetOverloadedErrorsAndTheViewGoesOn) {
    // With a limit of 0 every push finds the mailbox "full"; a real backlog needs a view
    // slower than its client, which the deterministic scheduler never produces.
    endpoint_config cfg;
    cfg.max_pending_per_view = 0;
    fixture fx(cfg);
    auto o = fx.open("/");
    join_ok(fx, o);
    auto out = fx.event(*o.client, o.topic, "1", "2", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]), "[\"1\",\"2\",\"" + o.topic +
                               "\",\"phx_reply\",{\"response\":{\"reason\":\"overloaded\"},\"status\":\"error\"}]");
    EXPECT_EQ(fx.exchange(*o.client, R"([null,"3","phoenix","heartbeat",{}])").size(), 1u);
    EXPECT_EQ(o.client->conn().topics().size(), 1u);
}

TEST(Join, ReplyCarriesTheRenderedTreeAndEchoesRefs) {
    fixture fx;
    auto o = fx.open("/");
    auto out = fx.join(*o.client, o.topic, "7", o.session, o.static_token);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].join_ref, "7");
    EXPECT_EQ(out[0].ref, "7");
    EXPECT_EQ(out[0].topic, o.topic);
    EXPECT_EQ(out[0].payload["status"], "ok");
    value rendered = response_of(out[0])["rendered"];
    EXPECT_EQ(rendered["0"], "0");
    EXPECT_EQ(rendered["5"], 1);
    EXPECT_TRUE(rendered["c"].contains("1"));
}

TEST(Join, TamperedExpiredOrMissingTokensAreStale) {
    fixture fx;
    auto o = fx.open("/");
    const std::string stale =
        R"({"response":{"reason":"stale"},"status":"error"})";
    std::string tampered = o.session;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    auto out = fx.join(*o.client, o.topic, "1", tampered, o.static_token);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload.dump(), stale);
    EXPECT_EQ(out[0].join_ref, "1");

    out = fx.join(*o.client, o.topic, "2", "", o.static_token);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload.dump(), stale);

    out = fx.exchange(*o.client, frame{"3", "3", o.topic, "phx_join", {{"url", "http://127.0.0.1:4000/"}, {"params", value::object()}}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload.dump(), stale);

    // A static token of another page.
    auto other = fx.page_on(o, "/crashy");
    out = fx.join(*o.client, o.topic, "4", o.session, other.static_token);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload.dump(), stale);

    // Two weeks and a second later the session has expired.
    fx.clock += std::chrono::seconds(1'209'601);
    out = fx.join(*o.client, o.topic, "5", o.session, o.static_token);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload.dump(), stale);

    // Nothing was joined: events are unmatched.
    out = fx.event(*o.client, o.topic, "5", "6", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["reason"], "unmatched topic");
}

TEST(Join, NullStaticIsAccepted) {
    fixture fx;
    auto o = fx.open("/");
    auto out = fx.join(*o.client, o.topic, "1", o.session, std::nullopt);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload["status"], "ok");
}

TEST(Join, MissingOrWrongCsrfMakesEveryJoinStale) {
    fixture fx;
    auto page = fx.ep->get({.url = "/"});
    std::string session = attr(page.body, "data-phx-session");
    std::string stat = attr(page.body, "data-phx-static");
    struct attempt {
        value params;
        value info;
    };
    auto other_page = fx.ep->get({.url = "/"});
    std::vector<attempt> attempts = {
        {value::object(), value::object()},                                        // nothing
        {{{"_csrf_token", page.csrf_token}}, value::object()},                    // no cookie
        {value::object(), {{"session", page.session_cookie}}},                    // no token
        {{{"_csrf_token", "bm90LWEtdG9rZW4"}}, {{"session", page.session_cookie}}},  // wrong
        {{{"_csrf_token", other_page.csrf_token}}, {{"session", page.session_cookie}}},  // other session
    };
    for (const auto& a : attempts) {
        auto client = in_process_client::connect(*fx.ep, a.params, a.info);
        EXPECT_FALSE(client->conn().has_session());
        auto out = fx.join(*client, "lv:" + page.view_id, "1", session, stat);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(response_of(out[0]), (value{{"reason", "stale"}})) << a.params.dump();
    }
    // The page's own token with its cookie works; another page's masked token of the same
    // session works too (the mask differs, the session token is the same).
    auto same_session = fx.ep->get({.url = "/", .session_cookie = page.session_cookie});
    for (const auto& token : {page.csrf_token, same_session.csrf_token}) {
        auto client = in_process_client::connect(*fx.ep, {{"_csrf_token", token}},
                                                 {{"session", page.session_cookie}});
        EXPECT_TRUE(client->conn().has_session());
    }
    EXPECT_NE(page.csrf_token, same_session.csrf_token);
}

TEST(Join, MountThatThrowsIsJoinCrashed) {
    fixture fx;
    auto o = fx.open("/broken");
    auto out = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0,
                       "http://127.0.0.1:4000/broken");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"reason", "join crashed"}}));
    EXPECT_EQ(out[0].payload["status"], "error");
}

TEST(Join, RedirectDuringMountIsTheJoinsErrorReply) {
    fixture fx;
    auto o = fx.open("/");
    // Bouncer redirects in its disconnected mount too, so sign its session ourselves.
    value sd = {{"id", "phx-bounce"}, {"view", "Bouncer"}, {"session", value::object()},
                {"route", "/bounce"}, {"parent", nullptr}, {"parent_serial", 0}, {"root", "phx-bounce"}};
    std::string session = fx.ep->sign(sd, std::chrono::seconds(600));
    auto out = fx.join(*o.client, "lv:phx-bounce", "1", session, std::nullopt, 0,
                       "http://127.0.0.1:4000/bounce");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload["status"], "error");
    value lr = response_of(out[0])["live_redirect"];
    EXPECT_EQ(lr["to"], "/other");
    EXPECT_EQ(lr["kind"], "push");
    ASSERT_TRUE(lr["flash"].is_string());
    EXPECT_EQ(fx.ep->verify_flash(lr["flash"].get<std::string>()), (value{{"info", "moved"}}));
    EXPECT_TRUE(o.client->conn().topics().empty());
}

TEST(Join, PushesQueuedBehindAFailedJoinAreUnmatched) {
    fixture fx;
    auto o = fx.open("/broken");
    value payload = {{"url", o.url}, {"params", {{"_mounts", 0}}}, {"session", o.session}, {"static", o.static_token}};
    o.client->send(frame{"1", "1", o.topic, "phx_join", payload});
    o.client->send(frame{"1", "2", o.topic, "event", {{"type", "click"}, {"event", "x"}, {"value", value::object()}}});
    o.client->send(frame{"1", "3", o.topic, "event", {{"type", "click"}, {"event", "x"}, {"value", value::object()}}});
    fx.sched.run_until_idle();
    auto out = o.client->receive_all();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(response_of(out[0])["reason"], "join crashed");
    for (int i = 1; i < 3; ++i) {
        EXPECT_EQ(response_of(out[i])["reason"], "unmatched topic");
        EXPECT_FALSE(out[i].join_ref.has_value());
        EXPECT_EQ(out[i].ref, std::to_string(i + 1));
    }
    EXPECT_TRUE(o.client->conn().topics().empty());
}

TEST(Join, ASecondJoinOnATopicReplacesTheView) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o, "1");
    fx.event(*o.client, o.topic, "1", "2", "inc");
    auto out = fx.join(*o.client, o.topic, "3", o.session, o.static_token, 1, o.url);
    ASSERT_EQ(out.size(), 1u);  // the old view ends silently
    EXPECT_EQ(response_of(out[0])["rendered"]["0"], "0");
    out = fx.event(*o.client, o.topic, "3", "4", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["diff"]["0"], "1");
}

TEST(Channel, EveryPushGetsOneReplyInOrder) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    for (int i = 0; i < 5; ++i) {
        value payload = {{"type", "click"}, {"event", "inc"}, {"value", {{"value", ""}}}};
        o.client->send(frame{"1", std::to_string(2 + i), o.topic, "event", payload});
    }
    fx.sched.run_until_idle();
    auto out = o.client->receive_all();
    ASSERT_EQ(out.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(out[i].ref, std::to_string(2 + i));
        EXPECT_EQ(out[i].join_ref, "1");
        EXPECT_EQ(response_of(out[i])["diff"]["0"], std::to_string(i + 1));
    }
}

TEST(Channel, UnchangedRenderRepliesEmptyResponse) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    auto out = fx.event(*o.client, o.topic, "1", "2", "dec");  // 0 stays 0
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]), "[\"1\",\"2\",\"" + o.topic + "\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
}

TEST(Channel, FormEventsAreDecodedAsPhoenixDoes) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    auto out = fx.event(*o.client, o.topic, "1", "2", "validate", "name=a+b%26c&_target=name",
                        std::nullopt, "form");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["diff"], (value{{"2", "a b&amp;c"}, {"3", "a b&amp;c"}}));
}

TEST(Channel, ReplyAndPushEventTravelInTheDiff) {
    fixture fx;
    auto o = fx.open("/crashy");
    join_ok(fx, o);
    auto out = fx.event(*o.client, o.topic, "1", "2", "reply");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"diff", {{"r", {{"n", 0}}}}}}));
    out = fx.event(*o.client, o.topic, "1", "3", "push");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"diff", {{"e", value::array({value::array({"hi", {{"a", 1}}})})}}}}));
}

TEST(Channel, ComponentEventsAndUnknownCids) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    auto out = fx.event(*o.client, o.topic, "1", "2", "bump", {{"value", ""}}, 1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"diff", {{"c", {{"1", {{"2", "1"}}}}}}}}));
    // A cid that does not exist: ok, nothing (§4.6).
    out = fx.event(*o.client, o.topic, "1", "3", "bump", {{"value", ""}}, 42);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), value::object());
    EXPECT_EQ(out[0].payload["status"], "ok");
}

TEST(Channel, SendUpdateToAComponentPushesADiff) {
    fixture fx;
    auto o = fx.open("/crashy");
    join_ok(fx, o);
    auto out = fx.event(*o.client, o.topic, "1", "2", "update_comp");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(enc(out[0]), "[\"1\",\"2\",\"" + o.topic + "\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
    EXPECT_EQ(out[1].event, "diff");
    EXPECT_FALSE(out[1].join_ref.has_value());
    EXPECT_FALSE(out[1].ref.has_value());
    EXPECT_EQ(out[1].payload, (value{{"c", {{"1", {{"1", "updated"}}}}}}));
}

TEST(Channel, CidsWillDestroyThenDestroyed) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    auto out = fx.exchange(*o.client, frame{"1", "2", o.topic, "cids_will_destroy", {{"cids", {1}}}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), value::object());
    out = fx.exchange(*o.client, frame{"1", "3", o.topic, "cids_destroyed", {{"cids", {1}}}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"cids", {1}}}));
}

TEST(Channel, LeaveRepliesThenErrorsWithTheJoinRefAsPhoenix015) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o, "10");
    auto out = fx.exchange(*o.client, frame{"10", "12", o.topic, "phx_leave", value::object()});
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(enc(out[0]), "[\"10\",\"12\",\"" + o.topic + "\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
    EXPECT_EQ(enc(out[1]), "[\"10\",\"10\",\"" + o.topic + "\",\"phx_error\",{}]");
    EXPECT_TRUE(o.client->conn().topics().empty());
}

TEST(Channel, UnknownPushEventKillsTheView) {
    fixture fx;
    auto o = fx.open("/");
    join_ok(fx, o);
    auto out = fx.exchange(*o.client, frame{"1", "2", o.topic, "whatever", value::object()});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].event, "phx_error");
}

TEST(CrashIsolation, OneViewCrashesTheOtherKeepsItsState) {
    fixture fx;
    auto a = fx.open("/crashy");
    auto b = fx.page_on(a, "/crashy");
    join_ok(fx, a, "1");
    join_ok(fx, b, "2");
    ASSERT_EQ(fx.event(*a.client, b.topic, "2", "3", "inc").size(), 1u);
    ASSERT_EQ(fx.event(*a.client, b.topic, "2", "4", "inc").size(), 1u);

    auto out = fx.event(*a.client, a.topic, "1", "5", "boom");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]), "[\"1\",\"1\",\"" + a.topic + "\",\"phx_error\",{}]");
    ASSERT_FALSE(fx.logs.empty());
    EXPECT_NE(fx.logs.back().find("boom"), std::string::npos);

    out = fx.event(*a.client, b.topic, "2", "6", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["diff"]["0"], "3");

    // The crashed topic is gone; a rejoin mounts afresh.
    out = fx.event(*a.client, a.topic, "1", "7", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["reason"], "unmatched topic");
    out = fx.join(*a.client, a.topic, "8", a.session, a.static_token, 1, a.url);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["rendered"]["0"], "0");
}

TEST(CrashIsolation, ACrashOnOneConnectionLeavesOthersAlone) {
    fixture fx;
    auto a = fx.open("/crashy");
    auto b = fx.open("/crashy");
    join_ok(fx, a);
    join_ok(fx, b);
    EXPECT_EQ(fx.event(*a.client, a.topic, "1", "2", "boom")[0].event, "phx_error");
    EXPECT_EQ(b.client->waiting(), 0u);
    auto out = fx.event(*b.client, b.topic, "1", "2", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0])["diff"]["0"], "1");
}

TEST(Timers, SendAfterFiresOnAdvance) {
    fixture fx;
    auto o = fx.open("/ticker");
    join_ok(fx, o);
    fx.sched.advance(std::chrono::milliseconds(999));
    EXPECT_EQ(o.client->waiting(), 0u);
    fx.sched.advance(std::chrono::milliseconds(1));
    auto out = o.client->receive_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(enc(out[0]), "[null,null,\"" + o.topic + "\",\"diff\",{\"0\":\"1\"}]");
    fx.sched.advance(std::chrono::milliseconds(2000));
    out = o.client->receive_all();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].payload, (value{{"0", "3"}}));
    // Cancelled: nothing more.
    ASSERT_EQ(fx.event(*o.client, o.topic, "1", "2", "stop").size(), 1u);
    fx.sched.advance(std::chrono::milliseconds(5000));
    EXPECT_EQ(o.client->waiting(), 0u);
}

TEST(Timers, SendUpdateAfterAndSendInfoFromOutside) {
    fixture fx;
    auto o = fx.open("/crashy");
    join_ok(fx, o);
    ASSERT_EQ(fx.event(*o.client, o.topic, "1", "2", "update_later").size(), 1u);
    fx.sched.advance(std::chrono::milliseconds(499));
    EXPECT_EQ(o.client->waiting(), 0u);
    fx.sched.advance(std::chrono::milliseconds(1));
    auto out = o.client->receive_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload, (value{{"c", {{"1", {{"1", "later"}}}}}}));

    auto t = fx.open("/ticker");
    join_ok(fx, t);
    EXPECT_TRUE(t.client->conn().send_info(t.topic, {{"tick", true}}));
    EXPECT_FALSE(t.client->conn().send_info("lv:nobody", {{"tick", true}}));
    fx.sched.run_until_idle();
    out = t.client->receive_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload, (value{{"0", "1"}}));
}

TEST(Timers, ACrashedViewsTimersNeverFire) {
    fixture fx;
    auto o = fx.open("/ticker");
    join_ok(fx, o);
    EXPECT_EQ(fx.event(*o.client, o.topic, "1", "2", "nope")[0].event, "phx_error");
    fx.sched.advance(std::chrono::milliseconds(5000));
    EXPECT_EQ(o.client->waiting(), 0u);
    EXPECT_EQ(fx.sched.timer_count(), 0u);
}

TEST(PubSub, BroadcastFansOutToEveryView) {
    fixture fx;
    auto a = fx.open("/chat");
    auto b = fx.open("/chat");
    auto c = fx.open("/chat");
    join_ok(fx, a);
    join_ok(fx, b);
    join_ok(fx, c);
    auto out = fx.event(*a.client, a.topic, "1", "2", "say", {{"text", "hi"}});
    // The sender: its reply (nothing changed yet), then the broadcast's diff.
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].event, "phx_reply");
    EXPECT_EQ(out[1].event, "diff");
    for (auto* cl : {b.client.get(), c.client.get()}) {
        auto got = cl->receive_all();
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(got[0].event, "diff");
        EXPECT_EQ(got[0].payload["0"]["d"], value::array({value::array({"hi"})}));
    }
    // A closed connection's views stop receiving.
    b.client->close();
    fx.sched.run_until_idle();
    fx.event(*c.client, c.topic, "1", "2", "say", {{"text", "again"}});
    EXPECT_EQ(b.client->waiting(), 0u);
    EXPECT_EQ(fx.ep->pubsub().subscriber_count("room"), 2u);
}

TEST(Nested, ChildJoinsWithTheSessionFromTheParentsRender) {
    fixture fx;
    auto o = fx.open("/parent");
    // The disconnected page holds the child inline with an empty session.
    auto child_at = o.page.body.find("id=\"child1\"");
    ASSERT_NE(child_at, std::string::npos);
    EXPECT_NE(o.page.body.find("data-phx-parent-id=\"" + o.page.view_id + "\" data-phx-session=\"\" data-phx-static=\""), std::string::npos);
    EXPECT_NE(o.page.body.find("<p>child 0 from-parent</p>"), std::string::npos);

    auto out = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/parent");
    ASSERT_EQ(out.size(), 1u);
    auto container = response_of(out[0])["rendered"]["1"].get<std::string>();
    EXPECT_NE(container.find("data-phx-parent-id=\"" + o.page.view_id + "\""), std::string::npos);
    EXPECT_NE(container.find("data-phx-static=\"\""), std::string::npos);
    EXPECT_NE(container.find("id=\"child1\"></div>"), std::string::npos);
    std::string child_session = attr(container, "data-phx-session");
    ASSERT_FALSE(child_session.empty());

    value payload = {{"params", {{"_mounts", 0}}}, {"session", child_session}, {"static", nullptr}};
    out = fx.exchange(*o.client, frame{"2", "2", "lv:child1", "phx_join", payload});
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].payload["status"], "ok") << enc(out[0]);
    // assign_new took the parent's value; params say it is not routed.
    EXPECT_EQ(response_of(out[0])["rendered"]["1"], "from-parent");
}

struct nested_setup {
    fixture fx;
    fixture::opened o;
    void start() {
        o = fx.open("/parent");
        auto out = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/parent");
        std::string child_session = attr(response_of(out[0])["rendered"]["1"].get<std::string>(), "data-phx-session");
        value payload = {{"params", {{"_mounts", 0}}}, {"session", child_session}, {"static", nullptr}};
        out = fx.exchange(*o.client, frame{"2", "2", "lv:child1", "phx_join", payload});
        ASSERT_EQ(out.size(), 1u);
        ASSERT_EQ(out[0].payload["status"], "ok");
    }
};

// A child that throws, or that push_patches to a URL that is not its root view's (Phoenix's
// push_patch raises), dies alone.
TEST(Nested, ChildCrashLeavesTheParentAlone) {
    for (const char* event : {"boom", "patch_other"}) {
        SCOPED_TRACE(event);
        nested_setup s;
        ASSERT_NO_FATAL_FAILURE(s.start());
        auto out = s.fx.event(*s.o.client, "lv:child1", "2", "3", event);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(enc(out[0]), R"(["2","2","lv:child1","phx_error",{}])");
        out = s.fx.event(*s.o.client, s.o.topic, "1", "4", "inc");
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(response_of(out[0])["diff"]["0"], "1");
    }
}

TEST(Nested, ParentCrashClosesTheChild) {
    nested_setup s;
    ASSERT_NO_FATAL_FAILURE(s.start());
    auto out = s.fx.event(*s.o.client, s.o.topic, "1", "3", "boom");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(enc(out[0]), "[\"1\",\"1\",\"" + s.o.topic + "\",\"phx_error\",{}]");
    EXPECT_EQ(enc(out[1]), R"(["2","2","lv:child1","phx_close",{}])");
    EXPECT_TRUE(s.o.client->conn().topics().empty());
}

TEST(Nested, AChildOfAGoneParentIsStale) {
    fixture fx;
    auto o = fx.open("/parent");
    auto first = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/parent");
    std::string child_session = attr(response_of(first[0])["rendered"]["1"].get<std::string>(), "data-phx-session");
    ASSERT_EQ(fx.event(*o.client, o.topic, "1", "2", "boom")[0].event, "phx_error");
    value payload = {{"params", {{"_mounts", 0}}}, {"session", child_session}, {"static", nullptr}};
    auto out = fx.exchange(*o.client, frame{"3", "3", "lv:child1", "phx_join", payload});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"reason", "stale"}}));
    // After the parent rejoins, its new render carries a token that works.
    auto again = fx.join(*o.client, o.topic, "4", o.session, o.static_token, 1, "http://127.0.0.1:4000/parent");
    child_session = attr(response_of(again[0])["rendered"]["1"].get<std::string>(), "data-phx-session");
    payload["session"] = child_session;
    out = fx.exchange(*o.client, frame{"5", "5", "lv:child1", "phx_join", payload});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload["status"], "ok");
}

// LiveView 0.15.7: a nested view's push_patch is checked against the root view's route, sent
// to the root (channel.ex handle_redirect), which runs handle_params and pushes live_patch and
// its diff; the child answers its own event as usual.
TEST(Nested, ChildPushPatchPatchesTheRootView) {
    nested_setup s;
    ASSERT_NO_FATAL_FAILURE(s.start());
    auto out = s.fx.event(*s.o.client, "lv:child1", "2", "3", "patch_root");
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(enc(out[0]), R"(["2","3","lv:child1","phx_reply",{"response":{"diff":{"0":"1","e":[["from_child",{"x":1}]]}},"status":"ok"}])");
    EXPECT_EQ(enc(out[1]), "[null,null,\"" + s.o.topic + "\",\"live_patch\",{\"kind\":\"replace\",\"to\":\"/parent?tab=2\"}]");
    EXPECT_EQ(enc(out[2]), "[null,null,\"" + s.o.topic + "\",\"diff\",{\"2\":\"2\"}]");
    // Both views go on.
    out = s.fx.event(*s.o.client, s.o.topic, "1", "4", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"diff", {{"0", "1"}}}}));
    out = s.fx.event(*s.o.client, "lv:child1", "2", "5", "inc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"diff", {{"0", "2"}}}}));
}

TEST(Navigation, PushPatchDuringMountFailsTheJoinAndTheDisconnectedRender) {
    fixture fx;
    // Phoenix raises "attempted to live patch while mounting" in both renders.
    EXPECT_EQ(fx.ep->get({.url = "/patch_mount"}).status, 500);
    auto o = fx.open("/");
    value sd = {{"id", "phx-pm"}, {"view", "PatchInMount"}, {"session", value::object()},
                {"route", "/patch_mount"}, {"parent", nullptr}, {"parent_serial", 0}, {"root", "phx-pm"}};
    std::string session = fx.ep->sign(sd, std::chrono::seconds(600));
    auto out = fx.join(*o.client, "lv:phx-pm", "1", session, std::nullopt, 0,
                       "http://127.0.0.1:4000/patch_mount");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"reason", "join crashed"}}));
}

TEST(Navigation, PushPatchPushesLivePatchThenRepliesWithHandleParamsDiff) {
    fixture fx;
    auto o = fx.open("/crashy");
    auto joined = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    ASSERT_EQ(joined[0].payload["status"], "ok");
    auto out = fx.event(*o.client, o.topic, "1", "2", "patch");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(enc(out[0]), "[null,null,\"" + o.topic + "\",\"live_patch\",{\"kind\":\"push\",\"to\":\"/crashy?page=2\"}]");
    EXPECT_EQ(out[1].event, "phx_reply");
    EXPECT_EQ(response_of(out[1])["diff"], (value{{"1", "2"}}));
    out = fx.event(*o.client, o.topic, "1", "3", "patch_replace");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].payload["kind"], "replace");
}

TEST(Navigation, ClientLinkRunsHandleParamsOrAsksForALiveRedirect) {
    fixture fx;
    auto o = fx.open("/crashy");
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    auto out = fx.exchange(*o.client, frame{"1", "2", o.topic, "link", {{"url", "http://127.0.0.1:4000/crashy?page=5"}}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"diff", {{"1", "5"}}}}));
    out = fx.exchange(*o.client, frame{"1", "3", o.topic, "live_patch", {{"url", "http://127.0.0.1:4000/other"}}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(response_of(out[0]), (value{{"link_redirect", true}}));
}

TEST(Navigation, PushRedirectRepliesThenCloses) {
    fixture fx;
    auto o = fx.open("/crashy");
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    auto out = fx.event(*o.client, o.topic, "1", "2", "live_redirect");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(response_of(out[0]), (value{{"live_redirect", {{"kind", "push"}, {"to", "/other"}}}}));
    EXPECT_EQ(enc(out[1]), "[\"1\",\"1\",\"" + o.topic + "\",\"phx_close\",{}]");
}

TEST(Flash, RedirectCarriesASignedFlashTheNextPageShows) {
    fixture fx;
    auto o = fx.open("/crashy");
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    auto out = fx.event(*o.client, o.topic, "1", "2", "redirect");
    ASSERT_EQ(out.size(), 2u);
    value r = response_of(out[0])["redirect"];
    EXPECT_EQ(r["to"], "/other");
    ASSERT_TRUE(r["flash"].is_string());
    EXPECT_EQ(out[1].event, "phx_close");

    // Hard redirect: the client stores the token in __phoenix_flash__ for the next GET.
    auto next = fx.ep->get({.url = "/other", .session_cookie = o.page.session_cookie,
                            .flash_cookie = r["flash"].get<std::string>()});
    EXPECT_NE(next.body.find("<p>other bye</p>"), std::string::npos) << next.body;
    // The static token carries the flash to the first connected mount.
    auto joined = fx.join(*o.client, "lv:" + next.view_id, "5", attr(next.body, "data-phx-session"),
                          attr(next.body, "data-phx-static"), 0, "http://127.0.0.1:4000/other");
    EXPECT_EQ(response_of(joined[0])["rendered"]["0"], "bye");
    // A live redirect's join passes the token as `flash`.
    auto third = fx.ep->get({.url = "/other", .session_cookie = o.page.session_cookie});
    value payload = {{"url", "http://127.0.0.1:4000/other"}, {"params", {{"_mounts", 0}}},
                     {"session", attr(third.body, "data-phx-session")}, {"static", nullptr},
                     {"flash", r["flash"]}};
    joined = fx.exchange(*o.client, frame{"6", "6", "lv:" + third.view_id, "phx_join", payload});
    EXPECT_EQ(response_of(joined[0])["rendered"]["0"], "bye");
    // Expired after 60 s.
    fx.clock += std::chrono::seconds(61);
    auto late = fx.ep->get({.url = "/other", .flash_cookie = r["flash"].get<std::string>()});
    EXPECT_NE(late.body.find("<p>other </p>"), std::string::npos);
}

TEST(Flash, PutFlashAndClearFlashEvent) {
    fixture fx;
    auto o = fx.open("/crashy");
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    fx.event(*o.client, o.topic, "1", "2", "flash");
    value got;
    o.client->conn().call(o.topic, "get", [&](std::optional<value> v) { got = v.value_or("none"); });
    fx.sched.run_until_idle();
    EXPECT_EQ(got, 0);
    auto out = fx.event(*o.client, o.topic, "1", "3", "lv:clear-flash", {{"key", "info"}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload["status"], "ok");
    out = fx.event(*o.client, o.topic, "1", "4", "lv:nonsense");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].event, "phx_error");
}

TEST(Calls, HandleCallRepliesAndRendersChanges) {
    fixture fx;
    auto o = fx.open("/crashy");
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    std::optional<value> got;
    EXPECT_TRUE(o.client->conn().call(o.topic, "inc", [&](std::optional<value> v) { got = v; }));
    fx.sched.run_until_idle();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, "ok");
    auto out = o.client->receive_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].event, "diff");
    // A call the view has no clause for kills it; the caller gets nullopt.
    got = value("unset");
    o.client->conn().call(o.topic, "nope", [&](std::optional<value> v) { got = v; });
    fx.sched.run_until_idle();
    EXPECT_FALSE(got.has_value());
    EXPECT_EQ(o.client->receive_all().at(0).event, "phx_error");
}

TEST(Socket, TemporaryAssignsResetAfterRender) {
    fixture fx;
    auto o = fx.open("/temp");
    auto out = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/temp");
    EXPECT_EQ(response_of(out[0])["rendered"]["0"]["d"], value::array({value::array({"a"})}));
    out = fx.event(*o.client, o.topic, "1", "2", "add", {{"text", "b"}});
    EXPECT_EQ(response_of(out[0])["diff"]["0"]["d"], value::array({value::array({"b"})}));
}

TEST(Socket, ConnectParamsInfoAndTransport) {
    fixture fx;
    auto o = fx.open("/echo");
    // Disconnected: no connect params.
    EXPECT_NE(o.page.body.find("<p>none|none|no|unset</p>"), std::string::npos) << o.page.body;
    auto out = fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/echo");
    value rendered = response_of(out[0])["rendered"];
    EXPECT_EQ(rendered["0"], "");  // the join's params carry no _csrf_token here
    EXPECT_EQ(rendered["1"], "test-peer");
    EXPECT_EQ(rendered["2"], "no");
    EXPECT_EQ(rendered["3"], "set");
}

TEST(Socket, StaticChangedComparesTrackedAssets) {
    endpoint_config cfg;
    cfg.static_paths = {"/js/app-abc.js"};
    fixture fx(cfg);
    auto o = fx.open("/echo");
    value payload = {{"url", "http://127.0.0.1:4000/echo"},
                     {"params", {{"_mounts", 0}, {"_track_static", {"/js/app-old.js"}}}},
                     {"session", o.session}, {"static", o.static_token}};
    auto out = fx.exchange(*o.client, frame{"1", "1", o.topic, "phx_join", payload});
    EXPECT_EQ(response_of(out[0])["rendered"]["2"], "yes");
}

TEST(Transport, PayloadsThatCannotBeJsonFailTheReceive) {
    fixture fx;
    auto o = fx.open("/crashy");
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    o.client->send(frame{"1", "2", o.topic, "event", {{"type", "click"}, {"event", "bad_utf8"}, {"value", value::object()}}});
    fx.sched.run_until_idle();
    EXPECT_THROW(o.client->receive(), transport_error);
}

TEST(Transport, FrameModeSkipsEncoding) {
    fixture fx;
    auto o = fx.open("/crashy", in_process_client::mode::frames);
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    auto out = fx.event(*o.client, o.topic, "1", "2", "bad_utf8");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].payload["response"]["diff"]["e"][0][0], "x");
}

// An event push a frames-mode client keeps (copied), one moved in, and one sent as text get
// the same answers and logs, for good payloads and malformed ones alike (a bad one crashes
// the view either way).
TEST(Transport, EventPushesAnswerAlikeHoweverTheyArrive) {
    const std::vector<value> payloads = {
        {{"type", "click"}, {"event", "inc"}, {"value", value::object()}},
        {{"type", "click"}, {"event", "inc"}, {"value", {{"a", 1}}}, {"more", 1}},
        {{"type", "form"}, {"event", "inc"}, {"value", "a=1&_target=a"}},
        {{"type", "click"}, {"event", "inc"}, {"value", value::object()}, {"cid", 99}},
        {{"event", "inc"}, {"value", value::object()}},
        {{"type", "click"}, {"event", "inc"}, {"value", "a=1"}},
        {{"type", "click"}, {"event", "inc"}, {"value", value::object()}, {"cid", 0}},
        {{"type", "click"}, {"event", 5}, {"value", value::object()}},
        {{"type", "click"}, {"event", "lv:nope"}, {"value", value::object()}},
        value::array({1, 2}),
    };
    enum class way { kept, moved, text };
    auto run = [](const value& payload, way w) {
        fixture fx;
        auto o = fx.open("/crashy", w == way::text ? in_process_client::mode::json_text
                                                   : in_process_client::mode::frames);
        fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
        fx.logs.clear();
        std::vector<std::string> events;  // what handle_event was given
        fx.ep->telemetry().attach(telemetry_event::handle_event, telemetry_phase::start,
                                  [&](telemetry_event, telemetry_phase, const telemetry_measurements&,
                                      const telemetry_metadata& md) {
                                      events.push_back(md.event + " " + md.params.dump() + " " +
                                                       std::to_string(md.component.value_or(-1)));
                                  });
        auto untopic = [&](std::string s) {
            for (auto at = s.find(o.topic); at != std::string::npos; at = s.find(o.topic))
                s.replace(at, o.topic.size(), "T");
            return s;
        };
        std::vector<std::string> seen;
        for (int i = 0; i < 2; ++i) {  // the second push shows whether the view lived on
            frame f{"1", std::to_string(2 + i), o.topic, "event", payload};
            if (w == way::moved)
                o.client->conn().receive(std::move(f));
            else
                o.client->send(f);
            fx.sched.run_until_idle();
            for (const auto& r : o.client->receive_all()) seen.push_back(untopic(protocol::encode(r)));
        }
        for (const auto& line : fx.logs) seen.push_back(untopic(line));
        seen.insert(seen.end(), events.begin(), events.end());
        return seen;
    };
    for (const auto& payload : payloads) {
        auto kept = run(payload, way::kept);
        EXPECT_EQ(kept, run(payload, way::moved)) << payload.dump();
        // As text, a payload that is not an object drops the frame before any view sees it.
        if (payload.is_object()) {
            EXPECT_EQ(kept, run(payload, way::text)) << payload.dump();
        }
        const bool good = payload.is_object() && payload.contains("type") && payload["event"] == "inc" &&
                          payload.value("cid", 1) != 0 && (payload["type"] == "form" || payload["value"].is_object());
        ASSERT_GE(kept.size(), 2u) << payload.dump();
        if (good) {
            ASSERT_EQ(kept.size(), 4u) << payload.dump();  // two replies, two handle_events
            EXPECT_EQ(kept[3].substr(0, 4), "inc ") << payload.dump();
        }
        EXPECT_EQ(kept[0].find("\"phx_error\"") == std::string::npos, good) << payload.dump();
        EXPECT_EQ(kept[1].find("unmatched topic") == std::string::npos, good) << payload.dump();
    }
}

TEST(Telemetry, SpansAroundMountParamsEventAndRender) {
    fixture fx;
    std::vector<recorded_span> spans;
    fx.ep->telemetry().attach([&](telemetry_event e, telemetry_phase p, const telemetry_measurements&,
                                  const telemetry_metadata& md) { spans.push_back({e, p, md.view}); });
    auto o = fx.open("/crashy");
    spans.clear();  // the disconnected render's spans
    fx.join(*o.client, o.topic, "1", o.session, o.static_token, 0, "http://127.0.0.1:4000/crashy");
    auto count = [&](telemetry_event e, telemetry_phase p) {
        return std::count_if(spans.begin(), spans.end(), [&](const recorded_span& s) {
            return s.event == e && s.phase == p && s.view == "Crashy";
        });
    };
    EXPECT_EQ(count(telemetry_event::mount, telemetry_phase::start), 1);
    EXPECT_EQ(count(telemetry_event::mount, telemetry_phase::stop), 1);
    EXPECT_EQ(count(telemetry_event::handle_params, telemetry_phase::stop), 1);
    EXPECT_EQ(count(telemetry_event::render, telemetry_phase::stop), 1);
    fx.event(*o.client, o.topic, "1", "2", "inc");
    EXPECT_EQ(count(telemetry_event::handle_event, telemetry_phase::stop), 1);
    EXPECT_EQ(count(telemetry_event::render, telemetry_phase::stop), 2);
    fx.event(*o.client, o.topic, "1", "3", "boom");
    EXPECT_EQ(count(telemetry_event::handle_event, telemetry_phase::exception), 1);
}

TEST(AsioScheduler, AJoinAndAnEventRunOnTheRealScheduler) {
    asio_scheduler sched;
    endpoint_config cfg;
    cfg.secret_key_base = "liveharness-test-secret-key-base-liveharness-test-secret-key-base";
    view_registry views;
    component_registry components;
    add_test_views(views, components);
    endpoint ep(cfg, std::move(views), std::move(components), test_router(), sched);
    auto page = ep.get({.url = "/"});
    auto client = in_process_client::connect(ep, {{"_csrf_token", page.csrf_token}},
                                             {{"session", page.session_cookie}});
    auto pump_until = [&](std::size_t n) {
        // Bounded by handler runs, not by time.
        // An io_context that ran out of work stays stopped until restart().
        for (int i = 0; i < 100000 && client->waiting() < n; ++i) {
            if (sched.poll() == 0) {
                sched.restart();
                std::this_thread::yield();
            }
        }
        return client->waiting() >= n;
    };
    value payload = {{"url", "http://127.0.0.1:4000/"}, {"params", {{"_mounts", 0}}},
                     {"session", attr(page.body, "data-phx-session")},
                     {"static", attr(page.body, "data-phx-static")}};
    client->send(frame{"1", "1", "lv:" + page.view_id, "phx_join", payload});
    ASSERT_TRUE(pump_until(1));
    EXPECT_EQ(client->receive()->payload["status"], "ok");
    client->send(frame{"1", "2", "lv:" + page.view_id, "event",
                       {{"type", "click"}, {"event", "inc"}, {"value", {{"value", ""}}}}});
    ASSERT_TRUE(pump_until(1));
    EXPECT_EQ(response_of(*client->receive())["diff"]["0"], "1");
}

}  // namespace
}  // namespace lvh::ref::test
