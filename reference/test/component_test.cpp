// Component lifecycle through the renderer: mount, update, preload, render, handle_event,
// send_update, stateless components, destroy, live_render and hoisted outputs.
#include <lvh/ref/engine.hpp>

#include <gtest/gtest.h>

namespace {

using lvh::ref::assigns;
using lvh::ref::component_registry;
using lvh::ref::component_socket;
using lvh::ref::live_component;
using lvh::ref::render_context;
using lvh::ref::template_;
using lvh::ref::value;
using lvh::ref::view_renderer;

value J(const char* text) { return value::parse(text); }

std::vector<std::string> journal;

class counter : public live_component {
 public:
  void mount(component_socket& s) override {
    journal.push_back("mount " + std::to_string(s.myself()));
    s.assign("n", 0);
  }
  void update(const value& a, component_socket& s) override {
    journal.push_back("update " + a.value("id", value()).dump());
    s.assign(a);
  }
  const template_& render(const component_socket&) const override {
    static const template_ t =
        template_::compile("<b phx-target=\"<%= @myself %>\"><%= @label %>=<%= @n %></b>", "counter");
    return t;
  }
  void handle_event(std::string_view event, const value& payload, component_socket& s) override {
    if (event == "noop") return;
    if (event == "ping") {
      s.push_event("pong", payload);
      return;
    }
    if (event == "go") {
      s.push_patch("/next");
      return;
    }
    if (event != "inc") throw std::runtime_error("no handle_event clause");
    s.assign("n", s.get("n").get<int>() + 1);
  }
};

class badge : public live_component {
 public:
  void mount(component_socket& s) override { s.assign("n", 0); }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile("<b><%= @label %>=<%= @n %><%= 7 %></b>", "badge");
    return t;
  }
};

class tree : public live_component {
 public:
  void preload(std::vector<value>& list) override {
    std::string ids;
    for (auto& a : list) {
      ids += a["id"].get<std::string>();
      a["preloaded"] = true;
    }
    journal.push_back("preload " + ids);
  }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<%= @id %><%= @preloaded %><%= for c <- @children do %><%= live_component \"Tree\", id: c.id, children: c.children %><% end %>",
        "tree");
    return t;
  }
};

// Opens on "open": its nested block then renders another box.
class box : public live_component {
 public:
  void handle_event(std::string_view, const value&, component_socket& s) override {
    s.assign("open", true);
  }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<%= if @open do %>[<%= live_component \"Box\", id: @child, open: @child_open, child: \"z\", "
        "child_open: false %>]<% end %><%= @id %>",
        "box");
    return t;
  }
};

struct fixture {
  component_registry reg;
  fixture() {
    journal.clear();
    reg.add<counter>("Counter");
    reg.add<tree>("Tree");
    reg.add<badge>("Badge");
    reg.add<box>("Box");
  }
};

TEST(components, lifecycle_event_and_send_update) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  template_ t = template_::compile("<%= live_component \"Counter\", id: \"a\", label: @label %>");
  assigns a(J(R"({"label":"A"})"));
  EXPECT_EQ(r.render(t, a, ctx), J(R"({"0":1,"c":{"1":{"0":"1","1":"A","2":"0","s":["<b phx-target=\"","\">","=","</b>"]}},"s":["",""]})"));
  EXPECT_EQ(journal, (std::vector<std::string>{"mount 1", "update \"a\""}));

  EXPECT_EQ(r.component_event(1, "inc", J("{}"), ctx), J(R"({"c":{"1":{"2":"1"}}})"));
  EXPECT_EQ(r.component_event(1, "noop", J("{}"), ctx), J(R"({"c":{}})"));
  EXPECT_EQ(r.component_event(9, "inc", J("{}"), ctx), J("{}"));
  EXPECT_THROW(r.component_event(1, "nope", J("{}"), ctx), std::runtime_error);

  EXPECT_EQ(r.component_event(1, "ping", J(R"({"x":1})"), ctx), J(R"({"c":{}})"));
  ASSERT_EQ(ctx.events.size(), 1u);
  EXPECT_EQ(ctx.events[0].event, "pong");
  r.component_event(1, "go", J("{}"), ctx);
  ASSERT_TRUE(ctx.navigation);
  EXPECT_EQ(ctx.navigation->to, "/next");

  EXPECT_EQ(r.update_component("Counter", "a", J(R"({"label":"Z"})"), ctx), J(R"({"c":{"1":{"1":"Z"}}})"));
  EXPECT_EQ(r.update_component("Counter", "zzz", J(R"({"label":"Z"})"), ctx), J("{}"));
  EXPECT_EQ(r.component_cid("Counter", "a"), 1);
  EXPECT_EQ(r.component_assigns(1)->get("label"), "Z");
}

