// Properties of merging, over random trees and diffs for every client profile:
// - merging is deterministic: the same stream merged into two trees gives equal trees and
//   equal renders at every step;
// - merging never aliases: a copy taken before a diff is untouched by it, and a component
//   that shares statics with another (`s: ±cid`) never changes when the other one does;
// - a refused diff leaves the tree exactly as it was;
// - a component handed over parsed (component_markup_of) is the tree its markup parses to.
#include <lvh/dom/html.hpp>
#include <lvh/protocol/rendered.hpp>

#include "markup_gen.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lvh::protocol {
namespace {

using nlohmann::json;

rc::Gen<std::string> text() {
  static const std::vector<std::string> pieces{"a", "b", " ", "<", ">", "&", "\"", "'", "\u00e9", "\u00a0"};
  auto parts_gen = rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, 6), [](std::size_t n) {
    return rc::gen::container<std::vector<std::string>>(n, rc::gen::elementOf(pieces));
  });
  return rc::gen::map(std::move(parts_gen),
                      [](const std::vector<std::string>& parts) {
                        std::string s;
                        for (auto& p : parts) s += p;
                        return s;
                      });
}

struct tree_gen {
  client_profile profile;
  std::vector<int> cids;  // components a dynamic may refer to

  /// A full rendered node: statics open and close a tag, so 1.x root flags are valid.
  json node(int depth, bool root_flag) const {
    const int n = *rc::gen::inRange(0, 4);
    json s = json::array();
    s.push_back("<div class=\"d" + std::to_string(depth) + "\">");
    for (int i = 1; i < n; ++i) s.push_back(*rc::gen::elementOf(std::vector<std::string>{"", " | ", "<br>"}));
    s.push_back("</div>");
    if (n == 0) s = json::array({"<div></div>"});
    json out = json::object();
    out["s"] = s;
    for (int i = 0; i < n; ++i) out[std::to_string(i)] = dynamic(depth - 1);
    if (root_flag && has_magic_ids(profile)) out["r"] = 1;
    return out;
  }

  json comprehension(int depth) const {
    const int arity = *rc::gen::inRange(1, 3);
    json s = json::array({"<li>"});
    for (int i = 1; i < arity; ++i) s.push_back(",");
    s.push_back("</li>");
    const int rows = *rc::gen::inRange(0, 4);
    json c = json::object();
    c["s"] = s;
    if (has_keyed_comprehensions(profile)) {
      json k = json::object();
      for (int r = 0; r < rows; ++r) {
        json entry = json::object();
        for (int i = 0; i < arity; ++i) entry[std::to_string(i)] = leaf(depth);
        k[std::to_string(r)] = entry;
      }
      k["kc"] = rows;
      c["k"] = k;
    } else {
      json d = json::array();
      for (int r = 0; r < rows; ++r) {
        json row = json::array();
        for (int i = 0; i < arity; ++i) row.push_back(leaf(depth));
        d.push_back(row);
      }
      c["d"] = d;
    }
    return c;
  }

  /// Entry values: text, a component, or (inside keyed comprehensions) a small node.
  json leaf(int depth) const {
    const int pick = *rc::gen::inRange(0, 10);
    if (pick < 2 && !cids.empty()) return *rc::gen::elementOf(cids);
    if (pick < 3 && depth > 0) return node(0, false);
    return *text();
  }

  json dynamic(int depth) const {
    const int pick = *rc::gen::inRange(0, 10);
    if (depth > 0 && pick < 3) return node(depth, *rc::gen::arbitrary<bool>());
    if (depth > 0 && pick < 5) return comprehension(depth);
    if (pick < 7 && !cids.empty()) return *rc::gen::elementOf(cids);
    return *text();
  }
};

