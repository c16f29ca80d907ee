// The Phoenix socket/channel client: refs, reply matching, heartbeats, back-off, buffering.
#include <lvh/protocol/messages.hpp>
#include <lvh/sim/channel_client.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using lvh::protocol::frame;
using nlohmann::json;
namespace sim = lvh::sim;

struct fixture : ::testing::Test {
  sim::scripted_transport t;
  sim::virtual_clock clock;
  sim::channel_client socket{t, clock};
  std::vector<sim::reply_result> joins;
  int errors = 0;
  int closes = 0;
  std::vector<frame> messages;

  sim::channel& open(std::string topic = "lv:x") {
    sim::channel::callbacks cb;
    cb.join_payload = [] { return json{{"session", "S"}}; };
    cb.on_join = [this](const sim::reply_result& r) { joins.push_back(r); };
    cb.on_error = [this] { ++errors; };
    cb.on_close = [this] { ++closes; };
    cb.on_message = [this](const frame& f) { messages.push_back(f); };
    return socket.open_channel(std::move(topic), std::move(cb));
  }
  void connect() { ASSERT_TRUE(socket.connect({"ws://h/live/websocket?vsn=2.0.0", "", ""})); }
  // "lv:x" on a connected socket, its join answered ok.
  sim::channel& joined() {
    t.on("phx_join", {sim::reply_ok()});
    connect();
    auto& ch = open();
    ch.join();
    socket.drain();
    return ch;
  }
  std::vector<frame> sent(std::string_view event) const {
    std::vector<frame> out;
    for (const auto& f : t.sent())
      if (f.event == event) out.push_back(f);
    return out;
  }
};

TEST_F(fixture, RefsComeFromOneCounterAndJoinRefIsTheJoinsRef) {
  t.on("phx_join", {sim::reply_ok({{"rendered", json::object()}})});
  connect();
  auto& ch = open();  // spends "1" and "2" on its registrations
  ch.join();
  socket.drain();
  ASSERT_EQ(sent("phx_join").size(), 1u);
  EXPECT_EQ(sent("phx_join")[0].ref, "3");
  EXPECT_EQ(sent("phx_join")[0].join_ref, "3");
  EXPECT_EQ(ch.state(), sim::channel_state::joined);
  ch.push("event", {{"a", 1}});
  auto ev = sent("event");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].ref, "4");
  EXPECT_EQ(ev[0].join_ref, "3");
}

TEST_F(fixture, RepliesAreMatchedByRefNotByOrder) {
  auto& ch = joined();
  std::vector<std::string> got;
  auto a = ch.push("event", {{"n", "a"}}, [&](const sim::reply_result& r) {
    got.push_back("a:" + r.response.value("v", ""));
  });
  auto b = ch.push("event", {{"n", "b"}}, [&](const sim::reply_result& r) {
    got.push_back("b:" + r.response.value("v", ""));
  });
  // The server answers b first.
  t.push(lvh::protocol::make_reply(sent("event")[1], {lvh::protocol::reply_status::ok, {{"v", "B"}}, json::object()}));
  t.push(lvh::protocol::make_reply(sent("event")[0], {lvh::protocol::reply_status::ok, {{"v", "A"}}, json::object()}));
  socket.drain();
  EXPECT_EQ(got, (std::vector<std::string>{"b:B", "a:A"}));
  EXPECT_NE(a, b);
}

