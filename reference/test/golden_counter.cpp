#include "golden_counter.hpp"

#include <stdexcept>

namespace lvh::ref::test {

const char* counter_template() {
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

const char* item_component_template() {
    return "<div id=\"comp-<%= @id %>\">\n"
           "  <span><%= @label %>: <%= @clicks %></span>\n"
           "  <button phx-click=\"bump\" phx-target=\"<%= @myself %>\">bump</button>\n"
           "</div>\n";
}

const template_& counter_compiled() {
    // The capture's view used ~L, which does not trim.
    static const template_ t = template_::compile(counter_template(), "counter_live");
    return t;
}

const template_& item_component_compiled() {
    static const template_ t = template_::compile(item_component_template(), "item_component");
    return t;
}

void item_component::mount(component_socket& s) { s.assign("clicks", 0); }

const template_& item_component::render(const component_socket&) const {
    return item_component_compiled();
}

void item_component::handle_event(std::string_view event, const value&, component_socket& s) {
    if (event != "bump") throw std::invalid_argument("ItemComponent: no clause for event");
    s.assign("clicks", s.get("clicks").get<int>() + 1);
}

}  // namespace lvh::ref::test
