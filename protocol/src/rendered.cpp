// Merging a diff into the tree as the official client's Rendered.mergeDiff does, with every
// place the client would render garbage or crash turned into a typed error. The merge works
// in place like the client's, logging what it overwrites so a refused diff is rolled back.
#include "modify_root.hpp"
#include "tree_state.hpp"

#include <lvh/dom/node.hpp>

#include <algorithm>
#include <set>

namespace lvh::protocol {
namespace detail {
namespace {

/// Where in the diff a check is: a chain of stack frames, spelled out only when a diff is
/// refused (building the path eagerly cost more than the whole merge).
struct where {
  const where* up = nullptr;
  std::string_view name;  // a key such as "s", "d", "k", "c"
  long index = -1;        // or a slot, entry position or cid

  where at(std::string_view n) const noexcept { return {this, n, -1}; }
  where at(long i) const noexcept { return {this, {}, i}; }

  std::string str() const {
    std::vector<const where*> chain;
    for (const where* w = this; w; w = w->up)
      if (!w->name.empty() || w->index >= 0) chain.push_back(w);
    std::string out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (!out.empty()) out += '.';
      if ((*it)->index >= 0)
        out += std::to_string((*it)->index);
      else
        out += (*it)->name;
    }
    return out;
  }
};

/// What the merge overwrote, newest last, so a refused diff can be undone.
class undo_log {
 public:
  void slot(dyn& w) { entries_.emplace_back(slot_entry{&w, std::move(w)}); }
  void flags(node& n) { entries_.emplace_back(flag_entry{&n, n.root, n.new_render}); }
  void comp(comprehension& c) { entries_.emplace_back(comp_entry{&c, std::move(c)}); }
  void size(comprehension& c) { entries_.emplace_back(size_entry{&c, c.entries.size()}); }
  void meta(comprehension& c) { entries_.emplace_back(meta_entry{&c, c.kc, c.stream, c.p}); }
  void slot_row(comprehension& c, std::size_t pos) {
    entries_.emplace_back(row_entry{&c, pos, std::move(c.entries[pos])});
  }
  /// Row caches move with rows during a merge; after an undo they are simply dropped.
  void cache(comprehension& c) { entries_.emplace_back(cache_entry{&c}); }

  void rollback() {
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
      std::visit([](auto& e) { e.undo(); }, *it);
    entries_.clear();
  }

 private:
  struct slot_entry {
    dyn* at;
    dyn old;
    void undo() { *at = std::move(old); }
  };
  struct flag_entry {
    node* at;
    std::int8_t root;
    bool new_render;
    void undo() {
      at->root = root;
      at->new_render = new_render;
    }
  };
  struct comp_entry {
    comprehension* at;
    comprehension old;
    void undo() {
      *at = std::move(old);
      at->drop_row_cache();
    }
  };
  struct size_entry {
    comprehension* at;
    std::size_t size;
    void undo() { at->entries.resize(size); }
  };
  struct meta_entry {
    comprehension* at;
    long kc;
    std::optional<stream_instr> stream;
    templates_ptr p;
    void undo() {
      at->kc = kc;
      at->stream = std::move(stream);
      at->p = std::move(p);
    }
  };
  struct row_entry {
    comprehension* at;
    std::size_t pos;
    std::vector<dyn> old;
    void undo() { at->entries[pos] = std::move(old); }
  };
  struct cache_entry {
    comprehension* at;
    void undo() { at->drop_row_cache(); }
  };
  std::vector<std::variant<slot_entry, flag_entry, comp_entry, size_entry, meta_entry, row_entry,
                           cache_entry>>
      entries_;
};

/// Two dynamics with the same content (what the client would render identically).
bool same(const dyn& a, const dyn& b);
bool same_row(const std::vector<dyn>& a, const std::vector<dyn>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}
bool same_statics(const statics_ref& a, const statics_ref& b) {
  return a.list == b.list || (a.list && b.list && *a.list == *b.list);
}
bool same(const dyn& a, const dyn& b) {
  if (a.index() != b.index()) return false;
  switch (kind_of(a)) {
    case dyn_kind::absent: return true;
    case dyn_kind::text: return std::get<std::string>(a) == std::get<std::string>(b);
    case dyn_kind::cid: return std::get<cid_ref>(a) == std::get<cid_ref>(b);
    case dyn_kind::node: {
      const node& x = *std::get<box<node>>(a);
      const node& y = *std::get<box<node>>(b);
      if (x.root != y.root || !same_statics(x.s, y.s) || x.slots.size() != y.slots.size())
        return false;
      for (std::size_t i = 0; i < x.slots.size(); ++i)
        if (!same(x.slots[i], y.slots[i])) return false;
      return true;
    }
    case dyn_kind::comprehension: {
      const comprehension& x = *std::get<box<comprehension>>(a);
      const comprehension& y = *std::get<box<comprehension>>(b);
      if (x.stream || y.stream || !same_statics(x.s, y.s) || x.entries.size() != y.entries.size())
        return false;
      for (std::size_t i = 0; i < x.entries.size(); ++i)
        if (!same_row(x.entries[i], y.entries[i])) return false;
      return true;
    }
  }
  return false;
}

class merger {
 public:
  merger(tree& t, diff_node& d)
      : t_(t), d_(d), p_(t.profile), resolving_(t.merge_buf.resolving), taken_(t.merge_buf.taken),
        changed_roots_(t.merge_buf.changed_roots) {
    resolving_.clear();
    taken_.clear();
    changed_roots_.clear();
  }

