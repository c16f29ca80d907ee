// Unit tests of the DOM patcher; the differential proof is tests/interop/patch-interop.mjs.
#include <lvh/sim/patch.hpp>

#include <lvh/dom/html.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace {

using json = nlohmann::json;
using lvh::protocol::client_profile;
using lvh::sim::patch_options;
using lvh::sim::view_patcher;

std::unique_ptr<lvh::dom::node> container(std::string_view inner) {
  auto c = lvh::dom::node::make_element("div");
  c->set_attribute("id", "lv");
  auto frag = lvh::dom::parse_fragment(inner, "div");
  while (frag->child_count() > 0) c->append_child(frag->remove_child(0));
  return c;
}

lvh::dom::node* by_id(lvh::dom::node& root, std::string_view id) {
  for (const auto& c : root.children()) {
    if (!c->is_element()) continue;
    if (const auto* a = c->get_attribute("id"); a && *a == id) return c.get();
    if (auto* f = by_id(*c, id)) return f;
  }
  return nullptr;
}

TEST(patch, attributes_changed_in_place_new_ones_appended_in_reverse) {
  auto c = container(R"(<p id="a" class="x" title="t">hi</p>)");
  view_patcher p(client_profile::v1_0, "lv");
  p.full(*c, R"(<p id="a" class="y" data-one="1" data-two="2">hi</p>)");
  EXPECT_EQ(lvh::dom::serialize_children(*c),
            R"(<p id="a" class="y" data-two="2" data-one="1">hi</p>)");
}

TEST(patch, keyed_children_are_moved_not_recreated) {
  auto c = container(R"(<ul><li id="1">a</li><li id="2">b</li></ul>)");
  lvh::dom::node* two = by_id(*c, "2");
  view_patcher p(client_profile::v0_15, "lv");
  auto r = p.full(*c, R"(<ul><li id="2">b</li><li id="1">a</li></ul>)");
  EXPECT_EQ(lvh::dom::serialize_children(*c), R"(<ul><li id="2">b</li><li id="1">a</li></ul>)");
  EXPECT_EQ(by_id(*c, "2"), two);
  EXPECT_TRUE(r.removed.empty());
}

TEST(patch, ignore_keeps_children_and_merges_attributes) {
  auto c = container(R"(<div id="i" phx-update="ignore" class="a">typed</div>)");
  view_patcher p(client_profile::v0_20, "lv");
  p.full(*c, R"(<div id="i" phx-update="ignore" class="b" data-x="1">server</div>)");
  EXPECT_EQ(lvh::dom::serialize_children(*c),
            R"(<div id="i" phx-update="ignore" class="b" data-x="1">typed</div>)");
}

TEST(patch, append_keeps_old_children_and_updates_duplicates) {
  for (auto prof : lvh::protocol::all_client_profiles) {
    auto c = container(R"(<ul id="m" phx-update="append"><li id="a">1</li><li id="b">2</li></ul>)");
    view_patcher p(prof, "lv");
    p.full(*c, R"(<ul id="m" phx-update="append"><li id="b">2!</li><li id="c">3</li></ul>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="m" phx-update="append"><li id="a">1</li><li id="b">2!</li><li id="c">3</li></ul>)")
        << lvh::protocol::name(prof);
  }
}

TEST(patch, prepend_puts_new_children_first) {
  auto c = container(R"(<ul id="m" phx-update="prepend"><li id="a">1</li></ul>)");
  view_patcher p(client_profile::v0_18, "lv");
  p.full(*c, R"(<ul id="m" phx-update="prepend"><li id="b">2</li><li id="c">3</li></ul>)");
  EXPECT_EQ(lvh::dom::serialize_children(*c),
            R"(<ul id="m" phx-update="prepend"><li id="b">2</li><li id="c">3</li><li id="a">1</li></ul>)");
}

// Found by fuzz/dom_patch: a prepended child carrying its container's own id made the
// container its own child. The browser refuses that move; the tree must stay a tree.
TEST(patch, prepended_child_with_the_containers_id_leaves_a_tree) {
  for (auto profile : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20,
                       client_profile::v1_0, client_profile::v1_2}) {
    auto c = container(R"(<ul id="a" phx-update="prepend"></ul>)");
    view_patcher p(profile, "lv");
    p.full(*c, R"(<ul id="a" phx-update="prepend"><li id="a"></li><li id="b"></li></ul>)");
    lvh::dom::node* b = by_id(*c, "b");
    ASSERT_NE(b, nullptr);
    int depth = 0;
    for (auto* n = b; n && depth < 10; n = n->parent()) ++depth;
    EXPECT_LT(depth, 10) << "the parent chain loops";
    EXPECT_EQ(b->parent()->parent(), c.get());
  }
}

TEST(patch, focused_input_keeps_its_value) {
  auto c = container(R"(<input id="q" name="q" value="typed">)");
  view_patcher p(client_profile::v1_2, "lv");
  patch_options o;
  o.focused = by_id(*c, "q");
  p.full(*c, R"(<input id="q" name="q" value="server" class="x">)", {}, o);
  EXPECT_EQ(lvh::dom::serialize_children(*c), R"(<input id="q" name="q" value="typed" class="x">)");
}

TEST(patch, focused_input_value_attribute_is_merged_in_0_15) {
  // 0.15.7's mergeFocusedInput names its exclusion `except`, which mergeAttrs does not read:
  // the value attribute follows the server (what the user typed is the live value, kept).
  for (auto p : lvh::protocol::all_client_profiles) {
    auto c = container(R"(<input id="q" name="q" value="typed">)");
    view_patcher vp(p, "lv");
    patch_options o;
    o.focused = by_id(*c, "q");
    vp.full(*c, R"(<input id="q" name="q" value="server" class="x">)", {}, o);
    const char* value = p == client_profile::v0_15 ? "server" : "typed";
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              std::string(R"(<input id="q" name="q" value=")") + value + R"(" class="x">)")
        << lvh::protocol::name(p);
  }
}

