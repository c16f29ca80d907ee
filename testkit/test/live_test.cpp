// The LiveViewTest API end to end against small views on the in-process reference runtime.
#include "test_views.hpp"
#include "../src/session.hpp"

#include <lvh/testkit/gtest.hpp>
#include <lvh/sim/errors.hpp>
#include <lvh/testkit/live.hpp>
#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/messages.hpp>
#include <lvh/protocol/profile.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

namespace lvh::testkit {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// The events whose replies the testkit watches for: the newest 64, oldest first, any of them
// taken out by ref and topic.
TEST(RecentEvents, KeepTheNewestInOrderAndTakeAnyOut) {
  detail::recent_events r;
  EXPECT_TRUE(r.empty());
  for (int i = 0; i < 70; ++i) r.add(std::to_string(i), i % 2 ? "lv:b" : "lv:a", "e" + std::to_string(i));
  EXPECT_EQ(r.size(), detail::recent_events::capacity);
  EXPECT_EQ(r.find("5", "lv:b"), std::string_view::npos);  // dropped: too old
  EXPECT_EQ(r.find("7", "lv:a"), std::string_view::npos);  // another topic
  const auto oldest = r.find("6", "lv:a");
  ASSERT_EQ(oldest, 0u);
  EXPECT_EQ(r.event(oldest), "e6");
  const auto middle = r.find("30", "lv:a");
  ASSERT_EQ(middle, 24u);
  r.erase(middle);
  EXPECT_EQ(r.find("30", "lv:a"), std::string_view::npos);
  EXPECT_EQ(r.event(r.find("31", "lv:b")), "e31");
  EXPECT_EQ(r.find("31", "lv:b"), 24u);
  r.erase(r.find("6", "lv:a"));
  EXPECT_EQ(r.size(), detail::recent_events::capacity - 2);
  EXPECT_EQ(r.event(0), "e7");
  r.add("70", "lv:a", "e70");
  r.add("71", "lv:a", "e71");
  r.add("72", "lv:a", "e72");  // full again: e7 goes
  EXPECT_EQ(r.event(0), "e8");
  EXPECT_EQ(r.event(r.size() - 1), "e72");
  EXPECT_EQ(r.find("69", "lv:b"), r.size() - 4);
}

void expect_id(const std::function<void()>& fn, const char* id) {
  try {
    fn();
    ADD_FAILURE() << "expected testkit_error " << id;
  } catch (const testkit_error& e) {
    EXPECT_EQ(e.id(), id) << e.what();
  }
}

class LiveTest : public ::testing::Test {
 protected:
  std::shared_ptr<in_process_server> server = test::make_server();
  conn c = build_conn(server);
};

TEST_F(LiveTest, LiveMountsAndRendersTheConnectedView) {
  auto result = live(c, "/counter");
  ASSERT_TRUE(result.ok());
  auto [view, html] = result.value();
  LVH_TRACE(view);
  EXPECT_THAT(html, HasSubstr("Count: <span id=\"count\">0</span>"));
  EXPECT_EQ(render(view), html);
  EXPECT_EQ(view.path(), "/counter");
  EXPECT_TRUE(view.alive());
  EXPECT_THAT(view, HasElement("#count", "0"));
}

TEST_F(LiveTest, RenderClickOnTheViewAndOnAStatefulComponent) {
  auto [view, html] = live(c, "/counter").value();
  LVH_TRACE(view);
  auto r = render_click(element(view, "#inc"));
  EXPECT_FALSE(r.is_redirect());
  EXPECT_TRUE(r.contains("<span id=\"count\">1</span>"));
  // phx-target="@myself": the component handles it; the view's count stays.
  auto r2 = render_click(element(view, "button", "bump"));
  EXPECT_TRUE(r2.contains("bumps: 1"));
  EXPECT_TRUE(r2.contains("<span id=\"count\">1</span>"));
  EXPECT_THAT(render(element(view, "#comp-c1 .clicks")), HasSubstr("bumps: 1"));
}

TEST_F(LiveTest, RenderClickExtraValuesTravelAsPhxValues) {
  auto [view, html] = live(c, "/counter").value();
  auto r = render_click(element(view, "#inc"), {{"by", "5"}});
  EXPECT_TRUE(r.contains("<span id=\"count\">5</span>"));
  // The extra value is gone afterwards: a plain click adds 1.
  EXPECT_THAT(render(element(view, "#inc")), Not(HasSubstr("phx-value-by")));
  EXPECT_TRUE(render_click(element(view, "#inc")).contains("<span id=\"count\">6</span>"));
}

TEST_F(LiveTest, RenderClickOnTheViewPushesTheEventDirectly) {
  auto [view, html] = live(c, "/counter").value();
  EXPECT_TRUE(render_click(view, "inc", {{"by", "3"}}).contains("<span id=\"count\">3</span>"));
}

// Tests that look at the wire keep the simulator's logs, which a conn does not by default.
class WireTest : public LiveTest {
 protected:
  WireTest() { c.browser.socket.log_limit = 64; }
};

TEST_F(LiveTest, AConnKeepsNoFrameLogsUnlessAsked) {
  auto [view, html] = live(c, "/counter").value();
  EXPECT_TRUE(render_click(view, "inc", {{"by", "2"}}).contains("<span id=\"count\">2</span>"));
  EXPECT_TRUE(browser_of(view).sent_frames().empty());
  EXPECT_TRUE(browser_of(view).sent_events(view.id()).empty());

  conn logged = build_conn(server);
  logged.browser.socket.log_limit = 8;
  auto [view2, html2] = live(logged, "/counter").value();
  render_click(view2, "inc", {{"by", "2"}});
  EXPECT_FALSE(browser_of(view2).sent_frames().empty());
  ASSERT_EQ(browser_of(view2).sent_events(view2.id()).size(), 1u);
  EXPECT_EQ(browser_of(view2).sent_events(view2.id())[0].payload["event"], "inc");
}

// The payload of the last "event" the view sent, as on the wire.
json last_event(const view& v) {
  auto sent = browser_of(v).sent_events(v.id());
  for (auto it = sent.rbegin(); it != sent.rend(); ++it)
    if (it->event == "event") return it->payload;
  return nullptr;
}

TEST_F(WireTest, ViewEventsTravelWithTheirOwnTypeAsInLiveViewTest) {
  auto [view, html] = live(c, "/keys").value();
  render_click(view, "a", {{"x", 1}});
  EXPECT_EQ(last_event(view), (json{{"type", "click"}, {"event", "a"}, {"value", {{"x", 1}}}}));
  render_keydown(view, "b", {{"key", "Enter"}});
  EXPECT_EQ(last_event(view), (json{{"type", "keydown"}, {"event", "b"}, {"value", {{"key", "Enter"}}}}));
  render_keyup(view, "c", {{"key", "Escape"}});
  EXPECT_EQ(last_event(view), (json{{"type", "keyup"}, {"event", "c"}, {"value", {{"key", "Escape"}}}}));
  render_focus(view, "d");
  EXPECT_EQ(last_event(view), (json{{"type", "focus"}, {"event", "d"}, {"value", json::object()}}));
  render_blur(view, "e");
  EXPECT_EQ(last_event(view), (json{{"type", "blur"}, {"event", "e"}, {"value", json::object()}}));
  render_hook(view, "f", {{"y", true}});
  EXPECT_EQ(last_event(view), (json{{"type", "hook"}, {"event", "f"}, {"value", {{"y", true}}}}));
  EXPECT_THAT(render(element(view, "#log")), HasSubstr("a;b:Enter;c:Escape;d;e;f;"));
  EXPECT_THROW(render_click(view, "g", json::array({1})), testkit_error);
}

TEST_F(WireTest, ViewFormEventsTravelUrlencoded) {
  auto [view, html] = live(c, "/form").value();
  auto r = render_change(view, "validate", {{"user", {{"name", "Al Bo"}, {"role", "admin"}}}});
  EXPECT_EQ(last_event(view),
            (json{{"type", "form"}, {"event", "validate"}, {"value", "user[name]=Al+Bo&user[role]=admin"}}));
  EXPECT_THAT(r.html(), HasSubstr("<p id=\"validations\">1</p>"));
  auto saved = render_submit(view, "save", {{"user", {{"name", "Alice"}, {"role", "user"}}}});
  EXPECT_EQ(last_event(view)["type"], "form");
  EXPECT_TRUE(saved.contains("Saved Alice as user"));
}

TEST_F(LiveTest, RepliesOfAnyEventReachAssertReply) {
  auto [view, html] = live(c, "/push").value();
  // A reply to a plain click is a reply too (LiveViewTest sends {:reply, map} for any event).
  render_click(view, "save", {{"via", "click"}});
  EXPECT_EQ(assert_reply(view, {{"ok", true}})["echo"]["via"], "click");
  // An event the view answers with noreply has no reply to assert.
  render_hook(view, "ping");
  EXPECT_THROW(assert_reply(view), assertion_error);
}

// In frames mode the browser and the server exchange protocol::frame values with no JSON in
// between; what a test sees must not change: events, replies, redirects.
TEST(LiveFramesMode, EventsRepliesAndRedirectsAsInJsonMode) {
  in_process_server::options opts;
  opts.mode = ref::in_process_client::mode::frames;
  auto server = test::make_server(opts);
  conn c = build_conn(server);
  auto [view, html] = live(c, "/counter").value();
  EXPECT_TRUE(render_click(element(view, "#inc")).contains("<span id=\"count\">1</span>"));
  EXPECT_TRUE(render_click(element(view, "button", "bump")).contains("bumps: 1"));

  auto [push, push_html] = live(c, "/push").value();
  render_click(push, "save", {{"via", "frames"}});
  EXPECT_EQ(assert_reply(push, {{"ok", true}})["echo"]["via"], "frames");

  auto [from, from_html] = live(c, "/redirector").value();
  auto r = render_click(element(from, "#go"));
  ASSERT_TRUE(r.is_redirect());
  EXPECT_EQ(r.redirect_value().what, redirect::kind::live_redirect);
  EXPECT_EQ(r.redirect_value().to, "/counter");
}

TEST_F(LiveTest, PageTitleFollowsThePageTitleAssign) {
  auto [view, html] = live(c, "/counter").value();
  EXPECT_EQ(page_title(view), "Count: 0");
  render_click(element(view, "#inc"));
  EXPECT_EQ(page_title(view), "Count: 1");
}

TEST_F(LiveTest, FormChangeAndSubmitWithValidation) {
  auto [view, html] = live(c, "/form").value();
  LVH_TRACE(view);
  auto r = render_change(form(view, "#user-form", {{"user", {{"name", "Al"}}}}));
  // phx-debounce=300 on the input: nothing was sent yet.
  EXPECT_THAT(r.html(), Not(HasSubstr("too short")));
  EXPECT_THAT(render(element(view, "#validations")), HasSubstr(">0<"));
  advance(view, 300ms);
  EXPECT_THAT(view, HasElement(".error", "too short"));
  EXPECT_THAT(view, HasElement("#validations", "1"));

  auto saved = render_submit(form(view, "#user-form", {{"user", {{"name", "Alice"}, {"role", "admin"}}}}));
  EXPECT_TRUE(saved.contains("Saved Alice as admin")) << saved.html();
  EXPECT_FALSE(has_element(view, ".error"));
}

// What LogFormLive's handle_event got last, and the events it handled.
json last_params(const view& v) { return json::parse(browser_of(v).find("#last").text_content()); }
std::string events_of(const view& v) { return browser_of(v).find("#events").text_content(); }

TEST_F(WireTest, RenderSubmitSendsOneSubmitWithTheFormsValuesMergedWithTheData) {
  auto [view, html] = live(c, "/log-form").value();
  // No change event first: filling in the form fires nothing.
  render_submit(form(view, "#f", {{"user", {{"name", "Al"}}}}));
  EXPECT_EQ(events_of(view), "save;");
  EXPECT_EQ(last_event(view)["type"], "form");
  EXPECT_EQ(last_params(view), (json{{"token", "t0"}, {"user", {{"name", "Al"}, {"email", ""}}}}));

  render_submit(form(view, "#f", {{"user", {{"name", "Al"}}}}), {{"token", "t9"}, {"extra", "x"}});
  EXPECT_EQ(events_of(view), "save;save;");
  // The hidden input and a name the form lacks take the values given, as LiveViewTest merges.
  EXPECT_EQ(last_params(view),
            (json{{"token", "t9"}, {"extra", "x"}, {"user", {{"name", "Al"}, {"email", ""}}}}));
  // The values that are no fields of the form were there for the event only.
  EXPECT_THAT(render(element(view, "#f")), Not(HasSubstr("data-lvh-extra")));
  EXPECT_THAT(render(element(view, "#f")), Not(HasSubstr("extra")));
  // The form as the server rendered it since (it rendered user[name] empty again).
  render_submit(form(view, "#f"));
  EXPECT_EQ(events_of(view), "save;save;save;");
  EXPECT_EQ(last_params(view), (json{{"token", "t0"}, {"user", {{"name", ""}, {"email", ""}}}}));
}

TEST_F(LiveTest, ValuesBesidesTheFieldsGoWithAChangeTheClientHeldBack) {
  auto [view, html] = live(c, "/log-form").value();
  render_change(form(view, "#slow", {{"note", "hi"}}), {{"draft", "7"}});
  EXPECT_EQ(events_of(view), "");  // phx-debounce=300: held back
  // Until it goes out, the values stay in the form, as the field's typed text does.
  EXPECT_THAT(render(element(view, "#slow")), HasSubstr("name=\"draft\""));
  advance(view, 300ms);
  EXPECT_EQ(events_of(view), "note;");
  EXPECT_EQ(last_params(view), (json{{"note", "hi"}, {"draft", "7"}, {"_target", {"note"}}}));
  // Then they are gone: the next event does not carry them.
  EXPECT_THAT(render(element(view, "#slow")), Not(HasSubstr("draft")));
  render_change(form(view, "#f", {{"user", {{"name", "Al"}}}}));
  EXPECT_EQ(events_of(view), "note;validate;");
  EXPECT_FALSE(last_params(view).contains("draft"));
}

TEST_F(LiveTest, RenderChangeTakesItsTargetFromTheData) {
  auto [view, html] = live(c, "/log-form").value();
  render_change(form(view, "#f", {{"user", {{"name", "Al"}}}}), {{"_target", {"user", "email"}}});
  EXPECT_EQ(events_of(view), "validate;");
  EXPECT_EQ(last_params(view)["_target"], json({"user", "email"}));
  EXPECT_EQ(last_params(view)["user"]["name"], "Al");
  // As a field name too; without one, the first field given is the target.
  render_change(element(view, "#f"), {{"_target", "user[name]"}, {"user", {{"email", "a@b"}}}});
  EXPECT_EQ(last_params(view)["_target"], json({"user", "name"}));
  EXPECT_EQ(last_params(view)["user"]["email"], "a@b");
  render_change(element(view, "#f"), {{"user", {{"email", "c@d"}}}});
  EXPECT_EQ(last_params(view)["_target"], json({"user", "email"}));
  EXPECT_EQ(events_of(view), "validate;validate;validate;");
  // A _target naming no field goes as given, as LiveViewTest sends it, with the form's values.
  render_change(element(view, "#f"), {{"_target", {"user", "nickname"}}, {"user", {{"name", "Bo"}}}});
  EXPECT_EQ(events_of(view), "validate;validate;validate;validate;");
  EXPECT_EQ(last_params(view)["_target"], json({"user", "nickname"}));
  EXPECT_EQ(last_params(view)["user"]["name"], "Bo");
  EXPECT_FALSE(last_params(view)["user"].contains("nickname"));
}

TEST_F(LiveTest, DebounceWaitsForTheFullDelay) {
  auto [view, html] = live(c, "/form").value();
  render_change(form(view, "#user-form", {{"user", {{"name", "Bo"}}}}));
  advance(view, 299ms);
  EXPECT_THAT(view, HasElement("#validations", "0"));
  advance(view, 1ms);
  EXPECT_THAT(view, HasElement("#validations", "1"));
}

TEST_F(LiveTest, PushPatchHandleParamsAndAssertPatch) {
  auto [view, html] = live(c, "/pages?page=2").value();
  EXPECT_THAT(html, HasSubstr("Page 2"));
  refute_patched(view);
  auto r = render_click(element(view, "#next"));
  EXPECT_TRUE(r.contains("Page 3"));
  EXPECT_EQ(assert_patch(view), "/pages?page=3");
  EXPECT_EQ(view.path(), "/pages?page=3");
  // Consumed: a second assert fails with a message naming the view.
  try {
    assert_patch(view);
    FAIL() << "assert_patch should have failed";
  } catch (const assertion_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("to patch, but got none"));
    EXPECT_THAT(e.what(), HasSubstr("/pages?page=3"));
  }
  render_click(element(view, "#next"));
  assert_patched(view, "/pages?page=4");
  EXPECT_NO_THROW(refute_patched(view));
  render_click(element(view, "#next"));
  EXPECT_NO_THROW(refute_patched(view, "/pages?page=9"));
  EXPECT_THROW(refute_patched(view, "/pages?page=5"), assertion_error);
}

