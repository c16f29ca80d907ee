// virtual_clock and rate_limiter. The official clients' behaviour over whole scenarios
// (debounce, "blur", default delay, submit cancelling, throttled clicks and keys) is checked
// by events_golden in bindings_test.cpp; these cases pin the pieces.
#include <lvh/dom/html.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/timing.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using lvh::protocol::client_profile;
namespace sim = lvh::sim;
namespace dom = lvh::dom;

struct fixture {
  std::unique_ptr<dom::node> doc;
  explicit fixture(const std::string& body) : doc(dom::parse_document("<body>" + body + "</body>")) {}
  const dom::node& at(const std::string& sel) {
    return *dom::query_first(*doc, dom::selector::parse_or_throw(sel));
  }
};

TEST(virtual_clock, runs_timers_in_due_then_insertion_order) {
  sim::virtual_clock c;
  std::vector<int> ran;
  c.set_timeout(20, [&] { ran.push_back(2); });
  c.set_timeout(10, [&] { ran.push_back(1); });
  c.set_timeout(20, [&] { ran.push_back(3); });
  auto cancelled = c.set_timeout(5, [&] { ran.push_back(99); });
  c.clear_timeout(cancelled);
  c.advance(15);
  EXPECT_EQ(ran, (std::vector<int>{1}));
  EXPECT_EQ(c.now(), 15);
  c.advance(5);
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(c.pending(), 0u);
}

TEST(virtual_clock, timers_set_by_timers_run_within_the_span) {
  sim::virtual_clock c;
  std::vector<long long> at;
  c.set_timeout(10, [&] {
    at.push_back(c.now());
    c.set_timeout(10, [&] { at.push_back(c.now()); });
  });
  c.advance(25);
  EXPECT_EQ(at, (std::vector<long long>{10, 20}));
  EXPECT_FALSE(c.run_next());
  c.set_timeout(-5, [&] { at.push_back(c.now()); });
  c.run_due();
  EXPECT_EQ(at.back(), 25);
}

TEST(virtual_clock, next_due_is_the_earliest_pending_timer) {
  sim::virtual_clock c;
  EXPECT_EQ(c.next_due(), std::nullopt);
  const auto late = c.set_timeout(30, [] {});
  c.set_timeout(20, [] {});
  EXPECT_EQ(c.next_due(), 20);
  c.advance(5);
  EXPECT_EQ(c.next_due(), 20);  // absolute time, not the delay left
  ASSERT_TRUE(c.run_next());
  EXPECT_EQ(c.now(), 20);
  EXPECT_EQ(c.next_due(), 30);
  c.clear_timeout(late);
  EXPECT_EQ(c.next_due(), std::nullopt);
}

TEST(virtual_clock, a_disarmed_timer_stays_set_and_does_nothing) {
  sim::virtual_clock c;
  std::vector<int> ran;
  const auto first = c.set_timeout(10, [&] { ran.push_back(1); });
  const auto second = c.set_timeout(20, [&] { ran.push_back(2); });
  c.disarm(first);
  c.disarm(12345);  // unknown: nothing happens
  EXPECT_EQ(c.pending(), 2u);
  EXPECT_EQ(c.next_due(), 10);
  ASSERT_TRUE(c.run_next());  // stops at the disarmed timer's time
  EXPECT_EQ(c.now(), 10);
  EXPECT_TRUE(ran.empty());
  c.disarm(second);
  c.clear_timeout(second);  // a disarmed timer can still be cleared
  EXPECT_EQ(c.pending(), 0u);
  EXPECT_FALSE(c.run_next());
}

TEST(virtual_clock, clearing_keeps_the_order_of_the_rest) {
  sim::virtual_clock c;
  std::vector<int> ran;
  std::vector<sim::virtual_clock::timer_id> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(c.set_timeout(10 * (i % 3), [&ran, i] { ran.push_back(i); }));
  c.clear_timeout(ids[4]);
  c.clear_timeout(ids[0]);
  c.clear_timeout(ids[0]);  // already gone
  c.advance(100);
  EXPECT_EQ(ran, (std::vector<int>{3, 1, 2, 5}));
}