TEST(patch, nested_view_children_are_left_alone) {
  auto c = container(
      R"(<div id="child" data-phx-session="S" data-phx-parent-id="lv"><p>child content</p></div>)");
  view_patcher p(client_profile::v1_0, "lv");
  auto r = p.full(*c, R"(<div id="child" data-phx-session="S2" data-phx-parent-id="lv"></div>)");
  EXPECT_EQ(lvh::dom::serialize_children(*c),
            R"(<div id="child" data-phx-session="S" data-phx-parent-id="lv" data-phx-root-id="lv"><p>child content</p></div>)");
  auto r2 = p.full(*c, "<p>gone</p>");
  ASSERT_EQ(r2.nested_removed.size(), 1u);
  EXPECT_EQ(r2.nested_removed[0].id, "child");
}

TEST(patch, component_patch_replaces_only_that_component) {
  auto c = container(
      R"(<div id="x" data-phx-component="1">one</div><div id="y" data-phx-component="2">two</div>)");
  view_patcher p(client_profile::v0_15, "lv");
  auto r = p.component(*c, 2, R"(<div id="y" data-phx-component="2">TWO</div>)");
  EXPECT_EQ(lvh::dom::serialize_children(*c),
            R"(<div id="x" data-phx-component="1">one</div><div id="y" data-phx-component="2">TWO</div>)");
  EXPECT_EQ(r.patched_cids, std::vector<int>{2});
  auto none = p.component(*c, 9, "<div>nine</div>");
  EXPECT_EQ(none.patch, lvh::sim::patch_report::kind::none);
}

TEST(patch, trigger_action_form_is_reported) {
  auto c = container(R"(<form id="f"></form>)");
  view_patcher p(client_profile::v0_20, "lv");
  auto r = p.full(*c, R"(<form id="f" phx-trigger-action></form>)");
  ASSERT_NE(r.trigger_action, nullptr);
  EXPECT_EQ(*r.trigger_action->get_attribute("id"), "f");
}

// -- streams ------------------------------------------------------------------------------
// The same steps as tests/interop/patch-streams/patch-streams-ops-*.json; the expected
// markup is what the official clients produce under jsdom for those files.

struct stream_insert {
  std::string id;
  int at;
  json limit;
  json update_only;
};
struct stream_step {
  std::vector<std::pair<std::string, std::string>> items;
  std::vector<stream_insert> inserts;
  std::vector<std::string> deletes;
  bool reset;
};

/// One diff of a view `<ul id="items" phx-update="stream">…</ul><p>{n}</p>`, in the wire
/// shape of `profile` (0.20: inserts map; 1.0: list; 1.2: keyed comprehension + update_only).
json stream_diff(client_profile profile, const stream_step& st, int n) {
  json ins = profile == client_profile::v0_20 ? json::object() : json::array();
  for (const auto& i : st.inserts) {
    if (profile == client_profile::v0_20) ins[i.id] = json::array({i.at, i.limit});
    else if (profile == client_profile::v1_0) ins.push_back(json::array({i.id, i.at, i.limit}));
    else ins.push_back(json::array({i.id, i.at, i.limit, i.update_only}));
  }
  json stream = json::array({"s", ins, st.deletes});
  if (st.reset) stream.push_back(true);
  json comp;
  if (profile == client_profile::v1_2) {
    json k = json::object();
    for (std::size_t j = 0; j < st.items.size(); ++j)
      k[std::to_string(j)] = {{"0", st.items[j].first}, {"1", st.items[j].second}};
    k["kc"] = st.items.size();
    comp = {{"k", k}, {"stream", stream}};
    if (n == 0) comp["s"] = 0;
  } else {
    json d = json::array();
    for (const auto& [id, text] : st.items) d.push_back(json::array({id, text}));
    comp = {{"d", d}, {"stream", stream}};
    if (n == 0) comp["s"] = json::array({"<li id=\"", "\">", "</li>"});
  }
  json diff = {{"0", comp}, {"1", std::to_string(n)}};
  if (n == 0) {
    json root = json::array({"<ul id=\"items\" phx-update=\"stream\">", "</ul><p>", "</p>"});
    if (profile == client_profile::v1_2) {
      diff["s"] = 1;
      diff["p"] = {{"0", json::array({"<li id=\"", "\">", "</li>"})}, {"1", root}};
    } else {
      diff["s"] = root;
    }
  }
  return diff;
}