TEST_F(LiveTest, LivePatchLinksAndRenderPatch) {
  auto [view, html] = live(c, "/pages").value();
  auto r = render_click(element(view, "a", "Page 5"));
  EXPECT_TRUE(r.contains("Page 5"));
  assert_patch(view, "/pages?page=5");
  EXPECT_TRUE(render_patch(view, "/pages?page=8").contains("Page 8"));
  assert_patched(view, "/pages?page=8");
}

TEST_F(LiveTest, PushRedirectIsAValueToFollow) {
  auto [view, html] = live(c, "/redirector").value();
  auto r = render_click(element(view, "#go"));
  ASSERT_TRUE(r.is_redirect());
  EXPECT_EQ(r.redirect_value().what, redirect::kind::live_redirect);
  EXPECT_EQ(r.redirect_value().to, "/counter");
  EXPECT_EQ(r.redirect_value().flash, (json{{"info", "Moved"}}));
  auto [path, flash] = assert_redirect(view, "/counter");
  EXPECT_EQ(path, "/counter");
  EXPECT_EQ(flash["info"], "Moved");
  auto [next, next_html] = follow_redirect(r, c, "/counter").value();
  EXPECT_THAT(next_html, HasSubstr("Count: <span id=\"count\">0</span>"));
  EXPECT_TRUE(render_click(element(next, "#inc")).contains("<span id=\"count\">1</span>"));
}

