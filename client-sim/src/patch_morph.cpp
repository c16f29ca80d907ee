// morphdom over lvh::dom trees (see patch_morph.hpp). Written from the algorithm's
// documented behaviour and checked against the official clients by
// tests/interop/patch-interop.mjs.
#include "patch_morph.hpp"

#include <lvh/dom/ascii.hpp>

#include <algorithm>
#include <stdexcept>

namespace lvh::sim::detail {

dom::node* next_sibling(const dom::node& n) noexcept {
  dom::node* p = n.parent();
  if (!p) return nullptr;
  std::size_t i = n.index_in_parent() + 1;
  return i < p->child_count() ? &p->child(i) : nullptr;
}

std::unique_ptr<dom::node> detach(dom::node& n) {
  dom::node* p = n.parent();
  if (!p) throw std::logic_error("detach: node has no parent");
  return p->remove_child(n.index_in_parent());
}

dom::node& insert_before(dom::node& parent, std::unique_ptr<dom::node> n, dom::node* ref) {
  if (!ref || ref->parent() != &parent) return parent.append_child(std::move(n));
  return parent.insert_child(ref->index_in_parent(), std::move(n));
}

bool same_name(const dom::node& a, const dom::node& b) noexcept {
  return a.tag() == b.tag() || dom::ascii::iequals(a.tag(), b.tag());
}

void morph_attrs(dom::node& from, const dom::node& to) {
  const auto& fa = from.attributes();
  const auto& ta = to.attributes();
  // Usually both carry the same names in the same order (the same markup, new values):
  // names being unique on an element, each of `to`'s is then at its own position in `from`
  // and none of `from`'s goes. The property in test/patch_morph_props_test.cpp holds this
  // equal to the general case.
  const bool same_names = fa.size() == ta.size() &&
                          std::equal(fa.begin(), fa.end(), ta.begin(),
                                     [](const dom::attribute& x, const dom::attribute& y) { return x.name == y.name; });
  if (!same_names) {
    morph_attrs_by_lookup(from, to);
    return;
  }
  for (std::size_t i = ta.size(); i-- > 0;)
    if (fa[i].value != ta[i].value) from.set_attribute(ta[i].name, ta[i].value);
}

void morph_attrs_by_lookup(dom::node& from, const dom::node& to) {
  const auto& ta = to.attributes();
  for (std::size_t i = ta.size(); i-- > 0;) {
    const std::string* cur = from.get_attribute(ta[i].name);
    if (!cur || *cur != ta[i].value) from.set_attribute(ta[i].name, ta[i].value);
  }
  std::vector<std::string> gone;
  const auto& fa = from.attributes();
  for (std::size_t i = fa.size(); i-- > 0;) {
    if (!to.has_attribute(fa[i].name)) gone.push_back(fa[i].name);
  }
  for (const auto& name : gone) from.remove_attribute(name);
}

// Keys are never empty: an empty one marks a free entry (an erased key).
std::size_t key_index::inline_find(std::string_view k) const noexcept {
  for (std::size_t i = 0; i < count_; ++i)
    if (inline_[i].first == k) return i;
  return count_;
}

void key_index::insert_or_assign(std::string_view k, dom::node* n) {
  if (k.empty()) return;
  if (!spilled_) {
    std::size_t i = inline_find(k);
    if (i < count_) {
      inline_[i].second = n;
      return;
    }
    if (live_ < count_) i = inline_find({});  // the first free entry
    if (i < count_ || count_ < inline_capacity) {
      if (i == count_) ++count_;
      inline_[i].first.assign(k);
      inline_[i].second = n;
      ++live_;
      return;
    }
    big_.reserve(2 * inline_capacity);
    for (std::size_t j = 0; j < count_; ++j) big_.emplace(std::move(inline_[j].first), inline_[j].second);
    count_ = live_ = 0;
    spilled_ = true;
  }
  big_.insert_or_assign(std::string(k), n);
}

dom::node* key_index::find(std::string_view k) const {
  if (spilled_) {
    auto it = big_.find(std::string(k));
    return it == big_.end() ? nullptr : it->second;
  }
  if (k.empty()) return nullptr;
  const std::size_t i = inline_find(k);
  return i < count_ ? inline_[i].second : nullptr;
}

void key_index::erase(std::string_view k) {
  if (spilled_) {
    big_.erase(std::string(k));
    return;
  }
  if (k.empty()) return;
  const std::size_t i = inline_find(k);
  if (i == count_) return;
  inline_[i].first.clear();  // freed in place: no string moves
  inline_[i].second = nullptr;
  --live_;
  if (i + 1 == count_) --count_;
}

namespace {

bool is_tag(const dom::node& n, std::string_view t) { return n.is_element() && n.tag() == t; }

/// `inner` is `outer` or below it. Moving an ancestor into its own subtree is what a DOM
/// refuses (HierarchyRequestError); morphdom never gets there with trees a patch builds, and
/// here it is simply not done.
bool contains(const dom::node& outer, const dom::node& inner) {
  for (const dom::node* n = &inner; n; n = n->parent())
    if (n == &outer) return true;
  return false;
}

/// The select an option belongs to (through an optgroup), if any.
dom::node* owning_select(const dom::node& option) {
  dom::node* p = option.parent();
  if (p && is_tag(*p, "optgroup")) p = p->parent();
  return p && is_tag(*p, "select") ? p : nullptr;
}

void collect_options(dom::node& n, std::vector<dom::node*>& out) {
  for (const auto& c : n.children()) {
    if (is_tag(*c, "option")) out.push_back(c.get());
    else if (is_tag(*c, "optgroup")) collect_options(*c, out);
  }
}

/// An option's selectedness in a single-select the browser has just parsed: the last option
/// with `selected`, else the first one not disabled.
bool parsed_selected(dom::node& option) {
  dom::node* sel = owning_select(option);
  if (!sel) return option.has_attribute("selected");
  std::vector<dom::node*> opts;
  collect_options(*sel, opts);
  if (sel->has_attribute("multiple")) return option.has_attribute("selected");
  dom::node* chosen = nullptr;
  for (dom::node* o : opts)
    if (o->has_attribute("selected")) chosen = o;
  if (!chosen) {
    const std::string* size = sel->get_attribute("size");
    bool display_one = !size || *size == "1" || *size == "0" || size->empty();
    if (display_one) {
      for (dom::node* o : opts) {
        if (!o->has_attribute("disabled")) {
          chosen = o;
          break;
        }
      }
    }
  }
  return chosen == &option;
}

class morpher {
 public:
  morpher(morph_version v, morph_callbacks& cb) : v_(v), cb_(cb) {}

