// JSON -> decoded diff: shape checks that need no tree (types, keys, arity of full nodes).
// What depends on the tree (partial diffs, cid links, templates in scope) is checked by the
// merge in rendered.cpp.
#include "tree.hpp"

#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lvh::protocol {

namespace {

class diff_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "diff"; }
  std::string message(int ev) const override {
    switch (static_cast<diff_errc>(ev)) {
      case diff_errc::not_json: return "the diff is not valid JSON";
      case diff_errc::not_object: return "a diff or a rendered node must be a JSON object";
      case diff_errc::bad_statics:
        return "\"s\" must be a non-empty list of strings, or an integer where templates or "
               "component links allow one";
      case diff_errc::statics_mismatch:
        return "the dynamics do not match the statics: a node with n+1 statics needs exactly "
               "the dynamics 0..n-1";
      case diff_errc::bad_dynamic:
        return "a dynamic must be a string, a component id (a non-negative integer) or a "
               "rendered node";
      case diff_errc::bad_key: return "a key that has no meaning here for this client profile";
      case diff_errc::partial_without_base:
        return "a diff without \"s\" was sent for a place that holds no rendered node to merge "
               "into";
      case diff_errc::dangling_cid: return "a component id that no component defines";
      case diff_errc::bad_cid_link:
        return "a component's \"s\" links to a component that does not exist, or the links "
               "form a cycle";
      case diff_errc::bad_template:
        return "an integer \"s\" refers to a template that no \"p\" in scope defines";
      case diff_errc::bad_comprehension:
        return "\"d\" must be a list of entries, each a list with one dynamic per gap between "
               "the statics";
      case diff_errc::bad_keyed:
        return "malformed keyed comprehension \"k\" (positions, moves, \"kc\", \"km\")";
      case diff_errc::bad_stream:
        return "\"stream\" must be [ref, inserts, deletes] or [ref, inserts, deletes, reset]";
      case diff_errc::bad_title: return "\"t\" (the page title) must be a string";
      case diff_errc::bad_events: return "\"e\" must be a list of [event name, payload] pairs";
      case diff_errc::bad_root:
        return "a root-flagged node (\"r\": 1) must render to HTML starting with a tag";
      case diff_errc::too_deep: return "the diff nests deeper than the configured limit";
      case diff_errc::not_joined: return "a diff arrived before the join's rendered tree";
    }
    return "unknown diff error";
  }
};

}  // namespace

const std::error_category& diff_category() noexcept {
  static const diff_category_impl cat;
  return cat;
}

std::error_code make_error_code(diff_errc e) noexcept {
  return {static_cast<int>(e), diff_category()};
}

namespace detail {
namespace {

using json = nlohmann::json;
// Keys compared as "x"sv: libstdc++ 12 compares a std::string with a char pointer through
// strlen and compare, with a string_view by size first.
using namespace std::string_view_literals;

/// The canonical decimal form JS would use as an array-index key: "0" or [1-9][0-9]*.
std::optional<long> index_key(std::string_view k) noexcept {
  if (k.empty() || k.size() > 9) return std::nullopt;
  if (k.size() > 1 && k[0] == '0') return std::nullopt;
  long v = 0;
  auto [p, ec] = std::from_chars(k.data(), k.data() + k.size(), v);
  if (ec != std::errc{} || p != k.data() + k.size()) return std::nullopt;
  return v;
}

/// A JSON number the client would treat as an integer (3 and 3.0 alike).
std::optional<long> as_integer(const json& v) noexcept {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > 0x7fffffffu) return std::nullopt;
    return static_cast<long>(u);
  }
  if (v.is_number_integer()) {
    auto i = v.get<std::int64_t>();
    if (i < -0x7fffffffL || i > 0x7fffffffL) return std::nullopt;
    return static_cast<long>(i);
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d >= -2147483647.0 && d <= 2147483647.0 && static_cast<double>(static_cast<long>(d)) == d)
      return static_cast<long>(d);
  }
  return std::nullopt;
}