TEST_F(LiveTest, RedirectIsAValueToo) {
  auto [view, html] = live(c, "/redirector").value();
  auto r = render_click(element(view, "#away"));
  ASSERT_TRUE(r.is_redirect());
  EXPECT_EQ(r.redirect_value().what, redirect::kind::redirect);
  EXPECT_EQ(assert_redirected(view, "/form"), json::object());
  refute_redirected(view, "/counter");
  auto [next, next_html] = follow_redirect(r, c).value();
  EXPECT_EQ(next.path(), "/form");
  EXPECT_TRUE(has_element(next, "#user-form"));
}

TEST_F(LiveTest, FollowRedirectLoadsTheTargetAnewWithTheFlash) {
  for (const char* button : {"#to-flash", "#away-to-flash"}) {
    SCOPED_TRACE(button);
    auto [view, html] = live(c, "/redirector").value();
    const int mounts = test::flash_connected_mounts();
    auto r = render_click(element(view, button));
    ASSERT_TRUE(r.is_redirect());
    EXPECT_EQ(r.redirect_value().to, "/flash");
    // The redirected tab stopped there, as LiveViewTest's proxy does: the target has not run.
    EXPECT_EQ(test::flash_connected_mounts(), mounts);
    EXPECT_FALSE(view.alive());
    auto [next, next_html] = follow_redirect(r, c, "/flash").value();
    EXPECT_EQ(test::flash_connected_mounts(), mounts + 1);
    EXPECT_NE(next.session_ptr(), view.session_ptr());  // a new GET, a new tab
    EXPECT_EQ(next.path(), "/flash");
    EXPECT_THAT(next_html, HasSubstr(std::string("info: ") + (button == std::string("#to-flash") ? "Hello" : "Bye")));
  }
}

