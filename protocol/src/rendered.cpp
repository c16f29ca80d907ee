// Merging a diff into the tree as the official client's Rendered.mergeDiff does, with every
// place the client would render garbage or crash turned into a typed error. The merge works
// in place like the client's, logging what it overwrites so a refused diff is rolled back.
#include "modify_root.hpp"
#include "tree_state.hpp"

#include <algorithm>
#include <set>

namespace lvh::protocol {
namespace detail {
namespace {

std::string path_join(const std::string& base, std::string_view key) {
  if (base.empty()) return std::string(key);
  std::string p = base;
  p += '.';
  p += key;
  return p;
}

/// What the merge overwrote, newest last, so a refused diff can be undone.
class undo_log {
 public:
  void slot(dyn& where) { entries_.emplace_back(slot_entry{&where, std::move(where)}); }
  void flags(node& n) { entries_.emplace_back(flag_entry{&n, n.root, n.new_render}); }
  void comp(comprehension& c) { entries_.emplace_back(comp_entry{&c, std::move(c)}); }
  void entry(std::vector<std::vector<dyn>>& v, std::size_t pos) {
    entries_.emplace_back(keyed_entry{&v, pos, std::move(v[pos])});
  }
  void size(std::vector<std::vector<dyn>>& v) { entries_.emplace_back(size_entry{&v, v.size()}); }
  void meta(comprehension& c) { entries_.emplace_back(meta_entry{&c, c.kc, c.stream, c.p}); }

  void rollback() {
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
      std::visit([](auto& e) { e.undo(); }, *it);
    }
    entries_.clear();
  }

 private:
  struct slot_entry {
    dyn* where;
    dyn old;
    void undo() { *where = std::move(old); }
  };
  struct flag_entry {
    node* where;
    std::int8_t root;
    bool new_render;
    void undo() {
      where->root = root;
      where->new_render = new_render;
    }
  };
  struct comp_entry {
    comprehension* where;
    comprehension old;
    void undo() { *where = std::move(old); }
  };
  struct keyed_entry {
    std::vector<std::vector<dyn>>* where;
    std::size_t pos;
    std::vector<dyn> old;
    void undo() { (*where)[pos] = std::move(old); }
  };
  struct size_entry {
    std::vector<std::vector<dyn>>* where;
    std::size_t size;
    void undo() { where->resize(size); }
  };
  struct meta_entry {
    comprehension* where;
    long kc;
    std::optional<stream_instr> stream;
    templates_ptr p;
    void undo() {
      where->kc = kc;
      where->stream = std::move(stream);
      where->p = std::move(p);
    }
  };
  std::vector<std::variant<slot_entry, flag_entry, comp_entry, keyed_entry, size_entry, meta_entry>>
      entries_;
};

class merger {
 public:
  merger(tree& t, diff_node& d) : t_(t), d_(d), p_(t.profile) {}

  result<void> run() {
    replace_root_ = d_.root.s.present();

    // 1. Components first: they are built as new trees and touch nothing until commit.
    for (auto& [cid, _] : d_.components) {
      auto r = resolve(cid);
      if (!r) return r.error();
    }
    // 2. The root, in place (or replaced).
    if (replace_root_) {
      dyn fresh(box<node>(std::make_unique<node>(std::move(d_.root))));
      auto r = adopt(fresh, nullptr, "");
      if (!r) return r.error();
      new_root_ = std::move(fresh);
    } else {
      auto r = merge_node(t_.root, d_.root, d_.root.p.get(), "", &log_);
      if (!r) {
        log_.rollback();
        return r.error();
      }
    }
    // 3. Checks that need the whole result.
    if (auto r = check_component_cycles(); !r) {
      log_.rollback();
      return r.error();
    }
    if (auto r = check_roots(); !r) {
      log_.rollback();
      return r.error();
    }
    // 4. Commit.
    if (replace_root_) {
      t_.root = std::move(*std::get<box<node>>(new_root_));
      t_.components.clear();
    }
    for (auto& [cid, n] : resolved_) t_.components[cid] = std::move(n);
    return {};
  }

