// view_patcher (DOMPatch.perform per release) and view_dom (View.onJoin / View.update).
#include <lvh/sim/patch.hpp>

#include "class_list.hpp"
#include "patch_morph.hpp"

#include <lvh/dom/html.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace lvh::sim {

using protocol::client_profile;
using json = nlohmann::json;
// Literals compared as "x"sv in hot paths: libstdc++ 12 compares a std::string with a char
// pointer through strlen and compare, with a string_view by size first.
using namespace std::string_view_literals;

namespace {

// DOM.isPhxDestroyed: a destroyed nested view's container (which also lost its session).
bool destroyed_container(const patch_options& o, const dom::node& n) {
  if (!o.destroyed || o.destroyed->empty() || !o.destroyed->count(&n)) return false;
  const std::string* session = n.get_attribute("data-phx-session");
  return session && session->empty();
}


// Whether `n` is `ancestor` or inside it.
bool contains(const dom::node& ancestor, const dom::node& n) {
  for (const dom::node* p = &n; p; p = p->parent())
    if (p == &ancestor) return true;
  return false;
}

constexpr std::string_view event_classes[] = {
    "phx-click-loading", "phx-change-loading", "phx-submit-loading",
    "phx-keydown-loading", "phx-keyup-loading", "phx-blur-loading", "phx-focus-loading"};
constexpr std::string_view pending_attrs[] = {"data-phx-ref-loading", "data-phx-ref-src",
                                              "data-phx-ref-lock"};

const std::string* attr(const dom::node& n, std::string_view name) {
  return n.is_element() ? n.get_attribute(name) : nullptr;
}
bool attr_is(const dom::node& n, std::string_view name, std::string_view v) {
  const std::string* a = attr(n, name);
  return a && *a == v;
}
std::string id_of(const dom::node& n) {
  const std::string* a = attr(n, "id");
  return a ? *a : std::string();
}
/// The attribute's value, "" when absent: a view into `n`.
std::string_view attr_view(const dom::node& n, std::string_view name) {
  const std::string* a = attr(n, name);
  return a ? std::string_view(*a) : std::string_view();
}

template <class F>
void for_each_element(dom::node& root, F&& f) {
  for (const auto& c : root.children()) {
    if (!c->is_element()) continue;
    f(*c);
    for_each_element(*c, f);
  }
}

dom::node* find_by_id(dom::node& root, const std::string& id) {
  dom::node* found = nullptr;
  std::function<void(dom::node&)> walk = [&](dom::node& n) {
    for (const auto& c : n.children()) {
      if (found) return;
      if (!c->is_element()) continue;
      if (id_of(*c) == id) {
        found = c.get();
        return;
      }
      walk(*c);
    }
  };
  walk(root);
  return found;
}

std::vector<dom::node*> element_children(const dom::node& n) {
  std::vector<dom::node*> out;
  for (const auto& c : n.children())
    if (c->is_element()) out.push_back(c.get());
  return out;
}

dom::node* prev_element_sibling(const dom::node& n) {
  dom::node* p = n.parent();
  if (!p) return nullptr;
  std::size_t i = n.index_in_parent();
  while (i-- > 0)
    if (p->child(i).is_element()) return &p->child(i);
  return nullptr;
}

std::optional<int> cid_of(const dom::node& el) {
  const std::string* c = attr(el, "data-phx-component");
  if (!c || c->empty() || c->size() > 9) return std::nullopt;
  int v = 0;
  for (char ch : *c) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

/// A nested LiveView's container (DOM.isPhxChild / a session-carrying view root).
bool is_phx_child(const dom::node& n) {
  const std::string* p = attr(n, "data-phx-parent-id");
  return p && !p->empty();
}
bool is_view_root(const dom::node& n) {
  return attr(n, "data-phx-session") != nullptr || attr(n, "data-phx-parent-id") != nullptr;
}

bool is_form_input(const dom::node& el) {
  if (!el.is_element()) return false;
  const std::string& t = el.tag();
  if (t != "input"sv && t != "select"sv && t != "textarea"sv) return false;
  const std::string* type = el.get_attribute("type");
  return !(t == "input"sv && type && *type == "button"sv);
}

/// cid_of(el) == cid, when `el` is no view root; nullopt for a view root. One pass over the
/// attributes instead of three lookups: the names asked for are lower case, so a lookup
/// finds the first attribute with exactly that name.
std::optional<bool> component_of_in_view(const dom::node& el, int cid) {
  const std::string* c = nullptr;
  for (const auto& a : el.attributes()) {
    const std::string& n = a.name;
    if (n.size() == 16 && n == "data-phx-session") return std::nullopt;
    if (n.size() == 18) {
      if (n == "data-phx-parent-id") return std::nullopt;
      if (!c && n == "data-phx-component") c = &a.value;
    }
  }
  if (!c || c->empty() || c->size() > 9) return false;
  int v = 0;
  for (char ch : *c) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  return v == cid;
}

/// The elements of `cid` that belong to the view (not inside a nested view's container).
void collect_component_nodes(dom::node& n, int cid, std::vector<dom::node*>& out) {
  for (const auto& c : n.children()) {
    if (!c->is_element()) continue;
    const std::optional<bool> mine = component_of_in_view(*c, cid);
    if (!mine) continue;
    if (*mine) out.push_back(c.get());
    collect_component_nodes(*c, cid, out);
  }
}

std::vector<dom::node*> component_nodes(dom::node& container, int cid) {
  std::vector<dom::node*> out;
  collect_component_nodes(container, cid, out);
  return out;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

/// morphdom's toElement: the first node of `html` parsed as template contents.
std::unique_ptr<dom::node> to_element(std::string_view html) {
  auto frag = dom::parse_fragment(trim(html), "template");
  if (frag->child_count() == 0) return dom::node::make_element("div");
  return frag->remove_child(0);
}

struct stream_insert {
  std::string ref;
  long long at = -1;
  std::optional<long long> limit;  // an integer limit
  bool limit_given = false;        // the tuple's limit is not null/absent (1.2 tests !== null)
  bool reset = false;
  bool update_only = false;  // 1.2: only updates an item already in the DOM
};

/// JavaScript truthiness of a JSON value.
bool truthy(const json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0.0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return true;
}

struct post_morph_restorer {
  std::string container_id;
  std::string update_type;
  std::vector<std::pair<std::string, std::string>> to_modify;  // id, previous element id
  std::vector<std::string> to_add;
};

/// DOM.mergeAttrs of the release (1.x skips unchanged values and, when ignored, keeps
/// non-data attributes and the pending ones).
void merge_attrs(bool magic, dom::node& target, const dom::node& source,
               std::initializer_list<std::string_view> exclude, bool ignored) {
  auto excluded = [&](std::string_view n) {
    return std::find(exclude.begin(), exclude.end(), n) != exclude.end();
  };
  auto is_data = [](std::string_view n) { return n.substr(0, 5) == "data-"; };
  const auto& sa = source.attributes();
  for (std::size_t i = sa.size(); i-- > 0;) {
    const std::string& name = sa[i].name;
    if (magic) {
      if (!excluded(name)) {
        const std::string* cur = target.get_attribute(name);
        if ((!cur || *cur != sa[i].value) && (!ignored || is_data(name)))
          target.set_attribute(name, sa[i].value);
      } else if (name == "value") {
        const std::string* cur = target.get_attribute("value");
        if (cur && *cur == sa[i].value) target.set_attribute("value", sa[i].value);
      }
    } else if (!excluded(name)) {
      target.set_attribute(name, sa[i].value);
    }
  }
  std::vector<std::string> gone;
  const auto& ta = target.attributes();
  for (std::size_t i = ta.size(); i-- > 0;) {
    const std::string& name = ta[i].name;
    if (source.has_attribute(name)) continue;
    if (ignored) {
      if (!is_data(name)) continue;
      if (magic && std::find(std::begin(pending_attrs), std::end(pending_attrs), name) !=
                         std::end(pending_attrs))
        continue;
    }
    gone.push_back(name);
  }
  for (const auto& n : gone) target.remove_attribute(n);
}

}  // namespace

void merge_attributes(client_profile p, dom::node& target, const dom::node& source) {
  merge_attrs(protocol::has_magic_ids(p), target, source, {}, false);
}

namespace {

/// What the report says is in the container is in it when the patch ends, and what it says
/// left did leave: morphdom can add or update an element and remove it later in the same
/// patch, and put back a keyed element it discarded earlier (onNodeDiscarded seen, still in
/// its lookup). The client's callbacks saw those; the report keeps the outcome.
void settle_report(patch_report& r, const dom::node& container) {
  auto in = [&](const dom::node* n) { return n && contains(container, *n); };
  std::erase_if(r.added, [&](const dom::node* n) { return !in(n); });
  std::erase_if(r.updated, [&](const dom::node* n) { return !in(n); });
  std::erase_if(r.removed, [&](const dom::node* n) { return in(n); });
  std::erase_if(r.nested_added, [&](const nested_view& v) { return !in(v.element); });
  std::erase_if(r.nested_removed, [&](const nested_view& v) { return in(v.element); });
  if (!in(r.trigger_action)) r.trigger_action = nullptr;  // a detached form does not submit
}

/// DOM.mergeFocusedInput's attribute merge: all but `value`. 0.15.7 passes the exclusion
/// under a name mergeAttrs does not read, so there the value attribute is merged too.
void merge_focused(client_profile p, dom::node& target, const dom::node& source) {
  if (p == client_profile::v0_15) merge_attrs(false, target, source, {}, false);
  else merge_attrs(protocol::has_magic_ids(p), target, source, {"value"}, false);
}

/// 1.x: private clones of locked elements (DOM.private(el, PHX_REF_LOCK)), by element.
using lock_clones = std::vector<std::pair<const dom::node*, std::unique_ptr<dom::node>>>;

/// Forgets clones of elements no longer in the container (their pointers may be reused).
void purge_locks(lock_clones& locks, dom::node& container) {
  if (locks.empty()) return;
  std::set<const dom::node*> present;
  for_each_element(container, [&](dom::node& el) { present.insert(&el); });
  std::erase_if(locks, [&](const auto& e) { return !present.count(e.first); });
}

/// ≥0.20: the stream ref each element was given (DOM.putSticky(el, PHX_STREAM_REF)), by
/// element. DOMPatch applies an element's sticky operations again whenever it patches it, so
/// data-phx-stream stays when the element is morphed outside of an insert (a duplicate id).
/// Kept per element rather than read off the attribute: a node the client did not mark (the
/// server's markup, a lock's clone) loses the attribute.
using sticky_refs = std::unordered_map<const dom::node*, std::string>;

/// Forgets elements in neither the container nor a lock's clone (pointers may be reused).
void purge_sticky(sticky_refs& refs, dom::node& container, const lock_clones& locks) {
  if (refs.empty()) return;
  sticky_refs kept;
  auto keep = [&](dom::node& el) {
    auto it = refs.find(&el);
    if (it != refs.end()) kept.insert(std::move(*it));
  };
  for_each_element(container, keep);
  for (const auto& e : locks) {
    keep(*e.second);
    for_each_element(*e.second, keep);
  }
  refs.swap(kept);
}

/// parseInt of a ref attribute; nullopt for NaN.
std::optional<long long> parse_ref(const std::string* v) {
  if (!v) return std::nullopt;
  std::string_view t = trim(*v);
  const bool neg = !t.empty() && t[0] == '-';
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  long long n = 0;
  std::size_t i = 0;
  for (; i < t.size() && i < 18 && t[i] >= '0' && t[i] <= '9'; ++i) n = n * 10 + (t[i] - '0');
  if (i == 0) return std::nullopt;
  return neg ? -n : n;
}

/// The binding attribute names a patch reads, built once per binding prefix rather than on
/// every patch.
struct prefixed_names {
  bool built = false;
  std::string prefix, update, feedback_for, remove, trigger;

  const prefixed_names& for_prefix(const std::string& p) {
    if (built && prefix == p) return *this;
    built = true;
    prefix = p;
    update = p + "update";
    feedback_for = p + "feedback-for";
    remove = p + "remove";
    trigger = p + "trigger-action";
    return *this;
  }
};

}  // namespace

struct view_patcher::state {
  client_profile profile;
  std::string view_id;
  lock_clones locks;
  sticky_refs sticky;
  prefixed_names names;
  std::vector<dom::node*> nodes;  // a component's elements: reused by every patch
};

namespace {

class dom_patch final : public detail::morph_callbacks {
 public:
  dom_patch(client_profile p, const std::string& view_id, const patch_options& o,
            dom::node& container, patch_report& r, bool join, lock_clones& locks,
            sticky_refs& sticky, prefixed_names& names,
            std::optional<long long> undo_ref = std::nullopt)
      : p_(p), o_(o), container_(container), r_(r), join_(join),
        names_(names.for_prefix(o.binding_prefix)), phx_update_(names_.update),
        trigger_(names_.trigger), root_id_(o.root_id.empty() ? view_id : o.root_id),
        phx_remove_(names_.remove), feedback_for_(names_.feedback_for), locks_(locks),
        sticky_(sticky), undo_ref_(undo_ref) {}

  bool magic() const { return protocol::has_magic_ids(p_); }
  /// phx-update="append" or "prepend".
  bool appends(const dom::node& el) const {
    const std::string* u = attr(el, phx_update_);
    return u && (*u == "append"sv || *u == "prepend"sv);
  }
  bool streams_on() const { return protocol::has_streams(p_); }

  void load_streams(const std::vector<json>& streams) {
    if (!streams_on()) return;
    for (const json& s : streams) {
      if (!s.is_array() || s.size() < 3) continue;
      std::string ref = s[0].is_string() ? s[0].get<std::string>() : s[0].dump();
      const json& inserts = s[1];
      const json& deletes = s[2];
      // The client tests `reset !== undefined`: any fourth element (even null or false).
      bool reset = s.size() >= 4;
      std::set<std::string> inserted;
      auto add = [&](const std::string& key, const json& at, const json& limit,
                     const json& update_only) {
        stream_insert si;
        si.ref = ref;
        si.at = at.is_number_integer() ? at.get<long long>() : -1;
        if (limit.is_number_integer()) si.limit = limit.get<long long>();
        si.limit_given = !limit.is_null();
        si.reset = reset;
        si.update_only = p_ >= client_profile::v1_2 && truthy(update_only);
        inserts_[key] = si;
        inserted.insert(key);
      };
      if (inserts.is_object()) {
        for (auto it = inserts.begin(); it != inserts.end(); ++it) {
          const json& v = it.value();
          add(it.key(), v.is_array() && !v.empty() ? v[0] : json(),
              v.is_array() && v.size() > 1 ? v[1] : json(), json());
        }
      } else if (inserts.is_array()) {
        for (const json& e : inserts) {
          if (!e.is_array() || e.empty() || !e[0].is_string()) continue;
          add(e[0].get<std::string>(), e.size() > 1 ? e[1] : json(), e.size() > 2 ? e[2] : json(),
              e.size() > 3 ? e[3] : json());
        }
      }
      if (reset) {
        std::vector<dom::node*> victims;
        for_each_element(container_, [&](dom::node& el) {
          if (attr_is(el, "data-phx-stream", ref)) victims.push_back(&el);
        });
        for (dom::node* v : victims) {
          if (!magic() && inserted.count(id_of(*v))) continue;
          if (v->parent()) remove_stream_child(*v);
        }
      }
      if (deletes.is_array()) {
        for (const json& d : deletes) {
          if (!d.is_string()) continue;
          if (dom::node* child = find_by_id(container_, d.get<std::string>()))
            remove_stream_child(*child);
        }
      }
    }
  }

  void clear_dead_streams() {
    std::vector<dom::node*> parents;
    for_each_element(container_, [&](dom::node& el) {
      if (attr_is(el, phx_update_, "stream")) parents.push_back(&el);
    });
    for (dom::node* p : parents) {
      for (dom::node* c : element_children(*p)) remove_stream_child(*c);
    }
  }

  void mark_prunable() {
    for_each_element(container_, [&](dom::node& el) {
      if (appends(el)) {
        for (dom::node* c : element_children(el))
          c->set_attribute(p_ == client_profile::v0_15 ? "data-phx-remove" : "data-phx-prune", "");
      }
    });
  }

  detail::morph_version morph_version() const {
    if (p_ <= client_profile::v0_18) return detail::morph_version::v2_6;
    if (p_ == client_profile::v0_20) return detail::morph_version::v2_7_0;
    if (p_ == client_profile::v1_0) return detail::morph_version::v2_7_7;
    return detail::morph_version::fork;
  }

  /// `to` is owned by `to_owner`, which a component patch may hand over to the DOM.
  void run(dom::node& target, std::unique_ptr<dom::node>& to_owner, bool children_only) {
    target_ = &target;
    dom::node& to = *to_owner;
    detail::morph(target, to, children_only, morph_version(), *this, &to_owner,
                  target.has_attribute("data-phx-component"));
    for (const auto& r : restorers_) restore(r);
    if (p_ == client_profile::v0_20) hide_feedback();
  }

  void finish() {
    transition_removes();
    purge_sticky(sticky_, container_, locks_);
    std::set<int> gone;
    for (int cid : discarded_cids_)
      if (component_nodes(container_, cid).empty()) gone.insert(cid);
    r_.removed_cids.assign(gone.begin(), gone.end());
    r_.trigger_action = trigger_action_;
    settle_report(r_, container_);
  }

  // -- morph callbacks ---------------------------------------------------------------------
  std::string_view key(const dom::node& n) override {
    if (!n.is_element() || destroyed_container(o_, n)) return {};
    const std::string_view id = attr_view(n, "id");
    if (!id.empty() || !magic() || join_) return id;
    return attr_view(n, "data-phx-id");
  }

  bool skip_from_children(const dom::node& from) override {
    return streams_on() && attr_is(from, phx_update_, "stream");
  }

  dom::node& add_child(dom::node& parent, std::unique_ptr<dom::node> child) override {
    auto it = child->is_element() ? inserts_.find(id_of(*child)) : inserts_.end();
    if (it == inserts_.end() || id_of(*child).empty()) return parent.append_child(std::move(child));
    const stream_insert si = it->second;
    set_stream_ref(*child, si.ref);
    dom::node* placed = nullptr;
    if (si.at == 0) {
      placed = &parent.insert_child(0, std::move(child));
    } else if (si.at == -1) {
      if (magic()) {
        auto kids = element_children(parent);
        if (!kids.empty() && !kids.back()->has_attribute("data-phx-stream")) {
          dom::node* non_stream = nullptr;
          for (dom::node* k : kids)
            if (!k->has_attribute("data-phx-stream")) {
              non_stream = k;
              break;
            }
          placed = &detail::insert_before(parent, std::move(child), non_stream);
        } else {
          placed = &parent.append_child(std::move(child));
        }
      } else {
        placed = &parent.append_child(std::move(child));
      }
    } else if (si.at > 0) {
      auto kids = element_children(parent);
      dom::node* sibling = static_cast<std::size_t>(si.at) < kids.size() ? kids[static_cast<std::size_t>(si.at)] : nullptr;
      placed = &detail::insert_before(parent, std::move(child), sibling);
    } else {
      placed = &parent.append_child(std::move(child));
    }
    if (!magic()) limit_0_20(parent, si);
    return *placed;
  }

  bool before_node_added(std::unique_ptr<dom::node>& el) override {
    if (p_ == client_profile::v0_15 && el->is_element()) discard_error(*el);
    if (p_ >= client_profile::v1_2 && el->is_element() && !id_of(*el).empty()) {
      auto it = inserts_.find(id_of(*el));
      if (it != inserts_.end() && it->second.update_only && !restore_.count(id_of(*el)))
        return false;
    }
    if (magic() && el->is_element()) {
      auto it = restore_.find(id_of(*el));
      if (it != restore_.end() && !id_of(*el).empty()) {
        std::unique_ptr<dom::node> kept = std::move(it->second);
        restore_.erase(it);
        // A nested morph (its own lookup) of the kept item, the item itself included.
        dom::node* saved_target = target_;
        target_ = kept.get();
        detail::morph(*kept, *el, false, morph_version(), *this, &el,
                      kept->has_attribute("data-phx-component"));
        target_ = saved_target;
        el = std::move(kept);
      }
    }
    return true;
  }

  void node_added(dom::node& el) override {
    if (!el.is_element()) return;
    if (p_ == client_profile::v0_18) discard_error(el);
    if (p_ == client_profile::v0_20 && is_form_input(el)) track_input(el, el);
    if (streams_on()) reorder_stream(el, true);
    // What happens inside a locked element's clone shows only when it is unlocked.
    if (in_lock_clone(el)) return;
    if (el.has_attribute(trigger_)) trigger_action_ = &el;
    if (is_phx_child(el) && owns(el)) r_.nested_added.push_back(nested_of(el));
    r_.added.push_back(&el);
  }

  bool before_node_discarded(dom::node& el) override {
    if (!el.is_element()) return true;
    if (el.has_attribute(p_ == client_profile::v0_15 ? "data-phx-remove" : "data-phx-prune"))
      return true;
    dom::node* parent = el.parent();
    if (parent && parent != &container_ ? true : parent != nullptr) {
      if (!id_of(el).empty() && parent->is_element() &&
          (appends(*parent) ||
           (streams_on() && attr_is(*parent, phx_update_, "stream"))))
        return false;
    }
    if (maybe_pending_remove(el)) return false;
    if (el.has_attribute("data-phx-skip")) return false;
    return true;
  }

  void node_discarded(dom::node& el) override {
    if (!el.is_element()) return;
    if (is_phx_child(el)) r_.nested_removed.push_back(nested_of(el));
    if (auto cid = cid_of(el)) discarded_cids_.insert(*cid);
    r_.removed.push_back(&el);
  }

  void keep_removed(std::unique_ptr<dom::node> n) override { r_.removed_trees.push_back(std::move(n)); }

  std::unique_ptr<dom::node> reclaim(dom::node& n) override {
    for (auto it = r_.removed_trees.begin(); it != r_.removed_trees.end(); ++it) {
      if (it->get() != &n) continue;
      auto owned = std::move(*it);
      r_.removed_trees.erase(it);
      return owned;
    }
    for (auto it = restore_.begin(); it != restore_.end(); ++it) {
      if (it->second.get() != &n) continue;
      auto owned = std::move(it->second);
      restore_.erase(it);
      return owned;
    }
    return nullptr;
  }

  void el_updated(dom::node& el) override {
    if (!in_lock_clone(el)) {
      if (el.has_attribute(trigger_)) trigger_action_ = &el;
      if (r_.updated.empty()) r_.updated.reserve(16);  // a patch updates a few at once
      r_.updated.push_back(&el);
    }
    if (streams_on()) reorder_stream(el, false);
  }

  el_update before_el_updated(dom::node& from, dom::node& to, dom::node*& into) override {
    if (p_ == client_profile::v1_0 && &from == target_ && !id_of(from).empty() &&
        id_of(from) != id_of(to)) {
      // 1.0: a component root whose id changed is swapped for the new markup; morphdom then
      // still morphs the detached old root against it (taking the new nodes it adds).
      node_discarded(from);
      return el_update::replace_root;
    }
    if (magic()) sync_pending_attrs(from, to);
    clean_child_nodes(to);
    const bool focused = o_.focused == &from && is_form_input(from);
    if (to.has_attribute("data-phx-skip")) {
      if (p_ >= client_profile::v1_2) lock_clone(from);
      if (magic()) reorder_stream(from, false);
      return el_update::skip;
    }
    if (streams_on() && from.has_attribute("data-phx-sticky")) {
      if (magic()) {
        for (std::string_view a : {"data-phx-session", "data-phx-static", "data-phx-root-id"}) {
          const std::string* tv = to.get_attribute(a);
          const std::string* fv = from.get_attribute(a);
          if (tv && !tv->empty() && (!fv || *fv != *tv)) from.set_attribute(a, *tv);
        }
      }
      return el_update::skip;
    }
    const std::string* upd = from.get_attribute(phx_update_);
    if (!upd || upd->empty()) upd = from.get_attribute("data-phx-update");
    if (upd && *upd == "ignore") {
      merge_attrs(from, to, {}, true);
      r_.updated.push_back(&from);
      apply_sticky(from, from);
      return el_update::skip;
    }
    if (!magic() && !sync_pending_ref(from, to)) {
      apply_sticky(from, from);
      return el_update::skip;
    }
    if (magic()) {
      // A locked element is not patched: its private clone is, until the lock's ack.
      if (dom::node* clone = lock_clone(from)) {
        apply_sticky(from, from);
        if (!focused) {
          into = clone;
          return update_element(*clone, to, false);
        }
      }
    }
    return update_element(from, to, focused);
  }

  el_update update_element(dom::node& from, dom::node& to, const bool focused) {
    if (is_phx_child(to)) {
      const std::string* prev = from.get_attribute("data-phx-session");
      std::optional<std::string> prev_session = prev ? std::optional<std::string>(*prev) : std::nullopt;
      merge_attrs(from, to, {"data-phx-static"}, false);
      if (!prev_session || !prev_session->empty())
        from.set_attribute("data-phx-session", prev_session ? *prev_session : "null");
      from.set_attribute("data-phx-root-id", root_id_);
      apply_sticky(from, from);
      return el_update::skip;
    }
    if (p_ <= client_profile::v0_18) discard_error(to);
    // 1.2: phx-patch-focused on the new markup patches the focused control anyway.
    bool keep_focused =
        focused && !(p_ >= client_profile::v1_2 && to.has_attribute(o_.binding_prefix + "patch-focused"));
    if (focused) {
      const std::string* type = from.get_attribute("type");
      bool hidden = from.tag() == "input" && type && *type == "hidden";
      if (p_ >= client_profile::v0_20 && hidden) keep_focused = false;
      if (from.tag() == "select") {
        // A focused select is still patched when its options changed.
        if (p_ <= client_profile::v0_18) {
          if (from.has_attribute("multiple") || dom::serialize_children(from) != dom::serialize_children(to))
            keep_focused = false;
        } else if (magic()) {
          if (!from.has_attribute("multiple") &&
              (element_children(from).size() != element_children(to).size() ||
               dom::serialize(from) != dom::serialize(to)))
            keep_focused = false;
        }
      }
    }
    if (keep_focused) {
      if (from.tag() != "select") merge_focused(from, to);
      if (to.has_attribute("readonly")) from.set_attribute("readonly", "true");
      else from.remove_attribute("readonly");
      r_.updated.push_back(&from);
      // 0.20 tracks the focused control whatever its name.
      if (p_ == client_profile::v0_20) tracked_.emplace_back(attr_or_empty(from, "name"), used(from));
      apply_sticky(from, from);
      return el_update::skip;
    }
    if (p_ == client_profile::v0_20 && is_form_input(to)) track_input(from, to);
    if (appends(to)) {
      post_morph_restorer r;
      std::set<std::string> after;
      for (dom::node* c : element_children(to)) after.insert(id_of(*c));
      std::set<std::string> before;
      for (dom::node* c : element_children(from)) {
        std::string id = id_of(*c);
        if (id.empty()) continue;
        before.insert(id);
        if (after.count(id)) {
          dom::node* prev = prev_element_sibling(*c);
          r.to_modify.emplace_back(id, prev ? id_of(*prev) : std::string());
        }
      }
      std::vector<std::string> after_order;
      for (dom::node* c : element_children(to)) after_order.push_back(id_of(*c));
      std::set<std::string> seen;
      for (const auto& id : after_order)
        if (!before.count(id) && seen.insert(id).second) r.to_add.push_back(id);
      r.container_id = id_of(to);
      r.update_type = *to.get_attribute(phx_update_);
      restorers_.push_back(std::move(r));
    }
    apply_sticky(from, to);
    return magic() ? el_update::morph_element : el_update::morph;
  }

 private:
  static std::string attr_or_empty(const dom::node& n, std::string_view name) {
    const std::string* v = attr(n, name);
    return v ? *v : std::string();
  }

  bool used(const dom::node& control) const { return o_.used && o_.used(control); }

  /// ≤0.18 DOM.discardError: `el` names a field; the first element of the patch target
  /// with that id or name (0.18: or name + "[]") is the control asked about.
  void discard_error(dom::node& el) {
    const std::string* field = attr(el, feedback_for_);
    if (!field || field->empty() || !target_) return;
    const std::string array_name = *field + "[]";
    dom::node* input = nullptr;
    std::function<void(dom::node&)> walk = [&](dom::node& n) {
      for (const auto& c : n.children()) {
        if (input) return;
        if (!c->is_element()) continue;
        if (attr_is(*c, "id", *field) || attr_is(*c, "name", *field) ||
            (p_ == client_profile::v0_18 && attr_is(*c, "name", array_name))) {
          input = c.get();
          return;
        }
        walk(*c);
      }
    };
    walk(*target_);
    if (input && !used(*input)) detail::add_class(el, "phx-no-feedback");
  }

  /// 0.20: a control with a name, added or morphed (`live` is the element in the DOM, whose
  /// private flags the client copies onto `markup`).
  void track_input(const dom::node& live, const dom::node& markup) {
    const std::string* name = attr(markup, "name");
    if (name && !name->empty()) tracked_.emplace_back(*name, used(live));
  }

  /// 0.20 DOM.maybeHideFeedback of each tracked control nobody used.
  void hide_feedback() {
    if (!target_) return;
    for (const auto& tracked : tracked_) {
      if (tracked.second) continue;
      const std::string& name = tracked.first;
      const bool array = name.size() >= 2 && name.compare(name.size() - 2, 2, "[]") == 0;
      const std::string bare = array ? name.substr(0, name.size() - 2) : name;
      for_each_element(*target_, [&](dom::node& el) {
        const std::string* f = el.get_attribute(feedback_for_);
        if (f && (*f == name || (array && *f == bare))) detail::add_class(el, "phx-no-feedback");
      });
    }
  }

  void set_stream_ref(dom::node& el, const std::string& ref) {
    el.set_attribute("data-phx-stream", ref);
    sticky_[&el] = ref;
  }

  /// DOM.applyStickyOperations: an element's stream ref put back (on the element, or on the
  /// markup it is about to be morphed with).
  void apply_sticky(const dom::node& owner, dom::node& onto) {
    if (sticky_.empty()) return;
    auto it = sticky_.find(&owner);
    if (it != sticky_.end()) onto.set_attribute("data-phx-stream", it->second);
  }

  bool in_lock_clone(const dom::node& n) const {
    if (locks_.empty()) return false;
    const dom::node* root = &n;
    while (root->parent()) root = root->parent();
    for (const auto& e : locks_)
      if (e.second.get() == root) return true;
    return false;
  }

  /// The clone a locked element's updates go to (created on first need), or nullptr when
  /// `el` is not locked or its lock is the one being undone.
  dom::node* lock_clone(dom::node& el) {
    if (!el.has_attribute("data-phx-ref-src") || !el.has_attribute("data-phx-ref-lock"))
      return nullptr;
    std::optional<long long> lock = parse_ref(el.get_attribute("data-phx-ref-lock"));
    if (p_ == client_profile::v1_0 && (!lock || *lock == 0)) return nullptr;
    if (undo_ref_ && lock && *lock <= *undo_ref_) return nullptr;
    for (auto& [owner, clone] : locks_)
      if (owner == &el) return clone.get();
    locks_.emplace_back(&el, el.clone());
    return locks_.back().second.get();
  }

  bool owns(const dom::node& el) const {
    // The closest view root above `el` (excluding el) must be this view's container.
    for (const dom::node* a = el.parent(); a; a = a->parent()) {
      if (a == &container_) return true;
      if (is_view_root(*a)) return false;
    }
    return false;
  }

  nested_view nested_of(const dom::node& el) const {
    nested_view v;
    v.element = &el;
    v.id = id_of(el);
    if (const auto* s = el.get_attribute("data-phx-session")) v.session = *s;
    if (const auto* s = el.get_attribute("data-phx-static")) v.static_ = *s;
    if (const auto* s = el.get_attribute("data-phx-parent-id")) v.parent_id = *s;
    v.sticky = el.has_attribute("data-phx-sticky");
    return v;
  }

  void merge_attrs(dom::node& target, const dom::node& source,
                   std::initializer_list<std::string_view> exclude, bool ignored) {
    lvh::sim::merge_attrs(magic(), target, source, exclude, ignored);
  }
  void merge_focused(dom::node& target, const dom::node& source) {
    lvh::sim::merge_focused(p_, target, source);
  }

  static bool has_class(const dom::node& el, std::string_view c) {
    const std::string* cls = el.get_attribute("class");
    if (!cls) return false;
    std::string_view s = *cls;
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      std::size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (s.substr(i, j - i) == c) return true;
      i = j;
    }
    return false;
  }
  static void add_class(dom::node& el, std::string_view c) {
    if (has_class(el, c)) return;
    const std::string* cls = el.get_attribute("class");
    std::string v;
    if (cls) {
      // classList.add serializes the token set: single spaces, no leading/trailing space.
      std::string_view s = *cls;
      std::size_t i = 0;
      std::set<std::string> seen;
      while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        std::size_t j = i;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j > i && seen.insert(std::string(s.substr(i, j - i))).second) {
          if (!v.empty()) v += ' ';
          v += s.substr(i, j - i);
        }
        i = j;
      }
    }
    if (!v.empty()) v += ' ';
    v += c;
    el.set_attribute("class", v);
  }