// The in-process server, with every phx_join its sockets carry counted: a server that
// accepts a redirect's join from any tab (as Phoenix from 0.16 does within a live_session)
// would mount the target on each.
class join_counting_server final : public connection_factory {
 public:
  explicit join_counting_server(std::shared_ptr<in_process_server> inner) : inner_(std::move(inner)) {}
  std::unique_ptr<sim::transport> open_transport() override {
    return std::make_unique<counting>(inner_->open_transport(), joins);
  }
  sim::page_source& pages() override { return pages_; }
  std::string base_url() const override { return inner_->base_url(); }
  std::chrono::milliseconds now() const override { return inner_->now(); }
  void advance_to(std::chrono::milliseconds t) override { inner_->advance_to(t); }
  json verify_flash(std::string_view token) override { return inner_->verify_flash(token); }

  std::vector<std::string> joins;  // the topics joined, in order

 private:
  class counting final : public sim::transport {
   public:
    counting(std::unique_ptr<sim::transport> t, std::vector<std::string>& joins) : t_(std::move(t)), joins_(joins) {}
    bool connect(const sim::connect_request& r) override { return t_->connect(r); }
    void send(std::string text) override {
      count(protocol::decode(text).value());
      t_->send(std::move(text));
    }
    void send_encoded(std::string text, const protocol::frame& f) override {
      count(f);
      t_->send_encoded(std::move(text), f);
    }
    std::vector<std::string> receive() override { return t_->receive(); }
    void pump() override { t_->pump(); }
    void close() override { t_->close(); }
    bool is_open() const override { return t_->is_open(); }
    void advance(std::chrono::milliseconds d) override { t_->advance(d); }