/// Paths (slot keys from the root of `n`) of text dynamics in rendered nodes, not inside
/// comprehensions: the places a partial diff can change.
void text_paths(const json& n, std::vector<std::string>& prefix,
                std::vector<std::vector<std::string>>& out) {
  if (!n.is_object() || n.contains("d") || n.contains("k")) return;
  for (auto& [k, v] : n.items()) {
    if (k.empty() || k[0] < '0' || k[0] > '9') continue;
    prefix.push_back(k);
    if (v.is_string()) out.push_back(prefix);
    if (v.is_object()) text_paths(v, prefix, out);
    prefix.pop_back();
  }
}

/// Paths of comprehensions in rendered nodes (not inside other comprehensions).
void comprehension_paths(const json& n, std::vector<std::string>& prefix,
                         std::vector<std::vector<std::string>>& out) {
  if (!n.is_object() || n.contains("d") || n.contains("k")) return;
  for (auto& [k, v] : n.items()) {
    if (k.empty() || k[0] < '0' || k[0] > '9') continue;
    prefix.push_back(k);
    if (v.is_object() && (v.contains("d") || v.contains("k"))) out.push_back(prefix);
    else if (v.is_object()) comprehension_paths(v, prefix, out);
    prefix.pop_back();
  }
}

const json& at_path(const json& n, const std::vector<std::string>& path) {
  const json* cur = &n;
  for (auto& k : path) cur = &(*cur)[k];
  return *cur;
}

json partial_at(const std::vector<std::string>& path, json value) {
  json out = std::move(value);
  for (auto it = path.rbegin(); it != path.rend(); ++it) out = json{{*it, out}};
  return out;
}

/// A valid diff for the current tree `t` (as rendered::to_json gives it).
json next_diff(const tree_gen& g, const json& t) {
  std::vector<int> cids;
  for (auto& [k, _] : t["c"].items()) cids.push_back(std::stoi(k));
  std::sort(cids.begin(), cids.end());
  const int kind = *rc::gen::inRange(0, 7);
  std::vector<std::string> prefix;
  if (kind >= 5) {
    // a comprehension resent with one cell changed (<= 1.0), or keyed changes (1.2)
    std::vector<std::vector<std::string>> paths;
    comprehension_paths(t, prefix, paths);
    if (paths.empty()) return json::object();
    const auto path = *rc::gen::elementOf(paths);
    const json& c = at_path(t, path);
    if (c.contains("d")) {
      json rows = c["d"];
      if (!rows.empty()) {
        json& row = rows[*rc::gen::inRange<std::size_t>(0, rows.size())];
        for (auto& cell : row)
          if (cell.is_string()) {
            cell = *text();
            break;
          }
      }
      if (*rc::gen::arbitrary<bool>() && !rows.empty()) rows.erase(rows.size() - 1);
      return partial_at(path, json{{"d", rows}});
    }
    const long kc = c["k"]["kc"].get<long>();
    json k = json::object();
    long new_kc = kc;
    const int what = *rc::gen::inRange(0, 4);
    if (what == 0 && kc > 0) {  // change a text cell in place
      const long pos = *rc::gen::inRange(0L, kc);
      for (auto& [slot, cell] : c["k"][std::to_string(pos)].items())
        if (cell.is_string()) {
          k[std::to_string(pos)] = json{{slot, *text()}};
          break;
        }
    } else if (what == 1 && kc > 1) {  // swap two rows
      k["0"] = kc - 1;
      k[std::to_string(kc - 1)] = 0;
      k["km"] = true;
    } else if (what == 2 && kc > 0) {  // drop the last row
      new_kc = kc - 1;
    } else if (kc > 0) {  // append a copy of the first row, moved and changed
      json entry = json::object();
      for (auto& [slot, cell] : c["k"]["0"].items())
        if (cell.is_string()) entry[slot] = *text();
      k[std::to_string(kc)] = json::array({0, entry});
      k["km"] = true;
      new_kc = kc + 1;
    }
    k["kc"] = new_kc;
    return partial_at(path, json{{"k", k}});
  }
  if (kind == 0 || cids.empty()) {
    // change text somewhere in the view
    std::vector<std::vector<std::string>> paths;
    text_paths(t, prefix, paths);
    if (paths.empty()) return json::object({{"t", *text()}});
    return partial_at(*rc::gen::elementOf(paths), *text());
  }
  const int cid = *rc::gen::elementOf(cids);
  const json& comp = t["c"][std::to_string(cid)];
  if (kind == 1) {
    // change text inside one component
    std::vector<std::vector<std::string>> paths;
    text_paths(comp, prefix, paths);
    if (paths.empty()) return json{{"c", json{{std::to_string(cid), json::object()}}}};
    return json{{"c", json{{std::to_string(cid), partial_at(*rc::gen::elementOf(paths), *text())}}}};
  }
  if (kind == 2) {
    // a new component sharing the statics of an old one (-cid), shown in a view slot
    std::vector<std::vector<std::string>> paths;
    text_paths(t, prefix, paths);
    if (paths.empty()) return json::object();
    const int fresh = cids.back() + 1;
    json cd = json::object();
    cd["s"] = -cid;
    std::vector<std::vector<std::string>> comp_paths;
    text_paths(comp, prefix, comp_paths);
    for (auto& p : comp_paths) {
      if (p.size() == 1 && *rc::gen::arbitrary<bool>()) cd[p[0]] = *text();
    }
    json d = partial_at(*rc::gen::elementOf(paths), fresh);
    d["c"] = json{{std::to_string(fresh), cd}};
    return d;
  }
  if (kind == 3) {
    // replace a view slot with a new subtree
    std::vector<std::vector<std::string>> paths;
    text_paths(t, prefix, paths);
    if (paths.empty()) return json::object();
    tree_gen inner = g;
    inner.cids = cids;
    return partial_at(*rc::gen::elementOf(paths), inner.node(1, true));
  }
  // title / events only
  return json{{"t", *text()}, {"e", json::array({json::array({"ev", json{{"n", 1}}})})}};
}