  result<void> run() {
    replace_root_ = d_.root.s.present();
    const where top;
    // Components that another one links to as they were before this diff (-cid) must stay
    // as they are until the end; every other updated component is merged in place.
    for (auto& [cid, cd] : d_.components)
      if (cd.s.k == statics_ref::kind::link && cd.s.number <= 0)
        linked_before_.insert(static_cast<int>(-cd.s.number));

    // 1. Components first: built aside (or taken out of the tree and merged in place, undo-
    //    logged), so nothing the view sees changes until commit.
    for (auto& [cid, _] : d_.components) {
      if (auto r = resolve(cid); !r) return undo(r.error());
    }
    // 2. The root, in place (or replaced).
    if (replace_root_) {
      dyn fresh(box<node>(std::make_unique<node>(std::move(d_.root))));
      if (auto r = adopt(fresh, nullptr, top); !r) return undo(r.error());
      new_root_ = std::move(fresh);
    } else {
      if (auto r = merge_node(t_.root, d_.root, d_.root.p.get(), top, &log_); !r)
        return undo(r.error());
    }
    // 3. Checks that need the whole result.
    if (auto r = check_component_cycles(); !r) return undo(r.error());
    if (auto r = check_roots(); !r) return undo(r.error());
    // 4. Commit.
    if (replace_root_) {
      t_.root = std::move(*std::get<box<node>>(new_root_));
      t_.components.clear();
    }
    for (auto& [cid, n] : resolved_) t_.components[cid] = std::move(n);
    // What cloneMerge does to bookkeeping, for the components merged in place: every root in
    // the updated component counts as a new render.
    if (has_magic_ids(p_))
      for (int cid : taken_) mark_tree(t_.components.at(cid), false);
    return {};
  }

  /// Puts everything back as it was and reports `e`.
  error undo(error e) {
    log_.rollback();
    for (int cid : taken_) t_.components.at(cid) = std::move(resolved_.at(cid));
    return e;
  }

 private:
  error fail(diff_errc e, const where& w) const { return make_error(e, w.str()); }

  bool cid_exists(int cid) const {
    return d_.components.count(cid) || (!replace_root_ && t_.components.count(cid));
  }

  const node* old_component(int cid) const {
    if (replace_root_) return nullptr;
    auto it = t_.components.find(cid);
    return it == t_.components.end() ? nullptr : &it->second;
  }

  // -- components (cachedFindComponent) ---------------------------------------------------

  result<const node*> resolve(int cid) {
    if (auto it = resolved_.find(cid); it != resolved_.end()) return &it->second;
    const where c_key{nullptr, "c", -1};
    const where w = c_key.at(cid);
    if (std::find(resolving_.begin(), resolving_.end(), cid) != resolving_.end())
      return fail(diff_errc::bad_cid_link, w.at("s"));
    resolving_.push_back(cid);
    node& cd = d_.components.at(cid);
    node out;
    if (cd.s.k == statics_ref::kind::link) {
      const long scid = cd.s.number;
      const node* base = nullptr;
      if (scid > 0) {
        if (!d_.components.count(static_cast<int>(scid))) return fail(diff_errc::bad_cid_link, w.at("s"));
        auto r = resolve(static_cast<int>(scid));
        if (!r) return r.error();
        base = *r;
      } else {
        base = old_component(static_cast<int>(-scid));
        if (!base) return fail(diff_errc::bad_cid_link, w.at("s"));
      }
      auto r = clone_merge(*base, &cd, has_magic_ids(p_), nullptr, w);
      if (!r) return r.error();
      out = std::move(*r);
      out.s = base->s;  // statics come from the linked component
    } else if (cd.s.present()) {
      dyn fresh(box<node>(std::make_unique<node>(std::move(cd))));
      auto r = adopt(fresh, nullptr, w, /*record_top=*/false);
      if (!r) return r.error();
      out = std::move(*std::get<box<node>>(fresh));
    } else {
      const node* prev = old_component(cid);
      if (!prev) return fail(diff_errc::partial_without_base, w);
      if (!linked_before_.count(cid)) {
        // Merged in place, as the client's cloneMerge would give it (bookkeeping at commit).
        node& live = t_.components.at(cid);
        auto [it, _] = resolved_.emplace(cid, std::move(live));
        taken_.push_back(cid);
        node& n = it->second;
        n.clean = false;
        n.skipped_ok = false;
        if (auto r = merge_node(n, cd, nullptr, w, &log_); !r) return r.error();
        resolving_.erase(std::find(resolving_.begin(), resolving_.end(), cid));
        changed_roots_.push_back({nullptr, cid});
        return &n;
      }
      auto r = clone_merge(*prev, &cd, false, nullptr, w);
      if (!r) return r.error();
      out = std::move(*r);
    }
    resolving_.erase(std::find(resolving_.begin(), resolving_.end(), cid));
    changed_roots_.push_back({nullptr, cid});
    auto [it, _] = resolved_.emplace(cid, std::move(out));
    return &it->second;
  }

