// The diff engine (Phoenix's diff.ex at 0.15.7) and the evaluation of compiled templates
// (what the code LEEx generates does at render time).
#include <lvh/ref/engine.hpp>

#include "template_ast.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace lvh::ref {

using namespace detail;

namespace detail {

// The fingerprints of what the client holds: per slot of a rendered block, the nested
// block's tree, a comprehension's fingerprint, or nothing.
struct fp_tree {
  std::uint64_t fp = 0;
  bool comprehension = false;
  std::vector<fp_tree> children;
};

struct component_entry {
  std::string name;
  value id;
  std::unique_ptr<live_component> impl;
  component_socket socket{0, true};
  fp_tree prints;
  bool marked_for_deletion = false;
  unsigned born = 0;  // the operation that mounted it
};

struct pending_entry {
  int cid;
  value id;
  bool is_new;
  value assigns;
};

struct renderer_state {
  const component_registry* registry;
  std::string view_id;
  fp_tree root;
  std::map<int, component_entry> cids;
  std::map<std::string, std::map<value, int>, std::less<>> ids;  // name -> id -> cid
  int next_cid = 1;
  unsigned op = 0;  // counts render/event/update operations
  bool rendered = false;
};

}  // namespace detail

namespace {

const std::string& key_of(std::size_t i) {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (int n = 0; n < 256; ++n) k.push_back(std::to_string(n));
    return k;
  }();
  if (i < keys.size()) return keys[i];
  thread_local std::string s;
  s = std::to_string(i);
  return s;
}

value statics_json(const block& b) {
  value s(value::value_t::array);
  auto& items = s.get_ref<value::array_t&>();
  items.reserve(b.statics.size());
  for (const auto& st : b.statics) items.emplace_back(st);
  return s;
}

// diff[key] = v, in one lookup and without a null value first (diffs are built per event).
void put(value& diff, const std::string& key, value v) {
  diff.get_ref<value::object_t&>().insert_or_assign(key, std::move(v));
}

bool truthy(const value& v) { return !(v.is_null() || (v.is_boolean() && !v.get<bool>())); }

[[noreturn]] void fail_at(const expr& e, const std::string& msg) {
  throw render_error(std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + msg);
}

// Elixir's term order, for < > <= >=: number < atom (nil, booleans) < map < list < binary.
int type_rank(const value& v) {
  if (v.is_number()) return 0;
  if (v.is_null() || v.is_boolean()) return 1;
  if (v.is_object()) return 2;
  if (v.is_array()) return 3;
  return 4;
}

int compare(const value& a, const value& b) {
  int ra = type_rank(a), rb = type_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) {
    if (a.is_number_float() || b.is_number_float()) {
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra == 1) {  // atoms compare by name: false < nil < true
    auto name = [](const value& v) { return v.is_null() ? std::string("nil") : v.get<bool>() ? "true" : "false"; };
    return name(a).compare(name(b));
  }
  if (ra == 3) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (int c = compare(a[i], b[i])) return c;
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
  }
  if (ra == 4) return a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
  return a < b ? -1 : b < a ? 1 : 0;
}

bool equal(const value& a, const value& b) {
  if (a.is_number() && b.is_number()) return compare(a, b) == 0;
  return a == b;
}

// Where expressions look names up: the assigns (and their change marks) and the locals
// bound by enclosing comprehensions.
struct scope {
  const value* obj = nullptr;
  const assigns* changes = nullptr;  // nullptr: untracked (LEEx's __changed__ nil)
  std::vector<std::pair<const std::string*, const value*>> locals;
};

constexpr std::size_t max_range = 10'000'000;

}  // namespace

// ---------------------------------------------------------------------------------------

class renderer_impl {
 public:
  renderer_impl(renderer_state& st, render_context& ctx) : st_(st), ctx_(ctx) {}

  // --- evaluation -----------------------------------------------------------------------

  const value& follow(const expr& e, const value& base) {
    const value* v = &base;
    for (const auto& f : e.path) {
      if (!v->is_object() || is_raw(*v)) fail_at(e, "cannot read ." + f + " of " + inspect(*v));
      auto it = v->find(f);
      if (it == v->end()) fail_at(e, "key ." + f + " not found in " + inspect(*v));
      v = &*it;
    }
    return *v;
  }

