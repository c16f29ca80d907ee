// Private: the per-view state behind lvh::protocol::rendered, shared by merge and render.
#pragma once

#include "tree.hpp"

#include <set>
#include <unordered_map>

namespace lvh::protocol::detail {

/// The merged tree of one view and the client's render bookkeeping.
struct tree {
  client_profile profile = client_profile::v0_15;
  std::string view_id;
  bool merged = false;
  node root;
  std::map<int, node> components;
  std::uint32_t magic_counter = 0;  // 1.x: the last m<n> handed out
  std::size_t size_hint = 0;        // the last render's size, to reserve the next one
  std::size_t component_hint = 0;   // the largest component markup lately, likewise
  bool render_cache = true;         // reuse rows' and components' earlier markup
  std::string component_scratch;    // a component's markup buffer, reused render to render
  // A merge's bookkeeping, reused merge to merge (rendered.cpp's merger).
  struct merge_buffers {
    std::vector<int> resolving, taken, refs;
    std::vector<std::pair<const node*, int>> changed_roots;
  } merge_buf;
};

// -- rendered.cpp --------------------------------------------------------------------------

/// mergeDiff; on error `t` is unchanged.
result<void> merge(tree& t, diff_node& d);

/// A diff whose root carries nothing (only "c", "t", "e", "r" were sent).
bool is_empty_root_diff(const node& n) noexcept;

// -- render.cpp ----------------------------------------------------------------------------

/// toString(onlyCids); appends consumed stream instructions to `streams` when given.
std::string render_view(tree& t, const std::set<int>* only_cids,
                        std::vector<nlohmann::json>* streams);

/// componentToString(cid); `cid` must exist.
std::string render_component(tree& t, int cid, std::vector<nlohmann::json>* streams);
/// The same, as rendered::component_markup_of hands it over.
component_markup render_component_markup(tree& t, int cid, std::vector<nlohmann::json>* streams);

/// The text a node would render to, without attributes the client adds; enough to decide
/// whether a root-flagged node starts with a tag.
void raw_render(const node& n, const std::map<int, node>& components,
                const std::map<int, node>* overlay, std::string& out, std::size_t limit);

}  // namespace lvh::protocol::detail