   private:
    void count(const protocol::frame& f) {
      if (f.event == protocol::events::join) joins_.push_back(f.topic);
    }
    std::unique_ptr<sim::transport> t_;
    std::vector<std::string>& joins_;
  };
  // The app's one page that is no LiveView (a controller's), with the request's cookies.
  class app_pages final : public sim::page_source {
   public:
    explicit app_pages(sim::page_source& live) : live_(live) {}
    sim::http_response get(const sim::http_request& req) override {
      if (req.url.find("/signed-out") == std::string::npos) return live_.get(req);
      sim::http_response r;
      r.body = "<!DOCTYPE html><html><head><title>Bye</title></head><body><p id=\"bye\">Signed out</p>"
               "<p id=\"cookies\">" + req.cookie + "</p></body></html>";
      return r;
    }

   private:
    sim::page_source& live_;
  };
  std::shared_ptr<in_process_server> inner_;
  app_pages pages_{inner_->pages()};
};

conn counted_conn(std::shared_ptr<join_counting_server> counted, protocol::client_profile profile) {
  conn c = build_conn(std::move(counted));
  c.profile = profile;
  return c;
}

TEST_F(LiveTest, ARedirectedTabJoinsNothingMoreWithEveryProfile) {
  // Later clients follow a live redirect with a join over the socket (0.15.7 GETs the new
  // page first, which the stopped tab's page loads answer blank).
  for (auto profile : protocol::all_client_profiles) {
    SCOPED_TRACE(std::string(protocol::name(profile)));
    auto counted = std::make_shared<join_counting_server>(server);
    conn pc = counted_conn(counted, profile);
    auto [view, html] = live(pc, "/redirector").value();
    ASSERT_EQ(counted->joins.size(), 1u);
    auto r = render_click(element(view, "#to-flash"));
    ASSERT_TRUE(r.is_redirect());
    EXPECT_EQ(r.redirect_value().what, redirect::kind::live_redirect);
    EXPECT_EQ(counted->joins.size(), 1u) << "the redirected tab joined " << counted->joins.back();
    EXPECT_FALSE(view.alive());
    auto [next, next_html] = follow_redirect(r, pc, "/flash").value();
    EXPECT_EQ(counted->joins.size(), 2u);
    EXPECT_THAT(next_html, HasSubstr("info: Hello"));
  }
}

