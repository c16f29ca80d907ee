#include "clock_live.hpp"

#include "../common/example_support.hpp"

#include <cstdio>
#include <memory>
#include <utility>

namespace lvh::examples::clock {
namespace {

using namespace std::chrono_literals;
using ref::socket;
using ref::value;

// ~L: a template small enough to live beside the code.
const ref::template_& clock_template() {
  static const ref::template_ t = ref::template_::compile(R"(<div id="clock" class="<%= if @running do %>running<% else %>paused<% end %>">
  <time id="now"><%= @time %></time>
  <button id="toggle" phx-click="toggle"><%= if @running do %>Pause<% else %>Resume<% end %></button>
</div>)",
                                                          "clock_live", helpers());
  return t;
}

class clock_live final : public ref::live_view {
 public:
  explicit clock_live(now_fn now) : now_(std::move(now)) {}

  void mount(const value&, const value&, socket& s) override {
    s.assign("running", true);
    show_time(s);
    if (s.connected()) schedule(s);
  }

  const ref::template_& render(const socket&) const override { return clock_template(); }

  void handle_info(const value& msg, socket& s) override {
    if (msg != "tick") return live_view::handle_info(msg, s);
    show_time(s);
    schedule(s);
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    if (event != "toggle") return live_view::handle_event(event, payload, s);
    if (s.get("running").get<bool>()) {
      s.cancel_timer(s.get("timer").get<std::uint64_t>());
      s.assign("running", false);
    } else {
      s.assign("running", true);
      show_time(s);
      schedule(s);
    }
    return ref::noreply();
  }

 private:
  void show_time(socket& s) const {
    auto text = format_time(now_());
    s.assign("time", text);
    s.assign("page_title", text);
  }
  static void schedule(socket& s) { s.assign("timer", s.send_after("tick", 1s)); }

  now_fn now_;
};

}  // namespace

std::string format_time(std::chrono::milliseconds since_epoch) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  auto of_day = ((secs % 86400) + 86400) % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60), static_cast<int>(of_day % 60));
  return buf;
}

void install(ref::view_registry& views, ref::router& routes, now_fn now) {
  views.add("ClockLive", [now = std::move(now)] { return std::unique_ptr<ref::live_view>(new clock_live(now)); });
  routes.live("/clock", "ClockLive");
}

}  // namespace lvh::examples::clock