/// A join tree with two components, the second sharing the first's statics (+1).
json join_tree(tree_gen& g) {
  tree_gen plain = g;
  plain.cids = {};
  // Component 1 always has text of its own and a nested node with text, so diffs to it
  // reach both the top level and the subtrees component 2 inherits.
  json nested = plain.node(1, false);
  nested["s"] = json::array({"<i>", "</i>"});
  for (auto it = nested.begin(); it != nested.end();) {
    const std::string& k = it.key();
    it = (!k.empty() && k[0] >= '0' && k[0] <= '9') ? nested.erase(it) : std::next(it);
  }
  nested["0"] = *text();
  json c1 = json::object();
  c1["s"] = json::array({"<div class=\"c\">", "<b>", "</b>", "</div>"});
  c1["0"] = *text();
  c1["1"] = nested;
  c1["2"] = plain.dynamic(1);
  if (has_magic_ids(g.profile)) c1["r"] = 1;
  json c2 = json::object();
  c2["s"] = 1;
  for (auto& [k, v] : c1.items()) {
    if (!k.empty() && k[0] >= '0' && k[0] <= '9' && v.is_string() && *rc::gen::arbitrary<bool>())
      c2[k] = *text();
  }
  g.cids = {1, 2};
  json root = g.node(2, false);
  root.erase("r");
  root["c"] = json{{"1", c1}, {"2", c2}};
  return root;
}

diff decode(const json& j, client_profile p) {
  auto d = diff::from_json(j, p);
  RC_ASSERT(d.has_value());
  return std::move(*d);
}

