// Diffs against real Phoenix: the view of tests/data/real-frames/README.md must produce the
// join reply and the diffs of phoenix-0.15.7-scripted.jsonl, and cases in the manner of
// Phoenix's test/phoenix_live_view/diff_test.exs (v0.15.7) must give its expectations.
#include <lvh/ref/engine.hpp>

#include "golden_counter.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace {

using lvh::ref::assigns;
using lvh::ref::component_registry;
using lvh::ref::component_socket;
using lvh::ref::live_component;
using lvh::ref::render_context;
using lvh::ref::template_;
using lvh::ref::value;
using lvh::ref::view_renderer;
using lvh::ref::test::item_component;

value J(const char* text) { return value::parse(text); }

// --- the captured view (golden_counter.hpp) ---------------------------------------------

struct capture {
  value join;
  std::vector<std::pair<value, value>> events;  // sent event payload, reply response
};

capture load_capture() {
  std::ifstream in(LVH_REAL_FRAMES_DIR "/phoenix-0.15.7-scripted.jsonl");
  capture c;
  std::map<std::string, value> sent;  // ref -> payload
  std::string line;
  bool first_join = true;
  while (std::getline(in, line)) {
    value rec = value::parse(line);
    if (rec["dir"] == "send" && rec["frame"][3] == "event") sent[rec["frame"][1]] = rec["frame"][4];
    if (rec["dir"] != "recv" || rec["frame"][3] != "phx_reply") continue;
    const value& resp = rec["frame"][4]["response"];
    if (resp.contains("rendered")) {
      if (first_join) c.join = resp["rendered"];
      first_join = false;
      continue;
    }
    if (!first_join && c.events.size() >= 6) continue;  // the rejoin repeats what we check
    auto ref = rec["frame"][1];
    if (ref.is_string() && sent.count(ref)) c.events.emplace_back(sent[ref], resp.value("diff", value::object()));
  }
  return c;
}

std::string form_name(const value& payload) {
  std::string v = payload["value"].get<std::string>();  // "name=abc&_target=name"
  auto p = v.find("name=");
  auto e = v.find('&', p);
  return v.substr(p + 5, e == std::string::npos ? std::string::npos : e - p - 5);
}

TEST(golden_phoenix_0_15_7, join_and_every_event_match_the_capture) {
  capture cap = load_capture();
  ASSERT_FALSE(cap.join.is_null());
  ASSERT_EQ(cap.events.size(), 6u);

  component_registry reg;
  reg.add<item_component>("ItemComponent");
  const template_& t = lvh::ref::test::counter_compiled();
  view_renderer r(reg, "phx-GOrxc2Sfg9398QKx");
  assigns a(J(R"({"count":0,"name":"","submitted":null})"));
  render_context ctx;
  EXPECT_EQ(r.render(t, a, ctx), cap.join);

  for (const auto& [payload, expected] : cap.events) {
    std::string ev = payload["event"];
    value got;
    if (payload["cid"].is_number()) {
      got = r.component_event(payload["cid"].get<int>(), ev, payload["value"], ctx);
    } else {
      if (ev == "inc") a.set("count", a.get("count").get<int>() + 1);
      if (ev == "dec") a.set("count", std::max(0, a.get("count").get<int>() - 1));
      if (ev == "validate") a.set("name", form_name(payload));
      if (ev == "save") {
        a.set("name", form_name(payload));
        a.set("submitted", form_name(payload));
      }
      got = r.render(t, a, ctx);
    }
    EXPECT_EQ(got, expected) << "event " << ev << "\n got " << got.dump() << "\n want " << expected.dump();
  }
}

// --- cases of diff_test.exs -------------------------------------------------------------

struct fixture {
  component_registry reg;
  view_renderer r{reg, "phx-test"};
  render_context ctx;
};

TEST(diff, basic_template_skips_statics_for_known_fingerprints) {
  fixture f;
  template_ t = template_::compile("<div>\n  <h2>It's <%= @time %></h2>\n  <%= @subtitle %>\n</div>\n");
  assigns a(J(R"({"time":"10:30","subtitle":"Sunny"})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":"10:30","1":"Sunny",
      "s":["<div>\n  <h2>It's ","</h2>\n  ","\n</div>\n"]})"));
  a.set("time", "10:31");
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":"10:31"})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J("{}"));
}

