// Rendering the tree to the container's HTML the way each official client does.
//
// Up to 0.20.1 the client renders components by parsing their HTML as a <template> fragment
// and tagging the top-level elements; from 1.0 it edits root elements as text (magic ids,
// data-phx-skip). Either way the DOM keeps an element the client chose to skip, so besides
// rendering we keep a model of what the container holds (tree_state.hpp: dom_model).
#include "modify_root.hpp"
#include "tree_state.hpp"

#include <lvh/dom/detail/fragment.hpp>
#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

namespace lvh::protocol::detail {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_component_depth = 256;

/// Streams are rendered once and then dropped from the tree (>= 0.20).
bool consume_stream(comprehension& c, std::vector<json>* streams) {
  if (!c.stream) return false;
  if (c.entries.empty() && !c.stream->has_deletes && !c.stream->reset) return false;
  if (streams) streams->push_back(std::move(c.stream->raw));
  c.stream.reset();
  c.entries.clear();
  if (c.keyed) c.kc = 0;
  return true;
}

// ===========================================================================================
// Profiles that parse component HTML (0.15.7, 0.18.0, 0.20.1)
// ===========================================================================================

/// `span.innerText = text`: text split at line breaks, a <br> for each break.
std::unique_ptr<dom::node> text_span(std::string_view text, int cid) {
  auto span = dom::node::make_element("span");
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] != '\n' && text[j] != '\r') ++j;
    if (j > i) span->append_child(dom::node::make_text(std::string(text.substr(i, j - i))));
    i = j;
    while (i < text.size() && (text[i] == '\n' || text[i] == '\r')) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      span->append_child(dom::node::make_element("br"));
    }
  }
  span->set_attribute("data-phx-component", std::to_string(cid));
  return span;
}

/// recursiveCIDToString's DOM work: tag each top-level element with the cid (and an id when
/// it has none), wrap stray text in spans, drop whitespace; with `skip`, empty the elements.
/// Returns the edited fragment. `literal` tells whether parsing the fragment's serialization
/// gives this same tree (the input took the parser's literal path, and the edits keep it
/// literal: attributes set, children dropped, text wrapped in spans).
std::unique_ptr<dom::node> normalize_component_tree(std::string_view html, int cid, const std::string& view_id,
                                                    client_profile profile, bool skip,
                                                    bool allow_root_comments, std::string* skipped_version,
                                                    bool& literal) {
  auto frag = dom::detail::parse_plain_fragment(html, dom::parse_limits{}.max_depth);
  literal = frag != nullptr;
  if (!frag) frag = dom::parse_fragment(html, "template");
  const std::string cid_str = std::to_string(cid);
  // Edited in place; `i` counts the parsed children, as the generated ids do.
  bool has_nodes = false;
  bool has_components = false;
  std::size_t at = 0;
  for (std::size_t i = 0; at < frag->child_count(); ++i) {
    dom::node& child = frag->child(at);
    if (child.is_element()) {
      const std::string* existing = child.get_attribute("data-phx-component");
      if (existing && !existing->empty()) {
        has_components = true;
        ++at;
        continue;
      }
      child.set_attribute("data-phx-component", cid_str);
      const std::string* id = child.get_attribute("id");
      if (!id || id->empty()) {
        child.set_attribute("id", view_id + "-" + cid_str + "-" + std::to_string(i));
      }
      if (skip) {
        child.set_attribute("data-phx-skip", "");
        child.clear_children();
      }
      has_nodes = true;
      ++at;
      continue;
    }
    if (child.type() == dom::node_type::comment && profile >= client_profile::v0_20) {
      if (allow_root_comments)
        ++at;
      else
        frag->remove_child(at);
      continue;
    }
    // Text (and, before 0.20, comments): kept as a span when it is not blank.
    if (js_has_non_space(child.data())) {
      frag->replace_child(at++, text_span(child.data(), cid));
      has_nodes = true;
    } else {
      frag->remove_child(at);
    }
  }
  if (!has_nodes && !has_components) {
    frag->clear_children();
    auto span = dom::node::make_element("span");
    span->set_attribute("data-phx-component", cid_str);
    if (skipped_version) *skipped_version = "<span data-phx-component=\"" + cid_str + "\"></span>";
    frag->append_child(std::move(span));
    literal = true;
    return frag;
  }
  if (skipped_version) {
    std::string& s = *skipped_version;
    s.clear();
    if (skip) {
      dom::serialize_children(*frag, s);
    } else {
      // What the same component gives when skipped: its own elements emptied and marked.
      // Each is written as an empty copy of itself, so the subtree is not serialized twice.
      for (std::size_t i = 0; i < frag->child_count(); ++i) {
        const dom::node& el = frag->child(i);
        const std::string* c = el.is_element() ? el.get_attribute("data-phx-component") : nullptr;
        // Text spans (no id): the client leaves them as they are.
        if (!c || *c != cid_str || !el.get_attribute("id")) {
          dom::serialize(el, s);
          continue;
        }
        dom::serialize_shell(el, "data-phx-skip", "", s);
      }
    }
  }
  return frag;
}