TEST_F(fixture, RepliesOfAnyShapeAnswerTheirPushAndAreLoggedAsReceived) {
  auto& ch = joined();
  // payload of the reply -> (status, response) the push's handler gets
  const std::vector<std::tuple<json, std::string, json>> cases{
      {{{"status", "ok"}, {"response", {{"v", 1}}}}, "ok", {{"v", 1}}},
      {{{"status", "error"}, {"response", {{"reason", "r"}}}, {"more", 1}}, "error", {{"reason", "r"}}},
      {{{"status", "weird"}, {"response", {1, 2}}}, "weird", {1, 2}},
      {{{"status", 5}, {"response", {{"v", 2}}}}, "error", {{"v", 2}}},
      {{{"response", "x"}}, "error", "x"},
      {{{"status", "ok"}}, "ok", json::object()},
  };
  std::vector<std::pair<std::string, json>> got;
  for (std::size_t i = 0; i < cases.size(); ++i)
    ch.push("event", {{"n", i}}, [&](const sim::reply_result& r) { got.emplace_back(r.status, r.response); });
  std::vector<frame> replies;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const frame request = sent("event").at(i);
    EXPECT_EQ(request.payload, (json{{"n", i}}));  // the sent log keeps what was pushed
    frame reply = lvh::protocol::make_reply(request, {lvh::protocol::reply_status::ok, json::object(), json::object()});
    reply.payload = std::get<0>(cases[i]);
    replies.push_back(reply);
    t.push(reply);
  }
  socket.drain();
  ASSERT_EQ(got.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(got[i].first, std::get<1>(cases[i])) << i;
    EXPECT_EQ(got[i].second, std::get<2>(cases[i])) << i;
  }
  std::vector<json> logged;
  for (const auto& f : socket.sent())
    if (f.event == "event") logged.push_back(f.payload);
  ASSERT_EQ(logged.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(logged[i], (json{{"n", i}}));
  const auto& received = socket.received();
  ASSERT_GE(received.size(), replies.size());
  EXPECT_TRUE(std::equal(replies.begin(), replies.end(), received.end() - static_cast<std::ptrdiff_t>(replies.size())));
}

TEST_F(fixture, LifecycleFramesWithAnotherJoinRefAreDropped) {
  auto& ch = joined();
  // A phx_error of an older incarnation is stale; a diff is not filtered by join_ref.
  t.push(frame{"99", "99", "lv:x", "phx_error", json::object()});
  t.push(frame{"99", std::nullopt, "lv:x", "diff", {{"0", "x"}}});
  socket.drain();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(ch.state(), sim::channel_state::joined);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].event, "diff");
}

// "lv:x" joined on a scripted server that answers "event" pushes with {"v": "r"}.
sim::channel& joined_echo_channel(sim::channel_client& socket, sim::scripted_transport& t,
                                  bool repeat) {
  t.on("phx_join", {sim::reply_ok()});
  t.on("event", {sim::reply_ok({{"v", "r"}})}, repeat);
  EXPECT_TRUE(socket.connect({"ws://h/live/websocket?vsn=2.0.0", "", ""}));
  sim::channel::callbacks cb;
  cb.join_payload = [] { return json::object(); };
  auto& ch = socket.open_channel("lv:x", std::move(cb));
  ch.join();
  socket.drain();
  return ch;
}

// A long-running client (the testkit) bounds its logs: the newest records stay, in order,
// and replies still reach their pushes once older frames were dropped.
TEST(ChannelClientLog, LogLimitKeepsTheNewestRecordsInOrder) {
  sim::scripted_transport t;
  sim::virtual_clock clock;
  sim::socket_options opts;
  opts.log_limit = 4;
  sim::channel_client socket{t, clock, opts};
  auto& ch = joined_echo_channel(socket, t, /*repeat=*/true);
  int replies = 0;
  for (int i = 0; i < 20; ++i) {
    ch.push("event", {{"n", i}}, [&](const sim::reply_result& r) { replies += r.ok(); });
    socket.drain();
    EXPECT_LE(socket.sent().size(), 8u);
    EXPECT_LE(socket.received().size(), 8u);
  }
  EXPECT_EQ(replies, 20);
  ASSERT_GE(socket.sent().size(), 4u);
  EXPECT_EQ(socket.sent().back().payload, (json{{"n", 19}}));
  const auto& sent = socket.sent();
  for (std::size_t i = 1; i < sent.size(); ++i)
    EXPECT_EQ(sent[i].payload["n"].get<int>(), sent[i - 1].payload["n"].get<int>() + 1);
  EXPECT_EQ(socket.received().back().event, "phx_reply");
}