  void run(dom::node& from, dom::node& to, bool children_only,
           std::unique_ptr<dom::node>* to_owner, bool keyed_root) {
    to_owner_ = to_owner && to_owner->get() == &to ? to_owner : nullptr;
    index_tree(from);
    if (keyed_root && !children_only && v_ == morph_version::fork && to_owner_ && from.parent()) {
      std::string_view from_key = key(from);
      std::string_view to_key = key(to);
      if ((!from_key.empty() || !to_key.empty()) && from_key != to_key) {
        // A component root whose key changed is replaced whole, not morphed.
        cb_.node_discarded(from);
        dom::node* parent = from.parent();
        std::size_t at = from.index_in_parent();
        auto old = parent->replace_child(at, std::move(*to_owner_));
        to_owner_ = nullptr;
        handle_node_added(parent->child(at));
        walk_discarded(*old, false);
        remove_keyed();
        cb_.keep_removed(std::move(old));
        return;
      }
    }
    if (!children_only && from.is_element() && !to.is_element()) {
      // An element patched with a text or comment node: morphdom discards the element and
      // puts the node in its place, morphing nothing.
      if (!to_owner_ || !from.parent()) return;  // nowhere to put it
      cb_.node_discarded(from);
      dom::node* parent = from.parent();
      auto old = parent->replace_child(from.index_in_parent(), std::move(*to_owner_));
      to_owner_ = nullptr;
      cb_.keep_removed(std::move(old));
      return;
    }
    dom::node* morphed = &from;
    if (!children_only && from.is_element() && to.is_element() && !same_name(from, to)) {
      // Incompatible roots: a new element of the target's name takes over the children.
      cb_.node_discarded(from);
      auto fresh = dom::node::make_element(to.tag(), to.element_namespace());
      while (from.child_count() > 0) fresh->append_child(from.remove_child(0));
      dom::node* parent = from.parent();
      if (parent) {
        std::size_t at = from.index_in_parent();
        auto old = parent->replace_child(at, std::move(fresh));
        morphed = &parent->child(at);
        cb_.keep_removed(std::move(old));
      } else {
        return;  // a detached root cannot be swapped; nothing sensible to do
      }
    }
    morph_el(*morphed, to, children_only);
    remove_keyed();
  }

 private:
  void index_tree(dom::node& n) {
    for (const auto& c : n.children()) {
      std::string_view k = key(*c);
      if (!k.empty()) lookup_.insert_or_assign(k, c.get());
      index_tree(*c);
    }
  }