TEST(components, destroy_only_what_was_marked_and_not_revived) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  template_ t = template_::compile("<%= for id <- @ids do %><%= live_component \"Counter\", id: id, label: id %><% end %>");
  assigns a(J(R"({"ids":["a","b"]})"));
  r.render(t, a, ctx);
  EXPECT_EQ(r.component_count(), 2u);
  r.will_destroy({1, 2});
  a.set("ids", J(R"(["b"])"));
  EXPECT_EQ(r.render(t, a, ctx), J(R"({"0":{"d":[[2]]}})"));  // b rendered again: revived
  EXPECT_EQ(r.destroy({1, 2, 7}), J(R"({"cids":[1]})"));
  EXPECT_FALSE(r.has_component(1));
  EXPECT_TRUE(r.has_component(2));
  a.set("ids", J(R"(["a","b"])"));  // a comes back under a new cid, pointing at b's statics
  EXPECT_EQ(r.render(t, a, ctx), J(R"({"0":{"d":[[3],[2]]},"c":{"3":{"0":"3","1":"a","2":"0","s":-2}}})"));
}

TEST(components, preload_runs_per_kind_per_round_and_cids_follow_render_order) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  template_ t = template_::compile("<%= live_component \"Tree\", id: \"R\", children: @children %>");
  assigns a(J(R"({"children":[
      {"id":"A","children":[{"id":"B","children":[]},{"id":"C","children":[]},{"id":"D","children":[]}]},
      {"id":"X","children":[{"id":"Y","children":[]},{"id":"Z","children":[]}]}]})"));
  value out = r.render(t, a, ctx);
  const char* ids = "RAXBCDYZ";
  for (int cid = 1; cid <= 8; ++cid)
    EXPECT_EQ(out["c"][std::to_string(cid)]["0"], std::string(1, ids[cid - 1])) << cid;
  EXPECT_EQ(journal, (std::vector<std::string>{"preload R", "preload AX", "preload BCDYZ"}));
  EXPECT_EQ(out["c"]["1"]["1"], "true");
}

TEST(components, stateless_renders_inline_every_time) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  template_ t = template_::compile("<%= live_component \"Badge\", label: @label %>");
  assigns a(J(R"({"label":"A"})"));
  EXPECT_EQ(r.render(t, a, ctx), J(R"({"0":{"0":"A","1":"0","2":"7","s":["<b>","=","","</b>"]},"s":["",""]})"));
  // A fresh mount each time: every assign counts as changed, literals stay untouched.
  a.set("label", "B");
  EXPECT_EQ(r.render(t, a, ctx), J(R"({"0":{"0":"B","1":"0"}})"));
  EXPECT_EQ(r.component_count(), 0u);
}

TEST(components, live_render_asks_the_context) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  value seen;
  ctx.live_render = [&](const std::string& name, const value& opts) {
    seen = opts;
    return "<div id=\"" + opts["id"].get<std::string>() + "\" data-phx-view=\"" + name + "\"></div>";
  };
  template_ t = template_::compile("<%= live_render @socket, Clock, id: \"clock\", session: @s %>");
  assigns a(J(R"({"s":{"tz":"UTC"}})"));
  EXPECT_EQ(r.render(t, a, ctx), J(R"({"0":"<div id=\"clock\" data-phx-view=\"Clock\"></div>","s":["",""]})"));
  EXPECT_EQ(seen, J(R"({"id":"clock","session":{"tz":"UTC"}})"));
  render_context without;
  view_renderer r2(f.reg, "v");
  assigns a2(J(R"({"s":{}})"));
  EXPECT_THROW(r2.render(t, a2, without), lvh::ref::render_error);
}

TEST(components, render_static_inlines_components_and_leaves_state_alone) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  template_ t = template_::compile("<p><%= live_component \"Counter\", id: 1, label: @label %></p>");
  assigns a(J(R"({"label":"<A>"})"));
  EXPECT_EQ(r.render_static(t, a, ctx), "<p><b phx-target=\"1\">&lt;A&gt;=0</b></p>");
  EXPECT_EQ(r.component_count(), 0u);
  EXPECT_EQ(r.render(t, a, ctx)["0"], 1);
}

}  // namespace

TEST(components, a_component_mounted_by_an_event_points_at_the_tree_the_client_holds) {
  fixture f;
  view_renderer r(f.reg, "v");
  render_context ctx;
  template_ t = template_::compile(
      "<%= live_component \"Box\", id: \"a\", open: false, child: \"b\", child_open: true %>");
  assigns a;
  r.render(t, a, ctx);
  // Box a opens and mounts b. b shares a's statics (s: -1) as the client holds them: from
  // before the event, when a's if rendered nothing. So b's if block comes with its statics;
  // a's tree after the event already has them and would leave them out.
  const value out = r.component_event(1, "open", J("{}"), ctx);
  ASSERT_TRUE(out["c"].contains("2")) << out.dump();
  const value& b = out["c"]["2"];
  EXPECT_EQ(b["s"], -1) << out.dump();
  ASSERT_TRUE(b["0"].is_object()) << out.dump();
  EXPECT_TRUE(b["0"].contains("s")) << out.dump();
  EXPECT_EQ(b["1"], "b");
}