// A transport that moves frames (the testkit's in-process one), over the scripted server.
struct frame_transport : sim::scripted_transport {
  std::vector<frame> handed;
  const std::string* last_string = nullptr;  // where the last frame's "s" payload lives
  bool moves_frames() const override { return true; }
  void send_frame(frame f) override {
    if (auto it = f.payload.find("s"); it != f.payload.end() && it->is_string())
      last_string = &it->get_ref<const std::string&>();
    handed.push_back(std::move(f));  // a json's string lives on the heap: it stays put
    send(lvh::protocol::encode(handed.back()));
  }
  std::vector<frame> receive_frames() override {
    std::vector<frame> out;
    for (const auto& text : receive()) out.push_back(lvh::protocol::decode(text).value());
    return out;
  }
};

// The frame a push built is the one the transport gets (no copy on the way); log_limit 0
// keeps no log, any other limit a copy.
TEST(ChannelClientLog, LogLimitZeroKeepsNoLogAndHandsTheFrameOver) {
  for (const std::size_t limit : {std::size_t{0}, std::size_t{4}}) {
    SCOPED_TRACE(limit);
    frame_transport t;
    sim::virtual_clock clock;
    sim::socket_options opts;
    opts.log_limit = limit;
    sim::channel_client socket{t, clock, opts};
    auto& ch = joined_echo_channel(socket, t, /*repeat=*/false);
    ASSERT_EQ(ch.state(), sim::channel_state::joined);
    json payload = {{"s", std::string(64, 'x')}};
    const std::string* built = &payload["s"].get_ref<const std::string&>();
    json reply;
    ch.push("event", std::move(payload), [&](const sim::reply_result& r) { reply = r.response; });
    socket.drain();
    EXPECT_EQ(reply, (json{{"v", "r"}}));  // the reply still finds its push
    ASSERT_EQ(t.handed.size(), 2u);
    EXPECT_EQ(t.handed[1].payload, (json{{"s", std::string(64, 'x')}}));
    EXPECT_EQ(t.last_string, built);
    if (limit == 0) {
      EXPECT_TRUE(socket.sent().empty());
      EXPECT_TRUE(socket.received().empty());
    } else {
      ASSERT_EQ(socket.sent().size(), 2u);
      EXPECT_EQ(socket.received().size(), 2u);
      EXPECT_EQ(socket.sent()[1].payload, t.handed[1].payload);
    }
  }
}

// A text transport gets each frame alongside its encoding, so a transport that watches what
// is sent (the testkit's) need not parse it again.
TEST(ChannelClientSend, TextTransportsGetTheFrameWithItsEncoding) {
  struct watching : sim::scripted_transport {
    std::vector<std::pair<std::string, frame>> seen;
    void send_encoded(std::string text, const frame& f) override {
      seen.emplace_back(text, f);
      sim::scripted_transport::send_encoded(std::move(text), f);
    }
  } t;
  sim::virtual_clock clock;
  sim::channel_client socket{t, clock};
  t.on("phx_join", {sim::reply_ok()});
  ASSERT_TRUE(socket.connect({"ws://h/live/websocket?vsn=2.0.0", "", ""}));
  sim::channel::callbacks cb;
  cb.join_payload = [] { return json{{"session", "S"}}; };
  auto& ch = socket.open_channel("lv:x", std::move(cb));
  ch.join();
  socket.drain();
  ch.push("event", {{"type", "click"}, {"event", "inc"}});
  socket.drain();
  ASSERT_EQ(t.seen.size(), 2u);
  for (const auto& [text, f] : t.seen) {
    auto decoded = lvh::protocol::decode(text);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, f);
  }
  EXPECT_EQ(t.seen[1].second.event, "event");
  // The text still went out: the scripted server answered the join.
  EXPECT_EQ(ch.state(), sim::channel_state::joined);
  EXPECT_EQ(t.sent().size(), 2u);
}