 private:
  error fail(diff_errc e, const std::string& where) const { return make_error(e, where); }

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
    if (!resolving_.insert(cid).second)
      return fail(diff_errc::bad_cid_link, "c." + std::to_string(cid) + ".s");
    const std::string where = "c." + std::to_string(cid);
    node& cd = d_.components.at(cid);
    node out;
    if (cd.s.k == statics_ref::kind::link) {
      const long scid = cd.s.number;
      const node* base = nullptr;
      if (scid > 0) {
        if (!d_.components.count(static_cast<int>(scid)))
          return fail(diff_errc::bad_cid_link, path_join(where, "s"));
        auto r = resolve(static_cast<int>(scid));
        if (!r) return r.error();
        base = *r;
      } else {
        base = old_component(static_cast<int>(-scid));
        if (!base) return fail(diff_errc::bad_cid_link, path_join(where, "s"));
      }
      auto r = clone_merge(*base, &cd, has_magic_ids(p_), nullptr, where);
      if (!r) return r.error();
      out = std::move(*r);
      out.s = base->s;  // statics come from the linked component
    } else if (cd.s.present()) {
      dyn fresh(box<node>(std::make_unique<node>(std::move(cd))));
      auto r = adopt(fresh, nullptr, where, /*record_top=*/false);
      if (!r) return r.error();
      out = std::move(*std::get<box<node>>(fresh));
    } else {
      const node* prev = old_component(cid);
      if (!prev) return fail(diff_errc::partial_without_base, where);
      auto r = clone_merge(*prev, &cd, false, nullptr, where);
      if (!r) return r.error();
      out = std::move(*r);
    }
    resolving_.erase(cid);
    changed_roots_.push_back({nullptr, cid});
    auto [it, _] = resolved_.emplace(cid, std::move(out));
    return &it->second;
  }