TEST_F(LiveTest, ALiveRedirectLinkIsARedirectValueThatMountsNothing) {
  for (auto profile : protocol::all_client_profiles) {
    SCOPED_TRACE(std::string(protocol::name(profile)));
    auto counted = std::make_shared<join_counting_server>(server);
    conn pc = counted_conn(counted, profile);
    auto [view, html] = live(pc, "/redirector").value();
    const int mounts = test::flash_connected_mounts();
    auto r = render_click(element(view, "#live-link"));
    ASSERT_TRUE(r.is_redirect());
    EXPECT_EQ(r.redirect_value().what, redirect::kind::live_redirect);
    EXPECT_EQ(r.redirect_value().to, "/flash");
    EXPECT_EQ(test::flash_connected_mounts(), mounts);
    EXPECT_EQ(counted->joins.size(), 1u) << "the tab joined " << counted->joins.back();
    auto [next, next_html] = follow_redirect(r, pc, "/flash").value();
    EXPECT_EQ(test::flash_connected_mounts(), mounts + 1);
  }
}

TEST_F(LiveTest, FollowingARedirectToAPageWithoutALiveViewGivesThePage) {
  auto app = std::make_shared<join_counting_server>(server);
  conn pc = build_conn(app);
  view v = live(pc, "/redirector").view();
  auto r = render_click(element(v, "#to-page"));
  ASSERT_TRUE(r.is_redirect());
  EXPECT_EQ(r.redirect_value().what, redirect::kind::redirect);
  // LiveViewTest's {:ok, conn}: the response, whose HTML the matchers read.
  auto followed = follow_redirect(r, pc, "/signed-out");
  ASSERT_TRUE(followed.is_page()) << ::testing::PrintToString(followed);
  EXPECT_FALSE(followed.ok());
  EXPECT_EQ(followed.page_value().url, "/signed-out");
  EXPECT_EQ(followed.page_value().status, 200);
  EXPECT_THAT(followed, HasElement("#bye", "Signed out"));
  EXPECT_THAT(followed.html(), HasSubstr(std::string(flash_cookie_name) + "="));  // the flash went along
  EXPECT_THAT(::testing::PrintToString(followed), HasSubstr("GET /signed-out answered 200"));
  expect_id([&] { (void)followed.view(); }, "not_live");
  expect_id([&] { (void)followed.redirect_value(); }, "not_redirected");

  // Any status: the test reads it, as from the conn.
  view again = live(pc, "/redirector").view();
  auto lost = follow_redirect(render_click(element(again, "#to-nowhere")), pc);
  ASSERT_TRUE(lost.is_page());
  EXPECT_EQ(lost.page_value().status, 404);
  // live/2 itself still insists on a LiveView.
  expect_id([&] { (void)live(pc, "/signed-out"); }, "not_live");
  expect_id([&] { (void)live(pc, "/nowhere"); }, "http_status");
  // A view result is no page.
  expect_id([&] { (void)live(pc, "/redirector").page_value(); }, "not_page");
}

