// The engine: evaluated templates + fingerprints + components → the wire diff (Phoenix's
// diff.ex at LiveView 0.15.7). One view_renderer per mount of a connected view.
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/template.hpp>
#include <lvh/ref/value.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

/// What a render needs besides the template and assigns, and what it produces besides the diff.
struct render_context {
  // Inputs.
  bool connected = true;
  std::string view_id;  // informational; the renderer's own view_id names the view
  /// Starts a nested view (`live_render @socket, Name, id: "child"`) and returns its
  /// container HTML. Unset: live_render fails the render (render_error).
  std::function<std::string(const std::string& view_name, const value& opts)> live_render;

  // Outputs, hoisted from components in the order they happened. The caller puts `events`
  // into the diff's "e" (before the view's own events, as Phoenix orders them).
  std::vector<pushed_event> events;
  std::optional<lvh::ref::navigation> navigation;
  std::vector<flash_put> flash;
};

namespace detail {
struct renderer_state;
}

class view_renderer {
 public:
  view_renderer(const component_registry& registry, std::string view_id);
  ~view_renderer();
  view_renderer(view_renderer&&) noexcept;
  view_renderer& operator=(view_renderer&&) noexcept;
  view_renderer(const view_renderer&) = delete;
  view_renderer& operator=(const view_renderer&) = delete;

  /// First call: the join reply's full `rendered`. Later calls: the diff since the previous
  /// render ({} when nothing changed). `t` when page_title changed. A template with another
  /// root fingerprint than the last one starts afresh (statics resent, components remounted
  /// under new cids), as Phoenix does. Clears the changed marks of a. Throws render_error
  /// (or whatever a component callback throws): the view is then unusable.
  value render(const template_& t, assigns& a, render_context& ctx);

  /// Runs handle_event of component cid and returns the resulting diff {"c": {…}} (possibly
  /// {"c": {}}); {} for an unknown cid (Phoenix then replies without a diff).
  value component_event(int cid, std::string_view event, const value& payload,
                        render_context& ctx);

  /// send_update: new assigns for the stateful component (component, id), preloaded then
  /// updated; {"c": {…}} (possibly {"c": {}}), or {} when it is not rendered in this view.
  value update_component(std::string_view component, const value& id, const value& new_assigns,
                         render_context& ctx);

  /// cids_will_destroy: the client is about to remove them; rendering them again revives them.
  void will_destroy(const std::vector<int>& cids);
  /// cids_destroyed: removes those still marked by will_destroy and returns the reply
  /// {"cids": [...]} listing the cids actually removed.
  value destroy(const std::vector<int>& cids);

  /// The disconnected render: the template as HTML, components inline (no markers), through
  /// a fresh renderer as Phoenix's static render does. Does not touch this renderer's state.
  std::string render_static(const template_& t, const assigns& a, render_context& ctx) const;

  bool has_component(int cid) const;
  std::size_t component_count() const;
  /// The cid of the stateful component (name, id), 0 when not rendered.
  int component_cid(std::string_view component, const value& id) const;
  /// A component's current assigns; nullptr for an unknown cid.
  const assigns* component_assigns(int cid) const;
  const std::string& view_id() const;

 private:
  std::unique_ptr<detail::renderer_state> state_;
};

/// A full `rendered` tree (a join reply's, components under "c") as HTML, components inline
/// without markers — Phoenix's Diff.to_iodata. Throws render_error on a malformed tree.
std::string rendered_to_html(const value& rendered);

}  // namespace lvh::ref