std::string items_html(std::initializer_list<std::pair<const char*, const char*>> items, int n) {
  std::string out = R"(<ul id="items" phx-update="stream">)";
  for (const auto& [id, text] : items)
    out += std::string(R"(<li id=")") + id + R"(" data-phx-stream="s">)" + text + "</li>";
  return out + "</ul><p>" + std::to_string(n) + "</p>";
}

/// Runs the steps through view_dom (join, then updates); the container's markup per step.
std::vector<std::string> run_stream(client_profile profile, const std::vector<stream_step>& steps) {
  auto c = container("");
  lvh::sim::view_dom view(profile, "lv");
  std::vector<std::string> out;
  for (std::size_t n = 0; n < steps.size(); ++n) {
    auto d = lvh::protocol::diff::from_json(stream_diff(profile, steps[n], static_cast<int>(n)), profile);
    if (!d) {
      out.push_back("diff error: " + d.error().message());
      continue;
    }
    auto r = n == 0 ? view.join(*c, std::move(*d)) : view.update(*c, *d);
    out.push_back(r ? lvh::dom::serialize_children(*c) : "patch error: " + r.error().message());
  }
  return out;
}

const std::vector<stream_step>& stream_ops() {
  static const std::vector<stream_step> steps{
      {{{"i-1", "one"}, {"i-2", "two"}}, {{"i-1", -1, nullptr, nullptr}, {"i-2", -1, nullptr, nullptr}}, {}, false},
      {{{"i-3", "three"}}, {{"i-3", 0, nullptr, nullptr}}, {}, false},
      {{{"i-4", "four"}}, {{"i-4", 1, nullptr, nullptr}}, {}, false},
      {{{"i-5", "five"}}, {{"i-5", -1, -3, nullptr}}, {}, false},
      {{{"i-6", "six"}}, {{"i-6", 0, 3, nullptr}}, {}, false},
      {{}, {}, {"i-4"}, false},
      {{}, {}, {}, false},
      {{{"i-2", "TWO"}}, {{"i-2", 0, nullptr, nullptr}}, {}, false},
      {{{"i-9", "nine"}, {"i-6", "SIX"}}, {{"i-9", -1, nullptr, nullptr}, {"i-6", 0, nullptr, nullptr}}, {}, true},
      {{{"i-8", "eight"}}, {{"i-8", -1, 0, nullptr}}, {}, false},
  };
  return steps;
}

class stream_ops_test : public ::testing::TestWithParam<client_profile> {};

TEST_P(stream_ops_test, inserts_limits_deletes_and_reset_as_the_client_does) {
  const client_profile p = GetParam();
  auto html = run_stream(p, stream_ops());
  ASSERT_EQ(html.size(), 10u);
  // Appended at -1 on join.
  EXPECT_EQ(html[0], items_html({{"i-1", "one"}, {"i-2", "two"}}, 0));
  // At 0: first; at 1: before the item at index 1.
  EXPECT_EQ(html[1], items_html({{"i-3", "three"}, {"i-1", "one"}, {"i-2", "two"}}, 1));
  EXPECT_EQ(html[2], items_html({{"i-3", "three"}, {"i-4", "four"}, {"i-1", "one"}, {"i-2", "two"}}, 2));
  // Limit -3 keeps the last three, limit 3 the first three.
  EXPECT_EQ(html[3], items_html({{"i-1", "one"}, {"i-2", "two"}, {"i-5", "five"}}, 3));
  EXPECT_EQ(html[4], items_html({{"i-6", "six"}, {"i-1", "one"}, {"i-2", "two"}}, 4));
  // A delete of an id no longer shown changes nothing; a render without stream entries
  // keeps every item.
  EXPECT_EQ(html[5], items_html({{"i-6", "six"}, {"i-1", "one"}, {"i-2", "two"}}, 5));
  EXPECT_EQ(html[6], items_html({{"i-6", "six"}, {"i-1", "one"}, {"i-2", "two"}}, 6));
  // An item shown again with at 0: 0.20 moves it first, 1.x updates it where it is.
  if (p == client_profile::v0_20)
    EXPECT_EQ(html[7], items_html({{"i-2", "TWO"}, {"i-6", "six"}, {"i-1", "one"}}, 7));
  else
    EXPECT_EQ(html[7], items_html({{"i-6", "six"}, {"i-1", "one"}, {"i-2", "TWO"}}, 7));
  // Reset: only the reset render's items, in their insert order.
  EXPECT_EQ(html[8], items_html({{"i-6", "SIX"}, {"i-9", "nine"}}, 8));
  // Limit 0: ignored up to 1.0, empties the list in 1.2.
  if (p == client_profile::v1_2)
    EXPECT_EQ(html[9], items_html({}, 9));
  else
    EXPECT_EQ(html[9], items_html({{"i-6", "SIX"}, {"i-9", "nine"}, {"i-8", "eight"}}, 9));
}

INSTANTIATE_TEST_SUITE_P(profiles, stream_ops_test,
                         ::testing::Values(client_profile::v0_20, client_profile::v1_0,
                                           client_profile::v1_2),
                         [](const auto& param_info) {
                           std::string n(lvh::protocol::name(param_info.param));
                           for (char& ch : n)
                             if (ch == '.') ch = '_';
                           return n;
                         });

TEST(patch_streams, update_only_inserts_touch_only_items_already_shown_1_2) {
  auto steps = stream_ops();
  steps.resize(9);  // up to the reset: i-6, i-9 shown
  steps.push_back({{{"i-9", "NINE"}, {"i-7", "seven"}},
                   {{"i-9", -1, nullptr, true}, {"i-7", -1, nullptr, true}}, {}, false});
  auto html = run_stream(client_profile::v1_2, steps);
  ASSERT_EQ(html.size(), 10u);
  EXPECT_EQ(html[9], items_html({{"i-6", "SIX"}, {"i-9", "NINE"}}, 9));
}

TEST(patch_streams, join_drops_stream_items_of_the_dead_render_1_x) {
  for (auto p : {client_profile::v1_0, client_profile::v1_2}) {
    auto c = container(R"(<ul id="items" phx-update="stream"><li id="old">dead</li></ul>)");
    view_patcher vp(p, "lv");
    vp.join(*c, R"(<ul id="items" phx-update="stream"><li id="i-1">one</li></ul>)",
            {json::array({"s", json::array({json::array({"i-1", -1, nullptr})}), json::array()})});
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li id="i-1" data-phx-stream="s">one</li></ul>)")
        << lvh::protocol::name(p);
  }
}

