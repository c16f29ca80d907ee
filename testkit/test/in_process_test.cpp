// The in-process adapters on their own: the transport's connect params and session, the
// page source's cookies, the server clock and the isolated route.
#include "test_views.hpp"

#include <lvh/protocol/frame.hpp>
#include <lvh/testkit/in_process.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::testkit {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string set_cookie_value(const sim::http_response& r, std::string_view name) {
  for (const auto& line : r.set_cookie)
    if (line.rfind(std::string(name) + "=", 0) == 0) return line.substr(name.size() + 1, line.find(';') - name.size() - 1);
  return "<none>";
}

TEST(InProcessPages, ServesThePageWithASessionCookie) {
  auto server = test::make_server();
  auto r = server->pages().get({"http://127.0.0.1:4000/counter", "", {}});
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("data-phx-main=\"true\""));
  EXPECT_THAT(r.body, HasSubstr("name=\"csrf-token\""));
  EXPECT_NE(set_cookie_value(r, session_cookie_name), "<none>");
  EXPECT_EQ(server->pages().get({"http://127.0.0.1:4000/nothing", "", {}}).status, 404);
}

TEST(InProcessPages, RedirectCarriesFlashAndTheNextPageClearsIt) {
  auto server = test::make_server();
  auto r = server->pages().get({"/mount-redirect", "", {}});
  EXPECT_EQ(r.status, 302);
  ASSERT_TRUE(r.location);
  EXPECT_EQ(*r.location, "/counter");
  // push_redirect: marked as a live redirect; redirect/2 is not.
  ASSERT_NE(r.header(live_redirect_header), nullptr);
  EXPECT_EQ(*r.header(live_redirect_header), "true");
  auto plain = server->pages().get({"/mount-plain-redirect", "", {}});
  EXPECT_EQ(plain.status, 302);
  EXPECT_EQ(plain.header(live_redirect_header), nullptr);
  std::string flash = set_cookie_value(r, flash_cookie_name);
  ASSERT_NE(flash, "<none>");
  EXPECT_EQ(server->verify_flash(flash), (nlohmann::json{{"error", "Not here"}}));
  auto next = server->pages().get({"/counter", std::string(flash_cookie_name) + "=" + flash, {}});
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(set_cookie_value(next, flash_cookie_name), "");  // deleted (max-age=0)
}

TEST(InProcessPages, LiveLinkAnswersWithTheContainerAndResponseUrl) {
  auto server = test::make_server();
  auto r = server->pages().get({"http://127.0.0.1:4000/counter", "", {{"x-requested-with", "live-link"}}});
  EXPECT_EQ(r.status, 200);
  ASSERT_NE(r.header("x-response-url"), nullptr);
  EXPECT_EQ(*r.header("x-response-url"), "http://127.0.0.1:4000/counter");
  EXPECT_EQ(r.body.rfind("<div data-phx-session=", 0), 0u);
}

TEST(InProcessTransport, TakesConnectParamsFromTheUrlAndTheSessionFromTheCookie) {
  auto server = test::make_server();
  in_process_transport t(server->endpoint(), server->scheduler());
  ASSERT_TRUE(t.connect({"ws://127.0.0.1:4000/live/websocket?_csrf_token=abc&locale=fr&n[a]=1&vsn=2.0.0",
                         "http://127.0.0.1:4000", "other=1; _lvh_key=tok123"}));
  EXPECT_TRUE(t.is_open());
  EXPECT_EQ(t.last_params(), (nlohmann::json{{"_csrf_token", "abc"}, {"locale", "fr"}, {"n", {{"a", "1"}}}}));
  EXPECT_EQ(t.last_connect_info(), (nlohmann::json{{"session", "tok123"}}));
  t.send(R"([null,"1","phoenix","heartbeat",{}])");
  t.pump();
  auto frames = t.receive();
  ASSERT_EQ(frames.size(), 1u);
  auto f = protocol::decode(frames[0]);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->event, "phx_reply");
  EXPECT_EQ(f->payload["status"], "ok");
  t.close();
  EXPECT_FALSE(t.is_open());
}

// Frames mode: what the server sent comes out in order, all of it at once, as frames.
TEST(InProcessTransport, FramesModeReceivesEveryFrameInOrder) {
  auto server = test::make_server();
  in_process_transport t(server->endpoint(), server->scheduler(), ref::in_process_client::mode::frames);
  ASSERT_TRUE(t.moves_frames());
  ASSERT_TRUE(t.connect({"ws://127.0.0.1:4000/live/websocket?vsn=2.0.0", "http://127.0.0.1:4000", ""}));
  EXPECT_TRUE(t.receive_frames().empty());
  for (const char* ref : {"1", "2", "3"})
    t.send_frame(protocol::frame{std::nullopt, ref, "phoenix", "heartbeat", nlohmann::json::object()});
  t.pump();
  auto frames = t.receive_frames();
  ASSERT_EQ(frames.size(), 3u);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].event, "phx_reply");
    EXPECT_EQ(frames[i].ref, std::to_string(i + 1));
  }
  EXPECT_TRUE(t.receive_frames().empty());
}

TEST(InProcessTransport, AdvanceMovesTheSchedulerClock) {
  auto server = test::make_server();
  in_process_transport t(server->endpoint(), server->scheduler());
  auto before = server->now();
  t.advance(250ms);
  EXPECT_EQ(server->now() - before, 250ms);
  server->advance_to(before + 100ms);  // never back
  EXPECT_EQ(server->now() - before, 250ms);
}

TEST(InProcessServer, SessionCookiesReachMount) {
  auto server = test::make_server();
  auto cookie = server->session_cookie({{"current_user_id", 9}});
  ASSERT_TRUE(cookie);
  EXPECT_EQ(server->endpoint().session_from_cookie(*cookie)["current_user_id"], 9);
}

TEST(InProcessServer, IsolatedPathMountsAnyRegisteredView) {
  auto server = test::make_server();
  auto path = server->isolated_path("ChildLive", {{"a", 1}});
  ASSERT_TRUE(path);
  auto r = server->pages().get({*path, "", {}});
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("child-count"));
}

TEST(CookieValue, FindsNamedCookies) {
  EXPECT_EQ(cookie_value("a=1; b=2", "b"), "2");
  EXPECT_EQ(cookie_value(" a = 1 ;b=", "b"), "");
  EXPECT_EQ(cookie_value("a=1", "c"), std::nullopt);
}

}  // namespace
}  // namespace lvh::testkit
