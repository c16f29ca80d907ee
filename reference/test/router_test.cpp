#include <lvh/ref/router.hpp>

#include <gtest/gtest.h>

namespace lvh::ref {
namespace {

router sample() {
    router r;
    r.live("/", "Home");
    r.live("/items/:id", "Item", {.action = "show"});
    r.live("/items/:id/edit", "Item", {.action = "edit"});
    r.live("/files/*path", "Files");
    return r;
}

TEST(Router, MatchesLiteralAndParamSegments) {
    auto r = sample();
    auto m = r.match("/");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->matched->view, "Home");
    m = r.match("/items/7");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->matched->options.action, "show");
    EXPECT_EQ(m->params, (value{{"id", "7"}}));
    m = r.match("/items/7/edit");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->matched->options.action, "edit");
    EXPECT_FALSE(r.match("/items"));
    EXPECT_FALSE(r.match("/items/7/other"));
    EXPECT_FALSE(r.match("/nope"));
}

TEST(Router, QueryParamsMergeAndPathParamsWin) {
    auto r = sample();
    auto m = r.match("http://example.com:4000/items/a%20b?tab=x&id=shadow&q[]=1&q[]=2#frag");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->params, (value{{"id", "a b"}, {"tab", "x"}, {"q", {"1", "2"}}}));
    EXPECT_EQ(m->path, "/items/a%20b");
}

TEST(Router, GlobCapturesTheRest) {
    auto r = sample();
    auto m = r.match("/files/a/b/c");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->params["path"], (value{"a", "b", "c"}));
}

TEST(Router, BadEscapesDoNotMatch) {
    auto r = sample();
    EXPECT_FALSE(r.match("/items/%zz"));
    EXPECT_FALSE(r.match("/items/%4"));
    EXPECT_FALSE(r.match("/items/7?x=%zz"));
}

TEST(Router, PathAndQueryOfAbsoluteUrls) {
    EXPECT_EQ(url_path_and_query("http://h:4000/a?b=1"), "/a?b=1");
    EXPECT_EQ(url_path_and_query("http://h:4000"), "/");
    EXPECT_EQ(url_path_and_query("http://h:4000?x"), "/?x");
    EXPECT_EQ(url_path_and_query("/rel?x"), "/rel?x");
}

}  // namespace
}  // namespace lvh::ref
