#include "counter_live.hpp"

#include "../common/example_support.hpp"

namespace lvh::examples::counter {
namespace {

using ref::component_socket;
using ref::socket;
using ref::value;

class counter_component final : public ref::live_component {
 public:
  // The parent passes id, label and start on every render; the count is the component's own,
  // set from start once, then changed only by its clicks or by a send_update.
  void update(const value& assigns, component_socket& s) override {
    for (const auto& [key, v] : assigns.items())
      if (key != "reset") s.assign(key, v);
    if (!s.assigns().has("count") || assigns.value("reset", false)) s.assign("count", s.get("start"));
  }

  const ref::template_& render(const component_socket&) const override {
    static const ref::template_ t = load_template("counter/counter_component.html.leex");
    return t;
  }

  void handle_event(std::string_view event, const value& payload, component_socket& s) override {
    int count = s.get("count").get<int>();
    if (event == "inc") s.assign("count", count + 1);
    else if (event == "dec") s.assign("count", count - 1);
    else live_component::handle_event(event, payload, s);
  }
};

class counters_live final : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("resets", 0);
    s.assign("apples_label", "Apples");
  }

  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("counter/counters_live.html.leex");
    return t;
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    if (event == "reset") {
      for (const char* id : {"apples", "pears"}) s.send_update("CounterComponent", id, {{"reset", true}});
      s.update("resets", [](const value& n) { return n.get<int>() + 1; });
    } else if (event == "shout") {
      s.assign("apples_label", "APPLES");
    } else {
      return live_view::handle_event(event, payload, s);
    }
    return ref::noreply();
  }
};

}  // namespace

void install(ref::view_registry& views, ref::component_registry& components, ref::router& routes) {
  components.add<counter_component>("CounterComponent");
  views.add<counters_live>("CountersLive");
  routes.live("/counters", "CountersLive");
}

}  // namespace lvh::examples::counter