  /// A node of the lookup out of wherever it is now: its parent, or (a removed root) the
  /// callbacks that hold it.
  std::unique_ptr<dom::node> take(dom::node& n) {
    if (n.parent()) return detach(n);
    return cb_.reclaim(n);
  }

  void remove_keyed() {
    for (std::size_t i = 0; i < keyed_removals_.size(); ++i) {
      dom::node* el = lookup_.find(keyed_removals_[i]);
      if (!el) continue;
      remove_node(*el, el->parent() != nullptr, false);
    }
  }

  // Keys are asked of elements only (getNodeKey reads an attribute): text and comments,
  // half of a page's nodes, cost no virtual call.
  std::string_view key(const dom::node& n) { return n.is_element() ? cb_.key(n) : std::string_view(); }

  dom::node* lookup(std::string_view k) {
    return lookup_.find(k);
  }

  void walk_discarded(dom::node& n, bool skip_keyed) {
    if (!n.is_element()) return;
    for (std::size_t i = 0; i < n.child_count(); ++i) {
      dom::node& c = n.child(i);
      std::string_view k;
      if (skip_keyed && !(k = key(c)).empty()) {
        keyed_removals_.emplace_back(k);
      } else {
        cb_.node_discarded(c);
        if (c.child_count() > 0) walk_discarded(c, skip_keyed);
      }
    }
  }

  void remove_node(dom::node& n, bool from_parent, bool skip_keyed) {
    if (!cb_.before_node_discarded(n)) return;
    std::unique_ptr<dom::node> owned;
    if (from_parent && n.parent()) owned = detach(n);
    cb_.node_discarded(n);
    walk_discarded(n, skip_keyed);
    if (owned) cb_.keep_removed(std::move(owned));
  }

  void handle_node_added(dom::node& el) {
    cb_.node_added(el);
    dom::node* cur = el.child_count() ? &el.child(0) : nullptr;
    // Stream re-ordering can move a child behind its saved next sibling: the client then
    // visits children again, and on some inserts (0.20.1) forever. Visits are bounded here.
    std::size_t budget = 2 * (el.child_count() + 1) * (el.child_count() + 1);
    while (cur && budget-- > 0) {
      dom::node* next = next_sibling(*cur);
      std::string_view k = key(*cur);
      dom::node* unmatched = k.empty() ? nullptr : lookup(k);
      std::unique_ptr<dom::node> from_el;
      if (unmatched && same_name(*cur, *unmatched) && unmatched != cur &&
          !contains(*unmatched, *cur))
        from_el = take(*unmatched);
      if (from_el) {
        dom::node* parent = cur->parent();
        std::size_t at = cur->index_in_parent();
        auto replaced = parent->replace_child(at, std::move(from_el));
        morph_el(parent->child(at), *replaced, false);
      } else {
        handle_node_added(*cur);
      }
      cur = next;
    }
  }

  void cleanup_from(dom::node& from, dom::node* cur) {
    while (cur) {
      dom::node* next = next_sibling(*cur);
      std::string_view k = key(*cur);
      if (!k.empty()) keyed_removals_.emplace_back(k);
      else remove_node(*cur, true, true);
      cur = next;
    }
    (void)from;
  }

  void morph_el(dom::node& from_el, dom::node& to, bool children_only) {
    const std::string_view to_key = key(to);
    if (!to_key.empty())
      lookup_.erase(to_key);
    dom::node* into = &from_el;
    if (!children_only) {
      switch (cb_.before_el_updated(from_el, to, into)) {
        case morph_callbacks::el_update::skip:
          return;
        case morph_callbacks::el_update::morph:
          into = &from_el;
          break;
        case morph_callbacks::el_update::morph_element:
          if (!into) into = &from_el;
          if (v_ >= morph_version::v2_7_7) index_tree(*into);
          break;
        case morph_callbacks::el_update::replace_root:
          into = &from_el;
          if (to_owner_ && to_owner_->get() == &to && from_el.parent()) {
            dom::node* parent = from_el.parent();
            std::size_t at = from_el.index_in_parent();
            cb_.keep_removed(parent->replace_child(at, std::move(*to_owner_)));
            to_owner_ = nullptr;
            cb_.node_added(parent->child(at));
          }
          break;
      }
      morph_attrs(*into, to);
      cb_.el_updated(*into);
    }
    dom::node& from = *into;
    if (!is_tag(from, "textarea")) morph_children(from, to);
    else textarea(from, to);
  }

  void textarea(dom::node& from, const dom::node& to) {
    std::string value = to.text_content();
    if (from.child_count() == 0) return;  // only the value property would change
    dom::node& first = from.child(0);
    if (first.data() == value) return;
    const std::string* ph = from.get_attribute("placeholder");
    if (value.empty() && first.data() == (ph ? *ph : std::string())) return;
    first.set_data(value);
  }

