// What a LiveView's container element holds, step by step, as the official client patches
// it: the join renders the whole view; each later diff is merged, then the client renders
// either the whole view or only the changed components (View.update), and the DOM keeps
// every element the client skipped.
#pragma once

#include <lvh/protocol/rendered.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lvh::protocol {

/// What one join or diff did to the container.
struct step {
  enum class patch_kind {
    none,        ///< nothing to render (the diff was empty once t/e/r were taken out)
    full,        ///< the whole view was rendered (join, or a diff touching the view's tree)
    components,  ///< only components were rendered (a components-only diff)
  };

  std::string html;                     ///< the container's inner HTML after the step
  std::optional<std::string> title;     ///< `t`, when the diff carried one
  nlohmann::json events = nlohmann::json::array();  ///< `e` entries, in order
  std::optional<nlohmann::json> reply;  ///< `r`, when it is a hook reply
  std::vector<nlohmann::json> streams;  ///< stream instructions this render consumed
  patch_kind patch = patch_kind::none;
  std::vector<int> patched_cids;        ///< patch_kind::components: what the client rendered
};

/// The container of one LiveView: a rendered tree plus the DOM the client patched with it.
///
/// step::html is the DOM serialized (HTML5 rules), so it shows what a browser holds: an
/// element the client skipped (`data-phx-skip`) is the element the DOM already had with
/// that id / data-phx-id, and a component patch replaces only that component's elements.
/// Stream items are shown in the render that inserts them; keeping them across renders
/// (phx-update="stream") is the client simulator's DOM patcher's job, as is attribute order
/// after morphdom.
class container_model {
 public:
  container_model(client_profile profile, std::string view_id);
  container_model(const container_model&);
  container_model& operator=(const container_model&);
  container_model(container_model&&) noexcept;
  container_model& operator=(container_model&&) noexcept;
  ~container_model();

  /// A join reply's `rendered`: builds a new tree (dropping any previous one, as a rejoin
  /// does) and renders it into the container.
  result<step> join(diff d);
  result<step> join(nlohmann::json rendered_json);

  /// A diff pushed by the server or carried by a reply. On error nothing changes.
  result<step> update(diff d);
  result<step> update(nlohmann::json diff_json);

  bool joined() const noexcept;
  /// The container's inner HTML now.
  const std::string& html() const noexcept;
  const rendered& tree() const noexcept;
  client_profile profile() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace lvh::protocol