/// Where a value sits in a diff ("c.1.0.d.2"), for error messages: a chain of links living
/// on the decoder's stack, written out only when an error is reported, so decoding a good
/// diff builds no path strings. Segments join with '.', the first without one.
class diff_path {
 public:
  diff_path() = default;
  diff_path(const diff_path& parent, std::string_view key) : parent_(&parent), key_(key) {}
  diff_path(const diff_path& parent, std::size_t index) : parent_(&parent), index_(index), is_index_(true) {}

  std::string str() const {
    std::vector<const diff_path*> links;
    for (const diff_path* p = this; p->parent_; p = p->parent_) links.push_back(p);
    std::string out;
    for (auto it = links.rbegin(); it != links.rend(); ++it) {
      if (!out.empty()) out += '.';
      if ((*it)->is_index_)
        out += std::to_string((*it)->index_);
      else
        out += (*it)->key_;
    }
    return out;
  }

 private:
  const diff_path* parent_ = nullptr;  // null: the diff itself
  std::string_view key_;
  std::size_t index_ = 0;
  bool is_index_ = false;
};

/// A node's (slot, value) pairs, gathered before any is decoded: in place for the usual
/// few, no allocation.
template <class J>
class slot_list {
 public:
  void emplace_back(long slot, J* value) {
    if (size_ < in_place_.size()) in_place_[size_] = {slot, value};
    else more_.emplace_back(slot, value);
    ++size_;
  }
  std::size_t size() const noexcept { return size_; }
  const std::pair<long, J*>& operator[](std::size_t i) const noexcept {
    return i < in_place_.size() ? in_place_[i] : more_[i - in_place_.size()];
  }

 private:
  std::array<std::pair<long, J*>, 8> in_place_;
  std::vector<std::pair<long, J*>> more_;
  std::size_t size_ = 0;
};

/// Decodes from `J`: a json whose strings are moved out, or a const json they are copied
/// from (a diff that stays where it is, as in a logged frame).
template <class J>
class decoder {
 public:
  decoder(client_profile p, const diff_limits& lim) : profile_(p), limits_(lim) {}

  static constexpr bool consumes = !std::is_const_v<J>;

  static std::string take(J& v) {
    if constexpr (consumes)
      return std::move(v.template get_ref<std::string&>());
    else
      return v.template get_ref<const std::string&>();
  }

  static auto& members(J& v) {
    if constexpr (consumes)
      return v.template get_ref<json::object_t&>();
    else
      return v.template get_ref<const json::object_t&>();
  }

  /// Where the node sits decides what an integer "s" means.
  enum class place { root, component, nested };

  error fail(diff_errc e, const diff_path& where) const { return make_error(e, where.str()); }

  /// Statics of a rendered node need at least one string; a comprehension that has never
  /// had entries may come with none ("s": [], as Phoenix sends an empty stream).
  result<statics_ptr> statics_list(J& v, const diff_path& where, bool allow_empty = false) {
    if (!v.is_array() || (v.empty() && !allow_empty)) return fail(diff_errc::bad_statics, where);
    auto out = std::make_shared<statics>();
    out->reserve(v.size());
    for (auto& s : v) {
      if (!s.is_string()) return fail(diff_errc::bad_statics, where);
      out->push_back(take(s));
    }
    return statics_ptr(std::move(out));
  }

  result<statics_ref> statics_of(J& v, place where_is, const diff_path& where,
                                 bool comprehension = false) {
    statics_ref s;
    if (v.is_array()) {
      auto l = statics_list(v, where, comprehension);
      if (!l) return l.error();
      s.list = std::move(*l);
      s.k = statics_ref::kind::list;
      return s;
    }
    auto n = as_integer(v);
    if (!n) return fail(diff_errc::bad_statics, where);
    if (where_is == place::component) {
      s.k = statics_ref::kind::link;
      s.number = *n;
      return s;
    }
    if (!has_templates(profile_) || *n < 0) return fail(diff_errc::bad_statics, where);
    s.k = statics_ref::kind::index;
    s.number = *n;
    return s;
  }

