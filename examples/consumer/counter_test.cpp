// A LiveView and its test, in a project that found liveharness with find_package.
#include <lvh/testkit.hpp>
#include <lvh/testkit/gtest.hpp>

#include <gtest/gtest.h>

namespace {

using namespace lvh;

class counter_live : public ref::live_view {
 public:
  void mount(const ref::value&, const ref::value&, ref::socket& s) override { s.assign("count", 0); }
  const ref::template_& render(const ref::socket&) const override { return tmpl_; }
  ref::event_result handle_event(std::string_view event, const ref::value& v, ref::socket& s) override {
    if (event != "inc") return live_view::handle_event(event, v, s);
    s.assign("count", s.get("count").get<int>() + 1);
    return ref::noreply();
  }

 private:
  ref::template_ tmpl_ = ref::template_::compile(
      "<p id=\"count\"><%= @count %></p><button id=\"inc\" phx-click=\"inc\">+</button>");
};

TEST(Consumer, CountsClicks) {
  ref::view_registry views;
  views.add<counter_live>("CounterLive");
  ref::router routes;
  routes.live("/", "CounterLive");
  auto server = testkit::in_process_server::make(std::move(views), {}, std::move(routes));
  auto conn = testkit::build_conn(server);

  auto [view, html] = testkit::live(conn, "/").value();
  EXPECT_THAT(view, testkit::HasElement("#count", "0"));
  testkit::render_click(testkit::element(view, "#inc"));
  EXPECT_THAT(view, testkit::HasElement("#count", "1"));
}

}  // namespace