  /// cloneMerge: a new tree from `target` with `source` merged in; `target` is untouched.
  result<node> clone_merge(const node& target, node* source, bool prune, const templates* scope,
                           const where& w) {
    node out;
    out.s = target.s;
    out.root = target.root;
    out.magic = target.magic;
    out.magic_n = target.magic_n;
    out.new_render = target.new_render;
    out.slots.resize(target.slots.size());
    const templates* inner_scope = scope;
    if (source) {
      if (source->root >= 0) out.root = source->root;
      if (source->p) inner_scope = source->p.get();
      for (auto& [i, v] : source->sparse) {
        if (static_cast<std::size_t>(i) >= target.slots.size())
          return fail(diff_errc::statics_mismatch, w.at(i));
      }
    }
    std::size_t si = 0;
    for (std::size_t i = 0; i < target.slots.size(); ++i) {
      const where sw = w.at(static_cast<long>(i));
      dyn* sv = nullptr;
      if (source) {
        while (si < source->sparse.size() && static_cast<std::size_t>(source->sparse[si].first) < i)
          ++si;
        if (si < source->sparse.size() && static_cast<std::size_t>(source->sparse[si].first) == i)
          sv = &source->sparse[si].second;
      }
      const dyn& tv = target.slots[i];
      if (!sv) {
        // Only in target: copied (the 1.0+ clients clone it, re-marking its roots).
        out.slots[i] = copy_subtree(tv, prune);
        continue;
      }
      if (auto* sn = std::get_if<box<node>>(sv); sn && !(*sn)->s.present()) {
        auto* tn = std::get_if<box<node>>(&tv);
        if (!tn) return fail(diff_errc::partial_without_base, sw);
        auto r = clone_merge(**tn, sn->get(), prune, inner_scope, sw);
        if (!r) return r.error();
        auto boxed = std::make_unique<node>(std::move(*r));
        if (boxed->is_root()) changed_roots_.push_back({boxed.get(), -1});
        out.slots[i] = dyn(box<node>(std::move(boxed)));
        continue;
      }
      if (auto* sc = std::get_if<box<comprehension>>(sv); sc && !(*sc)->s.present()) {
        auto* tc = std::get_if<box<comprehension>>(&tv);
        if (!tc) return fail(diff_errc::partial_without_base, sw);
        auto r = clone_merge_comp(**tc, sc->get(), prune, inner_scope, sw);
        if (!r) return r.error();
        out.slots[i] = dyn(box<comprehension>(std::make_unique<comprehension>(std::move(*r))));
        continue;
      }
      if (auto r = adopt(*sv, inner_scope, sw); !r) return r.error();
      out.slots[i] = std::move(*sv);
    }
    if (has_magic_ids(p_)) {
      if (prune) {
        out.magic = magic_kind::none;
        out.magic_n = 0;
        out.new_render = false;
      } else if (target.is_root()) {
        out.new_render = true;
      }
    }
    return out;
  }

  result<comprehension> clone_merge_comp(const comprehension& target, comprehension* source,
                                         bool prune, const templates* scope, const where& w) {
    comprehension out = target;  // arrays are shared in the client; a copy is equivalent
    if (target.keyed && source && source->kc >= 0) {
      // The keyed branch clones the whole target (bookkeeping included), merges, then prunes.
      if (auto r = merge_keyed(out, *source, scope, w, nullptr); !r) return r.error();
      if (prune && has_magic_ids(p_)) mark_tree(out, true, /*into_entries=*/true);
      return out;
    }
    if (has_magic_ids(p_)) mark_tree(out, prune, /*into_entries=*/target.keyed);
    if (!source) return out;
    if (source->p) out.p = merged_templates(out.p, source->p);
    if (source->has_entries) {
      const templates* entries_scope = scope ? scope : out.p.get();
      if (auto r = adopt_entries(source->entries, out.s, entries_scope, w); !r) return r.error();
      out.entries = std::move(source->entries);
      out.drop_row_cache();
    } else if (source->p && !target.keyed) {
      if (auto r = reresolve_entries(out, scope ? scope : out.p.get(), w); !r) return r.error();
      out.drop_row_cache();
    }
    if (source->stream) out.stream = std::move(source->stream);
    return out;
  }

  /// A copy of a subtree that only the target had. The 1.0+ clients clone such objects
  /// recursively, dropping magic ids when statics are shared from another component, or
  /// marking roots as new renders otherwise; earlier clients share them unchanged.
  dyn copy_subtree(const dyn& v, bool prune) {
    dyn out = v;
    if (!has_magic_ids(p_)) return out;
    if (auto* n = std::get_if<box<node>>(&out)) mark_tree(**n, prune);
    if (auto* c = std::get_if<box<comprehension>>(&out)) mark_tree(**c, prune, (*c)->keyed);
    return out;
  }

  /// The clone's bookkeeping: prune drops magic ids; otherwise roots become new renders.
  /// Comprehension "d" entries are arrays the client neither clones nor visits.
  void mark_tree(node& n, bool prune) {
    if (prune) {
      n.magic = magic_kind::none;
      n.magic_n = 0;
      n.new_render = false;
    } else if (n.is_root()) {
      n.new_render = true;
    }
    for (auto& s : n.slots) {
      if (auto* c = std::get_if<box<node>>(&s)) mark_tree(**c, prune);
      if (auto* c = std::get_if<box<comprehension>>(&s)) mark_tree(**c, prune, (*c)->keyed);
    }
  }
  void mark_tree(comprehension& c, bool prune, bool into_entries) {
    if (!into_entries) return;
    for (auto& e : c.entries) {
      for (auto& s : e) {
        if (auto* n = std::get_if<box<node>>(&s)) mark_tree(**n, prune);
        if (auto* cc = std::get_if<box<comprehension>>(&s)) mark_tree(**cc, prune, (*cc)->keyed);
      }
    }
  }

  static templates_ptr merged_templates(const templates_ptr& base, const templates_ptr& add) {
    if (!base) return add;
    auto m = std::make_shared<templates>(*base);
    for (auto& [k, v] : *add) (*m)[k] = v;
    return m;
  }