  void sync_pending_attrs(dom::node& from, dom::node& to) {
    if (!from.has_attribute("data-phx-ref-src")) return;
    for (auto c : event_classes)
      if (has_class(from, c)) add_class(to, c);
    for (auto a : pending_attrs)
      if (const std::string* v = from.get_attribute(a)) to.set_attribute(a, *v);
  }

  bool sync_pending_ref(dom::node& from, dom::node& to) {
    const std::string* ref = from.get_attribute("data-phx-ref");
    if (!ref) return true;
    if (is_form_input(from) || from.has_attribute(o_.binding_prefix + "disable-with")) {
      // Held back (DOM.putPrivate(el, PHX_REF, toEl)) until the ack: see unlock().
      auto held = std::find_if(locks_.begin(), locks_.end(),
                               [&](const auto& e) { return e.first == &from; });
      if (held != locks_.end()) held->second = to.clone();
      else locks_.emplace_back(&from, to.clone());
      return false;
    }
    for (auto c : event_classes)
      if (has_class(from, c)) add_class(to, c);
    to.set_attribute("data-phx-ref", *ref);
    if (p_ >= client_profile::v0_18) {
      const std::string* src = from.get_attribute("data-phx-ref-src");
      to.set_attribute("data-phx-ref-src", src ? *src : "null");
    }
    return true;
  }

