// Rendering the tree to the container's HTML the way each official client does.
//
// Up to 0.20.1 the client renders components by parsing their HTML as a <template> fragment
// and tagging the top-level elements; from 1.0 it edits root elements as text (magic ids,
// data-phx-skip). Either way the DOM keeps an element the client chose to skip, so besides
// rendering we keep a model of what the container holds (tree_state.hpp: dom_model).
#include "modify_root.hpp"
#include "tree_state.hpp"

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <algorithm>

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
std::string normalize_component(std::string_view html, int cid, const std::string& view_id,
                                client_profile profile, bool skip, bool allow_root_comments) {
  auto frag = dom::parse_fragment(html, "template");
  const std::string cid_str = std::to_string(cid);
  std::vector<std::unique_ptr<dom::node>> children;
  children.reserve(frag->child_count());
  while (frag->child_count() > 0) children.push_back(frag->remove_child(frag->child_count() - 1));
  std::reverse(children.begin(), children.end());

  bool has_nodes = false;
  bool has_components = false;
  std::vector<std::unique_ptr<dom::node>> kept;
  kept.reserve(children.size());
  for (std::size_t i = 0; i < children.size(); ++i) {
    auto& child = children[i];
    if (child->is_element()) {
      const std::string* existing = child->get_attribute("data-phx-component");
      if (existing && !existing->empty()) {
        has_components = true;
        kept.push_back(std::move(child));
        continue;
      }
      child->set_attribute("data-phx-component", cid_str);
      const std::string* id = child->get_attribute("id");
      if (!id || id->empty()) {
        child->set_attribute("id", view_id + "-" + cid_str + "-" + std::to_string(i));
      }
      if (skip) {
        child->set_attribute("data-phx-skip", "");
        child->clear_children();
      }
      has_nodes = true;
      kept.push_back(std::move(child));
      continue;
    }
    if (child->type() == dom::node_type::comment && profile >= client_profile::v0_20) {
      if (allow_root_comments) kept.push_back(std::move(child));
      continue;
    }
    // Text (and, before 0.20, comments): kept as a span when it is not blank.
    if (js_has_non_space(child->data())) {
      kept.push_back(text_span(child->data(), cid));
      has_nodes = true;
    }
  }
  if (!has_nodes && !has_components) {
    return "<span data-phx-component=\"" + cid_str + "\"></span>";
  }
  for (auto& k : kept) frag->append_child(std::move(k));
  return dom::serialize_children(*frag);
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
    node_out(t_.root, out);
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
    const auto& s = *c.s.list;
    for (auto& e : c.entries) {
      out += s[0];
      for (std::size_t i = 1; i < s.size(); ++i) {
        dyn_out(e[i - 1], out);
        out += s[i];
      }
    }
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

  void component_out(int cid, std::string& out, bool allow_root_comments) {
    auto it = t_.components.find(cid);
    if (it == t_.components.end()) return;  // the merge never lets this happen
    if (std::find(stack_.begin(), stack_.end(), cid) != stack_.end() ||
        stack_.size() >= max_component_depth)
      return;
    const bool skip = only_ && !only_->count(cid);
    stack_.push_back(cid);
    std::string inner;
    node_out(it->second, inner);
    stack_.pop_back();
    out += normalize_component(inner, cid, t_.view_id, t_.profile, skip, allow_root_comments);
  }

  tree& t_;
  std::vector<json>* streams_ = nullptr;
  const std::set<int>* only_ = nullptr;
  std::vector<int> stack_;
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
    node_out(t_.root, /*tracking=*/true, {}, out);
    return out;
  }

  std::string component_to_string(int cid, std::vector<json>* streams) {
    only_ = nullptr;
    streams_ = streams;
    std::string out;
    component_out(cid, out);
    // The client strips what surrounds the component's element.
    auto parts = find_root(out);
    if (!parts) return out;
    return rebuild_root(out, *parts, {}, false);
  }

 private:
  std::string magic_id(const node& n) const {
    if (n.magic == magic_kind::component)
      return "c" + std::to_string(n.magic_n) + "-" + t_.view_id;
    return "m" + std::to_string(n.magic_n) + "-" + t_.view_id;
  }

  void node_out(node& n, bool tracking, const std::vector<root_attr>& root_attrs,
                std::string& out) {
    if (!n.is_root()) {
      content_out(n, tracking, out);
      return;
    }
    if (tracking && n.magic == magic_kind::none) {
      n.new_render = true;
      n.magic = magic_kind::counter;
      n.magic_n = ++t_.magic_counter;
    }
    const bool skip = tracking && !n.new_render;
    std::vector<root_attr> attrs;
    if (tracking || n.magic != magic_kind::none) attrs.push_back({"data-phx-id", magic_id(n), false});
    attrs.insert(attrs.end(), root_attrs.begin(), root_attrs.end());
    if (skip) attrs.push_back({"data-phx-skip", "", true});

    // The root's markup is rendered at the end of `out`, then edited in place.
    const std::size_t start = out.size();
    content_out(n, tracking, out);
    n.new_render = false;
    const std::string_view el(out.data() + start, out.size() - start);
    auto parts = find_root(el);
    if (!parts) return;  // the merge refuses such roots; never crash if one slips through
    std::string rebuilt = rebuild_root(el, *parts, attrs, skip);
    std::string after(root_after(el, *parts));
    out.resize(start + parts->before_len);
    out += rebuilt;
    out += after;
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
    const auto& s = *c.s.list;
    for (auto& e : c.entries) {
      out += s[0];
      for (std::size_t i = 1; i < s.size(); ++i) {
        dyn_out(e[i - 1], inner_tracking, out);
        out += s[i];
      }
    }
    consume_stream(c, streams_);
  }

  void component_out(int cid, std::string& out) {
    auto it = t_.components.find(cid);
    if (it == t_.components.end()) return;
    if (std::find(stack_.begin(), stack_.end(), cid) != stack_.end() ||
        stack_.size() >= max_component_depth)
      return;
    node& c = it->second;
    const bool skip = only_ && !only_->count(cid);
    c.new_render = !skip;
    c.magic = magic_kind::component;
    c.magic_n = static_cast<std::uint32_t>(cid);
    std::vector<root_attr> attrs{{"data-phx-component", std::to_string(cid), false}};
    if (has_keyed_comprehensions(t_.profile)) attrs.push_back({"data-phx-view", t_.view_id, false});
    stack_.push_back(cid);
    node_out(c, /*tracking=*/true, attrs, out);
    stack_.pop_back();
  }

  tree& t_;
  const std::set<int>* only_ = nullptr;
  std::vector<json>* streams_ = nullptr;
  std::vector<int> stack_;
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
