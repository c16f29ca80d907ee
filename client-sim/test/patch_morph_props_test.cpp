// morph_attrs' shortcut for elements with the same attribute names in the same order
// against the general lookup by name: the same attributes, values and order, on random
// pairs of elements (names unique on each, as the DOM keeps them).
#include "../src/patch_morph.hpp"

#include <lvh/dom/node.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using lvh::dom::node;
using lvh::dom::ns;

using attr_list = std::vector<std::pair<std::string, std::string>>;

attr_list attrs(const node& n) {
  attr_list out;
  for (const auto& a : n.attributes()) out.emplace_back(a.name, a.value);
  return out;
}

// Names from a small pool, so that pairs share many; SVG elements keep case, so two names
// differing only in case are distinct there.
rc::Gen<attr_list> attributes(ns space) {
  static const std::vector<std::string> html_names{"id", "class", "phx-click", "value", "data-phx-ref",
                                                   "data-phx-component-with-a-long-name", "hidden"};
  static const std::vector<std::string> svg_names{"viewBox", "viewbox", "d", "fill", "id"};
  const auto& names = space == ns::html ? html_names : svg_names;
  return rc::gen::map(
      rc::gen::container<std::vector<std::pair<std::size_t, std::string>>>(
          rc::gen::pair(rc::gen::inRange<std::size_t>(0, names.size()),
                        rc::gen::elementOf(std::vector<std::string>{"", "a", "b", "a long value past the small buffer"}))),
      [&names](const std::vector<std::pair<std::size_t, std::string>>& picks) {
        attr_list out;
        for (const auto& pick : picks) {
          const std::string& name = names[pick.first];
          if (std::none_of(out.begin(), out.end(), [&](const auto& a) { return a.first == name; }))
            out.emplace_back(name, pick.second);
        }
        return out;
      });
}

std::unique_ptr<node> element(ns space, const attr_list& list) {
  auto el = node::make_element(space == ns::html ? "div" : "path", space);
  for (const auto& [name, value] : list) el->set_attribute(name, value);
  return el;
}

RC_GTEST_PROP(patch_morph_props, morph_attrs_is_the_lookup_by_name, ()) {
  const ns space = *rc::gen::element(ns::html, ns::svg);
  const attr_list from = *attributes(space);
  // Half the time the target has the same names in the same order (the shortcut's case),
  // with values of its own.
  attr_list to;
  if (*rc::gen::arbitrary<bool>()) {
    for (const auto& [name, value] : from)
      to.emplace_back(name, *rc::gen::elementOf(std::vector<std::string>{value, "", "b", "another long value, on the heap"}));
  } else {
    to = *attributes(space);
  }
  auto shortcut = element(space, from);
  auto lookup = element(space, from);
  const auto target = element(space, to);
  lvh::sim::detail::morph_attrs(*shortcut, *target);
  lvh::sim::detail::morph_attrs_by_lookup(*lookup, *target);
  RC_ASSERT(attrs(*shortcut) == attrs(*lookup));
}

TEST(patch_morph, morph_attrs_sets_changed_values_in_place_and_drops_the_rest) {
  auto from = element(ns::html, {{"id", "a"}, {"class", "x"}, {"title", "t"}});
  auto same_names = element(ns::html, {{"id", "a"}, {"class", "y"}, {"title", "t"}});
  lvh::sim::detail::morph_attrs(*from, *same_names);
  EXPECT_EQ(attrs(*from), (attr_list{{"id", "a"}, {"class", "y"}, {"title", "t"}}));
  auto other = element(ns::html, {{"class", "z"}, {"data-x", "1"}, {"data-y", "2"}});
  lvh::sim::detail::morph_attrs(*from, *other);
  // New ones are appended walking the target from its end; those it lacks are removed.
  EXPECT_EQ(attrs(*from), (attr_list{{"class", "z"}, {"data-y", "2"}, {"data-x", "1"}}));
}

// key_index against a hash map: the same answers after any sequence of inserts, lookups and
// erases, including sequences that outgrow its inline entries (and then shrink).
RC_GTEST_PROP(patch_morph, key_index_acts_as_a_map, ()) {
  lvh::sim::detail::key_index index;
  std::unordered_map<std::string, lvh::dom::node*> model;
  std::vector<std::unique_ptr<node>> nodes;
  for (int i = 0; i < 4; ++i) nodes.push_back(node::make_element("div"));
  const auto keys = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 40));
  for (int k : keys) {
    // Short keys and ones past the small-string size, on the heap.
    const std::string key = (k % 3 == 0 ? "a-key-long-enough-for-the-heap-" : "k") + std::to_string(k / 2);
    node* n = nodes[static_cast<std::size_t>(k) % nodes.size()].get();
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        index.insert_or_assign(key, n);
        model.insert_or_assign(key, n);
        break;
      case 1:
        index.erase(key);
        model.erase(key);
        break;
      default: {
        auto it = model.find(key);
        RC_ASSERT(index.find(key) == (it == model.end() ? nullptr : it->second));
      }
    }
    RC_ASSERT(index.size() == model.size());
  }
  for (const auto& [key, n] : model) RC_ASSERT(index.find(key) == n);
}

TEST(patch_morph, key_index_spills_past_its_inline_entries) {
  lvh::sim::detail::key_index index;
  auto a = node::make_element("a");
  auto b = node::make_element("b");
  const std::size_t n = lvh::sim::detail::key_index::inline_capacity + 3;
  for (std::size_t i = 0; i < n; ++i) index.insert_or_assign("id" + std::to_string(i), a.get());
  index.insert_or_assign("id0", b.get());
  EXPECT_EQ(index.size(), n);
  EXPECT_EQ(index.find("id0"), b.get());
  EXPECT_EQ(index.find("id" + std::to_string(n - 1)), a.get());
  index.erase("id1");
  EXPECT_EQ(index.find("id1"), nullptr);
  EXPECT_EQ(index.find("nope"), nullptr);
  EXPECT_EQ(index.size(), n - 1);
  index.insert_or_assign("", a.get());  // no node is keyed by an empty key
  EXPECT_EQ(index.find(""), nullptr);
}

TEST(patch_morph, key_index_reuses_erased_entries) {
  lvh::sim::detail::key_index index;
  auto a = node::make_element("a");
  auto b = node::make_element("b");
  index.insert_or_assign("x", a.get());
  index.insert_or_assign("y", a.get());
  index.erase("x");
  EXPECT_EQ(index.find("x"), nullptr);
  EXPECT_EQ(index.find(""), nullptr);  // the freed entry is no key
  index.insert_or_assign("z", b.get());
  EXPECT_EQ(index.find("z"), b.get());
  EXPECT_EQ(index.find("y"), a.get());
  EXPECT_EQ(index.size(), 2u);
  // Many inserts and erases that never hold more than two keys stay within the inline entries.
  for (int i = 0; i < 100; ++i) {
    index.insert_or_assign("k" + std::to_string(i), a.get());
    index.erase("k" + std::to_string(i));
  }
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.find("z"), b.get());
}

}  // namespace