  // Objects are walked as the map they are: items() builds a proxy, with a string of its
  // own, per member.
  result<templates_ptr> templates_of(J& v, const diff_path& where) {
    if (!v.is_object()) return fail(diff_errc::bad_template, where);
    auto out = std::make_shared<templates>();
    for (auto& [k, tv] : members(v)) {
      auto idx = index_key(k);
      if (!idx) return fail(diff_errc::bad_template, path(where, k));
      auto l = statics_list(tv, path(where, k));
      if (!l) return l.error();
      out->emplace(*idx, std::move(*l));
    }
    return templates_ptr(std::move(out));
  }

  result<dyn> dynamic(J& v, std::size_t depth, const diff_path& where) {
    if (v.is_string()) return dyn(take(v));
    if (v.is_number()) {
      auto n = as_integer(v);
      if (!n || *n < 0) return fail(diff_errc::bad_dynamic, where);
      return dyn(cid_ref{static_cast<int>(*n)});
    }
    if (v.is_object()) {
      if (is_comprehension(v)) {
        auto c = comprehension_of(v, depth + 1, where);
        if (!c) return c.error();
        return dyn(box<comprehension>(std::make_unique<comprehension>(std::move(*c))));
      }
      auto n = std::make_unique<node>();
      if (auto r = node_into(v, place::nested, depth + 1, where, *n); !r) return r.error();
      return dyn(box<node>(std::move(n)));
    }
    return fail(diff_errc::bad_dynamic, where);
  }

  static bool is_comprehension(const json& v) {
    return v.contains("d") || v.contains("k") || v.contains("stream");
  }