TEST(patch_streams, items_without_instructions_are_neither_added_nor_removed) {
  // A stream container's children are never matched against the new markup (0.20+): a
  // render that lists no entries keeps what is there, and markup for an item nobody
  // inserted is still added (appended).
  for (auto p : {client_profile::v0_20, client_profile::v1_0, client_profile::v1_2}) {
    auto c = container(R"(<ul id="items" phx-update="stream"><li id="a" data-phx-stream="s">a</li></ul>)");
    view_patcher vp(p, "lv");
    vp.full(*c, R"(<ul id="items" phx-update="stream"></ul>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li id="a" data-phx-stream="s">a</li></ul>)")
        << lvh::protocol::name(p);
    auto r = vp.full(*c, R"(<ul id="items" phx-update="stream"><li id="b">b</li></ul>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li id="a" data-phx-stream="s">a</li><li id="b">b</li></ul>)")
        << lvh::protocol::name(p);
    EXPECT_TRUE(r.removed.empty());
  }
}

TEST(patch_streams, children_without_an_id_are_dropped_from_a_stream_containers_new_markup_1_x) {
  // 1.0+ cleans a stream container's new markup as an append/prepend one (≤0.20: not): its
  // <li> without an id is never added, so it does not take the keyed <ul id="r"> out of the
  // old DOM and morph the nested <li id="s"> again, which keeps the <a> that the first
  // <li id="s"> (morphdom's lookup holds the last element with that id) put in it.
  // (fuzz corpus: crash-added-then-removed-in-one-patch; interop: patch-added-then-removed)
  auto html = [](const char* text) {
    return std::string(R"(<u phx-update="stream"><li id="s"><a>)") + text +
           R"(</a></li><li><ul id="r"><li id="s"></li></ul></li></u>)";
  };
  for (auto p : {client_profile::v0_20, client_profile::v1_0, client_profile::v1_2}) {
    auto c = container("");
    view_patcher vp(p, "lv");
    vp.join(*c, html("1"));
    vp.full(*c, html("2"));
    if (p == client_profile::v0_20)
      EXPECT_EQ(lvh::dom::serialize_children(*c),
                R"(<u phx-update="stream"><li id="s"><a>1</a></li><li></li>)"
                R"(<li><ul id="r"><li id="s"></li></ul></li></u>)");
    else
      EXPECT_EQ(lvh::dom::serialize_children(*c),
                R"(<u phx-update="stream"><li id="s"><a>1</a></li>)"
                R"(<li><ul id="r"><li id="s"><a>2</a></li></ul></li></u>)")
          << lvh::protocol::name(p);
  }
}

TEST(patch_streams, stream_ref_stays_on_an_item_morphed_outside_of_an_insert) {
  // The client sets data-phx-stream as a sticky operation of the element and applies it
  // again whenever it patches the element, so an item matched by id in a later render that
  // does not insert it (here: a second element with its id) keeps the attribute. An element
  // that has the attribute from the server's markup has no such operation and loses it.
  for (auto p : {client_profile::v0_20, client_profile::v1_0, client_profile::v1_2}) {
    auto c = container("");
    view_patcher vp(p, "lv");
    vp.join(*c, R"(<ul id="items" phx-update="stream"><li id="i-1">one</li><li id="x" data-phx-stream="s">x</li></ul>)",
            {json::array({"s", json::array({json::array({"i-1", -1, nullptr})}), json::array()})});
    ASSERT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li id="i-1" data-phx-stream="s">one</li>)"
              R"(<li id="x" data-phx-stream="s">x</li></ul>)")
        << lvh::protocol::name(p);
    const lvh::dom::node* item = by_id(*c, "i-1");
    vp.full(*c, R"(<ul id="items" phx-update="stream"><li id="i-1">uno</li><li id="x">y</li></ul>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li id="i-1" data-phx-stream="s">uno</li>)"
              R"(<li id="x">y</li></ul>)")
        << lvh::protocol::name(p);
    EXPECT_EQ(by_id(*c, "i-1"), item) << lvh::protocol::name(p);
    // Still there on the next patch of the same element.
    vp.full(*c, R"(<ul id="items" phx-update="stream"><li id="i-1">eins</li></ul>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li id="i-1" data-phx-stream="s">eins</li>)"
              R"(<li id="x">y</li></ul>)")
        << lvh::protocol::name(p);
  }
}

TEST(patch_streams, delete_of_a_duplicate_id_removes_the_first_element_in_tree_order) {
  // 0.20/1.0 look the id up with querySelector, 1.2 with getElementById: in a browser both
  // answer the first element in tree order (jsdom's getElementById answers the one attached
  // first; the interop oracle corrects that).
  for (auto p : {client_profile::v0_20, client_profile::v1_0, client_profile::v1_2}) {
    auto c = container(R"(<ul id="items" phx-update="stream"><li><b id="i-1">nested</b></li>)"
                       R"(<li id="i-1" data-phx-stream="s">one</li><li id="i-2">two</li></ul>)");
    view_patcher vp(p, "lv");
    vp.full(*c, R"(<ul id="items" phx-update="stream"><li id="i-2">two</li></ul>)",
            {json::array({"s", json::array(), json::array({"i-1"})})});
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<ul id="items" phx-update="stream"><li></li><li id="i-1" data-phx-stream="s">one</li>)"
              R"(<li id="i-2">two</li></ul>)")
        << lvh::protocol::name(p);
  }
}

// -- pending refs ---------------------------------------------------------------------------

