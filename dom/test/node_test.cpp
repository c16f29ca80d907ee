#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using lvh::dom::attribute;
using lvh::dom::node;
using lvh::dom::node_type;
using lvh::dom::ns;

std::vector<std::pair<std::string, std::string>> attrs(const node& n) {
  std::vector<std::pair<std::string, std::string>> r;
  for (const attribute& a : n.attributes()) r.emplace_back(a.name, a.value);
  return r;
}

using pairs = std::vector<std::pair<std::string, std::string>>;

TEST(node, factories_set_type_and_data) {
  EXPECT_EQ(node::make_document()->type(), node_type::document);
  EXPECT_EQ(node::make_fragment()->type(), node_type::fragment);
  auto e = node::make_element("div");
  EXPECT_EQ(e->type(), node_type::element);
  EXPECT_TRUE(e->is_element());
  EXPECT_EQ(e->tag(), "div");
  EXPECT_EQ(e->element_namespace(), ns::html);
  auto s = node::make_element("clipPath", ns::svg);
  EXPECT_EQ(s->tag(), "clipPath");
  EXPECT_EQ(s->element_namespace(), ns::svg);
  auto t = node::make_text("hi");
  EXPECT_TRUE(t->is_text());
  EXPECT_EQ(t->data(), "hi");
  t->set_data("ho");
  EXPECT_EQ(t->data(), "ho");
  EXPECT_EQ(node::make_comment("c")->data(), "c");
  EXPECT_EQ(node::make_doctype("html")->data(), "html");
}

TEST(node, set_attribute_appends_new_and_updates_in_place) {
  auto e = node::make_element("div");
  e->set_attribute("id", "a");
  e->set_attribute("class", "b");
  e->set_attribute("data-x", "c");
  e->set_attribute("id", "z");  // existing: keeps its position
  EXPECT_EQ(attrs(*e), (pairs{{"id", "z"}, {"class", "b"}, {"data-x", "c"}}));
  e->set_attribute("title", "");
  EXPECT_EQ(attrs(*e).back(), (std::pair<std::string, std::string>{"title", ""}));
  EXPECT_EQ(lvh::dom::serialize(*e), R"(<div id="z" class="b" data-x="c" title=""></div>)");
}

TEST(node, set_attribute_may_copy_from_the_element_itself) {
  // Short names and values live inside the string objects, that is in the attribute vector
  // itself: read from while that vector grows, they would be read from freed memory.
  auto e = node::make_element("div");
  e->set_attribute("a", "short");
  for (int i = 0; e->attributes().size() < e->attributes().capacity(); ++i)
    e->set_attribute("b" + std::to_string(i), "x");
  e->set_attribute("copy", *e->get_attribute("a"));  // grows the attributes
  ASSERT_NE(e->get_attribute("copy"), nullptr);
  EXPECT_EQ(*e->get_attribute("copy"), "short");
  for (int i = 0; e->attributes().size() < e->attributes().capacity(); ++i)
    e->append_attribute("c" + std::to_string(i), "x");
  e->append_attribute(e->attributes().front().name, e->attributes().front().value);  // grows
  EXPECT_EQ(e->attributes().back().name, "a");
  EXPECT_EQ(e->attributes().back().value, "short");
}

TEST(node, get_attribute_returns_value_or_null) {
  auto e = node::make_element("input");
  EXPECT_EQ(e->get_attribute("value"), nullptr);
  EXPECT_FALSE(e->has_attribute("value"));
  e->set_attribute("value", "");
  ASSERT_NE(e->get_attribute("value"), nullptr);
  EXPECT_EQ(*e->get_attribute("value"), "");
  EXPECT_TRUE(e->has_attribute("value"));
}

TEST(node, html_attribute_names_are_lowercased_like_the_dom) {
  auto e = node::make_element("div");
  e->set_attribute("Data-Phx-ID", "1");
  EXPECT_EQ(attrs(*e), (pairs{{"data-phx-id", "1"}}));
  ASSERT_NE(e->get_attribute("DATA-PHX-ID"), nullptr);
  e->set_attribute("data-PHX-id", "2");
  EXPECT_EQ(attrs(*e), (pairs{{"data-phx-id", "2"}}));
  EXPECT_TRUE(e->remove_attribute("DATA-phx-id"));
  EXPECT_TRUE(e->attributes().empty());
}