TEST(rate_limiter, no_attribute_fires_at_once) {
  fixture f(R"(<button id="b">x</button>)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v1_0, c);
  int n = 0;
  EXPECT_EQ(rl.submit(f.at("#b"), "click", "", [&] { ++n; }), sim::rate_decision::fired);
  EXPECT_EQ(n, 1);
}

TEST(rate_limiter, limits_says_whether_a_call_may_be_kept) {
  fixture f(R"(<button id="b">x</button><input id="d" phx-debounce=""><input id="t" phx-throttle="blur">)");
  EXPECT_FALSE(sim::rate_limiter::limits(f.at("#b")));
  EXPECT_TRUE(sim::rate_limiter::limits(f.at("#d")));
  EXPECT_TRUE(sim::rate_limiter::limits(f.at("#t")));
  for (auto p : {client_profile::v0_15, client_profile::v0_20, client_profile::v1_2}) {
    sim::virtual_clock c;
    sim::rate_limiter rl(p, c);
    int n = 0;
    for (const char* type : {"click", "keydown", "blur", "focusout"})
      EXPECT_EQ(rl.submit(f.at("#b"), type, "", [&] { ++n; }), sim::rate_decision::fired);
    EXPECT_EQ(n, 4);
    // Nothing was kept: no timer, and a blur calls nothing again.
    EXPECT_EQ(c.pending(), 0u);
    rl.blur(f.at("#b"));
    EXPECT_EQ(n, 4);
  }
}

TEST(rate_limiter, debounce_keeps_only_the_last_call) {
  fixture f(R"(<input id="i" phx-debounce="100">)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v1_0, c);
  std::vector<int> fired;
  EXPECT_EQ(rl.submit(f.at("#i"), "input", "", [&] { fired.push_back(1); }),
            sim::rate_decision::scheduled);
  c.advance(60);
  rl.submit(f.at("#i"), "input", "", [&] { fired.push_back(2); });
  c.advance(99);
  EXPECT_TRUE(fired.empty());
  c.advance(1);
  EXPECT_EQ(fired, (std::vector<int>{2}));
  // A blur after the call ran does not run it again.
  rl.blur(f.at("#i"));
  EXPECT_EQ(fired, (std::vector<int>{2}));
}

TEST(rate_limiter, blur_flushes_a_pending_debounce) {
  fixture f(R"(<input id="i" phx-debounce="500">)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v0_20, c);
  int n = 0;
  rl.submit(f.at("#i"), "input", "", [&] { ++n; });
  rl.blur(f.at("#i"));
  EXPECT_EQ(n, 1);
  c.advance(1000);
  EXPECT_EQ(n, 1);
}

TEST(rate_limiter, blur_mode_differs_by_profile) {
  fixture f(R"(<input id="i" phx-debounce="blur">)");
  for (auto p : {client_profile::v0_15, client_profile::v1_0}) {
    sim::virtual_clock c;
    sim::rate_limiter rl(p, c);
    std::vector<int> fired;
    EXPECT_EQ(rl.submit(f.at("#i"), "input", "", [&] { fired.push_back(1); }),
              sim::rate_decision::on_blur);
    rl.submit(f.at("#i"), "input", "", [&] { fired.push_back(2); });
    rl.blur(f.at("#i"));
    rl.blur(f.at("#i"));
    if (p == client_profile::v0_15)
      EXPECT_EQ(fired, (std::vector<int>{1, 1}));  // its one listener keeps the first callback
    else
      EXPECT_EQ(fired, (std::vector<int>{2}));  // the latest callback, once
  }
}

TEST(rate_limiter, throttle_and_new_keys) {
  fixture f(R"(<input id="i" phx-throttle="300">)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v1_2, c);
  std::vector<std::string> fired;
  auto key = [&](const char* k) {
    return rl.submit(f.at("#i"), "keydown", k, [&fired, k] { fired.push_back(k); });
  };
  EXPECT_EQ(key("a"), sim::rate_decision::fired);
  EXPECT_EQ(key("a"), sim::rate_decision::dropped);
  EXPECT_EQ(key("b"), sim::rate_decision::fired);  // a different key passes the throttle
  c.advance(300);
  EXPECT_EQ(key("b"), sim::rate_decision::fired);
  EXPECT_EQ(fired, (std::vector<std::string>{"a", "b", "b"}));
}

TEST(rate_limiter, submit_cancels_pending_debounces_of_its_inputs) {
  fixture f(R"(<form id="f"><input id="i" name="a" phx-debounce="100"></form>)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v1_0, c);
  int n = 0;
  rl.submit(f.at("#i"), "input", "", [&] { ++n; });
  rl.form_submitted(f.at("#f"), {&f.at("#i")});
  c.advance(200);
  rl.blur(f.at("#i"));
  EXPECT_EQ(n, 0);
}

TEST(rate_limiter, invalid_values_and_defaults) {
  fixture f(R"(<input id="bad" phx-debounce="soon"><input id="def" phx-debounce="">)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v1_0, c, sim::timing_defaults{50, 50});
  int n = 0;
  EXPECT_EQ(rl.submit(f.at("#bad"), "input", "", [&] { ++n; }), sim::rate_decision::invalid);
  rl.submit(f.at("#def"), "input", "", [&] { ++n; });
  c.advance(49);
  EXPECT_EQ(n, 0);
  c.advance(1);
  EXPECT_EQ(n, 1);
}

TEST(rate_limiter, removed_elements_are_not_called_in_1x) {
  fixture f(R"(<input id="i" phx-debounce="10">)");
  sim::virtual_clock c;
  sim::rate_limiter rl(client_profile::v1_0, c);
  int n = 0;
  rl.submit(f.at("#i"), "input", "", [&] { ++n; }, [] { return false; });
  c.advance(10);
  EXPECT_EQ(n, 0);
  // focus events are never rate-limited from 0.18 on
  EXPECT_EQ(rl.submit(f.at("#i"), "focusout", "", [&] { ++n; }), sim::rate_decision::fired);
  EXPECT_EQ(n, 1);
}

}  // namespace