TEST(patch_refs, element_waiting_for_an_ack_keeps_its_loading_state_up_to_0_20) {
  // ≤0.20: data-phx-ref (+ data-phx-ref-src from 0.18) and the phx-*-loading classes are
  // carried over to the new markup; the rest of the element is patched.
  struct expect {
    client_profile p;
    const char* html;
  };
  for (auto [p, want] : {
           expect{client_profile::v0_15,
                  R"(<button id="b" class="btn phx-click-loading" data-phx-ref="3">Save!</button>)"},
           expect{client_profile::v0_18,
                  R"(<button id="b" class="btn phx-click-loading" data-phx-ref="3" data-phx-ref-src="lv">Save!</button>)"},
           expect{client_profile::v0_20,
                  R"(<button id="b" class="btn phx-click-loading" data-phx-ref="3" data-phx-ref-src="lv">Save!</button>)"},
       }) {
    auto c = container(
        R"(<button id="b" class="btn phx-click-loading" data-phx-ref="3" data-phx-ref-src="lv">Save</button>)");
    view_patcher vp(p, "lv");
    vp.full(*c, R"(<button id="b" class="btn">Save!</button>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c), want) << lvh::protocol::name(p);
  }
}

TEST(patch_refs, pending_form_controls_and_disable_with_are_not_patched_up_to_0_20) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    const char* before =
        R"(<input id="q" name="q" value="old" data-phx-ref="1"><button id="s" phx-disable-with="…" data-phx-ref="1">…</button>)";
    auto c = container(before);
    view_patcher vp(p, "lv");
    auto r = vp.full(*c, R"(<input id="q" name="q" value="new"><button id="s" phx-disable-with="…">Go</button>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c), before) << lvh::protocol::name(p);
    EXPECT_TRUE(r.updated.empty()) << lvh::protocol::name(p);
    // The markup is held for the ack (View.undoRefs patches it in once the ref is off).
    lvh::dom::node* q = by_id(*c, "q");
    const lvh::dom::node* held = vp.held_update(*q);
    ASSERT_NE(held, nullptr) << lvh::protocol::name(p);
    EXPECT_EQ(lvh::dom::serialize(*held), R"(<input id="q" name="q" value="new">)");
    q->remove_attribute("data-phx-ref");  // loading's undo
    auto u = vp.unlock(*c, *q, 1);
    EXPECT_EQ(u.patch, lvh::sim::patch_report::kind::full);
    EXPECT_EQ(lvh::dom::serialize(*q), R"(<input id="q" name="q" value="new">)")
        << lvh::protocol::name(p);
    EXPECT_EQ(vp.held_update(*q), nullptr);
  }
}

TEST(patch_refs, held_update_of_a_focused_control_merges_attributes_as_the_release_does) {
  // DOMPatch.patchEl → mergeFocusedInput: attributes but `value` (0.15.7: `value` too),
  // and none on a select.
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container(
        R"(<input id="q" name="q" value="old" data-phx-ref="1">)"
        R"(<select id="s" name="s" data-phx-ref="1"><option>a</option></select>)");
    view_patcher vp(p, "lv");
    vp.full(*c, R"(<input id="q" name="q" value="new" class="x">)"
                R"(<select id="s" name="s" class="y"><option>a</option></select>)");
    for (const char* id : {"q", "s"}) {
      lvh::dom::node* el = by_id(*c, id);
      el->remove_attribute("data-phx-ref");  // loading's undo
      patch_options o;
      o.focused = el;
      vp.unlock(*c, *el, 1, o);
    }
    const std::string value = p == client_profile::v0_15 ? "new" : "old";
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<input id="q" name="q" value=")" + value + R"(" class="x">)" +
                  R"(<select id="s" name="s"><option>a</option></select>)")
        << lvh::protocol::name(p);
  }
}

TEST(patch_refs, pending_attributes_and_classes_survive_a_patch_1_x) {
  for (auto p : {client_profile::v1_0, client_profile::v1_2}) {
    auto c = container(
        R"(<button id="b" class="phx-submit-loading" data-phx-ref-src="lv" data-phx-ref-loading="4">Save</button><p>x</p>)");
    view_patcher vp(p, "lv");
    vp.full(*c, R"(<button id="b" class="primary">Saved</button><p>y</p>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<button id="b" class="primary phx-submit-loading" data-phx-ref-src="lv" data-phx-ref-loading="4">Saved</button><p>y</p>)")
        << lvh::protocol::name(p);
    // Without data-phx-ref-src the markers are the server's business: dropped.
    auto d = container(R"(<button id="b" class="phx-click-loading" data-phx-ref-loading="4">Save</button>)");
    vp.full(*d, R"(<button id="b">Save</button>)");
    EXPECT_EQ(lvh::dom::serialize_children(*d), R"(<button id="b">Save</button>)")
        << lvh::protocol::name(p);
  }
}

TEST(patch_refs, join_drops_the_refs_of_this_view) {
  // View.onJoin: acks of the old channel never come. 0.15 clears every data-phx-ref;
  // later releases only refs whose data-phx-ref-src is this view (then patched normally).
  struct expect {
    client_profile p;
    const char* html;
  };
  const char* dead =
      R"(<a id="mine" class="phx-click-loading" data-phx-ref="2" data-phx-ref-src="lv" data-phx-ref-loading="2">a</a>)"
      R"(<a id="theirs" class="phx-click-loading" data-phx-ref="2" data-phx-ref-src="other" data-phx-ref-loading="2">a</a>)";
  for (auto [p, want] : {
           expect{client_profile::v0_15,
                  R"(<a id="mine">b</a><a id="theirs">b</a>)"},
           expect{client_profile::v0_20,
                  R"(<a id="mine">b</a><a id="theirs" class="phx-click-loading" data-phx-ref="2" data-phx-ref-src="other">b</a>)"},
           expect{client_profile::v1_0,
                  R"(<a id="mine">b</a><a id="theirs" class="phx-click-loading" data-phx-ref-src="other" data-phx-ref-loading="2">b</a>)"},
       }) {
    auto c = container(dead);
    lvh::sim::view_dom view(p, "lv");
    auto d = lvh::protocol::diff::from_json(
        {{"0", "b"}, {"1", "b"}, {"s", {R"(<a id="mine">)", R"(</a><a id="theirs">)", "</a>"}}}, p);
    ASSERT_TRUE(d) << lvh::protocol::name(p);
    auto r = view.join(*c, std::move(*d));
    ASSERT_TRUE(r);
    EXPECT_EQ(lvh::dom::serialize_children(*c), want) << lvh::protocol::name(p);
  }
}