  /// Decodes into `n`, a node as default-constructed (built where it is kept, not moved
  /// there); on error `n` is left partly filled.
  result<void> node_into(J& v, place where_is, std::size_t depth, const diff_path& where, node& n) {
    if (depth > limits_.max_depth) return fail(diff_errc::too_deep, where);
    if (!v.is_object()) return fail(diff_errc::not_object, where);
    if (auto it = v.find("s"); it != v.end()) {
      auto s = statics_of(*it, where_is, path(where, "s"));
      if (!s) return s.error();
      n.s = std::move(*s);
    }
    // A full node with inline statics gets its slots densely; anything else (partial diffs,
    // template indexes, component links) is kept sparse until the merge knows the arity.
    const bool dense = n.s.k == statics_ref::kind::list;
    slot_list<J> slot_values;
    for (auto& [k, val] : members(v)) {
      if (k == "s"sv) continue;
      // At the top, "t", "e", "r" and "c" are the diff's own (taken out before the root).
      if (where_is == place::root && (k == "c"sv || k == "t"sv || k == "e"sv || k == "r"sv))
        continue;
      if (k == "r"sv) {
        if (val.is_boolean()) {
          n.root = val.template get<bool>() ? 1 : 0;
        } else if (auto r = as_integer(val)) {
          n.root = *r != 0 ? 1 : 0;
        } else {
          return fail(diff_errc::bad_key, path(where, k));
        }
        continue;
      }
      if (k == "p"sv && has_keyed_comprehensions(profile_)) {
        auto t = templates_of(val, path(where, k));
        if (!t) return t.error();
        n.p = std::move(*t);
        continue;
      }
      auto idx = index_key(k);
      if (!idx) return fail(diff_errc::bad_key, path(where, k));
      slot_values.emplace_back(*idx, &val);
    }
    if (dense) {
      const std::size_t arity = n.s.list->size() - 1;
      n.slots.resize(arity);
      for (std::size_t k = 0; k < slot_values.size(); ++k) {
        const auto [i, val] = slot_values[k];
        if (static_cast<std::size_t>(i) >= arity)
          return fail(diff_errc::statics_mismatch, path(where, i));
        auto d = dynamic(*val, depth, path(where, i));
        if (!d) return d.error();
        n.slots[static_cast<std::size_t>(i)] = std::move(*d);
      }
      for (std::size_t i = 0; i < arity; ++i) {
        if (kind_of(n.slots[i]) == dyn_kind::absent)
          return fail(diff_errc::statics_mismatch, path(where, i));
      }
    } else {
      // Partial: store by index; the merge checks each index against the base's statics.
      n.sparse.reserve(slot_values.size());
      for (std::size_t k = 0; k < slot_values.size(); ++k) {
        const auto [i, val] = slot_values[k];
        auto d = dynamic(*val, depth, path(where, i));
        if (!d) return d.error();
        n.sparse.emplace_back(i, std::move(*d));
      }
      std::sort(n.sparse.begin(), n.sparse.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    return {};
  }

  result<std::vector<dyn>> entry_of(J& v, std::size_t depth, const diff_path& where) {
    if (!v.is_array()) return fail(diff_errc::bad_comprehension, where);
    std::vector<dyn> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto d = dynamic(v[i], depth, path(where, i));
      if (!d) return d.error();
      out.push_back(std::move(*d));
    }
    return out;
  }

  /// A keyed entry {"0": …, "1": …}: slots by index, dense up to the highest index given.
  result<std::vector<dyn>> keyed_entry_of(J& v, std::size_t depth, const diff_path& where) {
    if (!v.is_object()) return fail(diff_errc::bad_keyed, where);
    std::vector<std::pair<long, J*>> vals;
    long max = -1;
    for (auto& [k, val] : members(v)) {
      auto idx = index_key(k);
      if (!idx) return fail(diff_errc::bad_key, path(where, k));
      vals.emplace_back(*idx, &val);
      max = std::max(max, *idx);
    }
    // Indexes are bounded by the JSON's own size only through the number of keys, so
    // refuse a sparse entry that would allocate far more slots than it carries.
    if (max >= 0 && static_cast<std::size_t>(max) > 64 + 64 * vals.size())
      return fail(diff_errc::statics_mismatch, where);
    std::vector<dyn> out(static_cast<std::size_t>(max + 1));
    for (auto& [i, val] : vals) {
      auto d = dynamic(*val, depth, path(where, i));
      if (!d) return d.error();
      out[static_cast<std::size_t>(i)] = std::move(*d);
    }
    return out;
  }

  result<stream_instr> stream_of(J& v, const diff_path& where) {
    auto bad = [&] { return fail(diff_errc::bad_stream, where); };
    if (!v.is_array() || (v.size() != 3 && v.size() != 4)) return bad();
    if (!v[2].is_array()) return bad();
    auto limit_ok = [](const json& l) { return l.is_null() || as_integer(l).has_value(); };
    if (profile_ == client_profile::v0_20) {
      // 0.20.1 reads inserts as {dom_id: [at, limit]}.
      if (!v[1].is_object()) return bad();
      for (auto& [id, ins] : members(v[1])) {
        if (!ins.is_array() || ins.size() < 1 || ins.size() > 2 || !as_integer(ins[0])) return bad();
        if (ins.size() == 2 && !limit_ok(ins[1])) return bad();
      }
    } else {
      // 1.0 reads [[dom_id, at, limit], …]; 1.1+ adds update_only.
      if (!v[1].is_array()) return bad();
      const std::size_t insert_arity = has_keyed_comprehensions(profile_) ? 4 : 3;
      for (auto& ins : v[1]) {
        if (!ins.is_array() || ins.size() < 2 || ins.size() > insert_arity) return bad();
        if (!ins[0].is_string() || !as_integer(ins[1])) return bad();
        if (ins.size() >= 3 && !limit_ok(ins[2])) return bad();
        if (ins.size() == 4 && !ins[3].is_boolean() && !ins[3].is_null()) return bad();
      }
    }
    for (auto& del : v[2])
      if (!del.is_string()) return bad();
    stream_instr s;
    s.has_deletes = !v[2].empty();
    if (v.size() == 4) {
      if (!v[3].is_boolean() && !v[3].is_null()) return bad();
      s.reset = v[3].is_boolean() && v[3].template get<bool>();
    }
    if constexpr (consumes)
      s.raw = std::move(v);
    else
      s.raw = v;
    return s;
  }

  result<comprehension> comprehension_of(J& v, std::size_t depth, const diff_path& where) {
    if (depth > limits_.max_depth) return fail(diff_errc::too_deep, where);
    comprehension c;
    for (auto& [k, val] : members(v)) {
      if (k == "s"sv) {
        auto s = statics_of(val, place::nested, path(where, k), /*comprehension=*/true);
        if (!s) return s.error();
        c.s = std::move(*s);
      } else if (k == "d"sv && !has_keyed_comprehensions(profile_)) {
        if (!val.is_array()) return fail(diff_errc::bad_comprehension, path(where, k));
        c.has_entries = true;
        c.entries.reserve(val.size());
        for (std::size_t i = 0; i < val.size(); ++i) {
          auto e = entry_of(val[i], depth + 1, path(path(where, "d"), i));
          if (!e) return e.error();
          c.entries.push_back(std::move(*e));
        }
      } else if (k == "k"sv && has_keyed_comprehensions(profile_)) {
        auto r = keyed_of(val, c, depth + 1, path(where, k));
        if (!r) return r.error();
      } else if (k == "p"sv && has_templates(profile_)) {
        auto t = templates_of(val, path(where, k));
        if (!t) return t.error();
        c.p = std::move(*t);
      } else if (k == "stream"sv && has_streams(profile_)) {
        auto s = stream_of(val, path(where, k));
        if (!s) return s.error();
        c.stream = std::move(*s);
      } else {
        return fail(diff_errc::bad_key, path(where, k));
      }
    }
    c.keyed = has_keyed_comprehensions(profile_);
    if (c.keyed && c.s.present() && c.kc < 0) return fail(diff_errc::bad_keyed, path(where, "k"));
    return c;
  }

  result<void> keyed_of(J& v, comprehension& c, std::size_t depth, const diff_path& where) {
    if (!v.is_object()) return fail(diff_errc::bad_keyed, where);
    for (auto& [k, val] : members(v)) {
      if (k == "kc"sv) {
        auto n = as_integer(val);
        if (!n || *n < 0) return fail(diff_errc::bad_keyed, path(where, k));
        c.kc = *n;
        continue;
      }
      if (k == "km"sv) {
        if (!val.is_boolean()) return fail(diff_errc::bad_keyed, path(where, k));
        c.km = val.template get<bool>();
        continue;
      }
      auto pos = index_key(k);
      if (!pos) return fail(diff_errc::bad_keyed, path(where, k));
      keyed_op op;
      op.pos = *pos;
      if (val.is_object()) {
        auto e = keyed_entry_of(val, depth, path(where, k));
        if (!e) return e.error();
        op.entry = std::move(*e);
      } else if (val.is_array()) {
        if (val.size() != 2) return fail(diff_errc::bad_keyed, path(where, k));
        auto from = as_integer(val[0]);
        if (!from || *from < 0) return fail(diff_errc::bad_keyed, path(where, k));
        op.from = *from;
        auto e = keyed_entry_of(val[1], depth, path(path(where, k), "1"));
        if (!e) return e.error();
        op.entry = std::move(*e);
      } else {
        auto from = as_integer(val);
        if (!from || *from < 0) return fail(diff_errc::bad_keyed, path(where, k));
        op.from = *from;
      }
      c.kops.push_back(std::move(op));
    }
    if (c.kc < 0) return fail(diff_errc::bad_keyed, path(where, "kc"));
    std::sort(c.kops.begin(), c.kops.end(),
              [](const keyed_op& a, const keyed_op& b) { return a.pos < b.pos; });
    return {};
  }

  static diff_path path(const diff_path& base, std::string_view key) { return {base, key}; }
  template <class Int>
    requires std::is_integral_v<Int>
  static diff_path path(const diff_path& base, Int index) {
    return {base, static_cast<std::size_t>(index)};
  }

 private:
  client_profile profile_;
  diff_limits limits_;
};

}  // namespace
}  // namespace detail