  value eval(const expr& e, scope& sc) {
    switch (e.k) {
      case expr::kind::literal:
        return e.lit;
      case expr::kind::assign: {
        auto it = sc.obj->find(e.name);
        if (it == sc.obj->end()) {
          if (e.name == "socket") return value();
          fail_at(e, "assign @" + e.name + " not available in template");
        }
        return follow(e, *it);
      }
      case expr::kind::local: {
        for (auto it = sc.locals.rbegin(); it != sc.locals.rend(); ++it)
          if (*it->first == e.name) return follow(e, *it->second);
        fail_at(e, "undefined variable " + e.name);
      }
      case expr::kind::assigns_var:
        return *sc.obj;
      case expr::kind::list: {
        value l = value::array();
        for (const auto& a : e.args) l.push_back(eval(*a, sc));
        return l;
      }
      case expr::kind::range:
        return range(e, sc);
      case expr::kind::not_: {
        value v = eval(*e.args[0], sc);
        if (!v.is_boolean()) fail_at(e, "argument error: not " + inspect(v));
        return !v.get<bool>();
      }
      case expr::kind::bang:
        return !truthy(eval(*e.args[0], sc));
      case expr::kind::neg: {
        value v = eval(*e.args[0], sc);
        if (v.is_number_float()) return -v.get<double>();
        if (v.is_number()) return -v.get<std::int64_t>();
        fail_at(e, "bad argument in arithmetic expression: -" + inspect(v));
      }
      case expr::kind::binary:
        return binary(e, sc);
      case expr::kind::call: {
        std::vector<value> args;
        args.reserve(e.args.size());
        for (const auto& a : e.args) args.push_back(eval(*a, sc));
        value opts = value::object();
        for (const auto& k : e.kwargs) opts[k.key] = eval(*k.val, sc);
        return e.fn(args, opts);
      }
      case expr::kind::live_render: {
        if (!ctx_.live_render) fail_at(e, "live_render is not available here");
        value opts = value::object();
        for (const auto& k : e.kwargs) opts[k.key] = eval(*k.val, sc);
        if (!opts.contains("id") || opts["id"].is_null())
          fail_at(e, "live_render of " + e.name + " requires an id");
        return raw(ctx_.live_render(e.name, opts));
      }
      case expr::kind::component:
      case expr::kind::partial:
        fail_at(e, "a component or partial must be returned directly by <%= %>, not used inside an expression");
    }
    fail_at(e, "unknown expression");
  }

  value range(const expr& e, scope& sc) {
    value a = eval(*e.args[0], sc), b = eval(*e.args[1], sc);
    if (!a.is_number_integer() || !b.is_number_integer()) fail_at(e, "ranges expect integers");
    std::int64_t first = a.get<std::int64_t>(), last = b.get<std::int64_t>();
    std::int64_t step = first <= last ? 1 : -1;
    if (e.args.size() == 3) {
      value s = eval(*e.args[2], sc);
      if (!s.is_number_integer() || s.get<std::int64_t>() == 0) fail_at(e, "a range step must be a non-zero integer");
      step = s.get<std::int64_t>();
    }
    value out = value::array();
    if ((step > 0 && first > last) || (step < 0 && first < last)) return out;
    std::uint64_t n = static_cast<std::uint64_t>((last - first) / step) + 1;
    if (n > max_range) fail_at(e, "range too large");
    for (std::int64_t v = first; step > 0 ? v <= last : v >= last; v += step) out.push_back(v);
    return out;
  }