// `a` decodes each diff where it is (from a const json), `b` consumes a copy of it.
RC_GTEST_PROP(rendered_props, merging_is_deterministic_and_a_copy_is_never_touched, ()) {
  const auto profile = *rc::gen::elementOf(std::vector<client_profile>(
      all_client_profiles.begin(), all_client_profiles.end()));
  tree_gen g{profile, {}};
  const json join = join_tree(g);
  rendered a(profile, "v"), b(profile, "v");
  RC_ASSERT(a.merge(decode(join, profile)).has_value());
  RC_ASSERT(b.merge(decode(json(join), profile)).has_value());
  RC_ASSERT(a.to_string() == b.to_string());

  const int steps = *rc::gen::inRange(1, 12);
  for (int i = 0; i < steps; ++i) {
    const json d = next_diff(g, a.to_json());
    const json d_as_sent = d;
    const rendered before = a;
    const json before_json = before.to_json();
    auto da = diff::from_json(d, profile);
    auto db = diff::from_json(json(d), profile);
    RC_ASSERT(da.has_value() && db.has_value());
    RC_ASSERT(d == d_as_sent);
    RC_ASSERT(da->title() == db->title());
    RC_ASSERT(da->events() == db->events());
    RC_ASSERT(da->reply() == db->reply());
    auto ra = a.merge(*da);
    auto rb = b.merge(*db);
    RC_CLASSIFY(!ra.has_value(), "a generated diff was refused");
    RC_ASSERT(ra.has_value() == rb.has_value());
    RC_ASSERT(a.to_json() == b.to_json());
    const std::vector<int> changed = decode(d, profile).component_ids();
    RC_ASSERT(a.to_string(&changed) == b.to_string(&changed));
    RC_ASSERT(before.to_json() == before_json);
  }
}

RC_GTEST_PROP(rendered_props, render_caches_change_nothing, ()) {
  const auto profile = *rc::gen::elementOf(std::vector<client_profile>(
      all_client_profiles.begin(), all_client_profiles.end()));
  tree_gen g{profile, {}};
  const json join = join_tree(g);
  rendered cached(profile, "v"), plain(profile, "v");
  plain.use_render_cache(false);
  RC_ASSERT(cached.merge(decode(join, profile)).has_value());
  RC_ASSERT(plain.merge(decode(join, profile)).has_value());
  RC_ASSERT(cached.to_string() == plain.to_string());
  const int steps = *rc::gen::inRange(1, 16);
  for (int i = 0; i < steps; ++i) {
    const json d = next_diff(g, cached.to_json());
    const auto dd = decode(d, profile);
    const bool only_components = dd.components_only();
    const std::vector<int> changed = dd.component_ids();
    RC_ASSERT(cached.merge(decode(d, profile)).has_value() ==
              plain.merge(decode(d, profile)).has_value());
    // The client's two render paths, in either order of cids.
    if (only_components) {
      for (int cid : changed) {
        auto a = cached.component_to_string(cid);
        auto b = plain.component_to_string(cid);
        RC_ASSERT(a.has_value() == b.has_value());
        if (a) RC_ASSERT(*a == *b);
      }
    } else {
      RC_ASSERT(cached.to_string(&changed) == plain.to_string(&changed));
    }
  }
}

RC_GTEST_PROP(rendered_props, a_component_sharing_statics_never_changes_with_the_other, ()) {
  const auto profile = *rc::gen::elementOf(std::vector<client_profile>(
      all_client_profiles.begin(), all_client_profiles.end()));
  tree_gen g{profile, {}};
  rendered r(profile, "v");
  RC_ASSERT(r.merge(decode(join_tree(g), profile)).has_value());
  auto render2 = [&] {
    rendered copy = r;  // rendering moves 1.x bookkeeping; look at a copy
    return *copy.component_to_string(2);
  };
  const std::string two = render2();
  const json two_json = r.to_json()["c"]["2"];
  const int steps = *rc::gen::inRange(1, 8);
  for (int i = 0; i < steps; ++i) {
    std::vector<std::string> prefix;
    std::vector<std::vector<std::string>> paths;
    text_paths(r.to_json()["c"]["1"], prefix, paths);
    if (paths.empty()) break;
    json d = json{{"c", json{{"1", partial_at(*rc::gen::elementOf(paths), *text())}}}};
    RC_ASSERT(r.merge(decode(d, profile)).has_value());
    RC_ASSERT(r.to_json()["c"]["2"] == two_json);
    RC_ASSERT(render2() == two);
  }
}