  /// Children without an id are dropped from the target of a phx-update container before it
  /// is morphed; 1.0+ does it for streams too, so such a child of a stream is never added
  /// (nor does it pull keyed elements out of the old DOM).
  void clean_child_nodes(dom::node& to) {
    const std::string* u = attr(to, phx_update_);
    if (!u || !(*u == "append"sv || *u == "prepend"sv || (magic() && *u == "stream"sv))) return;
    for (std::size_t i = to.child_count(); i-- > 0;) {
      if (id_of(to.child(i)).empty()) to.remove_child(i);
    }
  }

  void remove_stream_child(dom::node& child) {
    if (!child.parent()) return;
    if (magic() && !owns(child)) return;
    std::string id = id_of(child);
    if (magic() && !id.empty() && inserts_.count(id)) {
      restore_[id] = detail::detach(child);
      return;
    }
    if (maybe_pending_remove(child)) return;
    auto owned = detail::detach(child);
    node_discarded(*owned);
    r_.removed_trees.push_back(std::move(owned));
  }

  /// An element with phx-remove leaves after its JS ran (0.18: a non-empty value; 0.20+:
  /// the attribute): kept through the morph, removed at the end of the patch.
  bool maybe_pending_remove(dom::node& el) {
    if (p_ < client_profile::v0_18 || !el.is_element() || in_lock_clone(el)) return false;
    const std::string* v = el.get_attribute(phx_remove_);
    if (!v || (p_ == client_profile::v0_18 && v->empty())) return false;
    if (std::find(pending_removes_.begin(), pending_removes_.end(), &el) == pending_removes_.end())
      pending_removes_.push_back(&el);
    return true;
  }