TEST(patch_refs, locked_element_is_patched_in_a_clone_until_unlocked_1_x) {
  for (auto p : {client_profile::v1_0, client_profile::v1_2}) {
    const char* locked =
        R"(<form id="f" class="phx-submit-loading" data-phx-ref-src="lv" data-phx-ref-lock="4" data-phx-ref-loading="4"><span>old</span></form>)";
    auto c = container(locked);
    view_patcher vp(p, "lv");
    lvh::dom::node* form = by_id(*c, "f");
    vp.full(*c, R"(<form id="f" class="x"><span>new</span></form>)");
    // The element is left as it was; its clone holds the update.
    EXPECT_EQ(lvh::dom::serialize_children(*c), locked) << lvh::protocol::name(p);
    const lvh::dom::node* held = vp.held_update(*form);
    ASSERT_NE(held, nullptr) << lvh::protocol::name(p);
    EXPECT_EQ(lvh::dom::serialize_children(*held), "<span>new</span>");
    // A later patch goes to the same clone.
    vp.full(*c, R"(<form id="f" class="x"><span>newer</span></form>)");
    EXPECT_EQ(vp.held_update(*form), held);
    EXPECT_EQ(lvh::dom::serialize_children(*held), "<span>newer</span>");
    // An ack older than the lock does not release it.
    EXPECT_EQ(vp.unlock(*c, *form, 3).patch, lvh::sim::patch_report::kind::none);
    EXPECT_EQ(vp.held_update(*form), held);
    // The ack of ref 4: the clone is applied to the element and forgotten.
    auto r = vp.unlock(*c, *form, 4);
    EXPECT_EQ(r.patch, lvh::sim::patch_report::kind::full);
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<form id="f" class="x phx-submit-loading" data-phx-ref-src="lv" data-phx-ref-lock="4" data-phx-ref-loading="4"><span>newer</span></form>)")
        << lvh::protocol::name(p);
    EXPECT_EQ(vp.held_update(*form), nullptr);
  }
}

// -- phx-remove -------------------------------------------------------------------------------

TEST(patch_remove, without_a_timed_transition_the_element_goes_with_the_patch) {
  for (auto p : {client_profile::v0_18, client_profile::v0_20, client_profile::v1_0,
                 client_profile::v1_2}) {
    auto c = container(R"(<div id="r" phx-remove='[["hide",{}]]'>x</div><p>a</p>)");
    view_patcher vp(p, "lv");
    auto r = vp.full(*c, "<p>b</p>");
    EXPECT_EQ(lvh::dom::serialize_children(*c), "<p>b</p>") << lvh::protocol::name(p);
    EXPECT_TRUE(r.pending_removes.empty());
    ASSERT_EQ(r.removed.size(), 1u);
    EXPECT_EQ(*r.removed[0]->get_attribute("id"), "r");
  }
}

TEST(patch_remove, a_timed_transition_keeps_the_element_until_the_caller_removes_it) {
  for (auto p : {client_profile::v0_18, client_profile::v0_20, client_profile::v1_0,
                 client_profile::v1_2}) {
    const char* el =
        R"(<div id="r" phx-remove='[["transition",{"transition":[["fade"],[],[]],"time":100}]]'>x</div>)";
    auto c = container(std::string(el) + "<p>a</p>");
    view_patcher vp(p, "lv");
    auto r = vp.full(*c, "<p>b</p>");
    ASSERT_EQ(r.pending_removes.size(), 1u) << lvh::protocol::name(p);
    EXPECT_EQ(r.pending_removes[0], by_id(*c, "r"));
    EXPECT_TRUE(r.removed.empty());
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<div id="r" phx-remove="[[&quot;transition&quot;,{&quot;transition&quot;:[[&quot;fade&quot;],[],[]],&quot;time&quot;:100}]]">x</div><p>b</p>)");
  }
}

TEST(patch_remove, an_element_that_left_with_its_parent_is_not_pending) {
  // The keyed <p> is removed last (a keyed removal), after its parent left: its phx-remove
  // runs off the page, and there is nothing left for the caller to remove.
  // Found by fuzz/dom_patch (corpus: crash-pending-remove-left-with-parent).
  for (auto p : {client_profile::v0_18, client_profile::v0_20, client_profile::v1_0,
                 client_profile::v1_2}) {
    auto c = container(
        R"(<u><p id="r" phx-remove='[["transition",{"transition":[["fade"],[],[]],"time":100}]]'>)"
        R"(x</p></u>)");
    view_patcher vp(p, "lv");
    auto r = vp.full(*c, "<i>b</i>");
    EXPECT_EQ(lvh::dom::serialize_children(*c), "<i>b</i>") << lvh::protocol::name(p);
    EXPECT_TRUE(r.pending_removes.empty()) << lvh::protocol::name(p);
  }
}

TEST(patch_remove, empty_value_is_an_ordinary_removal_in_0_18_and_ignored_before) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18}) {
    auto c = container(R"(<div id="r" phx-remove="">x</div><p>a</p>)");
    view_patcher vp(p, "lv");
    auto r = vp.full(*c, "<p>b</p>");
    EXPECT_EQ(lvh::dom::serialize_children(*c), "<p>b</p>") << lvh::protocol::name(p);
    EXPECT_TRUE(r.pending_removes.empty());
  }
}

// -- phx-feedback-for (≤0.20) ------------------------------------------------------------------

// A form whose dead render has no errors; the join renders one per input.
constexpr const char* feedback_dead =
    R"(<form id="f"><input id="user_name" name="user[name]">)"
    R"(<input id="user_email" name="user[email]"></form>)";
