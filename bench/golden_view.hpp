// The golden view of tests/data/real-frames/README.md (CounterLive + ItemComponent), for the
// benchmarks that run it on a reference endpoint. The same view as the server tests'
// (reference/test/server_test_support.cpp), kept here so that benchmarks do not build test
// sources.
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>
#include <lvh/ref/socket.hpp>
#include <lvh/ref/template.hpp>

#include <string>
#include <string_view>

namespace lvh::bench {

inline const char* golden_counter_template() {
  return "<div id=\"counter\">\n"
         "  <h1>Count: <span id=\"count\"><%= @count %></span></h1>\n"
         "  <button id=\"inc\" phx-click=\"inc\">+</button>\n"
         "  <button id=\"dec\" phx-click=\"dec\">-</button>\n"
         "  <ul id=\"items\"><%= for i <- 1..@count//1 do %><li><%= i %></li><% end %></ul>\n"
         "</div>\n"
         "<form id=\"f\" phx-change=\"validate\" phx-submit=\"save\">\n"
         "  <input type=\"text\" name=\"name\" value=\"<%= @name %>\"/>\n"
         "  <button type=\"submit\">Save</button>\n"
         "</form>\n"
         "<p id=\"typed\">Typed: <%= @name %></p>\n"
         "<%= if @submitted do %><p id=\"submitted\">Submitted: <%= @submitted %></p><% end %>\n"
         "<%= live_component @socket, ItemComponent, id: \"comp1\", label: \"hello\" %>\n";
}

class golden_item_component : public ref::live_component {
 public:
  void mount(ref::component_socket& s) override { s.assign("clicks", 0); }
  const ref::template_& render(const ref::component_socket&) const override {
    static const ref::template_ t = ref::template_::compile(
        "<div id=\"comp-<%= @id %>\">\n"
        "  <span><%= @label %>: <%= @clicks %></span>\n"
        "  <button phx-click=\"bump\" phx-target=\"<%= @myself %>\">bump</button>\n"
        "</div>\n",
        "item_component");
    return t;
  }
  void handle_event(std::string_view, const ref::value&, ref::component_socket& s) override {
    s.assign("clicks", s.get("clicks").get<int>() + 1);
  }
};

class golden_counter_live : public ref::live_view {
 public:
  void mount(const ref::value&, const ref::value&, ref::socket& s) override {
    s.assign("count", 0);
    s.assign("name", "");
    s.assign("submitted", nullptr);
  }
  const ref::template_& render(const ref::socket&) const override {
    static const ref::template_ t = ref::template_::compile(golden_counter_template(), "counter_live");
    return t;
  }
  ref::event_result handle_event(std::string_view event, const ref::value& v, ref::socket& s) override {
    const int count = s.get("count").get<int>();
    if (event == "inc") s.assign("count", count + 1);
    else if (event == "dec") s.assign("count", count > 0 ? count - 1 : 0);
    else if (event == "validate") s.assign("name", v.value("name", ""));
    else if (event == "save") {
      s.assign("name", v.value("name", ""));
      s.assign("submitted", v.value("name", ""));
    } else {
      return live_view::handle_event(event, v, s);
    }
    return ref::noreply();
  }
};

/// CounterLive at "/", ItemComponent registered.
inline void add_golden_view(ref::view_registry& views, ref::component_registry& components,
                            ref::router& routes) {
  views.add<golden_counter_live>("CounterLive");
  components.add<golden_item_component>("ItemComponent");
  routes.live("/", "CounterLive");
}

}  // namespace lvh::bench