/// Renders a comprehension's rows through the row cache: a row rendered without touching
/// anything that has state of its own (`impure` stays false) is kept for the next render,
/// until a merge changes the row (see merge_comp / merge_keyed).
template <class RowOut>
void rows_out(comprehension& c, std::string& out, bool& impure, bool caching, RowOut&& row_out) {
  const auto& s = *c.s.list;
  const std::size_t n = c.entries.size();
  if (!caching) c.drop_row_cache();
  // Caching pays when rows repeat between renders; when a render reuses none (every row
  // changes every time), caching is paused for a while instead of costing a copy per row.
  const bool store = caching && !c.stream && c.cache_pause == 0;
  if (c.cache_pause > 0) --c.cache_pause;
  c.row_ok.resize(n, 0);
  if (store) c.row_html.resize(n);
  std::size_t hits = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (c.row_ok[r]) {
      out += c.row_html[r];
      ++hits;
      continue;
    }
    const std::size_t start = out.size();
    const bool outer = impure;
    impure = false;
    auto& e = c.entries[r];
    out += s[0];
    for (std::size_t i = 1; i < s.size(); ++i) {
      row_out(e[i - 1]);
      out += s[i];
    }
    if (store && !impure) {
      c.row_html[r].assign(out, start, std::string::npos);
      c.row_ok[r] = 1;
    }
    impure = impure || outer;
  }
  if (!store || (hits == 0 && n > 0 && c.rendered_once)) {
    if (store) c.cache_pause = 8;
    c.drop_row_cache();
  }
  c.rendered_once = true;
  if (c.stream) impure = true;
}

/// Renders as the client's Rendered does up to 0.20.1: toString(onlyCids) and
/// componentToString(cid), with their exact output (skipped components as placeholders).
class legacy_renderer {
 public:
  explicit legacy_renderer(tree& t) : t_(t) {}

  std::string to_string(const std::set<int>* only_cids, std::vector<json>* streams) {
    streams_ = streams;
    only_ = only_cids;
    std::string out;
    out.reserve(t_.size_hint);
    node_out(t_.root, out);
    t_.size_hint = out.size() + out.size() / 8;
    return out;
  }

  std::string component_to_string(int cid, std::vector<json>* streams) {
    streams_ = streams;
    only_ = nullptr;
    std::string out;
    // 0.20 drops comments at the root of a component rendered on its own.
    component_out(cid, out, /*allow_root_comments=*/t_.profile < client_profile::v0_20);
    return out;
  }

  /// component_to_string's markup, or the tree it was serialized from when parsing that
  /// markup gives the same tree (then `markup.html` stays empty).
  void component_markup_of(int cid, std::vector<json>* streams, component_markup& markup) {
    streams_ = streams;
    only_ = nullptr;
    component_out(cid, markup.html, t_.profile < client_profile::v0_20, &markup.parsed);
  }

 private:
  void node_out(node& n, std::string& out) {
    const auto& s = *n.s.list;
    out += s[0];
    for (std::size_t i = 1; i < s.size(); ++i) {
      dyn_out(n.slots[i - 1], out);
      out += s[i];
    }
  }

  void comp_out(comprehension& c, std::string& out) {
    rows_out(c, out, impure_, t_.render_cache, [&](dyn& d) { dyn_out(d, out); });
    consume_stream(c, streams_);
  }