  // -- adopting new content (objects that arrive with "s") ---------------------------------

  result<void> resolve_statics(statics_ref& s, const templates* scope, const where& w) {
    switch (s.k) {
      case statics_ref::kind::list: return {};
      case statics_ref::kind::index: {
        if (!scope) return fail(diff_errc::bad_template, w.at("s"));
        auto it = scope->find(s.number);
        if (it == scope->end()) return fail(diff_errc::bad_template, w.at("s"));
        s.list = it->second;
        return {};
      }
      case statics_ref::kind::link: return fail(diff_errc::bad_statics, w.at("s"));
      case statics_ref::kind::none: return fail(diff_errc::partial_without_base, w);
    }
    return {};
  }

  /// Checks and completes a value that replaces whatever was in its place.
  result<void> adopt(dyn& v, const templates* scope, const where& w, bool record_top = true) {
    switch (kind_of(v)) {
      case dyn_kind::absent: return fail(diff_errc::statics_mismatch, w);
      case dyn_kind::text: return {};
      case dyn_kind::cid:
        if (!cid_exists(std::get<cid_ref>(v).cid)) return fail(diff_errc::dangling_cid, w);
        return {};
      case dyn_kind::node: return adopt_node(*std::get<box<node>>(v), scope, w, record_top);
      case dyn_kind::comprehension: return adopt_comp(*std::get<box<comprehension>>(v), scope, w);
    }
    return {};
  }

  result<void> adopt_node(node& n, const templates* scope, const where& w, bool record = true) {
    // "p" on a node is consumed here (the 1.2 client deletes it once rendered).
    const templates_ptr own = std::move(n.p);
    if (own && has_keyed_comprehensions(p_)) scope = own.get();
    if (auto r = resolve_statics(n.s, scope, w); !r) return r;
    const std::size_t arity = n.s.list->size() - 1;
    if (!n.sparse.empty() || n.slots.size() != arity) {
      // Arrived sparse (template index): lay the slots out now that the arity is known.
      std::vector<dyn> dense(arity);
      for (auto& [i, v] : n.sparse) {
        if (static_cast<std::size_t>(i) >= arity) return fail(diff_errc::statics_mismatch, w.at(i));
        dense[static_cast<std::size_t>(i)] = std::move(v);
      }
      n.sparse.clear();
      n.slots = std::move(dense);
    }
    for (std::size_t i = 0; i < arity; ++i) {
      if (kind_of(n.slots[i]) == dyn_kind::text) continue;
      if (auto r = adopt(n.slots[i], scope, w.at(static_cast<long>(i))); !r) return r;
    }
    n.root = n.root == 1 ? 1 : 0;
    n.magic = magic_kind::none;
    n.magic_n = 0;
    n.new_render = false;
    if (n.is_root() && record) changed_roots_.push_back({&n, -1});
    return {};
  }

  result<void> adopt_row(std::vector<dyn>& row, std::size_t arity, const templates* scope,
                         const where& w) {
    for (std::size_t i = 0; i < arity; ++i) {
      if (kind_of(row[i]) == dyn_kind::text) continue;
      if (auto r = adopt(row[i], scope, w.at(static_cast<long>(i))); !r) return r;
    }
    return {};
  }

  result<void> adopt_entries(std::vector<std::vector<dyn>>& entries, const statics_ref& s,
                             const templates* scope, const where& w) {
    const where d = w.at("d");
    if (s.list->empty() && !entries.empty()) return fail(diff_errc::bad_comprehension, w.at("s"));
    const std::size_t arity = s.list->empty() ? 0 : s.list->size() - 1;
    for (std::size_t e = 0; e < entries.size(); ++e) {
      if (entries[e].size() != arity) return fail(diff_errc::bad_comprehension, d.at(static_cast<long>(e)));
      if (auto r = adopt_row(entries[e], arity, scope, d.at(static_cast<long>(e))); !r) return r;
    }
    return {};
  }

  result<void> adopt_comp(comprehension& c, const templates* scope, const where& w) {
    // The comprehension's own statics come from the enclosing templates only; its entries
    // use the enclosing templates when there are any, else its own "p".
    if (auto r = resolve_statics(c.s, scope, w); !r) return r;
    const templates* entries_scope = scope ? scope : c.p.get();
    if (c.keyed) {
      const where k = w.at("k");
      std::vector<std::vector<dyn>> entries(static_cast<std::size_t>(std::max(c.kc, 0L)));
      std::vector<bool> seen(entries.size(), false);
      for (auto& op : c.kops) {
        if (op.from >= 0 || !op.entry || op.pos >= c.kc) return fail(diff_errc::bad_keyed, k.at(op.pos));
        entries[static_cast<std::size_t>(op.pos)] = std::move(*op.entry);
        seen[static_cast<std::size_t>(op.pos)] = true;
      }
      for (std::size_t i = 0; i < seen.size(); ++i)
        if (!seen[i]) return fail(diff_errc::bad_keyed, k.at(static_cast<long>(i)));
      c.kops.clear();
      if (c.s.list->empty() && !entries.empty()) return fail(diff_errc::bad_keyed, w.at("s"));
      const std::size_t arity = c.s.list->empty() ? 0 : c.s.list->size() - 1;
      for (std::size_t e = 0; e < entries.size(); ++e) {
        if (entries[e].size() != arity) return fail(diff_errc::statics_mismatch, k.at(static_cast<long>(e)));
        if (auto r = adopt_row(entries[e], arity, entries_scope, k.at(static_cast<long>(e))); !r) return r;
      }
      c.entries = std::move(entries);
      c.p.reset();  // consumed by the render that follows
      return {};
    }
    if (!c.has_entries) return fail(diff_errc::bad_comprehension, w.at("d"));
    return adopt_entries(c.entries, c.s, entries_scope, w);
  }