RC_GTEST_PROP(rendered_props, a_refused_diff_leaves_the_tree_as_it_was, ()) {
  const auto profile = *rc::gen::elementOf(std::vector<client_profile>(
      all_client_profiles.begin(), all_client_profiles.end()));
  tree_gen g{profile, {}};
  rendered r(profile, "v");
  RC_ASSERT(r.merge(decode(join_tree(g), profile)).has_value());
  for (int i = 0; i < 4; ++i) {
    json d = next_diff(g, r.to_json());
    // Spoil a valid diff: a bad value in a place the merge reaches late.
    const int how = *rc::gen::inRange(0, 4);
    if (how == 0) d["c"]["999"] = json{{"s", -4242}};
    if (how == 1) d["99"] = "beyond the statics";
    if (how == 2) d["c"]["998"] = json{{"0", "partial, no base"}};
    if (how == 3) d["0"] = json{{"0", json{{"0", json{{"0", "deep partial"}}}}}};
    const json tree_before = r.to_json();
    rendered copy = r;
    const std::string html_before = copy.to_string();
    auto dd = diff::from_json(d, profile);
    if (!dd) continue;  // refused while decoding: nothing to merge
    auto m = r.merge(*dd);
    RC_CLASSIFY(m.has_value(), "spoiled diff accepted");
    if (m) continue;
    RC_ASSERT(r.to_json() == tree_before);
    rendered again = r;
    RC_ASSERT(again.to_string() == html_before);
  }
}

// Up to 0.20 a component patch gets the component's tree instead of its markup when parsing
// the markup again would give that same tree; the markup, and what later renders give, must
// not depend on which of the two the patch asked for. Components nest one level, with random
// markup around the inner one (dom/test/markup_gen.hpp, some of it refused by the fast path).
RC_GTEST_PROP(rendered_props, a_component_handed_over_parsed_is_what_its_markup_parses_to, ()) {
  const auto profile = *rc::gen::elementOf(
      std::vector<client_profile>{client_profile::v0_15, client_profile::v0_18, client_profile::v0_20});
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  dom::test::markup_gen gen(seed);
  const std::string before = gen.make(), after = gen.make(), inner = gen.make();
  RC_LOG() << before << " | " << inner << " | " << after;
  const json join = {{"0", 1},
                     {"s", {"<main>", "</main>"}},
                     {"c",
                      {{"1", {{"0", 2}, {"s", {before, after}}}},
                       {"2", {{"0", "x"}, {"s", {inner, ""}}}}}}};
  const json bump = {{"c", {{"2", {{"0", "y"}}}}}};
  rendered by_markup(profile, "phx-v"), by_tree(profile, "phx-v");
  for (rendered* r : {&by_markup, &by_tree}) {
    auto d = diff::from_json(join, profile);
    RC_ASSERT(d.has_value());
    RC_ASSERT(r->merge(*d).has_value());
  }
  bool handed_over = false;
  for (int round = 0; round < 2; ++round) {
    for (int cid : {2, 1}) {
      auto html = by_markup.component_to_string(cid);
      auto m = by_tree.component_markup_of(cid);
      RC_ASSERT(html.has_value() && m.has_value());
      if (m->parsed) {
        handed_over = true;
        RC_ASSERT(m->html.empty());
        RC_ASSERT(dom::test::dump(*m->parsed) == dom::test::dump(*dom::parse_fragment(*html, "template")));
        RC_ASSERT(dom::serialize_children(*m->parsed) == *html);
      } else {
        RC_ASSERT(m->html == *html);
      }
    }
    RC_ASSERT(by_markup.to_string() == by_tree.to_string());
    const std::vector<int> none;
    RC_ASSERT(by_markup.to_string(&none) == by_tree.to_string(&none));
    for (rendered* r : {&by_markup, &by_tree}) {
      auto d = diff::from_json(bump, profile);
      RC_ASSERT(d.has_value());
      RC_ASSERT(r->merge(*d).has_value());
    }
  }
  RC_CLASSIFY(handed_over, "handed over parsed");
}

}  // namespace
}  // namespace lvh::protocol