TEST(node, foreign_attribute_names_are_case_sensitive) {
  auto svg = node::make_element("svg", ns::svg);
  svg->set_attribute("viewBox", "0 0 1 1");
  EXPECT_NE(svg->get_attribute("viewBox"), nullptr);
  EXPECT_EQ(svg->get_attribute("viewbox"), nullptr);
  svg->set_attribute("viewbox", "x");
  EXPECT_EQ(attrs(*svg), (pairs{{"viewBox", "0 0 1 1"}, {"viewbox", "x"}}));
}

TEST(node, remove_attribute_keeps_order_of_the_rest) {
  auto e = node::make_element("div");
  e->set_attribute("a", "1");
  e->set_attribute("b", "2");
  e->set_attribute("c", "3");
  EXPECT_TRUE(e->remove_attribute("b"));
  EXPECT_FALSE(e->remove_attribute("b"));
  EXPECT_EQ(attrs(*e), (pairs{{"a", "1"}, {"c", "3"}}));
  e->set_attribute("b", "4");  // re-added attributes go last
  EXPECT_EQ(attrs(*e), (pairs{{"a", "1"}, {"c", "3"}, {"b", "4"}}));
}

TEST(node, append_insert_remove_replace_maintain_parents) {
  auto p = node::make_element("ul");
  node& a = p->append_child(node::make_element("li"));
  node& c = p->append_child(node::make_element("li"));
  node& b = p->insert_child(1, node::make_text("b"));
  ASSERT_EQ(p->child_count(), 3u);
  EXPECT_EQ(&p->child(0), &a);
  EXPECT_EQ(&p->child(1), &b);
  EXPECT_EQ(&p->child(2), &c);
  EXPECT_EQ(a.parent(), p.get());
  EXPECT_EQ(b.index_in_parent(), 1u);
  EXPECT_EQ(c.index_in_parent(), 2u);

  auto old = p->replace_child(1, node::make_comment("x"));
  EXPECT_EQ(old.get(), &b);
  EXPECT_EQ(old->parent(), nullptr);
  EXPECT_EQ(old->index_in_parent(), 0u);
  EXPECT_EQ(p->child(1).type(), node_type::comment);
  EXPECT_EQ(p->child(1).parent(), p.get());

  auto removed = p->remove_child(0);
  EXPECT_EQ(removed.get(), &a);
  EXPECT_EQ(removed->parent(), nullptr);
  EXPECT_EQ(lvh::dom::serialize(*p), "<ul><!--x--><li></li></ul>");

  // A removed node can be inserted elsewhere.
  p->append_child(std::move(removed));
  EXPECT_EQ(lvh::dom::serialize(*p), "<ul><!--x--><li></li><li></li></ul>");

  p->clear_children();
  EXPECT_EQ(p->child_count(), 0u);
  EXPECT_EQ(lvh::dom::serialize(*p), "<ul></ul>");
}

TEST(node, insert_at_end_and_misuse_throw) {
  auto p = node::make_element("div");
  p->insert_child(0, node::make_text("a"));
  p->insert_child(1, node::make_text("b"));
  EXPECT_EQ(p->child_count(), 2u);
  EXPECT_THROW(p->insert_child(3, node::make_text("c")), std::out_of_range);
  EXPECT_THROW(p->remove_child(2), std::out_of_range);
  EXPECT_THROW(p->replace_child(2, node::make_text("c")), std::out_of_range);
  EXPECT_THROW(p->child(2), std::out_of_range);
  EXPECT_THROW(p->append_child(nullptr), std::invalid_argument);
  EXPECT_THROW(p->replace_child(0, nullptr), std::invalid_argument);
  EXPECT_THROW(p->append_child(node::make_document()), std::invalid_argument);
  auto t = node::make_text("t");
  EXPECT_THROW(t->append_child(node::make_text("u")), std::invalid_argument);
  EXPECT_EQ(p->child_count(), 2u);
}