  /// liveSocket.transitionRemoves + requestDOMUpdate: when no command of any pending
  /// element starts a timed transition, they all go now; otherwise the client removes them
  /// all when the transitions end, and they stay (reported as pending_removes).
  void transition_removes() {
    if (pending_removes_.empty()) return;
    bool timed = false;
    for (dom::node* el : pending_removes_)
      if (starts_transition(*el->get_attribute(phx_remove_))) timed = true;
    if (timed) {
      // One that left with an ancestor (a keyed child the morph removed last) runs its
      // transition off the page: it delays the others, and is not the caller's to remove.
      for (dom::node* el : pending_removes_)
        if (contains(container_, *el)) r_.pending_removes.push_back(el);
      return;
    }
    for (dom::node* el : pending_removes_) {
      if (!el->parent()) continue;
      auto owned = detail::detach(*el);
      node_discarded(*owned);
      for_each_element(*owned, [&](dom::node& d) {
        if (is_phx_child(d)) r_.nested_removed.push_back(nested_of(d));
      });
      r_.removed_trees.push_back(std::move(owned));
    }
  }

  /// A JS command list one of whose commands has transition classes to run (JS's
  /// addOrRemoveClasses / toggle start a timer only then).
  static bool starts_transition(const std::string& js) {
    json cmds = json::parse(js, nullptr, false);
    if (!cmds.is_array()) return false;
    for (const json& c : cmds) {
      if (!c.is_array() || c.size() < 2 || !c[1].is_object()) continue;
      auto t = c[1].find("transition");
      if (t == c[1].end() || !t->is_array() || t->empty()) continue;
      const json& run = (*t)[0];
      if ((run.is_array() && !run.empty()) || (run.is_string() && !run.get_ref<const std::string&>().empty()))
        return true;
    }
    return false;
  }