  value binary(const expr& e, scope& sc) {
    switch (e.op) {
      case binop::and_: case binop::or_: {
        value l = eval(*e.args[0], sc);
        if (!l.is_boolean()) fail_at(e, "expected a boolean on the left-hand side of and/or, got: " + inspect(l));
        bool lb = l.get<bool>();
        if (e.op == binop::and_ ? !lb : lb) return lb;
        return eval(*e.args[1], sc);
      }
      case binop::andand: {
        value l = eval(*e.args[0], sc);
        return truthy(l) ? eval(*e.args[1], sc) : l;
      }
      case binop::oror: {
        value l = eval(*e.args[0], sc);
        return truthy(l) ? l : eval(*e.args[1], sc);
      }
      default:
        break;
    }
    value l = eval(*e.args[0], sc), r = eval(*e.args[1], sc);
    switch (e.op) {
      case binop::eq: return equal(l, r);
      case binop::ne: return !equal(l, r);
      case binop::lt: return compare(l, r) < 0;
      case binop::gt: return compare(l, r) > 0;
      case binop::le: return compare(l, r) <= 0;
      case binop::ge: return compare(l, r) >= 0;
      case binop::concat:
        if (!l.is_string() || !r.is_string()) fail_at(e, "<> expects two strings, got: " + inspect(l) + " <> " + inspect(r));
        return l.get<std::string>() + r.get<std::string>();
      default: {
        if (!l.is_number() || !r.is_number())
          fail_at(e, "bad argument in arithmetic expression: " + inspect(l) + ", " + inspect(r));
        if (l.is_number_float() || r.is_number_float()) {
          double x = l.get<double>(), y = r.get<double>();
          return e.op == binop::add ? x + y : e.op == binop::sub ? x - y : x * y;
        }
        std::int64_t x = l.get<std::int64_t>(), y = r.get<std::int64_t>(), z = 0;
        bool overflow = e.op == binop::add   ? __builtin_add_overflow(x, y, &z)
                        : e.op == binop::sub ? __builtin_sub_overflow(x, y, &z)
                                             : __builtin_mul_overflow(x, y, &z);
        if (overflow) fail_at(e, "integer overflow");
        return z;
      }
    }
  }

  // --- change tracking ------------------------------------------------------------------

  static bool nested_changed(const value* now, const value* before, const std::vector<std::string>& path, std::size_t i) {
    // Unchanged only when both the old and the new map hold the field with equal values.
    for (; i < path.size(); ++i) {
      if (!now || !before || !now->is_object() || !before->is_object()) return true;
      auto a = now->find(path[i]);
      auto b = before->find(path[i]);
      if (a == now->end() || b == before->end()) return true;
      now = &*a;
      before = &*b;
    }
    return *now != *before;
  }

  static bool should_eval(const slot& s, const scope& sc) {
    if (!sc.changes || sc.changes->all_changed() || s.always) return true;
    for (const auto& k : s.keys) {
      if (!sc.changes->changed(k[0])) continue;
      if (k.size() == 1) return true;
      auto it = sc.obj->find(k[0]);
      if (nested_changed(it == sc.obj->end() ? nullptr : &*it, sc.changes->previous(k[0]), k, 1)) return true;
    }
    return false;
  }

  // --- traversal (diff.ex) --------------------------------------------------------------

  // A rendered block against what the client holds for it; fills `diff` (statics included
  // when the fingerprint is new). `changed`: whether change tracking applies at all.
  void traverse_block(const block& b, scope& sc, fp_tree& pt, bool changed, value& diff) {
    bool same = !pt.comprehension && pt.fp == b.fingerprint;
    if (!same) {
      pt.fp = b.fingerprint;
      pt.comprehension = false;
      pt.children.assign(b.slots.size(), fp_tree{});
    }
    bool track = same && changed;
    if (!diff.is_object()) diff = value::object();
    for (std::size_t i = 0; i < b.slots.size(); ++i) {
      const slot& s = b.slots[i];
      if (track && !should_eval(s, sc)) continue;
      value out = eval_slot(s, sc, pt.children[i], changed);
      if (out.is_object() && out.empty()) continue;
      put(diff, key_of(i), std::move(out));
    }
    if (!same) put(diff, "s", statics_json(b));
  }