  void dyn_out(dyn& d, std::string& out) {
    switch (kind_of(d)) {
      case dyn_kind::absent: break;
      case dyn_kind::text: out += std::get<std::string>(d); break;
      case dyn_kind::cid: component_out(std::get<cid_ref>(d).cid, out, true); break;
      case dyn_kind::node: node_out(*std::get<box<node>>(d), out); break;
      case dyn_kind::comprehension: comp_out(*std::get<box<comprehension>>(d), out); break;
    }
  }

  void component_out(int cid, std::string& out, bool allow_root_comments,
                     std::unique_ptr<dom::node>* tree = nullptr) {
    impure_ = true;
    auto it = t_.components.find(cid);
    if (it == t_.components.end()) return;  // the merge never lets this happen
    if (std::find(stack_.begin(), stack_.end(), cid) != stack_.end() ||
        stack_.size() >= max_component_depth)
      return;
    node& c = it->second;
    const bool skip = only_ && !only_->count(cid);
    ++components_rendered_;
    if (skip && c.clean && c.skipped_ok && allow_root_comments && t_.render_cache) {
      out += c.skipped;  // unchanged since it was last rendered: the same placeholder
      return;
    }
    stack_.push_back(cid);
    // The tree's buffer (a component rendered inside this one finds it taken, and uses one
    // of its own).
    std::string inner = std::move(t_.component_scratch);
    inner.clear();
    inner.reserve(t_.component_hint);
    const std::size_t components_before = components_rendered_;
    node_out(c, inner);
    stack_.pop_back();
    // Bounded, so one large component does not make every small one reserve its size.
    t_.component_hint = std::min<std::size_t>(std::max(t_.component_hint, inner.size()), 16384);
    const bool has_nested = components_rendered_ != components_before;
    bool literal = false;
    // The placeholder is written where it is kept, into the capacity of the last one.
    if (has_nested) c.skipped.clear();
    auto frag = normalize_component_tree(inner, cid, t_.view_id, t_.profile, skip, allow_root_comments,
                                         has_nested ? nullptr : &c.skipped, literal);
    t_.component_scratch = std::move(inner);
    if (tree && literal)
      *tree = std::move(frag);
    else
      dom::serialize_children(*frag, out);
    c.clean = true;
    c.skipped_ok = !has_nested && allow_root_comments;
  }

  tree& t_;
  std::vector<json>* streams_ = nullptr;
  const std::set<int>* only_ = nullptr;
  std::vector<int> stack_;
  bool impure_ = false;
  std::size_t components_rendered_ = 0;  // tells whether a component renders others inside
};

// ===========================================================================================
// Profiles with root flags and magic ids (1.0.19, 1.2.12)
// ===========================================================================================

/// Renders as the 1.x client's Rendered does: roots get their magic id (and a component's
/// data-phx-component) inserted after the tag name; a tracked root that did not change
/// since the last render becomes an empty placeholder carrying data-phx-skip.
class magic_renderer {
 public:
  explicit magic_renderer(tree& t) : t_(t) {}

  std::string to_string(const std::set<int>* only_cids, std::vector<json>* streams) {
    only_ = only_cids;
    streams_ = streams;
    std::string out;
    out.reserve(t_.size_hint);
    node_out(t_.root, /*tracking=*/true, {}, out);
    t_.size_hint = out.size() + out.size() / 8;
    return out;
  }

  std::string component_to_string(int cid, std::vector<json>* streams) {
    only_ = nullptr;
    streams_ = streams;
    std::string out;
    std::string element;
    component_out(cid, out, &element);
    // The client strips what surrounds the component's element: the element itself.
    if (!element.empty()) return element;
    auto parts = find_root(out);
    if (!parts) return out;
    return rebuild_root(out, *parts, {}, false);
  }

