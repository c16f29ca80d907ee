// The in-process client's inbox: each frame the server sends is handed out once, in order,
// as a frame or as text, whichever way the client reads.
#include <lvh/ref/transport.hpp>

#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace lvh::ref {
namespace {

TEST(Transport, TheInboxHandsOutEachFrameOnceInOrderInBothModes) {
    for (auto m : {in_process_client::mode::frames, in_process_client::mode::json_text}) {
        test::fixture fx;
        auto o = fx.open("/", m);
        in_process_client& c = *o.client;
        EXPECT_EQ(c.waiting(), 0u);
        EXPECT_FALSE(c.receive());
        EXPECT_FALSE(c.receive_text());
        c.send(protocol::make_heartbeat("1"));
        c.send(protocol::make_heartbeat("2"));
        c.send(protocol::make_heartbeat("3"));
        fx.sched.run_until_idle();
        EXPECT_EQ(c.waiting(), 3u);
        auto first = c.receive();
        ASSERT_TRUE(first);
        EXPECT_EQ(first->ref, "1");
        EXPECT_EQ(first->event, "phx_reply");
        // The other way of reading the same inbox: text, as the wire would carry it.
        EXPECT_EQ(c.receive_text(),
                  std::optional<std::string>(R"([null,"2","phoenix","phx_reply",{"response":{},"status":"ok"}])"));
        auto rest = c.receive_all();
        ASSERT_EQ(rest.size(), 1u);
        EXPECT_EQ(rest[0].ref, "3");
        EXPECT_EQ(c.waiting(), 0u);
        EXPECT_FALSE(c.receive());
        EXPECT_FALSE(c.closed());
        c.close();
        EXPECT_TRUE(c.closed());
    }
}

}  // namespace
}  // namespace lvh::ref