  value eval_slot(const slot& s, scope& sc, fp_tree& child, bool changed) {
    switch (s.k) {
      case slot::kind::if_: {
        bool c = truthy(eval(*s.e, sc)) != s.negate;
        const block* branch = c ? s.then_block.get() : s.else_block.get();
        if (!branch) {
          child = fp_tree{};
          return "";
        }
        value d = value::object();
        traverse_block(*branch, sc, child, changed, d);
        return d;
      }
      case slot::kind::for_:
        return comprehension(s, sc, child);
      case slot::kind::expr:
        break;
    }
    const expr& e = *s.e;
    if (e.k == expr::kind::component) return component(e, sc, child, changed);
    if (e.k == expr::kind::partial) {
      const block& pb = e.partial_template->compiled().root;
      if (e.args.size() == 1) {
        value a = eval(*e.args[0], sc);
        if (!a.is_object()) fail_at(e, "render expects assigns to be a map");
        if (e.args[0]->k == expr::kind::assigns_var) {
          scope inner{sc.obj, sc.changes, {}};
          value d = value::object();
          traverse_block(pb, inner, child, changed, d);
          return d;
        }
        scope inner{&a, nullptr, {}};
        value d = value::object();
        traverse_block(pb, inner, child, changed, d);
        return d;
      }
      value a = value::object();
      for (const auto& k : e.kwargs) a[k.key] = eval(*k.val, sc);
      scope inner{&a, nullptr, {}};
      value d = value::object();
      traverse_block(pb, inner, child, changed, d);
      return d;
    }
    value v = eval(e, sc);
    child = fp_tree{};
    if (v.is_string()) return escape_html(v.get_ref<const std::string&>());
    std::string html;
    append_html(v, html);
    return html;
  }

  value comprehension(const slot& s, scope& sc, fp_tree& child) {
    value coll = eval(*s.e, sc);
    if (!coll.is_array()) fail_at(*s.e, "for expects a list or a range, got: " + inspect(coll));
    const block& body = *s.body;
    bool same = child.comprehension && child.fp == body.fingerprint;
    if (!same && coll.empty()) {
      // Not rendered yet and nothing to render: LEEx sends "" and keeps no fingerprint.
      child = fp_tree{};
      return "";
    }
    value rows = value::array();
    sc.locals.emplace_back(&s.var, nullptr);
    for (const auto& item : coll) {
      sc.locals.back().second = &item;
      value row = value::array();
      for (const auto& inner : body.slots) {
        fp_tree fresh;
        row.push_back(eval_slot(inner, sc, fresh, false));
      }
      rows.push_back(std::move(row));
    }
    sc.locals.pop_back();
    value out = value::object();
    out["d"] = std::move(rows);
    if (!same) {
      out["s"] = statics_json(body);
      child = fp_tree{};
      child.fp = body.fingerprint;
      child.comprehension = true;
    }
    return out;
  }

  value component(const expr& e, scope& sc, fp_tree& child, bool changed) {
    value a = value::object();
    for (const auto& k : e.kwargs) a[k.key] = eval(*k.val, sc);
    if (!a.contains("id")) a["id"] = nullptr;
    if (!st_.registry->has(e.name)) fail_at(e, "unknown component " + e.name);
    if (a["id"].is_null()) {
      // Stateless: mounted, updated and rendered inline on every evaluation.
      auto impl = st_.registry->make(e.name);
      component_socket sock(0, ctx_.connected);
      sock.assigns().force("flash", value::object());
      impl->mount(sock);
      std::vector<value> list{std::move(a)};
      impl->preload(list);
      if (list.size() != 1) throw render_error("preload of " + e.name + " must return as many assigns as it was given");
      impl->update(list[0], sock);
      const template_& t = impl->render(sock);
      scope inner{&sock.assigns().all(), &sock.assigns(), {}};
      value d = value::object();
      traverse_block(t.compiled().root, inner, child, changed, d);
      return d;
    }
    child = fp_tree{};
    value id = a["id"];
    int cid;
    bool is_new;
    auto& by_id = st_.ids[e.name];
    auto it = by_id.find(id);
    if (it != by_id.end()) {
      cid = it->second;
      is_new = false;
    } else {
      cid = st_.next_cid++;
      is_new = true;
    }
    pending_[e.name].push_back(pending_entry{cid, std::move(id), is_new, std::move(a)});
    return cid;
  }

