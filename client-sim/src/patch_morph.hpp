// morphdom over lvh::dom trees: the algorithm the official clients patch with, in the
// variants they ship (see morph_version), driven by DOMPatch's callbacks.
// Private to lvh_sim_patch.
#pragma once

#include <lvh/dom/node.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lvh::sim::detail {

/// DOMPatch's side of morphdom. Defaults are morphdom's.
class morph_callbacks {
 public:
  virtual ~morph_callbacks() = default;
  /// getNodeKey of an element (other nodes have none): "" for none. Keys are attribute
  /// values: the view is into `n`, valid until `n`'s attributes change (the morph copies
  /// what it keeps longer).
  virtual std::string_view key(const dom::node& n) = 0;
  virtual bool skip_from_children(const dom::node&) { return false; }
  /// Inserts `child` under `parent` (2.7 addChild); default appends.
  virtual dom::node& add_child(dom::node& parent, std::unique_ptr<dom::node> child) {
    return parent.append_child(std::move(child));
  }
  /// onBeforeNodeAdded: false drops the node; may swap `to` for another detached node.
  virtual bool before_node_added(std::unique_ptr<dom::node>&) { return true; }
  virtual void node_added(dom::node&) {}
  /// onBeforeElUpdated's answer.
  enum class el_update {
    skip,          ///< false: `from` (and its children) left as they are
    morph,         ///< morph `from` (the callback returned nothing)
    morph_element, ///< the callback returned `from` itself: 2.7.7+ re-indexes its subtree
    replace_root,  ///< 1.0's changed component id: `to` takes `from`'s place in the DOM,
                   ///< `from` (detached) is still morphed against it
  };
  /// `into` starts as `from`; with morph_element the callback may point it at another
  /// element to morph in `from`'s stead (1.x: a locked element's private clone).
  virtual el_update before_el_updated(dom::node& /*from*/, dom::node& /*to*/,
                                      dom::node*& /*into*/) {
    return el_update::morph;
  }
  virtual void el_updated(dom::node&) {}
  virtual bool before_node_discarded(dom::node&) { return true; }
  virtual void node_discarded(dom::node&) {}
  /// Takes ownership of a subtree removed from the DOM.
  virtual void keep_removed(std::unique_ptr<dom::node>) {}
  /// Gives back a node detached earlier (keep_removed or the patcher's own removals): morphdom
  /// re-inserts a keyed element it still has in its lookup even after removing it. nullptr:
  /// not held (the node is then treated as not found).
  virtual std::unique_ptr<dom::node> reclaim(dom::node&) { return nullptr; }
};

/// The morphdom each release bundles.
enum class morph_version {
  v2_6,    ///< 0.15.7 (npm 2.6.1), 0.18.0
  v2_7_0,  ///< 0.20.1: addChild, skipFromChildren
  v2_7_7,  ///< 1.0.19: + the moved keyed element's key re-read, onBeforeElUpdated → element
  fork,    ///< 1.2.12 (SteffenDE/morphdom): + keyedRoot
};

/// morphdom(from, to, {childrenOnly, keyedRoot}). `to` is consumed (its nodes move into
/// `from`); `to_owner`, when given, owns `to` and lets it take `from`'s place (keyedRoot,
/// el_update::replace_root); the replaced `from` goes to keep_removed.
void morph(dom::node& from, dom::node& to, bool children_only, morph_version v,
           morph_callbacks& cb, std::unique_ptr<dom::node>* to_owner = nullptr,
           bool keyed_root = false);

/// morphAttrs: attributes of `to` set on `from` (walking `to`'s from last to first, so new
/// ones are appended in reverse), then those `to` lacks removed.
void morph_attrs(dom::node& from, const dom::node& to);
/// morph_attrs looking every attribute up by name: what it does unless both elements have
/// the same names in the same order (exposed for the property that holds the two equal).
void morph_attrs_by_lookup(dom::node& from, const dom::node& to);

/// morphdom's fromNodesLookup: keyed elements by key. A patch usually keys a handful, held
/// in place and searched in order (no allocation per key); past `inline_capacity` they move
/// into a hash map. Keys are copied: a key's node may change its attributes meanwhile.
class key_index {
 public:
  static constexpr std::size_t inline_capacity = 16;

  /// Keys are not empty (morphdom keys no node by an empty id); an empty one is ignored.
  void insert_or_assign(std::string_view k, dom::node* n);
  /// nullptr when `k` is not in the index.
  dom::node* find(std::string_view k) const;
  void erase(std::string_view k);
  std::size_t size() const noexcept { return spilled_ ? big_.size() : live_; }

 private:
  std::size_t inline_find(std::string_view k) const noexcept;  // count_ when absent
  std::array<std::pair<std::string, dom::node*>, inline_capacity> inline_{};
  std::size_t count_ = 0;  // entries in use or freed, from the start
  std::size_t live_ = 0;   // keys held
  bool spilled_ = false;
  // std::hash<std::string> rather than a transparent hash: libstdc++ caches its codes.
  std::unordered_map<std::string, dom::node*> big_;
};

// Tree helpers shared with DOMPatch.
dom::node* next_sibling(const dom::node& n) noexcept;
std::unique_ptr<dom::node> detach(dom::node& n);
dom::node& insert_before(dom::node& parent, std::unique_ptr<dom::node> n, dom::node* ref);
bool same_name(const dom::node& a, const dom::node& b) noexcept;

}  // namespace lvh::sim::detail