TEST_F(LiveTest, PlainLinkClickIsARedirectValue) {
  auto [view, html] = live(c, "/redirector").value();
  auto r = render_click(element(view, "#plain-link"));
  ASSERT_TRUE(r.is_redirect());
  EXPECT_EQ(r.redirect_value().to, "/form");
  EXPECT_TRUE(follow_redirect(r, c).ok());
}

TEST_F(LiveTest, RedirectDuringMountComesBackFromLive) {
  auto result = live(c, "/mount-redirect");
  ASSERT_TRUE(result.is_redirect());
  // push_redirect in the disconnected mount: {:error, {:live_redirect, ...}}, as the 302 of a
  // live navigation is marked in Phoenix.
  EXPECT_EQ(result.redirect_value().what, redirect::kind::live_redirect);
  EXPECT_EQ(result.redirect_value().to, "/counter");
  EXPECT_EQ(result.redirect_value().flash, (json{{"error", "Not here"}}));
  auto followed = follow_redirect(result, c);
  ASSERT_TRUE(followed.ok());
  EXPECT_THAT(followed.html(), HasSubstr("Count:"));
  EXPECT_THROW(follow_redirect(result, c, "/elsewhere"), testkit_error);
}

TEST_F(LiveTest, PlainRedirectDuringMountIsARedirect) {
  auto result = live(c, "/mount-plain-redirect");
  ASSERT_TRUE(result.is_redirect());
  EXPECT_EQ(result.redirect_value().what, redirect::kind::redirect);
  EXPECT_EQ(result.redirect_value().to, "/form");
  EXPECT_EQ(follow_redirect(result, c).view().path(), "/form");
}

TEST_F(LiveTest, RedirectDuringConnectedMountComesBackFromLive) {
  auto result = live(c, "/connected-redirect");
  ASSERT_TRUE(result.is_redirect());
  EXPECT_EQ(result.redirect_value().what, redirect::kind::live_redirect);
  EXPECT_EQ(result.redirect_value().to, "/counter");
  auto [view, html] = follow_redirect(result, c).value();
  EXPECT_EQ(view.path(), "/counter");
}

TEST_F(LiveTest, SendAfterRunsOnVirtualTime) {
  auto [view, html] = live(c, "/clock").value();
  EXPECT_THAT(view, HasElement("#ticks", "0"));
  advance(view, 999ms);
  EXPECT_THAT(view, HasElement("#ticks", "0"));
  advance(view, 1ms);
  EXPECT_THAT(view, HasElement("#ticks", "1"));
  advance(view, 3000ms);
  EXPECT_THAT(view, HasElement("#ticks", "4"));
  // advance on the conn moves the same clock.
  advance(c, 1000ms);
  EXPECT_THAT(view, HasElement("#ticks", "5"));
}

TEST_F(LiveTest, NestedChildren) {
  auto [view, html] = live(c, "/parent").value();
  auto children = live_children(view);
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].id(), "child1");
  auto child = find_live_child(view, "child1");
  ASSERT_TRUE(child.has_value());
  EXPECT_FALSE(find_live_child(view, "nope").has_value());
  auto r = render_click(element(*child, "#child-inc"));
  EXPECT_THAT(r.html(), HasSubstr("<p id=\"child-count\">1</p>"));
  EXPECT_THAT(render(view), HasSubstr("<p id=\"child-count\">1</p>"));
}

TEST_F(LiveTest, PushEventAndHookReply) {
  auto [view, html] = live(c, "/push").value();
  render_click(element(view, "#ping"));
  auto payload = assert_push_event(view, "pong", {{"n", 1}});
  EXPECT_EQ(payload["from"], "server");
  EXPECT_THROW(assert_push_event(view, "pong"), assertion_error);  // consumed

  render_hook(element(view, "#saver"), "save", {{"draft", true}});
  auto reply = assert_reply(view, {{"ok", true}});
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["echo"]["draft"], true);
  render_hook(view, "save", {{"x", 1}});
  EXPECT_THROW(assert_reply(view, {{"ok", false}}), assertion_error);
}

TEST_F(LiveTest, ConnectParamsAndTestSession) {
  auto conn2 = init_test_session(put_connect_params(c, {{"locale", "fr"}}), {{"current_user_id", 42}});
  auto [view, html] = live(conn2, "/echo").value();
  EXPECT_THAT(view, HasElement("#locale", "fr"));
  EXPECT_THAT(view, HasElement("#user", "42"));
}

