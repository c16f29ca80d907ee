// Private: the nodes of a rendered tree and of a decoded diff (the same types, as in the JS
// client, where a diff's objects are adopted into the tree).
#pragma once

#include <lvh/protocol/profile.hpp>
#include <lvh/protocol/rendered.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lvh::protocol::detail {

/// A heap-held value with value semantics: copying a box deep-copies what it holds.
template <class T>
class box {
 public:
  box() = default;
  explicit box(std::unique_ptr<T> p) noexcept : p_(std::move(p)) {}
  box(const box& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  box& operator=(const box& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  box(box&&) noexcept = default;
  box& operator=(box&&) noexcept = default;
  ~box() = default;

  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_.get(); }
  T* get() const noexcept { return p_.get(); }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 private:
  std::unique_ptr<T> p_;
};

using statics = std::vector<std::string>;
/// Statics are immutable once decoded and shared by every node that uses them.
using statics_ptr = std::shared_ptr<const statics>;
/// Templates "p": index -> statics.
using templates = std::map<long, statics_ptr>;
using templates_ptr = std::shared_ptr<const templates>;

struct node;
struct comprehension;

/// A component reference: a JSON number where a dynamic is expected.
struct cid_ref {
  int cid;
  friend bool operator==(cid_ref a, cid_ref b) { return a.cid == b.cid; }
};

/// One dynamic: absent (only in diffs), text, a component, a nested node or a comprehension.
using dyn = std::variant<std::monostate, std::string, cid_ref, box<node>, box<comprehension>>;

enum class dyn_kind : unsigned char { absent, text, cid, node, comprehension };
inline dyn_kind kind_of(const dyn& d) noexcept { return static_cast<dyn_kind>(d.index()); }

/// "s" as it arrived: a list, a template index (inside comprehensions, >= 0.18), or for a
/// component's own root a link to another component's statics (+cid / -cid).
struct statics_ref {
  enum class kind : unsigned char { none, list, index, link };
  statics_ptr list;  // kind::list (and, once resolved, kind::index keeps its list here too)
  long number = 0;   // kind::index: template index; kind::link: the signed cid
  kind k = kind::none;

  bool present() const noexcept { return k != kind::none; }
  bool resolved() const noexcept { return list != nullptr; }
};

/// Where a 1.x magic id came from: the per-view counter (m<n>-<view>) or a component
/// (c<cid>-<view>).
enum class magic_kind : unsigned char { none, counter, component };

/// A rendered object {"s": …, "0": …, "1": …, "r": 1}.
struct node {
  statics_ref s;
  std::vector<dyn> slots;       // slot i is dynamic i (dense: full nodes and the tree)
  std::vector<std::pair<long, dyn>> sparse;  // partial diffs: (slot, dynamic) by slot
  templates_ptr p;              // "p" on a rendered object (1.2 root-level templates); diffs only
  std::int8_t root = -1;        // "r": -1 not sent (diffs), 0 / 1
  // Render bookkeeping of the 1.x clients, kept on the object as they keep it.
  magic_kind magic = magic_kind::none;
  std::uint32_t magic_n = 0;    // counter value, or the cid for components
  bool new_render = false;

  // Render cache of a component, not part of the value: what rendering it as a skipped
  // component gives, kept while it has not been merged into since (a merge builds a new
  // node) and it renders no other component inside itself.
  bool clean = false;
  bool skipped_ok = false;
  bool skipped_is_placeholder = false;  // else `skipped` holds the full render, to cut down
  std::string skipped;

  bool is_root() const noexcept { return root == 1; }
  std::size_t statics_count() const noexcept { return s.list ? s.list->size() : 0; }
};

/// A stream instruction (>= 0.20): [ref, inserts, deletes, reset?], kept as sent.
struct stream_instr {
  nlohmann::json raw;
  bool has_deletes = false;
  bool reset = false;
};

/// One keyed-comprehension instruction for a position (1.2): a diff for the entry there, a
/// move of the entry previously at `from`, or both.
struct keyed_op {
  long pos = 0;
  long from = -1;                          // -1: no move
  std::optional<std::vector<dyn>> entry;   // entry diff (absent for a bare move)
};

/// A comprehension {"s": …, "d": [[…], …], "p": {…}, "stream": […]}, or its keyed form
/// {"s": …, "k": {…, "kc": n}} (1.2).
struct comprehension {
  statics_ref s;
  bool keyed = false;
  std::vector<std::vector<dyn>> entries;  // "d", or the keyed entries by position
  bool has_entries = false;               // diffs: "d" present
  templates_ptr p;
  std::optional<stream_instr> stream;
  // keyed diffs only
  std::vector<keyed_op> kops;
  long kc = -1;                           // -1: absent
  bool km = false;

  // Render cache, not part of the value: each row's markup from the last render, kept
  // while the row is unchanged. Rows whose render touched anything with state of its own
  // (components, change-tracked roots, streams) are never cached.
  std::vector<std::string> row_html;
  std::vector<char> row_ok;
  std::uint8_t cache_pause = 0;  // renders left before caching is tried again
  bool rendered_once = false;

  void drop_row_cache() noexcept {
    row_html.clear();
    row_ok.clear();
  }
};

/// The decoded top-level diff: the view's root node and the "c" map.
struct diff_node {
  node root;
  std::map<int, node> components;
  bool has_components = false;            // "c" present (even if empty)
};

/// Per-view state kept between steps: the merged tree, the 1.x magic-id counter, and the
/// model of what the container's DOM holds (see dom_model in rendered.cpp).
struct dom_fragment;

}  // namespace lvh::protocol::detail