TEST_F(fixture, HeartbeatEveryThirtySecondsOfVirtualTime) {
  connect();
  clock.advance(29999);
  socket.drain();
  EXPECT_TRUE(sent("heartbeat").empty());
  clock.advance(1);
  socket.drain();
  ASSERT_EQ(sent("heartbeat").size(), 1u);
  EXPECT_EQ(sent("heartbeat")[0].topic, "phoenix");
  EXPECT_FALSE(sent("heartbeat")[0].join_ref.has_value());
  clock.advance(30000);
  socket.drain();
  EXPECT_EQ(sent("heartbeat").size(), 2u);
  EXPECT_EQ(socket.heartbeat_timeouts(), 0);
}

TEST_F(fixture, UnansweredHeartbeatClosesAndReconnects) {
  t.answer_heartbeats(false);
  t.on("phx_join", {sim::reply_ok()}, true);
  connect();
  auto& ch = open();
  ch.join();
  socket.drain();
  clock.advance(30000);  // heartbeat sent, never answered
  socket.drain();
  clock.advance(30000);  // the next is due: timeout, the socket closes
  socket.drain();
  EXPECT_EQ(socket.heartbeat_timeouts(), 1);
  EXPECT_EQ(errors, 1);
  EXPECT_FALSE(socket.connected());
  clock.advance(10);  // first reconnect step
  socket.drain();
  EXPECT_TRUE(socket.connected());
  EXPECT_EQ(t.connects().size(), 2u);
  EXPECT_EQ(sent("phx_join").size(), 2u);  // the errored channel rejoined on open
  EXPECT_EQ(ch.state(), sim::channel_state::joined);
}

TEST_F(fixture, RejoinAfterErrorBacksOff) {
  t.on("phx_join", {sim::reply_ok()});
  t.on("phx_join", {sim::reply_error({{"reason", "join crashed"}})}, true);
  connect();
  auto& ch = open();
  ch.join();
  socket.drain();
  t.push(frame{ch.join_ref(), ch.join_ref(), "lv:x", "phx_error", json::object()});
  socket.drain();
  EXPECT_EQ(ch.state(), sim::channel_state::errored);
  // 1000, 2000, 5000, then 10000 ms between attempts.
  std::vector<std::int64_t> steps{1000, 2000, 5000, 10000, 10000};
  std::size_t joins_before = sent("phx_join").size();
  for (std::int64_t step : steps) {
    clock.advance(step - 1);
    socket.drain();
    EXPECT_EQ(sent("phx_join").size(), joins_before) << step;
    clock.advance(1);
    socket.drain();
    EXPECT_EQ(sent("phx_join").size(), joins_before + 1) << step;
    joins_before = sent("phx_join").size();
  }
  // Each rejoin has a fresh join ref.
  auto all = sent("phx_join");
  EXPECT_NE(all[0].ref, all[1].ref);
}

TEST_F(fixture, JoinTimeoutLeavesAndRetries) {
  connect();
  auto& ch = open();
  ch.join();
  socket.drain();
  clock.advance(10000);
  socket.drain();
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].status, "timeout");
  EXPECT_EQ(sent("phx_leave").size(), 1u);
  EXPECT_EQ(ch.state(), sim::channel_state::errored);
  clock.advance(1000);
  socket.drain();
  EXPECT_EQ(sent("phx_join").size(), 2u);
}

TEST_F(fixture, PushesWaitForTheJoinAndTimeOut) {
  connect();
  auto& ch = open();
  ch.join();
  std::vector<std::string> statuses;
  ch.push("event", {{"n", 1}}, [&](const sim::reply_result& r) { statuses.push_back(r.status); },
          5000);
  EXPECT_TRUE(sent("event").empty());  // buffered until joined
  t.push(lvh::protocol::make_reply(sent("phx_join")[0], {lvh::protocol::reply_status::ok, json::object(), json::object()}));
  socket.drain();
  ASSERT_EQ(sent("event").size(), 1u);
  clock.advance(5000);
  EXPECT_EQ(statuses, std::vector<std::string>{"timeout"});
}