diff::diff() = default;
diff::diff(diff&&) noexcept = default;
diff& diff::operator=(diff&&) noexcept = default;
diff::~diff() = default;

// Top-level keys are read where they are; the root's own decoding passes them over.
template <class J>
result<diff> diff::decode(J& j, client_profile p, const diff_limits& limits) {
  using dec = detail::decoder<J>;
  using detail::diff_path;
  dec d(p, limits);
  const diff_path top;
  const diff_path components(top, "c");
  if (!j.is_object()) return make_error(diff_errc::not_object, "");

  diff out;
  out.profile_ = p;
  out.root_ = std::make_unique<detail::diff_node>();

  if (auto it = j.find("t"); it != j.end()) {
    if (!it->is_string()) return make_error(diff_errc::bad_title, "t");
    out.title_ = dec::take(*it);
  }
  if (auto it = j.find("e"); it != j.end()) {
    if (!it->is_array()) return make_error(diff_errc::bad_events, "e");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& ev = (*it)[i];
      if (!ev.is_array() || ev.size() != 2 || !ev[0].is_string())
        return make_error(diff_errc::bad_events, "e." + std::to_string(i));
    }
    if constexpr (dec::consumes)
      out.events_ = std::move(*it);
    else
      out.events_ = *it;
  }
  if (auto it = j.find("r"); it != j.end()) {
    // The client takes any top-level "r" out as a reply; since 0.20.2 the server's root flag
    // for the view's own template lands there too. Only an object is a hook reply.
    if (it->is_object()) {
      if constexpr (dec::consumes)
        out.reply_ = std::move(*it);
      else
        out.reply_ = *it;
    } else if (!it->is_number() && !it->is_boolean() && !it->is_null()) {
      return make_error(diff_errc::bad_key, "r");
    }
  }
  if (auto it = j.find("c"); it != j.end()) {
    if (!it->is_object()) return make_error(diff_errc::not_object, "c");
    out.root_->has_components = true;
    for (auto& [k, v] : dec::members(*it)) {
      auto cid = detail::index_key(k);
      if (!cid) return make_error(diff_errc::bad_key, "c." + k);
      if (v.is_object() && dec::is_comprehension(v)) return make_error(diff_errc::not_object, "c." + k);
      auto [at, fresh] = out.root_->components.try_emplace(static_cast<int>(*cid));
      if (!fresh) continue;  // keys are unique: not reached
      if (auto r = d.node_into(v, dec::place::component, 1, diff_path(components, k), at->second); !r)
        return r.error();
    }
  }
  if (dec::is_comprehension(j)) return make_error(diff_errc::bad_key, "d");
  if (auto r = d.node_into(j, dec::place::root, 0, top, out.root_->root); !r) return r.error();
  return out;
}