  void limit_0_20(dom::node& parent, const stream_insert& si) {
    if (!si.limit || *si.limit == 0) return;
    auto kids = element_children(parent);
    long long n = static_cast<long long>(kids.size());
    long long lim = *si.limit;
    std::vector<dom::node*> drop;
    if (lim < 0 && n > -lim) drop.assign(kids.begin(), kids.begin() + (n + lim));
    else if (lim > 0 && n > lim) drop.assign(kids.begin() + lim, kids.end());
    for (dom::node* d : drop)
      if (!inserts_.count(id_of(*d))) remove_stream_child(*d);
  }

  void reorder_stream(dom::node& el, bool is_new) {
    std::string id = id_of(el);
    if (id.empty()) return;
    auto it = inserts_.find(id);
    if (it == inserts_.end()) return;
    const stream_insert si = it->second;
    set_stream_ref(el, si.ref);
    if (magic() && !si.reset && !is_new) return;
    dom::node* parent = el.parent();
    if (!parent || !parent->is_element()) return;
    if (si.at == 0) {
      auto kids = element_children(*parent);
      if (!kids.empty() && kids.front() != &el) {
        auto owned = detail::detach(el);
        detail::insert_before(*parent, std::move(owned), kids.front());
      }
    } else if (si.at > 0) {
      auto kids = element_children(*parent);
      auto pos = std::find(kids.begin(), kids.end(), &el);
      long long old_index = pos == kids.end() ? -1 : pos - kids.begin();
      long long count = static_cast<long long>(kids.size());
      if (si.at >= count - 1) {
        auto owned = detail::detach(el);
        parent->append_child(std::move(owned));
      } else {
        dom::node* sibling = kids[static_cast<std::size_t>(si.at)];
        dom::node* ref = sibling;
        if (old_index <= si.at) {
          ref = nullptr;
          for (std::size_t k = static_cast<std::size_t>(si.at) + 1; k < kids.size(); ++k) {
            ref = kids[k];
            break;
          }
        }
        if (ref != &el) {
          auto owned = detail::detach(el);
          detail::insert_before(*parent, std::move(owned), ref);
        }
      }
    }
    if (magic()) limit_1_x(el, si);
  }

