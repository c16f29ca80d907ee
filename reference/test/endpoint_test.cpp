// The disconnected render: the page, its container and tokens, CSRF, redirects from mount.
#include "server_test_support.hpp"

#include <gtest/gtest.h>

namespace lvh::ref::test {
namespace {

TEST(Endpoint, PageHasLayoutCsrfMetaAndTheContainer) {
    fixture fx;
    auto page = fx.ep->get({.url = "http://127.0.0.1:4000/"});
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.body.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(page.body.find("<meta charset=\"UTF-8\" content=\"" + page.csrf_token +
                             "\" csrf-param=\"_csrf_token\" method-param=\"_method\" name=\"csrf-token\">"),
              std::string::npos);
    auto at = page.body.find("<div data-phx-main=\"true\" data-phx-session=\"");
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(attr(page.body, "data-phx-view"), "CounterLive");
    EXPECT_EQ(attr(page.body, "id", at), page.view_id);
    EXPECT_EQ(page.view_id.rfind("phx-", 0), 0u);
    EXPECT_EQ(page.view_id.size(), 20u);
    // The container's content is the disconnected render.
    EXPECT_NE(page.body.find("<span id=\"count\">0</span>"), std::string::npos);
    EXPECT_NE(page.body.find("<button phx-click=\"bump\" phx-target=\"1\">bump</button>"), std::string::npos)
        << "a component renders its would-be cid in the disconnected render";
    // Tokens verify under the endpoint's secret and carry the view.
    auto session = fx.ep->verify(attr(page.body, "data-phx-session"), std::chrono::seconds(60));
    ASSERT_TRUE(session.ok());
    EXPECT_EQ(session.data["view"], "CounterLive");
    EXPECT_EQ(session.data["id"], page.view_id);
    auto stat = fx.ep->verify(attr(page.body, "data-phx-static"), std::chrono::seconds(60));
    ASSERT_TRUE(stat.ok());
    EXPECT_EQ(stat.data["id"], page.view_id);
}

TEST(Endpoint, SeededIdsAreDeterministic) {
    fixture a, b;
    auto pa = a.ep->get({.url = "/"});
    auto pb = b.ep->get({.url = "/"});
    EXPECT_EQ(pa.view_id, pb.view_id);
    EXPECT_EQ(pa.csrf_token, pb.csrf_token);
    EXPECT_NE(a.ep->get({.url = "/"}).view_id, pa.view_id);
    endpoint_config cfg;
    cfg.view_id_generator = [] { return std::string("phx-fixed"); };
    fixture c(cfg);
    EXPECT_EQ(c.ep->get({.url = "/"}).view_id, "phx-fixed");
}

TEST(Endpoint, SessionCookieKeepsItsCsrfTokenAcrossPages) {
    fixture fx;
    auto first = fx.ep->get({.url = "/"});
    auto second = fx.ep->get({.url = "/", .session_cookie = first.session_cookie});
    auto s1 = fx.ep->session_from_cookie(first.session_cookie);
    auto s2 = fx.ep->session_from_cookie(second.session_cookie);
    EXPECT_EQ(s1["_csrf_token"], s2["_csrf_token"]);
    EXPECT_TRUE(fx.ep->csrf_valid(s1, second.csrf_token));
    EXPECT_FALSE(fx.ep->csrf_valid(s1, "garbage!"));
    EXPECT_TRUE(fx.ep->session_from_cookie("tampered." + first.session_cookie).is_null());
    // A cookie made from a value, as a test's init_test_session does.
    auto made = fx.ep->session_from_cookie(fx.ep->session_cookie({{"user_id", 7}}));
    EXPECT_EQ(made, (value{{"user_id", 7}}));
}

TEST(Endpoint, UnknownPathIs404) {
    fixture fx;
    EXPECT_EQ(fx.ep->get({.url = "/no/such/page"}).status, 404);
}

TEST(Endpoint, RedirectDuringTheDisconnectedMountIs302WithFlash) {
    fixture fx;
    auto res = fx.ep->get({.url = "/bounce"});
    EXPECT_EQ(res.status, 302);
    EXPECT_EQ(res.location, "/other");
    EXPECT_FALSE(res.live_redirect);  // redirect/2, not push_redirect
    ASSERT_TRUE(res.flash_cookie);
    EXPECT_EQ(fx.ep->verify_flash(*res.flash_cookie), (value{{"info", "moved"}}));
    auto next = fx.ep->get({.url = "/other", .flash_cookie = res.flash_cookie});
    EXPECT_NE(next.body.find("<p>other moved</p>"), std::string::npos);
}

TEST(Endpoint, LiveLinkRequestGetsTheContainerAlone) {
    fixture fx;
    auto res = fx.ep->get({.url = "/other", .live_link = true});
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body.rfind("<div data-phx-session=\"", 0), 0u);
    EXPECT_NE(res.body.find("data-phx-view=\"Other\" id=\"" + res.view_id + "\"></div>"), std::string::npos);
    EXPECT_EQ(res.body.find("data-phx-static"), std::string::npos);
    EXPECT_EQ(res.body.find("data-phx-main"), std::string::npos);
}

TEST(Endpoint, CustomLayoutGetsInnerContentAndTitle) {
    endpoint_config cfg;
    cfg.layout = template_::compile("<html><title><%= @page_title %></title><%= @inner_content %></html>");
    fixture fx(cfg);
    auto page = fx.ep->get({.url = "/other"});
    EXPECT_EQ(page.body.rfind("<html><title></title><div data-phx-main=\"true\"", 0), 0u) << page.body;
    EXPECT_NE(page.body.find("<p>other </p></div></html>"), std::string::npos);
}

}  // namespace
}  // namespace lvh::ref::test
