// PubSub: fan-out through mailboxes, order, broadcast_from, unsubscribe, dead subscribers.
#include <lvh/ref/runtime.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace std::chrono_literals;
using lvh::ref::deterministic_scheduler;
using lvh::ref::mailbox;
using lvh::ref::pubsub;
using json = nlohmann::json;

namespace {

struct subscriber {
    subscriber(deterministic_scheduler& s, std::string who, std::vector<std::string>& sink)
        : box(s), name(std::move(who)), log(&sink) {}

    pubsub::callback cb() {
        return [this](const std::string& topic, const json& m) {
            log->push_back(name + "<" + topic + ":" + m.dump());
        };
    }

    mailbox box;
    std::string name;
    std::vector<std::string>* log;
};

}  // namespace

TEST(PubSub, FansOutToEverySubscriberInSubscriptionOrderAfterTheBroadcasterReturns) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log), b(s, "b", log), c(s, "c", log);
    pubsub ps;
    ps.subscribe("room:1", "c", c.box.ref(), c.cb());
    ps.subscribe("room:1", "a", a.box.ref(), a.cb());
    ps.subscribe("room:1", "b", b.box.ref(), b.cb());

    EXPECT_EQ(ps.broadcast("room:1", json{{"msg", "hi"}}), 3u);
    EXPECT_TRUE(log.empty()) << "no subscriber runs inside broadcast()";
    s.run_until_idle();
    EXPECT_EQ(log, (std::vector<std::string>{R"(c<room:1:{"msg":"hi"})",
                                             R"(a<room:1:{"msg":"hi"})",
                                             R"(b<room:1:{"msg":"hi"})"}));
}

TEST(PubSub, TopicsAreIsolated) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log), b(s, "b", log);
    pubsub ps;
    ps.subscribe("x", "a", a.box.ref(), a.cb());
    ps.subscribe("y", "b", b.box.ref(), b.cb());
    EXPECT_EQ(ps.broadcast("x", 1), 1u);
    EXPECT_EQ(ps.broadcast("nobody", 2), 0u);
    s.run_until_idle();
    EXPECT_EQ(log, std::vector<std::string>{"a<x:1"});
}

TEST(PubSub, BroadcastFromSkipsTheSender) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log), b(s, "b", log);
    pubsub ps;
    ps.subscribe("chat", "a", a.box.ref(), a.cb());
    ps.subscribe("chat", "b", b.box.ref(), b.cb());
    EXPECT_EQ(ps.broadcast("chat", "from a", "a"), 1u);
    s.run_until_idle();
    EXPECT_EQ(log, std::vector<std::string>{R"(b<chat:"from a")"});
}

TEST(PubSub, DeliveriesKeepBroadcastOrderPerSubscriberAndInterleaveWithOtherMessages) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log);
    pubsub ps;
    ps.subscribe("t", "a", a.box.ref(), a.cb());
    ps.broadcast("t", 1);
    a.box.post([&] { log.push_back("event"); });
    ps.broadcast("t", 2);
    s.run_until_idle();
    EXPECT_EQ(log, (std::vector<std::string>{"a<t:1", "event", "a<t:2"}));
}

TEST(PubSub, UnsubscribeAndUnsubscribeAll) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log), b(s, "b", log);
    pubsub ps;
    ps.subscribe("t1", "a", a.box.ref(), a.cb());
    ps.subscribe("t2", "a", a.box.ref(), a.cb());
    ps.subscribe("t1", "b", b.box.ref(), b.cb());
    EXPECT_EQ(ps.unsubscribe("t1", "b"), 1u);
    EXPECT_EQ(ps.unsubscribe("t1", "b"), 0u);
    EXPECT_EQ(ps.unsubscribe_all("a"), 2u);
    EXPECT_EQ(ps.broadcast("t1", 0) + ps.broadcast("t2", 0), 0u);
    EXPECT_EQ(ps.subscriber_count("t1"), 0u);
    s.run_until_idle();
    EXPECT_TRUE(log.empty());
}

TEST(PubSub, SubscribingTwiceDeliversTwiceAsPhoenixPubSubDoes) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log);
    pubsub ps;
    ps.subscribe("t", "a", a.box.ref(), a.cb());
    ps.subscribe("t", "a", a.box.ref(), a.cb());
    EXPECT_EQ(ps.broadcast("t", true), 2u);
    s.run_until_idle();
    EXPECT_EQ(log.size(), 2u);
}

TEST(PubSub, DeadSubscribersAreDroppedAndOthersStillReceive) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    pubsub ps;
    subscriber b(s, "b", log);
    {
        subscriber a(s, "a", log);
        ps.subscribe("t", "a", a.box.ref(), a.cb());
        ps.subscribe("t", "b", b.box.ref(), b.cb());
    }
    EXPECT_EQ(ps.broadcast("t", 7), 1u);
    EXPECT_EQ(ps.subscriber_count("t"), 1u);
    s.run_until_idle();
    EXPECT_EQ(log, std::vector<std::string>{"b<t:7"});
}

TEST(PubSub, ACrashingSubscriberDoesNotStopTheOthers) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log), b(s, "b", log);
    int crashes = 0;
    a.box.set_error_handler([&](std::exception_ptr) { ++crashes; });
    pubsub ps;
    ps.subscribe("t", "a", a.box.ref(), [](const std::string&, const json&) {
        throw std::runtime_error("subscriber crashed");
    });
    ps.subscribe("t", "b", b.box.ref(), b.cb());
    ps.broadcast("t", "x");
    s.run_until_idle();
    EXPECT_EQ(crashes, 1);
    EXPECT_EQ(log, std::vector<std::string>{R"(b<t:"x")"});
}

TEST(PubSub, ASubscriberMayBroadcastFromItsHandler) {
    deterministic_scheduler s;
    std::vector<std::string> log;
    subscriber a(s, "a", log), b(s, "b", log);
    pubsub ps;
    ps.subscribe("ping", "a", a.box.ref(), [&](const std::string&, const json& m) {
        log.push_back("a got ping");
        ps.broadcast("pong", m, "a");
    });
    ps.subscribe("pong", "b", b.box.ref(), b.cb());
    ps.broadcast("ping", 1);
    s.run_until_idle();
    EXPECT_EQ(log, (std::vector<std::string>{"a got ping", "b<pong:1"}));
}