result<diff> diff::from_json(nlohmann::json&& j, client_profile p, const diff_limits& limits) {
  return decode(j, p, limits);
}

result<diff> diff::from_json(const nlohmann::json& j, client_profile p, const diff_limits& limits) {
  return decode(j, p, limits);
}

result<diff> diff::parse(std::string_view text, client_profile p, const diff_limits& limits) {
  if (text.size() > limits.max_bytes) return make_error(diff_errc::too_deep, "input size");
  // Bound nesting while parsing, so absurd input never builds an absurd document.
  std::size_t depth = 0;
  bool too_deep = false;
  const std::size_t max_json_depth = limits.max_depth * 4 + 8;
  auto cb = [&](int d, nlohmann::json::parse_event_t ev, nlohmann::json&) {
    if (ev == nlohmann::json::parse_event_t::object_start ||
        ev == nlohmann::json::parse_event_t::array_start) {
      depth = static_cast<std::size_t>(d);
      if (depth > max_json_depth) too_deep = true;
    }
    return !too_deep;
  };
  auto j = nlohmann::json::parse(text, cb, /*allow_exceptions=*/false);
  if (too_deep) return make_error(diff_errc::too_deep, "");
  if (j.is_discarded()) return make_error(diff_errc::not_json, "");
  return from_json(std::move(j), p, limits);
}

}  // namespace lvh::protocol