  /// Re-reads integer statics of entries after "p" changed without new entries (<= 1.0).
  result<void> reresolve_entries(comprehension& c, const templates* scope, const where& w) {
    for (auto& e : c.entries)
      for (auto& v : e)
        if (auto r = reresolve(v, scope, w); !r) return r;
    return {};
  }
  result<void> reresolve(dyn& v, const templates* scope, const where& w) {
    auto fix = [&](statics_ref& s) -> result<void> {
      if (s.k != statics_ref::kind::index) return {};
      if (!scope) return fail(diff_errc::bad_template, w);
      auto it = scope->find(s.number);
      if (it == scope->end() || it->second->size() != s.list->size())
        return fail(diff_errc::bad_template, w);
      s.list = it->second;
      return {};
    };
    if (auto* n = std::get_if<box<node>>(&v)) {
      if (auto r = fix((*n)->s); !r) return r;
      for (auto& s : (*n)->slots)
        if (auto r = reresolve(s, scope, w); !r) return r;
    } else if (auto* c = std::get_if<box<comprehension>>(&v)) {
      if (auto r = fix((*c)->s); !r) return r;
      return reresolve_entries(**c, scope, w);
    }
    return {};
  }

  // -- merging in place (doMutableMerge) ---------------------------------------------------
  //
  // `log` records what is overwritten; it is null when merging into a private copy.

  result<void> merge_slot(dyn& target, dyn& src, const templates* scope, const where& w,
                          undo_log* log) {
    if (auto* sn = std::get_if<box<node>>(&src); sn && !(*sn)->s.present()) {
      auto* tn = std::get_if<box<node>>(&target);
      if (!tn) return fail(diff_errc::partial_without_base, w);
      return merge_node(**tn, **sn, scope, w, log);
    }
    if (auto* sc = std::get_if<box<comprehension>>(&src); sc && !(*sc)->s.present()) {
      auto* tc = std::get_if<box<comprehension>>(&target);
      if (!tc) return fail(diff_errc::partial_without_base, w);
      return merge_comp(**tc, **sc, scope, w, log);
    }
    if (auto r = adopt(src, scope, w); !r) return r;
    if (log) log->slot(target);
    target = std::move(src);
    return {};
  }

  result<void> merge_node(node& target, node& src, const templates* scope, const where& w,
                          undo_log* log) {
    if (src.p && has_keyed_comprehensions(p_)) scope = src.p.get();
    for (auto& [i, v] : src.sparse) {
      if (static_cast<std::size_t>(i) >= target.slots.size())
        return fail(diff_errc::statics_mismatch, w.at(i));
      if (auto r = merge_slot(target.slots[static_cast<std::size_t>(i)], v, scope, w.at(i), log); !r)
        return r;
    }
    const bool sets_root = src.root >= 0;
    const bool marks = has_magic_ids(p_) && (target.is_root() || src.root == 1);
    if (sets_root || marks) {
      if (log) log->flags(target);
      if (sets_root) target.root = src.root;
      // The client marks a root it merged into as a new render (it will not be skipped).
      if (has_magic_ids(p_) && target.is_root()) target.new_render = true;
      if (target.is_root()) changed_roots_.push_back({&target, -1});
    }
    return {};
  }

  result<void> merge_comp(comprehension& target, comprehension& src, const templates* scope,
                          const where& w, undo_log* log) {
    if (target.keyed) return merge_keyed(target, src, scope, w, log);
    // "d" replaces the entries wholesale; "p" merges key by key; "stream" replaces.
    templates_ptr p = src.p ? merged_templates(target.p, src.p) : target.p;
    const templates* entries_scope = scope ? scope : p.get();
    if (src.has_entries) {
      if (auto r = adopt_entries(src.entries, target.s, entries_scope, w); !r) return r;
    }
    comprehension next;
    next.s = target.s;
    next.p = std::move(p);
    if (src.has_entries) {
      next.entries = std::move(src.entries);
      // Rows equal to the ones rendered last time keep their rendered markup.
      const std::size_t keep = std::min(next.entries.size(), target.row_ok.size());
      if (keep > 0) {
        next.row_html.resize(next.entries.size());
        next.row_ok.assign(next.entries.size(), 0);
        for (std::size_t i = 0; i < keep; ++i) {
          if (target.row_ok[i] && i < target.entries.size() &&
              same_row(target.entries[i], next.entries[i])) {
            next.row_html[i] = std::move(target.row_html[i]);
            next.row_ok[i] = 1;
          }
        }
      }
    } else {
      next.entries = target.entries;
      if (src.p) {
        if (auto r = reresolve_entries(next, entries_scope, w); !r) return r;
      } else {
        next.row_html = target.row_html;
        next.row_ok = target.row_ok;
      }
    }
    next.stream = src.stream ? std::move(src.stream) : target.stream;
    next.cache_pause = target.cache_pause;
    next.rendered_once = target.rendered_once;
    if (log) log->comp(target);
    target = std::move(next);
    return {};
  }