std::string feedback_form(std::string_view name_for, std::string_view email_for,
                          std::string_view name_class = "e", std::string_view email_class = "e") {
  std::string h = R"(<form id="f"><input id="user_name" name="user[name]">)";
  h += R"(<span class=")" + std::string(name_class) + R"(" phx-feedback-for=")" +
       std::string(name_for) + R"(">n</span>)";
  h += R"(<input id="user_email" name="user[email]">)";
  h += R"(<span class=")" + std::string(email_class) + R"(" phx-feedback-for=")" +
       std::string(email_for) + R"(">m</span></form>)";
  return h;
}

patch_options used_by_name(std::vector<std::string> names) {
  patch_options o;
  o.used = [names](const lvh::dom::node& c) {
    const std::string* n = c.get_attribute("name");
    return n && std::find(names.begin(), names.end(), *n) != names.end();
  };
  return o;
}

TEST(patch_feedback, errors_of_unused_controls_get_phx_no_feedback_until_used) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container(feedback_dead);
    view_patcher vp(p, "lv");
    const std::string markup = feedback_form("user[name]", "user[email]");
    vp.join(*c, markup, {}, used_by_name({"user[name]"}));
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              feedback_form("user[name]", "user[email]", "e", "e phx-no-feedback"))
        << lvh::protocol::name(p);
    // Once used, the server's markup (without the class) wins again.
    vp.full(*c, markup, {}, used_by_name({"user[name]", "user[email]"}));
    EXPECT_EQ(lvh::dom::serialize_children(*c), markup) << lvh::protocol::name(p);
  }
}

TEST(patch_feedback, not_applied_from_1_0) {
  for (auto p : {client_profile::v1_0, client_profile::v1_2}) {
    auto c = container(feedback_dead);
    view_patcher vp(p, "lv");
    const std::string markup = feedback_form("user[name]", "user[email]");
    vp.join(*c, markup);
    EXPECT_EQ(lvh::dom::serialize_children(*c), markup) << lvh::protocol::name(p);
  }
}

TEST(patch_feedback, up_to_0_18_the_field_is_an_id_or_a_name_and_0_20_takes_names_only) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container(feedback_dead);
    view_patcher vp(p, "lv");
    vp.join(*c, feedback_form("user_name", "user[email]"));
    const bool by_id = p != client_profile::v0_20;
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              feedback_form("user_name", "user[email]", by_id ? "e phx-no-feedback" : "e",
                            "e phx-no-feedback"))
        << lvh::protocol::name(p);
  }
}

TEST(patch_feedback, array_names) {
  // 0.18 also looks up name + "[]"; 0.20 marks the name without "[]" too; 0.15 neither.
  const std::string dead = R"(<form id="f"><select name="tags[]" multiple></select></form>)";
  const std::string markup =
      R"(<form id="f"><select name="tags[]" multiple></select><span phx-feedback-for="tags">t</span></form>)";
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container(dead);
    view_patcher vp(p, "lv");
    vp.join(*c, markup);
    const bool marked = p != client_profile::v0_15;
    EXPECT_EQ(lvh::dom::serialize_children(*c).find("phx-no-feedback") != std::string::npos, marked)
        << lvh::protocol::name(p);
  }
}

TEST(patch_feedback, the_0_15_client_looks_only_at_the_root_of_an_added_subtree) {
  // morphdom 2.6 calls onBeforeNodeAdded (where 0.15.7 looks) for the root it inserts, not
  // for its descendants; 0.18 looks at every added element (onNodeAdded).
  const std::string markup =
      R"(<form id="f"><input name="a"><p><span phx-feedback-for="a">x</span></p></form>)";
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container("");
    view_patcher vp(p, "lv");
    vp.join(*c, markup);
    const bool marked = p != client_profile::v0_15;
    EXPECT_EQ(lvh::dom::serialize_children(*c).find("phx-no-feedback") != std::string::npos, marked)
        << lvh::protocol::name(p);
  }
}

// -- pruning cids (≤0.20) ---------------------------------------------------------------------

TEST(patch_pruning, a_component_announced_for_destruction_is_rendered_in_full_when_back) {
  // Same steps as tests/interop/patch-streams/patch-pruning-cids.json (whose oracle never
  // gets the cids_will_destroy reply).
  const json rendered = {{"0", 1},
                         {"1", "a"},
                         {"s", {"<div>", "</div><b>", "</b>"}},
                         {"c", {{"1", {{"0", "x"}, {"s", {"<p id=\"c\">", "</p>"}}}}}}};
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    for (bool announced : {true, false}) {
      auto c = container("");
      lvh::sim::view_dom view(p, "lv");
      auto d0 = lvh::protocol::diff::from_json(rendered, p);
      ASSERT_TRUE(d0);
      ASSERT_TRUE(view.join(*c, std::move(*d0)));
      auto d1 = lvh::protocol::diff::from_json({{"0", ""}, {"1", "b"}}, p);
      ASSERT_TRUE(d1);
      auto r1 = view.update(*c, *d1);
      ASSERT_TRUE(r1);
      EXPECT_EQ(r1->removed_cids, std::vector<int>{1});
      if (announced) view.add_pruning_cids(r1->removed_cids);
      auto d2 = lvh::protocol::diff::from_json({{"0", 1}, {"1", "c"}}, p);
      ASSERT_TRUE(d2);
      ASSERT_TRUE(view.update(*c, *d2));
      const std::string html = lvh::dom::serialize_children(*c);
      if (announced)
        EXPECT_EQ(html, R"(<div><p id="c" data-phx-component="1">x</p></div><b>c</b>)")
            << lvh::protocol::name(p);
      else  // a skip placeholder with nothing in the DOM to keep
        EXPECT_NE(html.find("data-phx-skip"), std::string::npos) << lvh::protocol::name(p) << html;
      // The reply keeps only its own batch's cids.
      view.add_pruning_cids({7});
      view.pruning_reply({1});
      EXPECT_EQ(view.pruning_cids(), announced ? std::vector<int>{1} : std::vector<int>{});
    }
  }
}