  // --- components -----------------------------------------------------------------------

  bool existed_before(int cid) const {
    auto it = st_.cids.find(cid);
    return it != st_.cids.end() && it->second.born != st_.op;
  }

  const fp_tree& old_prints(int cid) const {
    auto s = stash_.find(cid);
    return s != stash_.end() ? s->second : st_.cids.at(cid).prints;
  }

  void render_pending(value& diffs) {
    in_pending_ = true;
    std::set<std::pair<std::string, value>> seen;
    while (!pending_.empty()) {
      auto round = std::move(pending_);
      pending_.clear();
      for (auto& [name, entries] : round) {
        {
          auto probe = st_.registry->make(name);
          std::vector<value> list;
          list.reserve(entries.size());
          for (auto& en : entries) list.push_back(en.assigns);
          probe->preload(list);
          if (list.size() != entries.size())
            throw render_error("preload of " + name + " must return as many assigns as it was given");
          for (std::size_t i = 0; i < entries.size(); ++i) entries[i].assigns = std::move(list[i]);
        }
        for (auto& en : entries) {
          if (!seen.emplace(name, en.id).second)
            throw render_error("found duplicate ID " + inspect(en.id) + " for component " + name +
                               " when rendering template");
          auto found = st_.cids.find(en.cid);
          if (found == st_.cids.end()) {
            component_entry ce;
            ce.name = name;
            ce.id = en.id;
            ce.impl = st_.registry->make(name);
            ce.socket = component_socket(en.cid, ctx_.connected);
            ce.born = st_.op;
            ce.socket.assigns().force("flash", value::object());
            ce.impl->mount(ce.socket);
            found = st_.cids.emplace(en.cid, std::move(ce)).first;
            st_.ids[name][en.id] = en.cid;
          } else {
            found->second.marked_for_deletion = false;
            found->second.socket.assigns().clear_changed();
          }
          component_entry& ce = found->second;
          ce.impl->update(en.assigns, ce.socket);
          render_component(en.cid, ce, en.is_new, diffs);
        }
      }
    }
  }

  void hoist(component_socket& s) {
    for (auto& ev : s.events()) ctx_.events.push_back(std::move(ev));
    s.events().clear();
    if (s.navigation()) {
      ctx_.navigation = std::move(s.navigation());
      s.navigation().reset();
    }
    for (auto& f : s.flash()) ctx_.flash.push_back(std::move(f));
    s.flash().clear();
  }

  void render_component(int cid, component_entry& ce, bool is_new, value& diffs) {
    bool events = !ce.socket.events().empty();
    hoist(ce.socket);
    bool changed = is_new || ce.socket.assigns().any_changed();
    value diff = value::object();
    if (changed) {
      const template_& t = ce.impl->render(ce.socket);
      const block& root = t.compiled().root;
      // The client still holds the old tree: a component mounted later in this pass may
      // point at it (diff.ex looks in the old table first). Later in this pass means one
      // still pending, or one this render adds; with neither, no copy is needed.
      if ((in_pending_ || root.has_components) && existed_before(cid) && !stash_.count(cid))
        stash_.emplace(cid, ce.prints);
      int linked = 0;
      if (ce.prints.fp != root.fingerprint) {
        // A new component (or a new root template): point at another of its kind already
        // holding the same statics, old trees (as the client holds them) first.
        auto& by_id = st_.ids[ce.name];
        int attempts = 3;
        for (auto it = by_id.begin(); it != by_id.end() && attempts > 0; ++it, --attempts) {
          int other = it->second;
          if (existed_before(other) && old_prints(other).fp == root.fingerprint) {
            linked = -other;
            ce.prints = old_prints(other);
            break;
          }
          auto o = st_.cids.find(other);
          if (o != st_.cids.end() && o->second.prints.fp == root.fingerprint && o->first != cid) {
            linked = other;
            ce.prints = o->second.prints;
            break;
          }
        }
      }
      scope sc{&ce.socket.assigns().all(), &ce.socket.assigns(), {}};
      traverse_block(root, sc, ce.prints, linked == 0, diff);
      if (linked != 0) diff["s"] = linked;
    }
    if (changed || events) ce.socket.assigns().clear_changed();
    if (!diff.empty() || is_new) put(diffs, key_of(static_cast<std::size_t>(cid)), std::move(diff));
  }