TEST(diff, literal_is_escaped_and_never_resent) {
  fixture f;
  template_ t = template_::compile("<div>\n  <%= @title %>\n  <%= \"<div>\" %>\n</div>\n");
  assigns a(J(R"({"title":"foo"})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx),
            J(R"({"0":"foo","1":"&lt;div&gt;","s":["<div>\n  ","\n  ","\n</div>\n"]})"));
  a.set("title", "bar");
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":"bar"})"));
}

TEST(diff, comprehension_sends_statics_once_then_only_dynamics) {
  fixture f;
  template_ t = template_::compile(
      "<div>\n  <h1><%= @title %></h1>\n  <%= for name <- @names do %>\n    <br/><%= name %>\n  <% end %>\n</div>\n");
  assigns a(J(R"({"title":"Users","names":["phoenix","elixir"]})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":"Users",
      "1":{"d":[["phoenix"],["elixir"]],"s":["\n    <br/>","\n  "]},
      "s":["<div>\n  <h1>","</h1>\n  ","\n</div>\n"]})"));
  a.set("names", J(R"(["a&b"])"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"1":{"d":[["a&amp;b"]]}})"));
  a.set("names", J("[]"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"1":{"d":[]}})"));
}

TEST(diff, empty_comprehension_is_an_empty_string_until_it_has_rows) {
  fixture f;
  template_ t = template_::compile("<%= for x <- @xs do %><i><%= x %></i><% end %>");
  assigns a(J(R"({"xs":[]})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":"","s":["",""]})"));
  a.set("xs", J("[1]"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"d":[["1"]],"s":["<i>","</i>"]}})"));
}

TEST(diff, nested_conditionals_track_fingerprints_and_assigns) {
  fixture f;
  template_ t = template_::compile(
      "<%= if @a do %>A<%= @x %><%= if @b do %>B<%= @y %><% else %>notB<% end %><% else %>none<% end %>");
  assigns a(J(R"({"a":true,"b":true,"x":1,"y":2})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"0":"1","1":{"0":"2","s":["B",""]},"s":["A","",""]},"s":["",""]})"));
  a.set("y", 3);  // only the inner dynamic
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"1":{"0":"3"}}})"));
  a.set("b", false);  // inner branch switches: its statics are sent
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"1":{"s":["notB"]}}})"));
  a.set("x", 9);
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"0":"9"}})"));
  a.set("a", false);
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"s":["none"]}})"));
  a.set("a", true);  // back: the whole branch again, statics included
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"0":"9","1":{"s":["notB"]},"s":["A","",""]}})"));
}

TEST(diff, expressions_without_assigns_render_once) {
  fixture f;
  template_ t = template_::compile("<%= 1 + 2 %>|<%= @x %>");
  assigns a(J(R"({"x":1})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":"3","1":"1","s":["","|",""]})"));
  a.set("x", 2);
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"1":"2"})"));
}

TEST(diff, nested_field_access_is_tracked_per_field) {
  fixture f;
  template_ t = template_::compile("<%= @user.name %>|<%= @user.age %>");
  assigns a(J(R"({"user":{"name":"jo","age":3}})"));
  f.r.render(t, a, f.ctx);
  a.set("user", J(R"({"name":"jo","age":4})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"1":"4"})"));
}

TEST(diff, page_title_is_sent_when_it_changes) {
  fixture f;
  template_ t = template_::compile("<p><%= @x %></p>");
  assigns a(J(R"({"x":1,"page_title":"One"})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx)["t"], "One");
  a.set("page_title", "Two");
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"t":"Two"})"));
}

TEST(diff, root_fingerprint_change_resends_everything) {
  fixture f;
  template_ t1 = template_::compile("<div><%= @x %></div>");
  template_ t2 = template_::compile("<span><%= @x %></span>");
  assigns a(J(R"({"x":1})"));
  f.r.render(t1, a, f.ctx);
  a.set("x", 2);
  EXPECT_EQ(f.r.render(t2, a, f.ctx), J(R"({"0":"2","s":["<span>","</span>"]})"));
}