  void limit_1_x(dom::node& el, const stream_insert& si) {
    if (!el.parent()) return;
    // 1.0 skips a falsy limit; 1.2 only a null one (limit 0 empties the list) — a limit
    // that is not a number compares false either way.
    if (p_ >= client_profile::v1_2 ? !si.limit_given : (!si.limit || *si.limit == 0)) return;
    if (!si.limit) return;
    auto kids = element_children(*el.parent());
    long long n = static_cast<long long>(kids.size());
    long long lim = *si.limit;
    std::vector<dom::node*> drop;
    if (lim < 0 && n > -lim) drop.assign(kids.begin(), kids.begin() + (n + lim));
    else if (lim >= 0 && n > lim) drop.assign(kids.begin() + lim, kids.end());
    for (dom::node* d : drop) remove_stream_child(*d);
  }

  void restore(const post_morph_restorer& r) {
    dom::node* container = find_by_id(container_, r.container_id);
    if (!container) return;
    for (const auto& [id, prev_id] : r.to_modify) {
      if (!prev_id.empty()) {
        dom::node* prev = find_by_id(container_, prev_id);
        dom::node* el = prev ? find_by_id(container_, id) : nullptr;
        if (!prev || !el) continue;
        dom::node* ps = prev_element_sibling(*el);
        if (ps && id_of(*ps) == id_of(*prev)) continue;
        // No parent to insert into (the container itself), or a move into itself: the browser
        // throws HierarchyRequestError there.
        // An element placed after itself stays where it is.
        if (el == prev || !prev->parent() || contains(*el, *prev->parent())) continue;
        dom::node& parent = *prev->parent();
        auto owned = detail::detach(*el);
        detail::insert_before(parent, std::move(owned), detail::next_sibling(*prev));
      } else {
        dom::node* el = find_by_id(container_, id);
        if (!el || !prev_element_sibling(*el) || contains(*el, *container)) continue;
        auto owned = detail::detach(*el);
        container->insert_child(0, std::move(owned));
      }
    }
    if (r.update_type == "prepend") {
      for (auto it = r.to_add.rbegin(); it != r.to_add.rend(); ++it) {
        dom::node* el = find_by_id(container_, *it);
        // An id shared with the container or one of its ancestors finds that element: moving
        // it into itself is what the browser refuses (HierarchyRequestError), so skip it.
        if (!el || contains(*el, *container)) continue;
        auto owned = detail::detach(*el);
        container->insert_child(0, std::move(owned));
      }
    }
  }

  client_profile p_;
  const patch_options& o_;
  dom::node& container_;
  patch_report& r_;
  bool join_;
  const prefixed_names& names_;
  const std::string &phx_update_, &trigger_, &root_id_, &phx_remove_, &feedback_for_;
  // 0.20: the controls maybeHideFeedback looks at after the morph: name, used.
  std::vector<std::pair<std::string, bool>> tracked_;
  std::vector<dom::node*> pending_removes_;
  std::unordered_map<std::string, stream_insert> inserts_;
  std::unordered_map<std::string, std::unique_ptr<dom::node>> restore_;
  std::vector<post_morph_restorer> restorers_;
  std::set<int> discarded_cids_;
  dom::node* trigger_action_ = nullptr;
  dom::node* target_ = nullptr;  // the morph's root (targetContainer)
  lock_clones& locks_;
  sticky_refs& sticky_;
  std::optional<long long> undo_ref_;
};

