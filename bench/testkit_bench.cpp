// testkit render_click round trips in-process (docs/benchmarks.md): a view with a stateful
// component whose event changes one constant-size value, so every iteration is the same
// work — lookup, bindings, push, server event and diff, JSON text both ways, patch.
// Phoenix.LiveViewTest does about 12k/s on this kind of event (0.20.17).
//
//   lvh_testkit_bench [Catch2 options]
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include <lvh/testkit.hpp>

#include <chrono>
#include <string>

namespace {

using namespace lvh;

class toggle_component : public ref::live_component {
 public:
  void mount(ref::component_socket& s) override { s.assign("on", false); }
  const ref::template_& render(const ref::component_socket&) const override { return tmpl_; }
  void handle_event(std::string_view, const ref::value&, ref::component_socket& s) override {
    s.assign("on", !s.get("on").get<bool>());
  }

 private:
  ref::template_ tmpl_ = ref::template_::compile(
      "<div id=\"toggle\"><span id=\"state\"><%= if @on do %>on<% else %>off<% end %></span>"
      "<button id=\"flip\" phx-click=\"flip\" phx-target=\"<%= @myself %>\">flip</button></div>");
};

class page_live : public ref::live_view {
 public:
  void mount(const ref::value&, const ref::value&, ref::socket& s) override { s.assign("title", "bench"); }
  const ref::template_& render(const ref::socket&) const override { return tmpl_; }

 private:
  ref::template_ tmpl_ = ref::template_::compile(
      "<h1><%= @title %></h1><%= live_component @socket, Toggle, id: \"t\" %>");
};

std::shared_ptr<testkit::in_process_server> make_server(ref::in_process_client::mode m) {
  ref::view_registry views;
  views.add<page_live>("PageLive");
  ref::component_registry components;
  components.add<toggle_component>("Toggle");
  ref::router routes;
  routes.live("/", "PageLive");
  testkit::in_process_server::options opts;
  opts.mode = m;
  return testkit::in_process_server::make(std::move(views), std::move(components), std::move(routes), opts);
}

void run(ref::in_process_client::mode m, const char* name) {
  auto server = make_server(m);
  auto conn = testkit::build_conn(server);
  auto [view, html] = testkit::live(conn, "/").value();
  auto flip = testkit::element(view, "#flip");
  // Sanity: the event really round-trips.
  REQUIRE(testkit::render_click(flip).contains(">on<"));
  REQUIRE(testkit::render_click(flip).contains(">off<"));
  BENCHMARK(name) { return testkit::render_click(flip).html().size(); };

  // A plain count for docs/benchmarks.md: round trips per second over a fixed number.
  constexpr int n = 20000;
  auto t0 = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  for (int i = 0; i < n; ++i) bytes += testkit::render_click(flip).html().size();
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN(name << ": " << static_cast<long>(n / secs) << " render_click round trips/s (" << bytes << " bytes)");
}

}  // namespace

TEST_CASE("testkit render_click round trips, in-process") {
  run(ref::in_process_client::mode::json_text, "render_click (component event, JSON text)");
}

TEST_CASE("testkit render_click round trips, in-process, frames without encoding") {
  run(ref::in_process_client::mode::frames, "render_click (component event, frames)");
}