  /// mergeKeyed: entries are merged by position in place; moves read the entries as they
  /// were before this diff (the client requires "km" to take that snapshot).
  result<void> merge_keyed(comprehension& c, comprehension& src, const templates* scope,
                           const where& w, undo_log* log) {
    const where k = w.at("k");
    if (src.kc < 0) return fail(diff_errc::bad_keyed, k.at("kc"));
    const bool has_moves =
        std::any_of(src.kops.begin(), src.kops.end(), [](const keyed_op& o) { return o.from >= 0; });
    if (has_moves && !src.km) return fail(diff_errc::bad_keyed, k.at("km"));
    const templates* entries_scope = scope ? scope : src.p.get();
    if ((!c.s.list || c.s.list->empty()) && src.kc > 0) return fail(diff_errc::bad_keyed, w.at("s"));
    const std::size_t arity = c.s.list && !c.s.list->empty() ? c.s.list->size() - 1 : 0;
    const std::size_t kc = static_cast<std::size_t>(src.kc);
    const std::size_t old_size = c.entries.size();

    // Entries that come from elsewhere (moves, new positions) are built aside first, reading
    // the snapshot before anything changes in place.
    struct built {
      std::size_t pos;
      std::vector<dyn> entry;
      std::string html;  // the moved entry's cached markup, if it moves unchanged
      bool html_ok = false;
    };
    std::vector<built> aside;
    for (auto& op : src.kops) {
      const where kw = k.at(op.pos);
      const std::size_t pos = static_cast<std::size_t>(op.pos);
      if (pos >= kc) return fail(diff_errc::bad_keyed, kw);
      if (op.from < 0 && pos < old_size) continue;  // merged in place below
      built b{pos, {}, {}, false};
      if (op.from >= 0) {
        const std::size_t from = static_cast<std::size_t>(op.from);
        if (from >= old_size) return fail(diff_errc::bad_keyed, kw);
        b.entry = c.entries[from];
        if (!op.entry && from < c.row_ok.size() && c.row_ok[from]) {
          b.html = c.row_html[from];
          b.html_ok = true;
        }
      }
      if (op.entry) {
        if (auto r = merge_entry(b.entry, *op.entry, arity, entries_scope, kw, nullptr); !r) return r;
      }
      if (b.entry.size() != arity) return fail(diff_errc::statics_mismatch, kw);
      aside.push_back(std::move(b));
    }
    {
      std::size_t ai = 0;
      for (std::size_t i = old_size; i < kc; ++i) {
        while (ai < aside.size() && aside[ai].pos < i) ++ai;
        if (ai >= aside.size() || aside[ai].pos != i) return fail(diff_errc::bad_keyed, k.at(static_cast<long>(i)));
      }
    }
    if (log) log->cache(c);
    c.row_html.resize(old_size);
    c.row_ok.resize(old_size, 0);
    // Diffs for entries that stay where they are: in place, logged like any other merge.
    for (auto& op : src.kops) {
      const std::size_t pos = static_cast<std::size_t>(op.pos);
      if (op.from >= 0 || pos >= old_size || !op.entry) continue;
      if (auto r = merge_entry(c.entries[pos], *op.entry, arity, entries_scope, k.at(op.pos), log); !r)
        return r;
      c.row_ok[pos] = 0;
    }
    // The rest cannot fail.
    if (log) log->meta(c);
    if (kc != old_size) {
      if (log && kc < old_size)
        for (std::size_t i = kc; i < old_size; ++i) log->slot_row(c, i);
      if (log) log->size(c);
      c.entries.resize(kc);
      c.row_html.resize(kc);
      c.row_ok.resize(kc, 0);
    }
    for (auto& b : aside) {
      if (log && b.pos < old_size) log->slot_row(c, b.pos);
      c.entries[b.pos] = std::move(b.entry);
      c.row_html[b.pos] = std::move(b.html);
      c.row_ok[b.pos] = b.html_ok ? 1 : 0;
    }
    c.kc = src.kc;
    if (src.stream) c.stream = std::move(src.stream);
    c.p.reset();  // templates are consumed by the render that follows
    return {};
  }

  /// A keyed entry diff merged into an entry, slot by slot, as doMutableMerge would.
  result<void> merge_entry(std::vector<dyn>& entry, std::vector<dyn>& diff, std::size_t arity,
                           const templates* scope, const where& w, undo_log* log) {
    if (diff.size() > arity) return fail(diff_errc::statics_mismatch, w);
    if (entry.size() < arity) entry.resize(arity);
    for (std::size_t i = 0; i < diff.size(); ++i) {
      if (kind_of(diff[i]) == dyn_kind::absent) continue;
      if (auto r = merge_slot(entry[i], diff[i], scope, w.at(static_cast<long>(i)), log); !r) return r;
    }
    for (std::size_t i = 0; i < arity; ++i)
      if (kind_of(entry[i]) == dyn_kind::absent) return fail(diff_errc::statics_mismatch, w.at(static_cast<long>(i)));
    return {};
  }

  // -- whole-result checks -----------------------------------------------------------------

  const node* component_after(int cid) const {
    if (auto it = resolved_.find(cid); it != resolved_.end()) return &it->second;
    return old_component(cid);
  }

  static void collect_cids(const dyn& v, std::vector<int>& out) {
    switch (kind_of(v)) {
      case dyn_kind::cid: out.push_back(std::get<cid_ref>(v).cid); break;
      case dyn_kind::node:
        for (auto& s : std::get<box<node>>(v)->slots) collect_cids(s, out);
        break;
      case dyn_kind::comprehension:
        for (auto& e : std::get<box<comprehension>>(v)->entries)
          for (auto& s : e) collect_cids(s, out);
        break;
      default: break;
    }
  }
  static void collect_cids(const node& n, std::vector<int>& out) {
    for (auto& s : n.slots) collect_cids(s, out);
  }

