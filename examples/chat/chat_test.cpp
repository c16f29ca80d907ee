// ChatLive: two users on one server; a message goes through PubSub to both pages.
#include "chat_live.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::examples::chat {
namespace {

using namespace lvh::testkit;
using ::testing::Not;

class ChatTest : public ::testing::Test {
 protected:
  std::shared_ptr<room> lobby = std::make_shared<room>(3);
  std::shared_ptr<in_process_server> server = [this] {
    ref::view_registry views;
    ref::router routes;
    install(views, routes, lobby);
    return in_process_server::make(std::move(views), {}, std::move(routes));
  }();
  conn alice = init_test_session(build_conn(server), {{"user_name", "alice"}});
  conn bob = init_test_session(build_conn(server), {{"user_name", "bob"}});

  static render_result say(const view& v, const std::string& text) {
    return render_submit(form(v, "#chat-form", {{"message", {{"body", text}}}}));
  }
};

TEST_F(ChatTest, EachUserSeesTheirName) {
  auto [a, html] = live(alice, "/chat").value();
  EXPECT_THAT(a, HasElement("#me", "Signed in as alice"));
  EXPECT_THAT(live(bob, "/chat").view(), HasElement("#me", "Signed in as bob"));
}

TEST_F(ChatTest, AMessageFromOneUserReachesTheOther) {
  auto [a, a_html] = live(alice, "/chat").value();
  auto [b, b_html] = live(bob, "/chat").value();
  LVH_TRACE(a);
  LVH_TRACE(b);

  auto sent = say(a, "hi bob");
  // The sender gets it back through PubSub too.
  EXPECT_THAT(sent, HasElement("#messages .message", "alice: hi bob"));
  EXPECT_THAT(render(b), HasElement("#messages .message", "alice: hi bob"));
}

TEST_F(ChatTest, MessagesAppendInOrderOnBothPages) {
  auto [a, a_html] = live(alice, "/chat").value();
  auto [b, b_html] = live(bob, "/chat").value();
  LVH_TRACE(a);
  LVH_TRACE(b);
  say(a, "hi bob");
  say(b, "hello alice");
  say(a, "how are you?");
  for (const auto& v : {a, b}) {
    EXPECT_THAT(v, HasElement("#messages p:nth-child(1)", "alice: hi bob"));
    EXPECT_THAT(v, HasElement("#messages p:nth-child(2)", "bob: hello alice"));
    EXPECT_THAT(v, HasElement("#messages p:nth-child(3)", "alice: how are you?"));
    EXPECT_THAT(v, Not(HasElement("#messages p:nth-child(4)")));
  }
}

TEST_F(ChatTest, OnlyConnectedViewsSubscribe) {
  auto [a, a_html] = live(alice, "/chat").value();
  auto [b, b_html] = live(bob, "/chat").value();
  // Two pages, each rendered twice (disconnected, then connected): two subscribers.
  EXPECT_EQ(server->endpoint().pubsub().subscriber_count(topic), 2u);
}

TEST_F(ChatTest, ALateJoinerSeesRecentHistory) {
  auto [a, a_html] = live(alice, "/chat").value();
  for (const char* text : {"one", "two", "three", "four"}) say(a, text);
  auto [b, b_html] = live(bob, "/chat").value();
  // The room keeps the last three.
  EXPECT_THAT(b, Not(HasElement("#messages .body", "one")));
  EXPECT_THAT(b, HasElement("#messages p:first-child .body", "two"));
  EXPECT_THAT(b, HasElement("#messages p:last-child .body", "four"));
}

TEST_F(ChatTest, AnEmptyMessageIsNotSent) {
  auto [a, a_html] = live(alice, "/chat").value();
  auto [b, b_html] = live(bob, "/chat").value();
  say(a, "");
  EXPECT_THAT(render(b), Not(HasElement(".message")));
  EXPECT_THAT(lobby->recent(), ::testing::IsEmpty());
}

}  // namespace
}  // namespace lvh::examples::chat