  renderer_state& st_;
  render_context& ctx_;
  std::map<std::string, std::vector<pending_entry>> pending_;
  std::map<int, fp_tree> stash_;
  bool in_pending_ = false;  // render_pending ran: components may be rendered after any other
};

// ---------------------------------------------------------------------------------------

view_renderer::view_renderer(const component_registry& registry, std::string view_id)
    : state_(std::make_unique<renderer_state>()) {
  state_->registry = &registry;
  state_->view_id = std::move(view_id);
}
view_renderer::~view_renderer() = default;
view_renderer::view_renderer(view_renderer&&) noexcept = default;
view_renderer& view_renderer::operator=(view_renderer&&) noexcept = default;

value view_renderer::render(const template_& t, assigns& a, render_context& ctx) {
  auto& st = *state_;
  const block& root = t.compiled().root;
  if (st.rendered && st.root.fp != root.fingerprint) {
    // A new root template: the client gets a whole new tree and components start over.
    st.root = fp_tree{};
    st.cids.clear();
    st.ids.clear();
  }
  if (st.rendered && !a.any_changed()) return value::object();
  ++st.op;
  renderer_impl r(st, ctx);
  value diff = value::object();
  scope sc{&a.all(), &a, {}};
  r.traverse_block(root, sc, st.root, true, diff);
  value cdiffs = value::object();
  r.render_pending(cdiffs);
  if (a.changed("page_title") && a.has("page_title")) diff["t"] = a.get("page_title");
  if (!cdiffs.empty()) diff["c"] = std::move(cdiffs);
  st.rendered = true;
  a.clear_changed();
  return diff;
}

namespace {
template <class F>
value write_component(renderer_state& st, int cid, render_context& ctx, F&& fn) {
  auto it = st.cids.find(cid);
  if (it == st.cids.end()) return value::object();
  ++st.op;
  renderer_impl r(st, ctx);
  component_entry& ce = it->second;
  ce.socket.assigns().clear_changed();
  fn(ce);
  value diffs = value::object();
  r.render_component(cid, ce, false, diffs);
  r.render_pending(diffs);
  value out = value::object();
  put(out, "c", std::move(diffs));
  return out;
}
}  // namespace

value view_renderer::component_event(int cid, std::string_view event, const value& payload,
                                     render_context& ctx) {
  return write_component(*state_, cid, ctx, [&](component_entry& ce) {
    ce.impl->handle_event(event, payload, ce.socket);
  });
}

value view_renderer::update_component(std::string_view component, const value& id,
                                      const value& new_assigns, render_context& ctx) {
  int cid = component_cid(component, id);
  if (!cid) return value::object();
  std::vector<value> list{new_assigns};
  {
    auto probe = state_->registry->make(component);
    probe->preload(list);
    if (list.size() != 1) throw render_error("preload must return as many assigns as it was given");
  }
  return write_component(*state_, cid, ctx, [&](component_entry& ce) { ce.impl->update(list[0], ce.socket); });
}

void view_renderer::will_destroy(const std::vector<int>& cids) {
  for (int cid : cids) {
    auto it = state_->cids.find(cid);
    if (it != state_->cids.end()) it->second.marked_for_deletion = true;
  }
}

value view_renderer::destroy(const std::vector<int>& cids) {
  value removed = value::array();
  for (int cid : cids) {
    auto it = state_->cids.find(cid);
    if (it == state_->cids.end() || !it->second.marked_for_deletion) continue;
    auto by_name = state_->ids.find(it->second.name);
    if (by_name != state_->ids.end()) {
      by_name->second.erase(it->second.id);
      if (by_name->second.empty()) state_->ids.erase(by_name);
    }
    state_->cids.erase(it);
    removed.push_back(cid);
  }
  value out = value::object();
  out["cids"] = std::move(removed);
  return out;
}