// Components as in diff_test.exs: MyComponent renders "FROM <%= @from %> <%= @hello %>\n".
class my_component : public live_component {
 public:
  void mount(component_socket& s) override { s.assign("hello", "world"); }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile("FROM <%= @from %> <%= @hello %>\n", "my_component");
    return t;
  }
};

class if_component : public live_component {
 public:
  void mount(component_socket& s) override { s.assign("if", true); }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<%= if @if do %>\n  IF <%= @from %>\n<% else %>\n  ELSE <%= @from %>\n<% end %>\n", "if_component");
    return t;
  }
};

struct component_fixture : fixture {
  component_fixture() {
    reg.add<my_component>("MyComponent");
    reg.add<if_component>("IfComponent");
  }
};

TEST(diff_components, on_mount_and_update_with_and_without_render) {
  component_fixture f;
  template_ t = template_::compile("<div>\n  <%= live_component MyComponent, id: \"hello\", from: @from %>\n</div>\n");
  assigns a(J(R"({"from":"component"})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":1,
      "c":{"1":{"0":"component","1":"world","s":["FROM "," ","\n"]}},
      "s":["<div>\n  ","\n</div>\n"]})"));
  a.force("from", "component");  // re-evaluated, same assigns: no component diff
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":1})"));
  a.set("from", "rerender");
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":1,"c":{"1":{"0":"rerender"}}})"));
}

TEST(diff_components, stateless_then_stateful_swap) {
  component_fixture f;
  template_ t = template_::compile("<div>\n  <%= live_component MyComponent, id: @id, from: @from %>\n</div>\n");
  assigns a(J(R"({"from":"component","id":null})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"0":"component","1":"world","s":["FROM "," ","\n"]},
      "s":["<div>\n  ","\n</div>\n"]})"));
  a.set("id", "hello");
  a.set("from", "rerender");
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":1,
      "c":{"1":{"0":"rerender","1":"world","s":["FROM "," ","\n"]}}})"));
}

TEST(diff_components, addition_points_at_the_old_component_statics) {
  component_fixture f;
  template_ t = template_::compile("<div>\n  <%= live_component MyComponent, id: @id, from: @from %>\n</div>\n");
  assigns a(J(R"({"from":"component","id":"hello"})"));
  f.r.render(t, a, f.ctx);
  a.set("id", "another");
  a.set("from", "another");
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":2,"c":{"2":{"0":"another","1":"world","s":-1}}})"));
}

TEST(diff_components, inside_comprehension_share_statics_in_the_same_payload) {
  component_fixture f;
  template_ t = template_::compile(
      "<div>\n  <%= for c <- @components do %>\n    <%= c.index %>: <%= live_component MyComponent, id: c.id, from: c.id %>\n  <% end %>\n</div>\n");
  assigns a(J(R"({"components":[{"id":"index_1","index":0},{"id":"index_2","index":1}]})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({
      "0":{"d":[["0",1],["1",2]],"s":["\n    ",": ","\n  "]},
      "c":{"1":{"0":"index_1","1":"world","s":["FROM "," ","\n"]},
           "2":{"0":"index_2","1":"world","s":1}},
      "s":["<div>\n  ","\n</div>\n"]})"));
}

