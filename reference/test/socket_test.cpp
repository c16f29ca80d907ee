#include <lvh/ref/socket.hpp>

#include <gtest/gtest.h>

namespace lvh::ref {
namespace {

struct recording_host : socket_host {
    std::vector<std::string> calls;
    void send_self(value m) override { calls.push_back("send_self " + m.dump()); }
    std::uint64_t send_after(value m, std::chrono::milliseconds d) override {
        calls.push_back("send_after " + m.dump() + " " + std::to_string(d.count()));
        return 7;
    }
    bool cancel_timer(std::uint64_t t) override {
        calls.push_back("cancel " + std::to_string(t));
        return true;
    }
    void subscribe(const std::string& t) override { calls.push_back("subscribe " + t); }
    void unsubscribe(const std::string& t) override { calls.push_back("unsubscribe " + t); }
    void broadcast(const std::string& t, const value&) override { calls.push_back("broadcast " + t); }
    void broadcast_from(const std::string& t, const value&) override { calls.push_back("broadcast_from " + t); }
    void send_update(std::string c, value id, value) override {
        calls.push_back("send_update " + c + " " + id.dump());
    }
    std::uint64_t send_update_after(std::string c, value, value, std::chrono::milliseconds) override {
        calls.push_back("send_update_after " + c);
        return 8;
    }
};

TEST(Socket, AssignMarksChangesOnlyWhenTheValueDiffers) {
    socket s("id", true);
    s.assigns().clear_changed();
    s.assign("a", 1);
    EXPECT_TRUE(s.assigns().changed("a"));
    s.assigns().clear_changed();
    s.assign("a", 1);
    EXPECT_FALSE(s.assigns().any_changed());
    s.update("a", [](const value& v) { return v.get<int>() + 1; });
    EXPECT_EQ(s.get("a"), 2);
    EXPECT_THROW(s.update("missing", [](const value& v) { return v; }), std::out_of_range);
}

TEST(Socket, AssignNewKeepsExistingTakesParentsThenComputes) {
    socket s("id", true);
    int calls = 0;
    s.assign("x", 1);
    s.assign_new("x", [&] { ++calls; return value(2); });
    EXPECT_EQ(s.get("x"), 1);
    assigns parent(value{{"y", "from parent"}});
    s.set_parent_assigns(&parent);
    s.assign_new("y", [&] { ++calls; return value("own"); });
    EXPECT_EQ(s.get("y"), "from parent");
    s.assign_new("z", [&] { ++calls; return value("own"); });
    EXPECT_EQ(s.get("z"), "own");
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(s.assign_new_keys(), (std::vector<std::string>{"y", "z"}));
}

TEST(Socket, FlashIsTheFlashAssign) {
    socket s("id", false);
    EXPECT_EQ(s.flash(), value::object());
    s.put_flash("info", "hi").put_flash("error", "no");
    EXPECT_EQ(s.get("flash"), (value{{"info", "hi"}, {"error", "no"}}));
    EXPECT_EQ(s.pending().changed_flash, (value{{"info", "hi"}, {"error", "no"}}));
    s.clear_flash("info");
    EXPECT_EQ(s.flash(), (value{{"error", "no"}}));
    s.clear_flash();
    EXPECT_EQ(s.flash(), value::object());
}

TEST(Socket, NavigationAndEventsArePendingUntilTaken) {
    socket s("id", true);
    s.push_event("a", {{"x", 1}});
    s.push_patch("/p", true);
    EXPECT_TRUE(s.redirected());
    auto p = s.take_pending();
    ASSERT_TRUE(p.navigation);
    EXPECT_EQ(p.navigation->type, navigation::kind::patch);
    EXPECT_TRUE(p.navigation->replace);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_FALSE(s.redirected());
    s.push_redirect("/a");
    s.redirect("/b");  // the last navigation wins, as Phoenix keeps one `redirected`
    EXPECT_EQ(s.take_pending().navigation->type, navigation::kind::redirect);
}

TEST(Socket, TakeEventsClearsThePendingStateLikeTakePending) {
    socket s("id", true);
    s.push_event("a", {{"x", 1}});
    s.push_event("b", value::object());
    s.put_flash("info", "hi");
    auto events = s.take_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].event, "a");
    EXPECT_EQ(events[1].event, "b");
    EXPECT_TRUE(s.take_events().empty());
    EXPECT_EQ(s.pending().changed_flash, value::object());
    EXPECT_FALSE(s.pending().external_redirect);
    EXPECT_FALSE(s.redirected());
}

TEST(Socket, TemporaryAssignsResetWithoutMarkingChanges) {
    socket s("id", true);
    s.assign("msgs", value::array({1, 2}));
    s.set_temporary_assigns({{"msgs", value::array()}});
    s.assigns().clear_changed();
    s.reset_temporary_assigns();
    EXPECT_EQ(s.get("msgs"), value::array());
    EXPECT_FALSE(s.assigns().any_changed());
}

TEST(Socket, ProcessOperationsGoToTheHostOnlyWhenConnected) {
    recording_host host;
    socket disconnected("id", false, &host);
    EXPECT_EQ(disconnected.send_after("m", std::chrono::milliseconds(5)), 0u);
    disconnected.subscribe("t");
    disconnected.send_update("C", 1, value::object());
    EXPECT_TRUE(host.calls.empty());
    EXPECT_TRUE(disconnected.get_connect_params().is_null());

    socket s("id", true, &host);
    s.set_connect_params({{"a", 1}});
    EXPECT_EQ(s.get_connect_params(), (value{{"a", 1}}));
    EXPECT_EQ(s.send_after("m", std::chrono::milliseconds(5)), 7u);
    EXPECT_TRUE(s.cancel_timer(7));
    s.subscribe("t");
    s.broadcast_from("t", 1);
    s.send_update("C", "c1", value::object());
    EXPECT_EQ(host.calls, (std::vector<std::string>{"send_after \"m\" 5", "cancel 7", "subscribe t",
                                                    "broadcast_from t", "send_update C \"c1\""}));
}

}  // namespace
}  // namespace lvh::ref