  void option(dom::node& from, dom::node& to) {
    dom::node* sel = owning_select(from);
    if (!sel || sel->has_attribute("multiple")) return;
    bool to_selected = parsed_selected(to);
    if (from.has_attribute("selected") && !to_selected) from.remove_attribute("selected");
    // The select's selectedIndex was reset, so `selected` is re-set when the target has it.
    if (to_selected) from.set_attribute("selected", "");
  }

  void morph_children(dom::node& from, dom::node& to) {
    const bool skip_from = v_ != morph_version::v2_6 && cb_.skip_from_children(from);
    dom::node* cur_to = to.child_count() ? &to.child(0) : nullptr;
    dom::node* cur_from = from.child_count() ? &from.child(0) : nullptr;
    while (cur_to) {
      dom::node* to_next = next_sibling(*cur_to);
      std::string_view to_key = key(*cur_to);
      bool matched = false;
      while (!skip_from && cur_from) {
        dom::node* from_next = next_sibling(*cur_from);
        std::string_view from_key = key(*cur_from);
        int compatible = -1;  // -1 unknown, 0 no, 1 yes
        if (cur_from->type() == cur_to->type()) {
          if (cur_from->is_element()) {
            if (!to_key.empty()) {
              if (to_key != from_key) {
                dom::node* m = lookup(to_key);
                if (m && (m == &from || contains(*m, from))) m = nullptr;
                std::unique_ptr<dom::node> moved;
                if (m && from_next != m) {
                  moved = take(*m);
                  if (!moved) m = nullptr;
                }
                if (m) {
                  if (from_next == m) {
                    compatible = 0;
                  } else {
                    insert_before(from, std::move(moved), cur_from);
                    if (!from_key.empty()) keyed_removals_.emplace_back(from_key);
                    else remove_node(*cur_from, true, true);
                    cur_from = m;
                    if (v_ >= morph_version::v2_7_7) from_key = key(*cur_from);
                  }
                } else {
                  compatible = 0;
                }
              }
            } else if (!from_key.empty()) {
              compatible = 0;
            }
            compatible = (compatible != 0 && same_name(*cur_from, *cur_to)) ? 1 : 0;
            if (compatible == 1) morph_el(*cur_from, *cur_to, false);
          } else if (cur_from->type() == dom::node_type::text ||
                     cur_from->type() == dom::node_type::comment) {
            compatible = 1;
            if (cur_from->data() != cur_to->data()) cur_from->set_data(cur_to->data());
          }
        }
        if (compatible == 1) {
          cur_from = from_next;
          matched = true;
          break;
        }
        if (!from_key.empty()) keyed_removals_.emplace_back(from_key);
        else remove_node(*cur_from, true, true);
        cur_from = from_next;
      }
      if (!matched) {
        dom::node* m = to_key.empty() ? nullptr : lookup(to_key);
        if (m && (m == &from || contains(*m, from))) m = nullptr;
        std::unique_ptr<dom::node> moved;
        if (m && same_name(*m, *cur_to) && (v_ == morph_version::v2_6 || !skip_from)) {
          moved = take(*m);
          if (!moved) m = nullptr;
        }
        if (m && same_name(*m, *cur_to)) {
          if (v_ == morph_version::v2_6) from.append_child(std::move(moved));
          else if (!skip_from) cb_.add_child(from, std::move(moved));
          morph_el(*m, *cur_to, false);
        } else {
          auto owned = detach(*cur_to);
          if (cb_.before_node_added(owned) && owned) {
            dom::node& added = v_ == morph_version::v2_6 ? from.append_child(std::move(owned))
                                                          : cb_.add_child(from, std::move(owned));
            handle_node_added(added);
          }
        }
        // The inner loop has consumed every "from" child (or skipped them all).
        cur_from = nullptr;
      }
      cur_to = to_next;
    }
    cleanup_from(from, cur_from);
    if (is_tag(from, "option")) option(from, to);
  }

  morph_version v_;
  morph_callbacks& cb_;
  std::unique_ptr<dom::node>* to_owner_ = nullptr;
  key_index lookup_;
  std::vector<std::string> keyed_removals_;
};

}  // namespace

void morph(dom::node& from, dom::node& to, bool children_only, morph_version v,
           morph_callbacks& cb, std::unique_ptr<dom::node>* to_owner, bool keyed_root) {
  morpher(v, cb).run(from, to, children_only, to_owner, keyed_root);
}

}  // namespace lvh::sim::detail