  /// A component that renders itself (through any chain) would recurse forever.
  result<void> check_component_cycles() {
    // Usually no component this diff resolved renders another: then none can be on a cycle
    // or reach a missing one, and the walk below (a map and a stack) is not needed.
    std::vector<int>& refs = t_.merge_buf.refs;
    refs.clear();
    for (const auto& entry : resolved_) {
      collect_cids(entry.second, refs);
      if (!refs.empty()) break;
    }
    if (refs.empty()) return {};
    const where c_key{nullptr, "c", -1};
    std::map<int, int> state;  // 0 unvisited, 1 on the stack, 2 done
    for (auto& [start, _] : resolved_) {
      if (state[start] == 2) continue;
      std::vector<std::pair<int, std::vector<int>>> stack;
      auto push = [&](int cid) {
        state[cid] = 1;
        std::vector<int> out;
        if (const node* n = component_after(cid)) collect_cids(*n, out);
        stack.emplace_back(cid, std::move(out));
      };
      push(start);
      while (!stack.empty()) {
        auto& [cid, next] = stack.back();
        if (next.empty()) {
          state[cid] = 2;
          stack.pop_back();
          continue;
        }
        const int child = next.back();
        next.pop_back();
        const int st = state[child];
        if (st == 1) return fail(diff_errc::bad_cid_link, c_key.at(child));
        if (st == 0) {
          if (!component_after(child)) return fail(diff_errc::dangling_cid, c_key.at(cid));
          push(child);
        }
      }
    }
    return {};
  }

  /// 1.x clients find a root element by scanning its HTML; refuse roots where they throw.
  result<void> check_roots() {
    if (!has_magic_ids(p_)) return {};
    const where c_key{nullptr, "c", -1};
    std::string buf;
    for (auto& [n, cid] : changed_roots_) {
      const node* target = n;
      where w;
      if (!target) {
        target = component_after(cid);
        w = c_key.at(cid);
        if (!target || !target->is_root()) continue;
      }
      const std::string& s0 = target->s.list->front();
      // The common case decides on the first static alone: whitespace, then "<" and a tag
      // character (anything but whitespace, '/', '>' and the "!" of a comment).
      std::size_t i = 0;
      while (i < s0.size() && (s0[i] == ' ' || s0[i] == '\n' || s0[i] == '\t' || s0[i] == '\r'))
        ++i;
      if (i + 1 < s0.size() && s0[i] == '<') {
        const unsigned char c1 = static_cast<unsigned char>(s0[i + 1]);
        if (c1 < 0x80 && c1 > ' ' && c1 != '!' && c1 != '/' && c1 != '>' && c1 != 0x7f) continue;
      }
      buf.clear();
      raw_render(*target, replace_root_ ? empty_ : t_.components, &resolved_, buf,
                 std::size_t(1) << 20);
      if (!find_root(buf)) return fail(diff_errc::bad_root, w);
    }
    return {};
  }

  tree& t_;
  diff_node& d_;
  client_profile p_;
  bool replace_root_ = false;
  dyn new_root_;
  std::map<int, node> resolved_;
  // The tree's buffers (tree::merge_buf), so a merge allocates none of them.
  std::vector<int>& resolving_;  // the cids being resolved, innermost last
  std::set<int> linked_before_;  // components some "s": -cid reads as they were
  std::vector<int>& taken_;      // components moved out of the tree to merge in place
  std::vector<std::pair<const node*, int>>& changed_roots_;
  undo_log log_;
  const std::map<int, node> empty_;
};

}  // namespace

bool is_empty_root_diff(const node& n) noexcept {
  return !n.s.present() && n.sparse.empty() && n.slots.empty() && n.root < 0 && !n.p;
}

result<void> merge(tree& t, diff_node& d) {
  merger m(t, d);
  return m.run();
}

}  // namespace detail

// -- lvh::protocol::rendered ---------------------------------------------------------------

namespace {

using detail::dyn;
using detail::node;

nlohmann::json to_json(const dyn& v);

nlohmann::json statics_json(const detail::statics_ref& s) {
  nlohmann::json a = nlohmann::json::array();
  if (s.list)
    for (auto& x : *s.list) a.push_back(x);
  return a;
}

nlohmann::json to_json(const node& n) {
  nlohmann::json j = nlohmann::json::object();
  j["s"] = statics_json(n.s);
  for (std::size_t i = 0; i < n.slots.size(); ++i) j[std::to_string(i)] = to_json(n.slots[i]);
  if (n.is_root()) j["r"] = 1;
  return j;
}

nlohmann::json to_json(const detail::comprehension& c) {
  nlohmann::json j = nlohmann::json::object();
  j["s"] = statics_json(c.s);
  if (c.keyed) {
    nlohmann::json k = nlohmann::json::object();
    for (std::size_t e = 0; e < c.entries.size(); ++e) {
      nlohmann::json entry = nlohmann::json::object();
      for (std::size_t i = 0; i < c.entries[e].size(); ++i)
        entry[std::to_string(i)] = to_json(c.entries[e][i]);
      k[std::to_string(e)] = std::move(entry);
    }
    k["kc"] = c.entries.size();
    j["k"] = std::move(k);
  } else {
    nlohmann::json d = nlohmann::json::array();
    for (auto& e : c.entries) {
      nlohmann::json row = nlohmann::json::array();
      for (auto& v : e) row.push_back(to_json(v));
      d.push_back(std::move(row));
    }
    j["d"] = std::move(d);
  }
  if (c.stream) j["stream"] = c.stream->raw;
  return j;
}

nlohmann::json to_json(const dyn& v) {
  switch (detail::kind_of(v)) {
    case detail::dyn_kind::absent: return nullptr;
    case detail::dyn_kind::text: return std::get<std::string>(v);
    case detail::dyn_kind::cid: return std::get<detail::cid_ref>(v).cid;
    case detail::dyn_kind::node: return to_json(*std::get<detail::box<node>>(v));
    case detail::dyn_kind::comprehension:
      return to_json(*std::get<detail::box<detail::comprehension>>(v));
  }
  return nullptr;
}

void collect_refs(const dyn& v, std::set<int>& out) {
  switch (detail::kind_of(v)) {
    case detail::dyn_kind::cid: out.insert(std::get<detail::cid_ref>(v).cid); break;
    case detail::dyn_kind::node:
      for (auto& s : std::get<detail::box<node>>(v)->slots) collect_refs(s, out);
      break;
    case detail::dyn_kind::comprehension:
      for (auto& e : std::get<detail::box<detail::comprehension>>(v)->entries)
        for (auto& s : e) collect_refs(s, out);
      break;
    default: break;
  }
}

}  // namespace