  /// cloneMerge: a new tree from `target` with `source` merged in; `target` is untouched.
  result<node> clone_merge(const node& target, node* source, bool prune, const templates* scope,
                           const std::string& where) {
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
          return fail(diff_errc::statics_mismatch, path_join(where, std::to_string(i)));
      }
    }
    std::size_t si = 0;
    for (std::size_t i = 0; i < target.slots.size(); ++i) {
      const std::string slot_where = path_join(where, std::to_string(i));
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
        auto r = copy_subtree(tv, prune);
        if (!r) return r.error();
        out.slots[i] = std::move(*r);
        continue;
      }
      if (auto* sn = std::get_if<box<node>>(sv); sn && !(*sn)->s.present()) {
        auto* tn = std::get_if<box<node>>(&tv);
        if (!tn) return fail(diff_errc::partial_without_base, slot_where);
        auto r = clone_merge(**tn, sn->get(), prune, inner_scope, slot_where);
        if (!r) return r.error();
        auto boxed = std::make_unique<node>(std::move(*r));
        if (boxed->is_root()) changed_roots_.push_back({boxed.get(), -1});
        out.slots[i] = dyn(box<node>(std::move(boxed)));
        continue;
      }
      if (auto* sc = std::get_if<box<comprehension>>(sv); sc && !(*sc)->s.present()) {
        auto* tc = std::get_if<box<comprehension>>(&tv);
        if (!tc) return fail(diff_errc::partial_without_base, slot_where);
        auto r = clone_merge_comp(**tc, sc->get(), prune, inner_scope, slot_where);
        if (!r) return r.error();
        out.slots[i] = dyn(box<comprehension>(std::make_unique<comprehension>(std::move(*r))));
        continue;
      }
      auto r = adopt(*sv, inner_scope, slot_where);
      if (!r) return r.error();
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
                                         bool prune, const templates* scope,
                                         const std::string& where) {
    comprehension out = target;  // arrays are shared in the client; a copy is equivalent
    if (target.keyed && source && source->kc >= 0) {
      // The keyed branch clones the whole target (bookkeeping included), merges, then prunes.
      if (auto r = merge_keyed(out, *source, scope, where, nullptr); !r) return r.error();
      if (prune && has_magic_ids(p_)) mark_tree(out, true, /*into_entries=*/true);
      return out;
    }
    if (has_magic_ids(p_)) mark_tree(out, prune, /*into_entries=*/target.keyed);
    if (!source) return out;
    if (source->p) out.p = merged_templates(out.p, source->p);
    if (source->has_entries) {
      const templates* entries_scope = scope ? scope : out.p.get();
      auto r = adopt_entries(source->entries, out.s, entries_scope, where);
      if (!r) return r.error();
      out.entries = std::move(source->entries);
    } else if (source->p && !target.keyed) {
      auto r = reresolve_entries(out, scope ? scope : out.p.get(), where);
      if (!r) return r.error();
    }
    if (source->stream) out.stream = std::move(source->stream);
    return out;
  }

  /// A copy of a subtree that only the target had. The 1.0+ clients clone such objects
  /// recursively, dropping magic ids when statics are shared from another component, or
  /// marking roots as new renders otherwise; earlier clients share them unchanged.
  result<dyn> copy_subtree(const dyn& v, bool prune) {
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

  result<void> resolve_statics(statics_ref& s, const templates* scope, const std::string& where) {
    switch (s.k) {
      case statics_ref::kind::list: return {};
      case statics_ref::kind::index: {
        if (!scope) return fail(diff_errc::bad_template, path_join(where, "s"));
        auto it = scope->find(s.number);
        if (it == scope->end()) return fail(diff_errc::bad_template, path_join(where, "s"));
        s.list = it->second;
        return {};
      }
      case statics_ref::kind::link: return fail(diff_errc::bad_statics, path_join(where, "s"));
      case statics_ref::kind::none: return fail(diff_errc::partial_without_base, where);
    }
    return {};
  }

  /// Checks and completes a value that replaces whatever was in its place.
  result<void> adopt(dyn& v, const templates* scope, const std::string& where,
                     bool record_top = true) {
    switch (kind_of(v)) {
      case dyn_kind::absent: return fail(diff_errc::statics_mismatch, where);
      case dyn_kind::text: return {};
      case dyn_kind::cid: {
        const int cid = std::get<cid_ref>(v).cid;
        if (!cid_exists(cid)) return fail(diff_errc::dangling_cid, where);
        return {};
      }
      case dyn_kind::node: return adopt_node(*std::get<box<node>>(v), scope, where, record_top);
      case dyn_kind::comprehension:
        return adopt_comp(*std::get<box<comprehension>>(v), scope, where);
    }
    return {};
  }

  result<void> adopt_node(node& n, const templates* scope, const std::string& where,
                          bool record = true) {
    // "p" on a node is consumed here (the 1.2 client deletes it once rendered).
    const templates_ptr own = std::move(n.p);
    if (own && has_keyed_comprehensions(p_)) scope = own.get();
    if (auto r = resolve_statics(n.s, scope, where); !r) return r;
    const std::size_t arity = n.s.list->size() - 1;
    if (!n.sparse.empty() || n.slots.size() != arity) {
      // Arrived sparse (template index): lay the slots out now that the arity is known.
      std::vector<dyn> dense(arity);
      for (auto& [i, v] : n.sparse) {
        if (static_cast<std::size_t>(i) >= arity)
          return fail(diff_errc::statics_mismatch, path_join(where, std::to_string(i)));
        dense[static_cast<std::size_t>(i)] = std::move(v);
      }
      n.sparse.clear();
      n.slots = std::move(dense);
    }
    for (std::size_t i = 0; i < arity; ++i) {
      if (kind_of(n.slots[i]) == dyn_kind::absent)
        return fail(diff_errc::statics_mismatch, path_join(where, std::to_string(i)));
      if (auto r = adopt(n.slots[i], scope, path_join(where, std::to_string(i))); !r) return r;
    }
    n.root = n.root == 1 ? 1 : 0;
    n.magic = magic_kind::none;
    n.magic_n = 0;
    n.new_render = false;
    if (n.is_root() && record) changed_roots_.push_back({&n, -1});
    return {};
  }

  result<void> adopt_entries(std::vector<std::vector<dyn>>& entries, const statics_ref& s,
                             const templates* scope, const std::string& where) {
    if (s.list->empty() && !entries.empty())
      return fail(diff_errc::bad_comprehension, path_join(where, "s"));
    const std::size_t arity = s.list->empty() ? 0 : s.list->size() - 1;
    for (std::size_t e = 0; e < entries.size(); ++e) {
      const std::string ew = path_join(where, "d." + std::to_string(e));
      if (entries[e].size() != arity) return fail(diff_errc::bad_comprehension, ew);
      for (std::size_t i = 0; i < arity; ++i) {
        if (auto r = adopt(entries[e][i], scope, path_join(ew, std::to_string(i))); !r) return r;
      }
    }
    return {};
  }

  result<void> adopt_comp(comprehension& c, const templates* scope, const std::string& where) {
    // The comprehension's own statics come from the enclosing templates only; its entries
    // use the enclosing templates when there are any, else its own "p".
    if (auto r = resolve_statics(c.s, scope, where); !r) return r;
    const templates* entries_scope = scope ? scope : c.p.get();
    if (c.keyed) {
      std::vector<std::vector<dyn>> entries(static_cast<std::size_t>(std::max(c.kc, 0L)));
      std::vector<bool> seen(entries.size(), false);
      for (auto& op : c.kops) {
        const std::string kw = path_join(where, "k." + std::to_string(op.pos));
        if (op.from >= 0 || !op.entry) return fail(diff_errc::bad_keyed, kw);
        if (op.pos >= c.kc) return fail(diff_errc::bad_keyed, kw);
        entries[static_cast<std::size_t>(op.pos)] = std::move(*op.entry);
        seen[static_cast<std::size_t>(op.pos)] = true;
      }
      for (std::size_t i = 0; i < seen.size(); ++i)
        if (!seen[i]) return fail(diff_errc::bad_keyed, path_join(where, "k." + std::to_string(i)));
      c.kops.clear();
      if (auto r = adopt_keyed_entries(entries, c.s, entries_scope, where); !r) return r;
      c.entries = std::move(entries);
      if (has_keyed_comprehensions(p_)) c.p.reset();  // consumed by the render that follows
      return {};
    }
    if (!c.has_entries) return fail(diff_errc::bad_comprehension, path_join(where, "d"));
    return adopt_entries(c.entries, c.s, entries_scope, where);
  }

  result<void> adopt_keyed_entries(std::vector<std::vector<dyn>>& entries, const statics_ref& s,
                                   const templates* scope, const std::string& where) {
    if (s.list->empty() && !entries.empty())
      return fail(diff_errc::bad_keyed, path_join(where, "s"));
    const std::size_t arity = s.list->empty() ? 0 : s.list->size() - 1;
    for (std::size_t e = 0; e < entries.size(); ++e) {
      const std::string ew = path_join(where, "k." + std::to_string(e));
      if (entries[e].size() != arity) return fail(diff_errc::statics_mismatch, ew);
      for (std::size_t i = 0; i < arity; ++i) {
        if (auto r = adopt(entries[e][i], scope, path_join(ew, std::to_string(i))); !r) return r;
      }
    }
    return {};
  }

  /// Re-reads integer statics of entries after "p" changed without new entries (<= 1.0).
  result<void> reresolve_entries(comprehension& c, const templates* scope,
                                 const std::string& where) {
    for (auto& e : c.entries)
      for (auto& v : e)
        if (auto r = reresolve(v, scope, where); !r) return r;
    return {};
  }
  result<void> reresolve(dyn& v, const templates* scope, const std::string& where) {
    if (auto* n = std::get_if<box<node>>(&v)) {
      if ((*n)->s.k == statics_ref::kind::index) {
        if (!scope) return fail(diff_errc::bad_template, where);
        auto it = scope->find((*n)->s.number);
        if (it == scope->end() || it->second->size() != (*n)->s.list->size())
          return fail(diff_errc::bad_template, where);
        (*n)->s.list = it->second;
      }
      for (auto& s : (*n)->slots)
        if (auto r = reresolve(s, scope, where); !r) return r;
    } else if (auto* c = std::get_if<box<comprehension>>(&v)) {
      if ((*c)->s.k == statics_ref::kind::index) {
        if (!scope) return fail(diff_errc::bad_template, where);
        auto it = scope->find((*c)->s.number);
        if (it == scope->end() || it->second->size() != (*c)->s.list->size())
          return fail(diff_errc::bad_template, where);
        (*c)->s.list = it->second;
      }
      return reresolve_entries(**c, scope, where);
    }
    return {};
  }

  // -- merging in place (doMutableMerge) ---------------------------------------------------
  //
  // `log` records what is overwritten; it is null when merging into a private copy.

  result<void> merge_slot(dyn& target, dyn& src, const templates* scope, const std::string& where,
                          undo_log* log) {
    if (auto* sn = std::get_if<box<node>>(&src); sn && !(*sn)->s.present()) {
      auto* tn = std::get_if<box<node>>(&target);
      if (!tn) return fail(diff_errc::partial_without_base, where);
      return merge_node(**tn, **sn, scope, where, log);
    }
    if (auto* sc = std::get_if<box<comprehension>>(&src); sc && !(*sc)->s.present()) {
      auto* tc = std::get_if<box<comprehension>>(&target);
      if (!tc) return fail(diff_errc::partial_without_base, where);
      return merge_comp(**tc, **sc, scope, where, log);
    }
    if (auto r = adopt(src, scope, where); !r) return r;
    if (log) log->slot(target);
    target = std::move(src);
    return {};
  }

  result<void> merge_node(node& target, node& src, const templates* scope, const std::string& where,
                          undo_log* log) {
    if (src.p && has_keyed_comprehensions(p_)) scope = src.p.get();
    for (auto& [i, v] : src.sparse) {
      if (static_cast<std::size_t>(i) >= target.slots.size())
        return fail(diff_errc::statics_mismatch, path_join(where, std::to_string(i)));
      if (auto r = merge_slot(target.slots[static_cast<std::size_t>(i)], v, scope,
                              path_join(where, std::to_string(i)), log);
          !r)
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
                          const std::string& where, undo_log* log) {
    if (target.keyed) return merge_keyed(target, src, scope, where, log);
    // "d" replaces the entries wholesale; "p" merges key by key; "stream" replaces.
    templates_ptr p = src.p ? merged_templates(target.p, src.p) : target.p;
    const templates* entries_scope = scope ? scope : p.get();
    if (src.has_entries) {
      if (auto r = adopt_entries(src.entries, target.s, entries_scope, where); !r) return r;
    }
    comprehension next;
    next.s = target.s;
    next.p = std::move(p);
    if (src.has_entries) {
      next.entries = std::move(src.entries);
    } else {
      next.entries = target.entries;
      if (src.p) {
        if (auto r = reresolve_entries(next, entries_scope, where); !r) return r;
      }
    }
    next.stream = src.stream ? std::move(src.stream) : target.stream;
    if (log) log->comp(target);
    target = std::move(next);
    return {};
  }

  /// mergeKeyed: entries are merged by position; moves read the entries as they were before
  /// this diff (the client requires "km" to take that snapshot). Everything that can fail is
  /// checked before `c` changes.
  result<void> merge_keyed(comprehension& c, comprehension& src, const templates* scope,
                           const std::string& where, undo_log* log) {
    if (src.kc < 0) return fail(diff_errc::bad_keyed, path_join(where, "k.kc"));
    const bool has_moves =
        std::any_of(src.kops.begin(), src.kops.end(), [](const keyed_op& o) { return o.from >= 0; });
    if (has_moves && !src.km) return fail(diff_errc::bad_keyed, path_join(where, "k.km"));
    const templates* entries_scope = scope ? scope : src.p.get();
    if ((!c.s.list || c.s.list->empty()) && src.kc > 0)
      return fail(diff_errc::bad_keyed, path_join(where, "s"));
    const std::size_t arity = c.s.list && !c.s.list->empty() ? c.s.list->size() - 1 : 0;
    const std::size_t kc = static_cast<std::size_t>(src.kc);
    const std::size_t old_size = c.entries.size();

    std::vector<std::pair<std::size_t, std::vector<dyn>>> placed;
    placed.reserve(src.kops.size());
    for (auto& op : src.kops) {
      const std::string kw = path_join(where, "k." + std::to_string(op.pos));
      if (static_cast<std::size_t>(op.pos) >= kc) return fail(diff_errc::bad_keyed, kw);
      const std::size_t pos = static_cast<std::size_t>(op.pos);
      std::vector<dyn> entry;
      if (op.from >= 0) {
        if (static_cast<std::size_t>(op.from) >= old_size) return fail(diff_errc::bad_keyed, kw);
        entry = c.entries[static_cast<std::size_t>(op.from)];  // from the snapshot
      } else if (pos < old_size) {
        entry = c.entries[pos];
      }
      if (op.entry) {
        if (auto r = merge_entry(entry, *op.entry, arity, entries_scope, kw); !r) return r;
      }
      if (entry.size() != arity) return fail(diff_errc::statics_mismatch, kw);
      placed.emplace_back(pos, std::move(entry));
    }
    {
      std::size_t pi = 0;
      for (std::size_t i = old_size; i < kc; ++i) {
        while (pi < placed.size() && placed[pi].first < i) ++pi;
        if (pi >= placed.size() || placed[pi].first != i)
          return fail(diff_errc::bad_keyed, path_join(where, "k." + std::to_string(i)));
      }
    }
    // Apply; nothing below can fail.
    if (log) log->meta(c);
    if (kc < old_size) {
      for (std::size_t i = kc; i < old_size; ++i)
        if (log) log->entry(c.entries, i);
      if (log) log->size(c.entries);
      c.entries.resize(kc);
    } else if (kc > old_size) {
      if (log) log->size(c.entries);
      c.entries.resize(kc);
    }
    for (auto& [pos, entry] : placed) {
      if (log && pos < old_size) log->entry(c.entries, pos);
      c.entries[pos] = std::move(entry);
    }
    c.kc = src.kc;
    if (src.stream) c.stream = std::move(src.stream);
    c.p.reset();  // templates are consumed by the render that follows
    return {};
  }

  /// A keyed entry diff merged into a private copy of the entry, as doMutableMerge would.
  result<void> merge_entry(std::vector<dyn>& entry, std::vector<dyn>& diff, std::size_t arity,
                           const templates* scope, const std::string& where) {
    if (diff.size() > arity) return fail(diff_errc::statics_mismatch, where);
    if (entry.size() < arity) entry.resize(arity);
    for (std::size_t i = 0; i < diff.size(); ++i) {
      if (kind_of(diff[i]) == dyn_kind::absent) continue;
      if (auto r = merge_slot(entry[i], diff[i], scope, path_join(where, std::to_string(i)),
                              nullptr);
          !r)
        return r;
    }
    for (std::size_t i = 0; i < arity; ++i)
      if (kind_of(entry[i]) == dyn_kind::absent)
        return fail(diff_errc::statics_mismatch, path_join(where, std::to_string(i)));
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
    // 0 = unvisited, 1 = on the stack, 2 = done
    std::map<int, int> state;
    std::vector<int> refs;
    for (auto& [start, _] : resolved_) {
      if (state[start] == 2) continue;
      // iterative DFS
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
        if (st == 1) return fail(diff_errc::bad_cid_link, "c." + std::to_string(child));
        if (st == 0) {
          if (!component_after(child))
            return fail(diff_errc::dangling_cid, "c." + std::to_string(cid));
          push(child);
        }
      }
    }
    return {};
  }

  /// 1.x clients find a root element by scanning its HTML; refuse roots where they throw.
  result<void> check_roots() {
    if (!has_magic_ids(p_)) return {};
    std::map<int, node> overlay_storage;  // not needed: resolved_ is the overlay
    std::string buf;
    for (auto& [n, cid] : changed_roots_) {
      const node* target = n;
      std::string where;
      if (!target) {
        target = component_after(cid);
        where = "c." + std::to_string(cid);
        if (!target || !target->is_root()) continue;
      }
      const std::string& s0 = target->s.list->front();
      // The common case decides on the first static alone.
      std::size_t i = 0;
      while (i < s0.size() && (s0[i] == ' ' || s0[i] == '\n' || s0[i] == '\t' || s0[i] == '\r'))
        ++i;
      if (i < s0.size() && s0[i] == '<' && i + 1 < s0.size() && s0[i + 1] != '!' &&
          s0[i + 1] != '/' && s0[i + 1] != '>' &&
          !(s0[i + 1] == ' ' || s0[i + 1] == '\n' || s0[i + 1] == '\t' || s0[i + 1] == '\r' ||
            s0[i + 1] == '\f' || s0[i + 1] == '\v') &&
          static_cast<unsigned char>(s0[i + 1]) < 0x80)
        continue;
      buf.clear();
      raw_render(*target, replace_root_ ? empty_ : t_.components, &resolved_, buf,
                 std::size_t(1) << 20);
      if (!find_root(buf)) return fail(diff_errc::bad_root, where);
    }
    return {};
  }

  tree& t_;
  diff_node& d_;
  client_profile p_;
  bool replace_root_ = false;
  dyn new_root_;
  std::map<int, node> resolved_;
  std::set<int> resolving_;
  std::vector<std::pair<const node*, int>> changed_roots_;
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
  if (root_)
    for (auto& [cid, _] : root_->components) out.push_back(cid);
  return out;
}

bool diff::components_only() const noexcept {
  return root_ && root_->has_components && !touches_view();
}

}  // namespace lvh::protocol