// -- robustness -----------------------------------------------------------------------------

TEST(patch, keyed_element_removed_earlier_in_the_same_patch_is_put_back) {
  // morphdom keeps a removed keyed element in its lookup and re-inserts it when a later
  // node asks for its key (here: moved, found to be another tag, removed, asked for again).
  // Same steps as tests/interop/patch-streams/patch-keyed-reinsert.json.
  for (auto p : lvh::protocol::all_client_profiles) {
    auto c = container(R"(<p>x</p><i></i><section id="k">s</section>)");
    view_patcher vp(p, "lv");
    vp.join(*c, R"(<div id="k">d</div><section id="k">t</section>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c), R"(<div id="k">d</div><section id="k">t</section>)")
        << lvh::protocol::name(p);
    vp.full(*c, R"(<i></i><section id="k">u</section><div id="k">e</div>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<div id="k">d</div><i></i><section id="k">u</section><div id="k">e</div>)")
        << lvh::protocol::name(p);
  }
}

TEST(patch, element_discarded_then_put_back_is_not_reported_removed) {
  // morphdom ≤2.7.0 moves the keyed <li> up for the <i> with its key, finds the tag differs
  // and discards it (the stale key of the <u> it replaced says "not keyed"); the new <i>'s
  // own <li id="c"> then takes it back from the lookup. It never left the container.
  // Found by fuzz/dom_patch (corpus: crash-discarded-element-put-back).
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container("");
    view_patcher vp(p, "lv");
    vp.join(*c, R"(<u><li id="c">old</li></u>)");
    lvh::dom::node* u = c->child(0).is_element() ? &c->child(0) : nullptr;
    lvh::dom::node* li = by_id(*c, "c");
    ASSERT_TRUE(u && li);
    auto r = vp.full(*c, R"(<i id="c"><li id="c">new</li></i>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c), R"(<i id="c"><li id="c">new</li></i>)")
        << lvh::protocol::name(p);
    EXPECT_EQ(by_id(c->child(0), "c"), li) << lvh::protocol::name(p);
    EXPECT_EQ(r.removed, std::vector<const lvh::dom::node*>{u}) << lvh::protocol::name(p);
  }
}

TEST(patch, component_roots_nested_in_one_another_leave_with_their_ancestor) {
  // ≤0.20 patches the parent of a component with several roots: a copy of it with the first
  // root replaced by the new markup and the other roots removed — a root inside another one
  // goes with it. Found by fuzz/dom_patch (corpus: crash-nested-roots-of-one-component).
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20}) {
    auto c = container("");
    view_patcher vp(p, "lv");
    vp.join(*c,
            R"(<i data-phx-component="1"><i data-phx-component="1"><i data-phx-component="1">)"
            R"(x</i></i></i><p id="other">o</p>)");
    auto r = vp.component(*c, 1, R"(<b data-phx-component="1">y</b>)");
    EXPECT_EQ(lvh::dom::serialize_children(*c),
              R"(<b data-phx-component="1">y</b><p id="other">o</p>)")
        << lvh::protocol::name(p);
    EXPECT_EQ(r.patched_cids, std::vector<int>{1}) << lvh::protocol::name(p);
  }
}

TEST(patch, element_added_and_removed_in_one_patch_is_not_reported_added) {
  // 0.20's morphdom skips a stream container's old children: the new first <li id="s"> is
  // morphed onto the old nested one (the lookup's entry for "s"), which gets an <a>; the
  // nested one is then morphed again with the later <li id="s"> and loses it. Found by
  // fuzz/dom_patch (corpus: crash-added-then-removed-in-one-patch).
  const std::string html =
      R"(<u phx-update="stream"><li id="s"><a></a></li><li><ul id="r"><li id="s"></li></ul></li></u>)";
  auto c = container("");
  view_patcher vp(client_profile::v0_20, "lv");
  vp.join(*c, html);
  auto r = vp.full(*c, html);
  EXPECT_EQ(lvh::dom::serialize_children(*c),
            R"(<u phx-update="stream"><li id="s"><a></a></li><li></li><li><ul id="r">)"
            R"(<li id="s"></li></ul></li></u>)");
  for (const lvh::dom::node* e : r.added) {
    bool in = false;
    for (const lvh::dom::node* n = e; n; n = n->parent()) in = in || n == c.get();
    EXPECT_TRUE(in) << lvh::dom::serialize(*e);
  }
  ASSERT_FALSE(r.removed.empty());
  EXPECT_EQ(r.removed.back()->tag(), "a");
}

TEST(patch, component_root_patched_with_text_is_replaced_by_it) {
  // morphdom(el, html) takes html's first node: text here. An element morphed into a text
  // node is discarded and the text takes its place. Found by fuzz/dom_patch (corpus:
  // crash-component-patched-with-text).
  for (auto p : lvh::protocol::all_client_profiles) {
    auto c = container(R"(t<d data-phx-component="1" id="c"></d>)");
    const lvh::dom::node* d = by_id(*c, "c");
    view_patcher vp(p, "lv");
    auto r = vp.component(*c, 1, R"(u<d data-phx-component="1" id="c">)");
    EXPECT_EQ(lvh::dom::serialize_children(*c), "tu") << lvh::protocol::name(p);
    EXPECT_EQ(r.removed, std::vector<const lvh::dom::node*>{d}) << lvh::protocol::name(p);
    EXPECT_TRUE(r.updated.empty()) << lvh::protocol::name(p);
  }
}

}  // namespace