TEST(diff_components, inside_comprehension_with_subtree) {
  component_fixture f;
  template_ t = template_::compile(
      "<div>\n  <%= for c <- @components do %>\n    <%= c.index %>: <%= live_component IfComponent, id: c.id, from: c.id, if: c.if %>\n  <% end %>\n</div>\n");
  assigns a(J(R"({"components":[{"id":"index_1","index":0,"if":true},{"id":"index_2","index":1,"if":true}]})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({
      "0":{"d":[["0",1],["1",2]],"s":["\n    ",": ","\n  "]},
      "c":{"1":{"0":{"0":"index_1","s":["\n  IF ","\n"]},"s":["","\n"]},
           "2":{"0":{"0":"index_2"},"s":1}},
      "s":["<div>\n  ","\n</div>\n"]})"));

  a.set("components", J(R"([{"id":"index_3","index":0,"if":true}])"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"d":[["0",3]]},"c":{"3":{"0":{"0":"index_3"},"s":-1}}})"));

  a.set("components", J(R"([{"id":"index_4","index":0,"if":false}])"));
  EXPECT_EQ(f.r.render(t, a, f.ctx),
            J(R"({"0":{"d":[["0",4]]},"c":{"4":{"0":{"0":"index_4","s":["\n  ELSE ","\n"]},"s":-1}}})"));

  // index_1 changes branch while index_5 is added: index_5 points at index_1's old tree.
  a.set("components", J(R"([{"id":"index_1","index":0,"if":false},{"id":"index_5","index":1,"if":true}])"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({"0":{"d":[["0",1],["1",5]]},
      "c":{"1":{"0":{"0":"index_1","s":["\n  ELSE ","\n"]}},
           "5":{"0":{"0":"index_5"},"s":-1}}})"));
}

TEST(diff_components, inside_condition_inside_comprehension) {
  component_fixture f;
  template_ t = template_::compile(
      "<div>\n  <%= for c <- @components do %>\n    <%= if c.index > 1 do %><%= c.index %>: <%= live_component MyComponent, id: c.id, from: c.id %><% end %>\n  <% end %>\n</div>\n");
  assigns a(J(R"({"components":[{"id":"index_1","index":1},{"id":"index_2","index":2}]})"));
  EXPECT_EQ(f.r.render(t, a, f.ctx), J(R"({
      "0":{"d":[[""],[{"0":"2","1":1,"s":["",": ",""]}]],"s":["\n    ","\n  "]},
      "c":{"1":{"0":"index_2","1":"world","s":["FROM "," ","\n"]}},
      "s":["<div>\n  ","\n</div>\n"]})"));
}

TEST(diff_components, duplicate_ids_fail_the_render) {
  component_fixture f;
  template_ t = template_::compile(
      "<%= live_component MyComponent, id: \"SAME\", from: 1 %><%= live_component MyComponent, id: \"SAME\", from: 2 %>");
  assigns a(J("{}"));
  EXPECT_THROW(f.r.render(t, a, f.ctx), lvh::ref::render_error);
}

}  // namespace

TEST(Assigns, ChangeMarksKeepTheValueBeforeTheFirstChange) {
  assigns a(value{{"user", {{"name", "a"}}}, {"n", 1}});
  a.clear_changed();
  EXPECT_FALSE(a.set("n", 1));  // the same value: no change
  EXPECT_FALSE(a.any_changed());
  EXPECT_TRUE(a.set("user", value{{"name", "b"}}));
  EXPECT_TRUE(a.set("user", value{{"name", "c"}}));
  EXPECT_TRUE(a.set("n", 2));
  EXPECT_TRUE(a.set("fresh", "x"));
  EXPECT_EQ(a.changed_keys(), (std::vector<std::string>{"fresh", "n", "user"}));
  ASSERT_NE(a.previous("user"), nullptr);
  EXPECT_EQ(*a.previous("user"), (value{{"name", "a"}}));  // the first, not the second
  EXPECT_EQ(a.previous("n"), nullptr);                      // not a map
  EXPECT_EQ(a.get("user"), (value{{"name", "c"}}));
  EXPECT_EQ(a.get("n"), 2);
  a.mark_all_changed();
  EXPECT_TRUE(a.set("n", 3));
  EXPECT_EQ(a.previous("user"), nullptr);  // all changed: no previous values kept
  EXPECT_TRUE(a.changed("anything"));
}

TEST(Release, EmptiesTreesOfAnyDepthToNull) {
  value v = value::parse(R"({"a":[1,{"b":[[],{},"x"]}],"c":{"d":{"e":null}},"f":"g"})");
  lvh::ref::release(v);
  EXPECT_TRUE(v.is_null());
  value flat = {1, "two", 3.0};
  lvh::ref::release(flat);
  EXPECT_TRUE(flat.is_null());
  value scalar = "s";
  lvh::ref::release(scalar);
  EXPECT_TRUE(scalar.is_null());
  // Deeper than release walks: the rest goes the library's way, without recursion.
  value deep = value::array();
  value* at = &deep;
  for (int i = 0; i < 100000; ++i) {
    at->push_back(value::object());
    at = &(*at)[0]["k"];
    *at = value::array();
  }
  lvh::ref::release(deep);
  EXPECT_TRUE(deep.is_null());
}