 private:
  /// The magic id, written into `buf` (reused, so no allocation once it is large enough).
  std::string_view magic_id(const node& n, std::string& buf) const {
    char digits[16];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n.magic_n);
    (void)ec;
    buf.assign(1, n.magic == magic_kind::component ? 'c' : 'm');
    buf.append(digits, end);
    buf += '-';
    buf += t_.view_id;
    return buf;
  }

  void node_out(node& n, bool tracking, std::span<const root_attr> root_attrs,
                std::string& out, std::string* element = nullptr) {
    if (!n.is_root()) {
      content_out(n, tracking, out);
      return;
    }
    if (tracking) impure_ = true;  // its bookkeeping changes as it renders
    if (tracking && n.magic == magic_kind::none) {
      n.new_render = true;
      n.magic = magic_kind::counter;
      n.magic_n = ++t_.magic_counter;
    }
    const bool skip = tracking && !n.new_render;
    std::string& id = id_buf_[std::min(depth_, id_buf_.size() - 1)];
    ++depth_;
    struct leave {
      std::size_t& d;
      ~leave() { --d; }
    } leave_depth{depth_};
    std::array<root_attr, 4> attr_buf;
    std::size_t attr_n = 0;
    if (tracking || n.magic != magic_kind::none) {
      attr_buf[attr_n++] = {"data-phx-id", magic_id(n, id), false};
    }
    for (const auto& a : root_attrs.first(std::min<std::size_t>(root_attrs.size(), 2)))
      attr_buf[attr_n++] = a;
    if (skip) attr_buf[attr_n++] = {"data-phx-skip", "", true};
    const std::span<const root_attr> attrs(attr_buf.data(), attr_n);

    // The root's markup is rendered at the end of `out`, then edited in place.
    const std::size_t start = out.size();
    content_out(n, tracking, out);
    n.new_render = false;
    auto parts = find_root(std::string_view(out).substr(start));
    if (!parts) return;  // the merge refuses such roots; never crash if one slips through
    const auto [first, last] = edit_root(out, start, *parts, attrs, skip, scratch_);
    // The element alone is what the client's componentToString returns.
    if (element) element->assign(out, first, last - first);
  }

  void content_out(node& n, bool tracking, std::string& out) {
    const auto& s = *n.s.list;
    out += s[0];
    for (std::size_t i = 1; i < s.size(); ++i) {
      dyn_out(n.slots[i - 1], tracking, out);
      out += s[i];
    }
  }

  void dyn_out(dyn& d, bool tracking, std::string& out) {
    switch (kind_of(d)) {
      case dyn_kind::absent: break;
      case dyn_kind::text: out += std::get<std::string>(d); break;
      case dyn_kind::cid: component_out(std::get<cid_ref>(d).cid, out); break;
      case dyn_kind::node: node_out(*std::get<box<node>>(d), tracking, {}, out); break;
      case dyn_kind::comprehension:
        comp_out(*std::get<box<comprehension>>(d), tracking, out);
        break;
    }
  }

  void comp_out(comprehension& c, bool tracking, std::string& out) {
    // Before 1.1 nothing inside a comprehension is change-tracked; keyed ones are.
    const bool inner_tracking = c.keyed ? tracking : false;
    rows_out(c, out, impure_, t_.render_cache, [&](dyn& d) { dyn_out(d, inner_tracking, out); });
    consume_stream(c, streams_);
  }

  void component_out(int cid, std::string& out, std::string* element = nullptr) {
    impure_ = true;
    auto it = t_.components.find(cid);
    if (it == t_.components.end()) return;
    if (std::find(stack_.begin(), stack_.end(), cid) != stack_.end() ||
        stack_.size() >= max_component_depth)
      return;
    node& c = it->second;
    const bool skip = only_ && !only_->count(cid);
    ++components_rendered_;
    if (skip && c.clean && c.skipped_ok && c.skipped_is_placeholder && t_.render_cache) {
      out += c.skipped;  // the common case of a full render: a cached placeholder
      c.new_render = false;
      return;
    }
    char cid_digits[16];
    const std::string_view cid_str(
        cid_digits,
        static_cast<std::size_t>(std::to_chars(cid_digits, cid_digits + sizeof cid_digits, cid).ptr -
                                 cid_digits));
    std::array<root_attr, 4> attr_buf{root_attr{"data-phx-component", cid_str, false}};
    std::size_t attr_n = 1;
    if (has_keyed_comprehensions(t_.profile)) attr_buf[attr_n++] = {"data-phx-view", t_.view_id, false};
    if (skip && c.clean && c.skipped_ok && t_.render_cache) {
      // Unchanged since it was last rendered (so every root inside already has its magic id
      // and nothing is pending): rendering it again would give this very placeholder.
      if (!c.skipped_is_placeholder) {
        auto parts = find_root(c.skipped);
        if (parts) {
          std::string id_storage;
          std::array<root_attr, 4> ph_attrs{root_attr{"data-phx-id", magic_id(c, id_storage), false}};
          std::size_t ph_n = 1;
          for (std::size_t i = 0; i < attr_n; ++i) ph_attrs[ph_n++] = attr_buf[i];
          ph_attrs[ph_n++] = {"data-phx-skip", "", true};
          std::string ph(root_before(c.skipped, *parts));
          ph += rebuild_root(c.skipped, *parts, std::span<const root_attr>(ph_attrs.data(), ph_n), true);
          ph += root_after(c.skipped, *parts);
          c.skipped = std::move(ph);
          c.skipped_is_placeholder = true;
        }
      }
      if (c.skipped_is_placeholder) {
        out += c.skipped;
        c.new_render = false;
        return;
      }
    }
    c.new_render = !skip;
    c.magic = magic_kind::component;
    c.magic_n = static_cast<std::uint32_t>(cid);
    stack_.push_back(cid);
    const std::size_t components_before = components_rendered_;
    const std::size_t start = out.size();
    node_out(c, /*tracking=*/true, std::span<const root_attr>(attr_buf.data(), attr_n), out, element);
    stack_.pop_back();
    c.clean = true;
    c.skipped_ok = c.is_root() && components_rendered_ == components_before;
    if (c.skipped_ok) {
      c.skipped.assign(out, start, std::string::npos);
      c.skipped_is_placeholder = skip;
    }
  }

  tree& t_;
  const std::set<int>* only_ = nullptr;
  std::vector<json>* streams_ = nullptr;
  std::vector<int> stack_;
  bool impure_ = false;
  std::size_t components_rendered_ = 0;
  std::string scratch_;
  std::array<std::string, 64> id_buf_;  // magic ids by nesting depth, reused across roots
  std::size_t depth_ = 0;
};

}  // namespace