patch_report container_patch(client_profile p, const std::string& view_id, dom::node& container,
                             std::string_view html, const std::vector<json>& streams,
                             const patch_options& o, bool join, lock_clones& locks,
                             sticky_refs& sticky, prefixed_names& names) {
  patch_report r;
  r.patch = patch_report::kind::full;
  purge_locks(locks, container);
  purge_sticky(sticky, container, locks);
  dom_patch dp(p, view_id, o, container, r, join, locks, sticky, names);
  if (join) dp.mark_prunable();
  dp.load_streams(streams);
  if (join && protocol::has_magic_ids(p)) dp.clear_dead_streams();
  std::string wrapped = "<" + container.tag() + ">";
  wrapped += html;
  wrapped += "</" + container.tag() + ">";
  auto to = to_element(wrapped);
  dp.run(container, to, true);
  dp.finish();
  return r;
}

/// DOMPatch.patchEl's morphdom: keys are ids, the focused input keeps its value.
class plain_patch final : public detail::morph_callbacks {
 public:
  plain_patch(client_profile p, const patch_options& o, patch_report& r) : p_(p), o_(o), r_(r) {}
  std::string_view key(const dom::node& n) override {
    return destroyed_container(o_, n) ? std::string_view() : attr_view(n, "id");
  }
  el_update before_el_updated(dom::node& from, dom::node& to, dom::node*&) override {
    if (o_.focused != &from || !is_form_input(from)) return el_update::morph;
    if (from.tag() != "select") merge_focused(p_, from, to);
    if (to.has_attribute("readonly")) from.set_attribute("readonly", "true");
    else from.remove_attribute("readonly");
    return el_update::skip;
  }
  void node_added(dom::node& el) override {
    if (el.is_element()) r_.added.push_back(&el);
  }
  void el_updated(dom::node& el) override { r_.updated.push_back(&el); }
  void node_discarded(dom::node& el) override {
    if (el.is_element()) r_.removed.push_back(&el);
  }
  void keep_removed(std::unique_ptr<dom::node> n) override { r_.removed_trees.push_back(std::move(n)); }
  std::unique_ptr<dom::node> reclaim(dom::node& n) override {
    for (auto it = r_.removed_trees.begin(); it != r_.removed_trees.end(); ++it) {
      if (it->get() != &n) continue;
      auto owned = std::move(*it);
      r_.removed_trees.erase(it);
      return owned;
    }
    return nullptr;
  }

 private:
  client_profile p_;
  const patch_options& o_;
  patch_report& r_;
};

}  // namespace

view_patcher::view_patcher(client_profile profile, std::string view_id)
    : s_(std::make_unique<state>(state{profile, std::move(view_id), {}, {}, {}, {}})) {}
view_patcher::view_patcher(view_patcher&&) noexcept = default;
view_patcher& view_patcher::operator=(view_patcher&&) noexcept = default;
view_patcher::~view_patcher() = default;

client_profile view_patcher::profile() const noexcept { return s_->profile; }
const std::string& view_patcher::view_id() const noexcept { return s_->view_id; }

patch_report view_patcher::join(dom::node& container, std::string_view html,
                                const std::vector<json>& streams, const patch_options& o) {
  return container_patch(s_->profile, s_->view_id, container, html, streams, o, true, s_->locks,
                         s_->sticky, s_->names);
}

patch_report view_patcher::full(dom::node& container, std::string_view html,
                                const std::vector<json>& streams, const patch_options& o) {
  return container_patch(s_->profile, s_->view_id, container, html, streams, o, false,
                         s_->locks, s_->sticky, s_->names);
}

patch_report view_patcher::component(dom::node& container, int cid, std::string_view html,
                                     const std::vector<json>& streams, const patch_options& o) {
  return component(container, cid, protocol::component_markup{std::string(html), nullptr}, streams, o);
}

patch_report view_patcher::component(dom::node& container, int cid, protocol::component_markup markup,
                                     const std::vector<json>& streams, const patch_options& o) {
  patch_report r;
  std::vector<dom::node*>& nodes = s_->nodes;
  nodes.clear();
  collect_component_nodes(container, cid, nodes);
  if (nodes.empty()) return r;
  r.patch = patch_report::kind::components;
  auto parsed = markup.parsed ? std::move(markup.parsed) : dom::parse_fragment(markup.html, "template");
  const std::size_t element_count = static_cast<std::size_t>(std::count_if(
      parsed->children().begin(), parsed->children().end(), [](const auto& c) { return c->is_element(); }));
  dom::node* target = (nodes.size() == 1 && element_count == 1) ? nodes.front() : nodes.front()->parent();
  if (!target) return r;
  purge_locks(s_->locks, container);
  purge_sticky(s_->sticky, container, s_->locks);
  dom_patch dp(s_->profile, s_->view_id, o, container, r, false, s_->locks, s_->sticky, s_->names);
  dp.load_streams(streams);
  std::unique_ptr<dom::node> to;
  const bool single_root = cid_of(*target) == cid;
  if (protocol::has_magic_ids(s_->profile) || single_root) {
    // to_element(html) is the first node of the trimmed markup: the parse above already
    // has it unless leading white space made a text node first.
    if (parsed->child_count() != 0 && !parsed->child(0).is_text())
      to = parsed->remove_child(0);
    else if (!markup.html.empty() || parsed->child_count() == 0)
      to = to_element(markup.html);
    else
      to = to_element(dom::serialize_children(*parsed));
  } else {
    // Several roots: the parent is patched, its other keyed children skipped.
    to = target->clone();
    auto list = component_nodes(*to, cid);
    // A root nested in another one leaves with it; it is still detached from that (kept)
    // subtree afterwards, as Element.remove() on a detached element is.
    std::vector<std::unique_ptr<dom::node>> rest;
    for (std::size_t i = 1; i < list.size(); ++i) rest.push_back(detail::detach(*list[i]));
    for (const auto& c : to->children()) {
      if (c->is_element() && !id_of(*c).empty() && cid_of(*c) != cid) {
        c->set_attribute("data-phx-skip", "");
        c->clear_children();
      }
    }
    dom::node* first = list.front();
    while (parsed->child_count() > 0) detail::insert_before(*to, parsed->remove_child(0), first);
    detail::detach(*first);
  }
  const bool children_only = !target->has_attribute("data-phx-component");
  dp.run(*target, to, children_only);
  dp.finish();
  r.patched_cids.push_back(cid);
  return r;
}

const dom::node* view_patcher::held_update(const dom::node& el) const {
  for (const auto& [owner, clone] : s_->locks)
    if (owner == &el) return clone.get();
  return nullptr;
}