std::string view_renderer::render_static(const template_& t, const assigns& a, render_context& ctx) const {
  view_renderer fresh(*state_->registry, state_->view_id);
  lvh::ref::assigns copy(a.all());
  return rendered_to_html(fresh.render(t, copy, ctx));
}

bool view_renderer::has_component(int cid) const { return state_->cids.count(cid) > 0; }
std::size_t view_renderer::component_count() const { return state_->cids.size(); }
int view_renderer::component_cid(std::string_view component, const value& id) const {
  auto n = state_->ids.find(component);
  if (n == state_->ids.end()) return 0;
  auto i = n->second.find(id);
  return i == n->second.end() ? 0 : i->second;
}
const assigns* view_renderer::component_assigns(int cid) const {
  auto it = state_->cids.find(cid);
  return it == state_->cids.end() ? nullptr : &it->second.socket.assigns();
}
const std::string& view_renderer::view_id() const { return state_->view_id; }

// ---------------------------------------------------------------------------------------

namespace {

void to_html(const value& node, const value& components, std::map<int, value>& resolved, std::string& out, int depth);

const value& resolve_component(int cid, const value& components, std::map<int, value>& resolved, int depth) {
  if (auto it = resolved.find(cid); it != resolved.end()) return it->second;
  auto c = components.find(key_of(static_cast<std::size_t>(cid)));
  if (c == components.end()) throw render_error("component " + std::to_string(cid) + " missing from the tree");
  if (depth > 256) throw render_error("component statics chain too deep");
  value tree = *c;
  if (tree.contains("s") && tree["s"].is_number_integer()) {
    int other = std::abs(tree["s"].get<int>());
    value base = resolve_component(other, components, resolved, depth + 1);
    tree.erase("s");
    // deep merge: a nested map carrying its own statics replaces; others merge
    std::function<void(value&, const value&)> merge = [&](value& into, const value& extra) {
      for (auto it = extra.begin(); it != extra.end(); ++it) {
        auto at = into.find(it.key());
        if (at != into.end() && at->is_object() && it->is_object() && !it->contains("s"))
          merge(*at, *it);
        else
          into[it.key()] = *it;
      }
    };
    merge(base, tree);
    tree = std::move(base);
  }
  return resolved.emplace(cid, std::move(tree)).first->second;
}

void parts(const value& statics, const value& node, const value& components, std::map<int, value>& resolved, std::string& out, int depth) {
  if (!statics.is_array() || statics.empty()) throw render_error("malformed statics");
  for (std::size_t i = 0; i < statics.size(); ++i) {
    out += statics[i].get_ref<const std::string&>();
    if (i + 1 < statics.size()) {
      auto d = node.find(key_of(i));
      if (d == node.end()) throw render_error("missing dynamic " + std::to_string(i));
      to_html(*d, components, resolved, out, depth + 1);
    }
  }
}

void to_html(const value& node, const value& components, std::map<int, value>& resolved, std::string& out, int depth) {
  if (depth > 512) throw render_error("tree too deep");
  if (node.is_string()) {
    out += node.get_ref<const std::string&>();
  } else if (node.is_number_integer()) {
    const value& c = resolve_component(node.get<int>(), components, resolved, 0);
    to_html(c, components, resolved, out, depth + 1);
  } else if (node.is_object() && node.contains("d")) {
    const value& s = node.at("s");
    for (const auto& row : node["d"]) {
      for (std::size_t i = 0; i < s.size(); ++i) {
        out += s[i].get_ref<const std::string&>();
        if (i < row.size()) to_html(row[i], components, resolved, out, depth + 1);
      }
    }
  } else if (node.is_object() && node.contains("s")) {
    parts(node["s"], node, components, resolved, out, depth);
  } else {
    throw render_error("malformed rendered node");
  }
}

}  // namespace

std::string rendered_to_html(const value& rendered) {
  std::string out;
  std::map<int, value> resolved;
  static const value none = value::object();
  auto c = rendered.find("c");
  to_html(rendered, c == rendered.end() ? none : *c, resolved, out, 0);
  return out;
}

}  // namespace lvh::ref