std::string render_view(tree& t, const std::set<int>* only_cids, std::vector<json>* streams) {
  if (has_magic_ids(t.profile)) return magic_renderer(t).to_string(only_cids, streams);
  return legacy_renderer(t).to_string(only_cids, streams);
}

std::string render_component(tree& t, int cid, std::vector<json>* streams) {
  if (has_magic_ids(t.profile)) return magic_renderer(t).component_to_string(cid, streams);
  return legacy_renderer(t).component_to_string(cid, streams);
}

component_markup render_component_markup(tree& t, int cid, std::vector<json>* streams) {
  component_markup m;
  if (has_magic_ids(t.profile))
    m.html = magic_renderer(t).component_to_string(cid, streams);
  else
    legacy_renderer(t).component_markup_of(cid, streams, m);
  return m;
}

void raw_render(const node& n, const std::map<int, node>& components,
                const std::map<int, node>* overlay, std::string& out, std::size_t limit) {
  struct walker {
    const std::map<int, node>& components;
    const std::map<int, node>* overlay;
    std::size_t limit;
    std::size_t depth = 0;
    void node_out(const node& n, std::string& out) {
      const auto& s = *n.s.list;
      out += s[0];
      for (std::size_t i = 1; i < s.size() && out.size() < limit; ++i) {
        dyn_out(n.slots[i - 1], out);
        out += s[i];
      }
    }
    void dyn_out(const dyn& d, std::string& out) {
      switch (kind_of(d)) {
        case dyn_kind::text: out += std::get<std::string>(d); break;
        case dyn_kind::node: node_out(*std::get<box<node>>(d), out); break;
        case dyn_kind::comprehension: {
          const auto& c = *std::get<box<comprehension>>(d);
          const auto& s = *c.s.list;
          for (auto& e : c.entries) {
            if (out.size() >= limit) break;
            out += s[0];
            for (std::size_t i = 1; i < s.size(); ++i) {
              dyn_out(e[i - 1], out);
              out += s[i];
            }
          }
          break;
        }
        case dyn_kind::cid: {
          if (depth >= max_component_depth) break;
          const int cid = std::get<cid_ref>(d).cid;
          const node* c = nullptr;
          if (overlay)
            if (auto it = overlay->find(cid); it != overlay->end()) c = &it->second;
          if (!c)
            if (auto it = components.find(cid); it != components.end()) c = &it->second;
          if (!c) break;
          ++depth;
          node_out(*c, out);
          --depth;
          break;
        }
        default: break;
      }
    }
  } w{components, overlay, limit};
  w.node_out(n, out);
}

}  // namespace lvh::protocol::detail