TEST(node, clone_is_deep_and_detached) {
  auto frag = lvh::dom::parse_fragment(R"(<div id="a" class="b"><p>x<!--c--></p><template><i>t</i></template></div>)");
  node& div = frag->child(0);
  auto copy = div.clone();
  EXPECT_EQ(copy->parent(), nullptr);
  EXPECT_EQ(lvh::dom::serialize(*copy), lvh::dom::serialize(div));
  EXPECT_EQ(copy->child(0).parent(), copy.get());
  EXPECT_EQ(copy->child(0).child(0).parent(), &copy->child(0));

  copy->set_attribute("id", "changed");
  copy->child(0).child(0).set_data("y");
  copy->append_child(node::make_text("more"));
  EXPECT_EQ(lvh::dom::serialize(div),
            R"(<div id="a" class="b"><p>x<!--c--></p><template><i>t</i></template></div>)");
  EXPECT_EQ(lvh::dom::serialize(*copy),
            R"(<div id="changed" class="b"><p>y<!--c--></p><template><i>t</i></template>more</div>)");
}

TEST(node, clone_keeps_namespace_and_type) {
  auto svg = node::make_element("svg", ns::svg);
  svg->append_child(node::make_element("foreignObject", ns::svg));
  auto c = svg->clone();
  EXPECT_EQ(c->element_namespace(), ns::svg);
  EXPECT_EQ(c->child(0).tag(), "foreignObject");
  EXPECT_EQ(node::make_doctype("html")->clone()->type(), node_type::doctype);
}

TEST(node, text_content_concatenates_descendant_text) {
  auto frag = lvh::dom::parse_fragment("<div>a<b>b<i>c</i></b><!--no-->d<template>not</template></div>e");
  EXPECT_EQ(frag->child(0).text_content(), "abcd");
  EXPECT_EQ(frag->text_content(), "abcde");
  EXPECT_EQ(frag->child(0).child(0).text_content(), "a");
  EXPECT_EQ(node::make_comment("c")->text_content(), "c");
  EXPECT_EQ(node::make_doctype("html")->text_content(), "");
  // A template's content is not part of its textContent.
  EXPECT_EQ(frag->child(0).child(4).tag(), "template");
  EXPECT_EQ(frag->child(0).child(4).text_content(), "");
}

// Chains far deeper than any stack frame budget: destruction, clone, text_content and
// serialization must not recurse per level.
TEST(node, very_deep_trees_are_handled_without_recursion) {
  constexpr int depth = 200000;
  auto root = node::make_element("div");
  node* cur = root.get();
  for (int i = 0; i < depth; ++i) cur = &cur->append_child(node::make_element("span"));
  cur->append_child(node::make_text("x"));
  EXPECT_EQ(root->text_content(), "x");
  auto copy = root->clone();
  const std::string html = lvh::dom::serialize_children(*copy);
  EXPECT_EQ(html.size(), std::size_t(depth) * std::string("<span></span>").size() + 1);
  copy.reset();
  root->clear_children();
  EXPECT_EQ(root->child_count(), 0u);
}

// Freed nodes are reused per thread: nodes made on one thread and dropped on another, more
// of them than a thread keeps, and made again from what was kept, are whole nodes each time.
TEST(node, nodes_freed_on_other_threads_and_reused_stay_intact) {
  std::vector<std::unique_ptr<node>> made;
  for (int i = 0; i < 1000; ++i) made.push_back(node::make_text("t" + std::to_string(i)));
  std::thread([&made] {
    made.clear();  // freed here, kept here (up to a bound) until this thread ends
    auto el = node::make_element("div");
    for (int i = 0; i < 1000; ++i) el->append_child(node::make_text(std::to_string(i)));
    EXPECT_EQ(el->child(999).data(), "999");
  }).join();
  auto again = node::make_element("p");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 500; ++i) again->append_child(node::make_element("b"));
    EXPECT_EQ(again->child_count(), 500u);
    for (const auto& c : again->children()) EXPECT_EQ(c->parent(), again.get());
    again->clear_children();
  }
}

}  // namespace