rendered::rendered(client_profile profile, std::string view_id)
    : tree_(std::make_unique<detail::tree>()) {
  tree_->profile = profile;
  tree_->view_id = std::move(view_id);
}
rendered::rendered(const rendered& o) : tree_(std::make_unique<detail::tree>(*o.tree_)) {}
rendered& rendered::operator=(const rendered& o) {
  if (this != &o) tree_ = std::make_unique<detail::tree>(*o.tree_);
  return *this;
}
rendered::rendered(rendered&&) noexcept = default;
rendered& rendered::operator=(rendered&&) noexcept = default;
rendered::~rendered() = default;

bool rendered::empty() const noexcept { return !tree_->merged; }
client_profile rendered::profile() const noexcept { return tree_->profile; }
const std::string& rendered::view_id() const noexcept { return tree_->view_id; }

result<void> rendered::merge(diff& d) {
  if (d.profile() != tree_->profile) return make_error(diff_errc::bad_key, "profile");
  if (!tree_->merged && !d.root_->root.s.present())
    return make_error(diff_errc::partial_without_base, "");
  if (auto r = detail::merge(*tree_, *d.root_); !r) return r.error();
  tree_->merged = true;
  return {};
}

std::string rendered::to_string(const std::vector<int>* only_cids,
                                std::vector<nlohmann::json>* streams) {
  if (!tree_->merged) return {};
  if (!only_cids) return detail::render_view(*tree_, nullptr, streams);
  const std::set<int> only(only_cids->begin(), only_cids->end());
  return detail::render_view(*tree_, &only, streams);
}

result<std::string> rendered::component_to_string(int cid, std::vector<nlohmann::json>* streams) {
  if (!tree_->components.count(cid))
    return make_error(diff_errc::dangling_cid, "c." + std::to_string(cid));
  return detail::render_component(*tree_, cid, streams);
}

component_markup::component_markup() = default;
component_markup::component_markup(std::string h, std::unique_ptr<dom::node> p)
    : html(std::move(h)), parsed(std::move(p)) {}
component_markup::component_markup(component_markup&&) noexcept = default;
component_markup& component_markup::operator=(component_markup&&) noexcept = default;
component_markup::~component_markup() = default;

result<component_markup> rendered::component_markup_of(int cid, std::vector<nlohmann::json>* streams) {
  if (!tree_->components.count(cid))
    return make_error(diff_errc::dangling_cid, "c." + std::to_string(cid));
  return detail::render_component_markup(*tree_, cid, streams);
}

result<void> rendered::prune(std::span<const int> cids) {
  std::set<int> refs;
  std::set<int> removing(cids.begin(), cids.end());
  for (auto& s : tree_->root.slots) collect_refs(s, refs);
  for (auto& [cid, n] : tree_->components) {
    if (removing.count(cid)) continue;
    for (auto& s : n.slots) collect_refs(s, refs);
  }
  for (int cid : removing) {
    if (refs.count(cid)) return make_error(diff_errc::dangling_cid, "c." + std::to_string(cid));
  }
  for (int cid : removing) tree_->components.erase(cid);
  return {};
}

nlohmann::json rendered::to_json() const {
  if (!tree_->merged) return nlohmann::json::object();
  nlohmann::json j = protocol::to_json(tree_->root);
  nlohmann::json c = nlohmann::json::object();
  for (auto& [cid, n] : tree_->components) c[std::to_string(cid)] = protocol::to_json(n);
  j["c"] = std::move(c);
  return j;
}

void rendered::use_render_cache(bool on) noexcept { tree_->render_cache = on; }

std::vector<int> rendered::component_ids() const {
  std::vector<int> out;
  for (auto& [cid, _] : tree_->components) out.push_back(cid);
  return out;
}

bool diff::touches_view() const noexcept {
  return root_ && !detail::is_empty_root_diff(root_->root);
}

std::vector<int> diff::component_ids() const {
  std::vector<int> out;
  component_ids(out);
  return out;
}

void diff::component_ids(std::vector<int>& out) const {
  out.clear();
  if (root_)
    for (auto& [cid, _] : root_->components) out.push_back(cid);
}

bool diff::components_only() const noexcept {
  return root_ && root_->has_components && !touches_view();
}

}  // namespace lvh::protocol