// Each outstanding push times out or is answered on its own, whatever the order.
TEST_F(fixture, OutstandingPushesTimeOutAndAreAnsweredEachOnItsOwn) {
  auto& ch = joined();
  std::vector<std::string> got;
  auto note = [&](std::string name) {
    return [&got, name](const sim::reply_result& r) { got.push_back(name + ":" + r.status); };
  };
  ch.push("event", {{"n", "a"}}, note("a"), 100);
  const std::string b = ch.push("event", {{"n", "b"}}, note("b"), 50);
  const std::string c = ch.push("event", {{"n", "c"}}, note("c"), 100);
  ASSERT_EQ(sent("event").size(), 3u);
  t.push(lvh::protocol::make_reply(sent("event")[2], {lvh::protocol::reply_status::ok, json::object(), json::object()}));
  socket.drain();
  clock.advance(50);
  EXPECT_EQ(got, (std::vector<std::string>{"c:ok", "b:timeout"}));
  clock.advance(50);
  EXPECT_EQ(got, (std::vector<std::string>{"c:ok", "b:timeout", "a:timeout"}));
  // A late reply to a push that timed out finds nothing.
  t.push(lvh::protocol::make_reply(sent("event")[1], {lvh::protocol::reply_status::ok, json::object(), json::object()}));
  socket.drain();
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(sent("event")[1].ref, b);
  EXPECT_EQ(sent("event")[2].ref, c);
}

// A push's timer outlives its channel and its socket: it stays set and finds nothing to do.
TEST(ChannelClientTimers, PushTimersOutliveTheirChannelAndSocket) {
  sim::scripted_transport t;
  sim::virtual_clock clock;
  int timeouts = 0;
  {
    sim::channel_client socket{t, clock};
    t.on("phx_join", {sim::reply_ok()});
    ASSERT_TRUE(socket.connect({"ws://h/live/websocket?vsn=2.0.0", "", ""}));
    auto& joined = socket.open_channel("lv:a", {});
    joined.join();
    socket.drain();
    ASSERT_EQ(joined.state(), sim::channel_state::joined);
    joined.push("event", {{"n", 1}}, [&](const sim::reply_result&) { ++timeouts; }, 100);
    // Never joined: its push is buffered; the channel is removed without a leave.
    auto& waiting = socket.open_channel("lv:b", {});
    waiting.push("event", {{"n", 2}}, [&](const sim::reply_result&) { ++timeouts; }, 50);
    socket.remove(waiting);
    socket.drain();  // sweeps the removed channel
  }
  EXPECT_EQ(clock.pending(), 2u);
  EXPECT_EQ(clock.next_due(), 50);
  clock.advance(1000);
  EXPECT_EQ(timeouts, 0);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST_F(fixture, LeaveClosesAtOnce) {
  auto& ch = joined();
  ch.leave();
  EXPECT_EQ(closes, 1);
  EXPECT_TRUE(socket.channels().empty());
  ASSERT_EQ(sent("phx_leave").size(), 1u);
  EXPECT_EQ(sent("phx_leave")[0].join_ref, sent("phx_join")[0].ref);
}

TEST_F(fixture, FramesBeforeConnectAreBufferedAndMalformedOnesReported) {
  auto& ch = open();
  ch.join();
  EXPECT_TRUE(t.sent().empty());
  connect();
  EXPECT_EQ(t.sent().size(), 1u);
  t.push_raw("not json");
  t.push_raw("[1,2,3]");
  socket.drain();
  EXPECT_EQ(socket.errors().size(), 2u);
}

}  // namespace
