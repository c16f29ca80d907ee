// Property: for random templates (nesting, conditionals, comprehensions, stateful and
// stateless components) and random sequences of assign changes and component events, the
// engine's diffs merged by the protocol library (profile 0.15.7) give the same HTML as a
// fresh full render, and render_static is that full render as HTML.
#include <lvh/protocol/rendered.hpp>
#include <lvh/ref/engine.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <regex>

namespace {

using lvh::ref::assigns;
using lvh::ref::component_socket;
using lvh::ref::live_component;
using lvh::ref::render_context;
using lvh::ref::template_;
using lvh::ref::value;
using lvh::ref::view_renderer;
namespace proto = lvh::protocol;

class tally : public live_component {
 public:
  void mount(component_socket& s) override { s.assign("n", 0); }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<span class=\"t\"><%= @label %>:<%= @n %><%= if @n > 1 do %> many<% end %></span>", "tally");
    return t;
  }
  void handle_event(std::string_view, const value&, component_socket& s) override {
    s.assign("n", s.get("n").get<int>() + 1);
  }
};

class tag : public live_component {
 public:
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<em><%= for i <- 1..@size//1 do %>*<% end %><%= @label %></em>", "tag");
    return t;
  }
};

// Uniform over [lo, hi): inRange alone keeps small values while RapidCheck's size is small.
int pick(int lo, int hi) { return *rc::gen::resize(100, rc::gen::inRange(lo, hi)); }

struct gen_state {
  int loops = 0;
  int components = 0;
  bool any_component = false;
};

const char* texts[] = {"", "a", " ", "<i>x</i>", "&amp;", "\n", "<br/>"};
const char* scalars[] = {"@s0", "@s1", "@n0", "@n1"};

std::string gen_block(gen_state& st, int depth, const std::string& local, int nest = 0) {
  std::string out;
  int parts = pick(0, 4);
  for (int p = 0; p < parts; ++p) {
    out += texts[pick(0, 7)];
    int kind = pick(0, depth > 2 ? 3 : 7);
    switch (kind) {
      case 0: out += std::string("<%= ") + scalars[pick(0, 4)] + " %>"; break;
      case 1: out += local.empty() ? "<%= @n0 + 1 %>" : "<%= " + local + ".k %>"; break;
      case 2: out += "<%= \"lit<\" %>"; break;
      case 3:
        out += std::string("<%= if ") + (pick(0, 2) ? "@b0" : "@n0 > 1") + " do %>" +
               gen_block(st, depth + 1, local, nest) +
               (pick(0, 2) ? "<% else %>" + gen_block(st, depth + 1, local, nest) : std::string()) +
               "<% end %>";
        break;
      case 4: {
        std::string var = "x" + std::to_string(st.loops++);
        out += "<%= for " + var + " <- @items do %>" + gen_block(st, depth + 1, var, nest + 1) + "<% end %>";
        break;
      }
      case 5: {
        st.any_component = true;
        if (nest > 1) {  // ids from one loop's items would repeat under an outer loop
          out += "<%= live_component \"Tag\", size: 1, label: " + local + ".t %>";
        } else if (!local.empty()) {
          out += "<%= live_component \"Tally\", id: \"L" + std::to_string(st.loops) + "-\" <> " + local +
                 ".t, label: " + local + ".t %>";
          ++st.loops;  // a fresh prefix so the same items never give the same id twice
        } else {
          out += "<%= live_component \"Tally\", id: \"c" + std::to_string(st.components++) + "\", label: @s0 %>";
        }
        break;
      }
      default:
        st.any_component = true;
        out += "<%= live_component \"Tag\", size: @n1, label: " + (local.empty() ? std::string("@s1") : local + ".t") + " %>";
    }
  }
  return out + texts[pick(0, 7)];
}

value gen_items() {
  int n = pick(0, 4);
  value items = value::array();
  int k = pick(0, 3);
  for (int i = 0; i < n; ++i) {
    k += pick(1, 3);
    items.push_back({{"k", k}, {"t", "t" + std::to_string(k)}});
  }
  return items;
}

void random_change(assigns& a) {
  switch (pick(0, 6)) {
    case 0: a.set("s0", *rc::gen::element<std::string>("", "a", "<b>", "x'y")); break;
    case 1: a.set("s1", *rc::gen::element<std::string>("p", "q&r")); break;
    case 2: a.set("n0", pick(0, 4)); break;
    case 3: a.set("n1", pick(0, 3)); break;
    case 4: a.set("b0", *rc::gen::arbitrary<bool>()); break;
    default: a.set("items", gen_items()); break;
  }
}

std::string merged_html(proto::rendered& r, value diff) {
  auto d = proto::diff::from_json(std::move(diff), proto::client_profile::v0_15);
  RC_ASSERT(d.has_value());
  auto m = r.merge(*d);
  RC_ASSERT(m.has_value());
  return r.to_string();
}

RC_GTEST_PROP(diff_props, merged_diffs_equal_a_fresh_render, ()) {
  gen_state st;
  std::string src = gen_block(st, 0, "");
  RC_TAG(st.any_component ? "components" : "plain");
  template_ t = template_::compile(src, "random");
  lvh::ref::component_registry reg;
  reg.add<tally>("Tally");
  reg.add<tag>("Tag");

  assigns a(value{{"s0", "a"}, {"s1", "p"}, {"n0", 1}, {"n1", 2}, {"b0", true}, {"items", gen_items()}});
  view_renderer live(reg, "phx-prop");
  render_context ctx;
  proto::rendered client(proto::client_profile::v0_15, "phx-prop");
  merged_html(client, live.render(t, a, ctx));

  int steps = pick(1, 8);
  for (int s = 0; s < steps; ++s) {
    std::string html;
    bool event = st.any_component && live.component_count() > 0 && pick(0, 4) == 0;
    if (event) {
      int cid = pick(1, 64);
      value d = live.component_event(cid, "inc", value::object(), ctx);
      if (d.empty()) continue;  // no such component
      html = merged_html(client, std::move(d));
    } else {
      int changes = pick(1, 3);
      for (int c = 0; c < changes; ++c) random_change(a);
      html = merged_html(client, live.render(t, a, ctx));
    }
    if (event) continue;  // a fresh render would not know the component's own state

    // A fresh view with the same assigns, components at their current state: only
    // comparable when no component kept state of its own (its `n`).
    bool stateful_counts = false;
    for (int cid = 1; cid < 64; ++cid)
      if (auto* ca = live.component_assigns(cid); ca && ca->get("n") != 0) stateful_counts = true;
    if (stateful_counts) continue;
    view_renderer fresh(reg, "phx-prop");
    assigns fa(a.all());
    render_context fctx;
    value join = fresh.render(t, fa, fctx);
    proto::rendered fresh_client(proto::client_profile::v0_15, "phx-prop");
    std::string expected = merged_html(fresh_client, join);
    // cids differ between the two views: compare without the component markers.
    static const std::regex marker(" (data-phx-component=\"[0-9]+\"|id=\"phx-prop-[0-9]+-[0-9]+\")");
    RC_ASSERT(std::regex_replace(html, marker, "") == std::regex_replace(expected, marker, ""));
    render_context sctx;
    RC_ASSERT(live.render_static(t, a, sctx) == lvh::ref::rendered_to_html(join));
    if (!st.any_component) RC_ASSERT(live.render_static(t, a, sctx) == html);
  }
}

}  // namespace