patch_report view_patcher::unlock(dom::node& container, dom::node& el, long long undo_ref,
                                  const patch_options& o) {
  patch_report r;
  purge_locks(s_->locks, container);
  auto it = std::find_if(s_->locks.begin(), s_->locks.end(),
                         [&](const auto& e) { return e.first == &el; });
  if (it == s_->locks.end() || !el.parent()) return r;
  const client_profile p = s_->profile;
  if (protocol::has_magic_ids(p)) {
    // ElementRef.isLockUndoneBy: an older ack does not release a lock still on the element.
    std::optional<long long> lock = parse_ref(el.get_attribute("data-phx-ref-lock"));
    if (lock && *lock > undo_ref) return r;
  }
  std::unique_ptr<dom::node> to = std::move(it->second);
  s_->locks.erase(it);
  r.patch = patch_report::kind::full;
  if (protocol::has_magic_ids(p)) {
    // View.undoElRef: a DOMPatch of the element with the clone, undoRef set.
    purge_sticky(s_->sticky, container, s_->locks);
    dom_patch dp(p, s_->view_id, o, container, r, false, s_->locks, s_->sticky, s_->names,
                 undo_ref);
    dp.run(el, to, false);
    dp.finish();
  } else {
    // View.undoRefs: DOMPatch.patchEl, plain morphdom but for the focused input.
    plain_patch pp(p, o, r);
    detail::morph(el, *to, false,
                  p <= client_profile::v0_18 ? detail::morph_version::v2_6
                                              : detail::morph_version::v2_7_0,
                  pp, &to);
    settle_report(r, container);
  }
  return r;
}

// -- view_dom ------------------------------------------------------------------------------

view_dom::view_dom(client_profile profile, std::string view_id)
    : tree_(profile, view_id), patcher_(profile, std::move(view_id)) {}

namespace {

/// View.dropPendingRefs on join: acks for the old channel will never come. 0.15 clears
/// data-phx-ref in the whole container; 0.18–0.20 elements whose data-phx-ref-src is this
/// view lose data-phx-ref and -src; 1.x loses -loading, -src and -lock.
void drop_pending_refs(dom::node& container, client_profile p, const std::string& view_id) {
  auto drop = [&](dom::node& el) {
    if (p == client_profile::v0_15) {
      el.remove_attribute("data-phx-ref");
    } else if (!protocol::has_magic_ids(p)) {
      if (attr_is(el, "data-phx-ref-src", view_id) && el.has_attribute("data-phx-ref")) {
        el.remove_attribute("data-phx-ref");
        el.remove_attribute("data-phx-ref-src");
      }
    } else if (attr_is(el, "data-phx-ref-src", view_id)) {
      for (auto a : pending_attrs) el.remove_attribute(a);
    }
  };
  for_each_element(container, drop);
}

}  // namespace

protocol::result<patch_report> view_dom::join(dom::node& container, protocol::diff d,
                                              const patch_options& o) {
  std::vector<json> streams;
  auto html = render_join(container, std::move(d), streams);
  if (!html) return html.error();
  return patch_join(container, *html, streams, o);
}

protocol::result<std::string> view_dom::render_join(dom::node& container, protocol::diff d,
                                                    std::vector<json>& streams) {
  protocol::rendered fresh(tree_.profile(), tree_.view_id());
  if (auto r = fresh.merge(d); !r) return r.error();
  drop_pending_refs(container, tree_.profile(), tree_.view_id());
  std::string html = fresh.to_string(nullptr, &streams);
  tree_ = std::move(fresh);
  joined_ = true;
  return html;
}

patch_report view_dom::patch_join(dom::node& container, std::string_view html,
                                  const std::vector<json>& streams, const patch_options& o) {
  return patcher_.join(container, html, streams, o);
}

namespace {

/// The cids View.update patches for a components-only diff (findParentCIDs /
/// findExistingParentCIDs of the release), into `out`. `nodes`, `present` and `nested` are
/// scratch space (kept by the view, so a diff allocates none of it).
void parent_cids(dom::node& container, const std::vector<int>& changed, client_profile p,
                 std::vector<int>& out, std::vector<dom::node*>& nodes, std::vector<char>& present,
                 std::vector<int>& nested) {
  present.assign(changed.size(), 0);
  nested.clear();
  for (std::size_t i = 0; i < changed.size(); ++i) {
    nodes.clear();
    collect_component_nodes(container, changed[i], nodes);
    for (dom::node* el : nodes) {
      present[i] = 1;
      for_each_element(*el, [&](dom::node& inner) {
        if (auto c = cid_of(inner)) nested.push_back(*c);
      });
    }
  }
  std::sort(nested.begin(), nested.end());
  out.clear();
  for (std::size_t i = 0; i < changed.size(); ++i) {
    const int cid = changed[i];
    if (protocol::has_magic_ids(p) && !present[i]) continue;
    if (!std::binary_search(nested.begin(), nested.end(), cid)) out.push_back(cid);
  }
  if (!protocol::has_magic_ids(p) && out.empty() && p != client_profile::v0_15) out = changed;
}

void append_report(patch_report& into, patch_report&& r) {
  // Into an empty list (the first component's report), the list itself moves.
  auto move_all = [](auto& dst, auto& src) {
    if (dst.empty()) {
      dst.swap(src);
      return;
    }
    for (auto& x : src) dst.push_back(std::move(x));
  };
  move_all(into.added, r.added);
  move_all(into.updated, r.updated);
  move_all(into.removed, r.removed);
  move_all(into.removed_trees, r.removed_trees);
  move_all(into.nested_added, r.nested_added);
  move_all(into.nested_removed, r.nested_removed);
  move_all(into.patched_cids, r.patched_cids);
  move_all(into.pending_removes, r.pending_removes);
  // Both ascending without repeats: a union.
  if (into.removed_cids.empty()) {
    into.removed_cids.swap(r.removed_cids);
  } else if (!r.removed_cids.empty()) {
    std::set<int> cids(into.removed_cids.begin(), into.removed_cids.end());
    cids.insert(r.removed_cids.begin(), r.removed_cids.end());
    into.removed_cids.assign(cids.begin(), cids.end());
  }
  if (r.trigger_action) into.trigger_action = r.trigger_action;
}

}  // namespace

protocol::result<patch_report> view_dom::update(dom::node& container, protocol::diff& d,
                                                const patch_options& o) {
  if (!joined_) return protocol::make_error(protocol::diff_errc::not_joined, "");
  const bool components_only = d.components_only();
  const bool touches = d.touches_view();
  std::vector<int>& changed = scratch_.changed;
  d.component_ids(changed);
  if (auto r = tree_.merge(d); !r) return r.error();
  patch_report out;
  const client_profile p = tree_.profile();
  if (components_only) {
    out.patch = patch_report::kind::components;
    parent_cids(container, changed, p, scratch_.cids, scratch_.nodes, scratch_.present,
                scratch_.nested);
    for (int cid : scratch_.cids) {
      std::vector<json> streams;
      auto markup = tree_.component_markup_of(cid, &streams);
      if (!markup) continue;
      append_report(out, patcher_.component(container, cid, std::move(*markup), streams, o));
    }
    // A cid that left during one patch may be back after a later one.
    std::vector<int> still;
    for (int cid : out.removed_cids)
      if (component_nodes(container, cid).empty()) still.push_back(cid);
    out.removed_cids = std::move(still);
    settle_report(out, container);
  } else if (touches || !changed.empty()) {
    std::vector<json> streams;
    std::vector<int> render_cids = changed;
    if (!protocol::has_magic_ids(p))
      render_cids.insert(render_cids.end(), pruning_.begin(), pruning_.end());
    std::string html = tree_.to_string(&render_cids, &streams);
    out = patcher_.full(container, html, streams, o);
  }
  return out;
}

void view_dom::add_pruning_cids(const std::vector<int>& batch) {
  pruning_.insert(pruning_.end(), batch.begin(), batch.end());
}

void view_dom::pruning_reply(const std::vector<int>& batch) {
  std::erase_if(pruning_, [&](int cid) {
    return std::find(batch.begin(), batch.end(), cid) == batch.end();
  });
}

}  // namespace lvh::sim