TEST_F(LiveTest, LiveIsolatedMountsOutsideTheRouter) {
  auto [view, html] = live_isolated(c, "ChildLive", {{"k", "v"}}).value();
  EXPECT_THAT(html, HasSubstr("child-count"));
  EXPECT_TRUE(render_click(element(view, "#child-inc")).contains(">1</p>"));
}

TEST_F(LiveTest, KeysFocusAndBlur) {
  auto [view, html] = live(c, "/keys").value();
  render_keydown(element(view, "#box"), "a");  // phx-key=Enter filters it out
  EXPECT_THAT(view, HasElement("#log", text_filter()));
  EXPECT_THAT(render(element(view, "#log")), Not(HasSubstr("key")));
  render_keydown(element(view, "#box"), "Enter");
  render_keyup(element(view, "#box"), json{{"key", "x"}});  // phx-key filters keyup too
  render_keyup(element(view, "#box"), json{{"key", "Enter"}});
  render_focus(element(view, "#field"));
  render_blur(element(view, "#field"));
  EXPECT_THAT(render(element(view, "#log")), HasSubstr("key:Enter;up:Enter;focused;blurred;"));
}

TEST_F(LiveTest, LiveRedirectToAnotherView) {
  auto [view, html] = live(c, "/counter").value();
  auto next = live_redirect(view, "/pages?page=3");
  ASSERT_TRUE(next.ok());
  EXPECT_THAT(next.html(), HasSubstr("Page 3"));
  EXPECT_EQ(next.view().path(), "/pages?page=3");
}

TEST_F(LiveTest, RenderComponentAlone) {
  std::string html = render_component(c, "CounterComponent", {{"id", "solo"}, {"label", "hits"}});
  EXPECT_THAT(html, HasSubstr("hits: 0"));
  EXPECT_THAT(html, HasSubstr("id=\"comp-solo\""));
}

TEST_F(LiveTest, OpenBrowserWritesTheHtml) {
  auto [view, html] = live(c, "/counter").value();
  std::string opened;
  std::string path = open_browser(view, [&](const std::string& p) { opened = p; });
  EXPECT_EQ(opened, path);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("data-phx-main"));
  EXPECT_THAT(ss.str(), HasSubstr("<span id=\"count\">0</span>"));
  std::filesystem::remove(path);
  std::string el_path = open_browser(element(view, "#inc"));
  std::ifstream in2(el_path);
  std::stringstream ss2;
  ss2 << in2.rdbuf();
  EXPECT_THAT(ss2.str(), HasSubstr("<body><button id=\"inc\""));
  std::filesystem::remove(el_path);
}

TEST_F(LiveTest, ACrashInAnEventIsReported) {
  auto [view, html] = live(c, "/counter").value();
  try {
    render_click(view, "crash");
    FAIL() << "expected view_crashed";
  } catch (const testkit_error& e) {
    EXPECT_EQ(e.id(), "view_crashed");
  }
}

TEST_F(LiveTest, RenderTakesInWhatTheServerSentMeanwhile) {
  auto [view, html] = live(c, "/news").value();
  // Delivered to the view's mailbox by PubSub, outside any action of the test.
  server->endpoint().pubsub().broadcast("news", {{"title", "rain"}});
  EXPECT_THAT(render(view), HasSubstr("rain;"));
  server->endpoint().pubsub().broadcast("news", {{"title", "sun"}});
  EXPECT_THAT(render(element(view, "#headlines")), HasSubstr("rain;sun;"));
  server->endpoint().pubsub().broadcast("news", {{"title", "wind"}});
  EXPECT_TRUE(has_element(view, "#headlines", "wind"));
  EXPECT_EQ(assert_push_event(view, "headline", {{"title", "rain"}})["title"], "rain");
  server->endpoint().pubsub().broadcast("news", {{"title", "fog"}});
  assert_push_event(view, "headline", {{"title", "fog"}});
}

TEST_F(LiveTest, TwoTabsShareOneClock) {
  auto [a, a_html] = live(c, "/clock").value();
  advance(a, 500ms);
  auto [b, b_html] = live(c, "/clock").value();
  advance(b, 500ms);
  EXPECT_THAT(a, HasElement("#ticks", "1"));
  EXPECT_THAT(b, HasElement("#ticks", "0"));
  advance(a, 500ms);
  EXPECT_THAT(a, HasElement("#ticks", "1"));
  EXPECT_THAT(b, HasElement("#ticks", "1"));
}

}  // namespace
}  // namespace lvh::testkit
