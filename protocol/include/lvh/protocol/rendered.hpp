// The rendered tree of one LiveView as the official client keeps it: decode a join reply's
// `rendered` or a diff, merge it, render it.
//
// lvh::protocol::rendered follows the JS client's Rendered class of the chosen
// client_profile (docs/protocol.md §10): the same merge rules, component static sharing
// (`s: ±cid`), templates, streams, keyed comprehensions, root flags and magic ids. A
// malformed diff is refused with a typed error and leaves the tree as it was.
#pragma once

#include <lvh/protocol/error.hpp>
#include <lvh/protocol/profile.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace lvh::dom {
class node;
}  // namespace lvh::dom

namespace lvh::protocol {

/// Why a rendered tree or a diff was refused.
enum class diff_errc {
  not_json = 1,             ///< the text is not JSON
  not_object,               ///< a diff or a rendered node is not a JSON object
  bad_statics,              ///< "s" is neither a list of strings nor an allowed integer
  statics_mismatch,         ///< dynamics missing or in excess of what the statics allow
  bad_dynamic,              ///< a dynamic is not a string, a cid or a rendered node
  bad_key,                  ///< a key that has no meaning in this place (or this profile)
  partial_without_base,     ///< a diff without "s" for a place that holds no tree
  dangling_cid,             ///< a cid that no component in the tree or diff defines
  bad_cid_link,             ///< a component's "s: ±cid" points nowhere or forms a cycle
  bad_template,             ///< an integer "s" with no templates "p" in scope, or out of range
  bad_comprehension,        ///< "d" is not a list of lists of the statics' arity
  bad_keyed,                ///< malformed "k" (keyed comprehension) or a move without "km"
  bad_stream,               ///< malformed "stream" instruction
  bad_title,                ///< "t" is not a string
  bad_events,               ///< "e" is not a list of [name, payload] pairs
  bad_root,                 ///< a root-flagged node whose HTML does not start with a tag
  too_deep,                 ///< nesting beyond the configured depth limit
  not_joined,               ///< a diff before any join
};

const std::error_category& diff_category() noexcept;
std::error_code make_error_code(diff_errc e) noexcept;

/// Limits applied while decoding untrusted diffs.
struct diff_limits {
  std::size_t max_depth = 128;        ///< nested rendered nodes / comprehensions
  std::size_t max_bytes = 16u << 20;  ///< text given to diff::parse
};

namespace detail {
struct diff_node;
struct tree;
}  // namespace detail

/// A join reply's `rendered` or a diff, decoded and checked for shape, not yet merged.
/// Holds what the client extracts before merging: title `t`, events `e`, reply `r`.
class diff {
 public:
  /// Decodes a JSON object. `j` is consumed (its strings are moved, not copied).
  static result<diff> from_json(nlohmann::json&& j, client_profile p, const diff_limits& = {});
  /// Decodes a JSON object left as it is (its strings are copied): cheaper than copying the
  /// object first.
  static result<diff> from_json(const nlohmann::json& j, client_profile p, const diff_limits& = {});
  /// Parses JSON text, then decodes it.
  static result<diff> parse(std::string_view text, client_profile p, const diff_limits& = {});

  diff(diff&&) noexcept;
  diff& operator=(diff&&) noexcept;
  ~diff();

  const std::optional<std::string>& title() const noexcept { return title_; }
  /// `e` entries as sent: a list of [event, payload]; empty when there are none.
  const nlohmann::json& events() const noexcept { return events_; }
  /// `r` when it is a hook reply (an object); a bare root flag `"r": 1` is not a reply.
  const std::optional<nlohmann::json>& reply() const noexcept { return reply_; }
  client_profile profile() const noexcept { return profile_; }

  /// Whether the diff changes the view's own tree (anything but "c", "t", "e", "r").
  bool touches_view() const noexcept;
  /// The cids the diff's "c" carries, ascending.
  std::vector<int> component_ids() const;
  /// The same into `out` (replacing what it held), reusing its capacity.
  void component_ids(std::vector<int>& out) const;
  /// Only "c" (and title, events, reply): the client patches just those components.
  bool components_only() const noexcept;

 private:
  diff();
  template <class J>
  static result<diff> decode(J& j, client_profile p, const diff_limits& limits);
  friend class rendered;
  std::unique_ptr<detail::diff_node> root_;
  std::optional<std::string> title_;
  nlohmann::json events_ = nlohmann::json::array();
  std::optional<nlohmann::json> reply_;
  client_profile profile_ = client_profile::v0_15;
};

/// A component rendered for a component patch: its markup, or that markup already parsed.
/// Up to 0.20 the client builds a component's markup in a <template> (recursiveCIDToString)
/// and the patch parses the serialization again; when that second parse would give the
/// same tree, `parsed` holds it (the template's content) and `html` is empty. Otherwise
/// (1.x, or markup the parser does not take literally) `parsed` is null.
struct component_markup {
  std::string html;
  std::unique_ptr<dom::node> parsed;  // <lvh/dom/node.hpp> to look inside

  component_markup();
  component_markup(std::string h, std::unique_ptr<dom::node> p);
  component_markup(component_markup&&) noexcept;
  component_markup& operator=(component_markup&&) noexcept;
  ~component_markup();
};

/// The client's Rendered for one view: the merged tree and the client's render calls.
///
/// merge() is mergeDiff; to_string() is toString(onlyCids) and component_to_string() is
/// componentToString(cid), with the exact markup the official client of the profile
/// produces (component auto ids up to 0.20; magic ids and data-phx-skip placeholders from
/// 1.0, whose bookkeeping these calls update exactly as the client's do). What the
/// container's DOM holds after the client patches it is container_model's business.
class rendered {
 public:
  rendered(client_profile profile, std::string view_id);
  rendered(const rendered&);
  rendered& operator=(const rendered&);
  rendered(rendered&&) noexcept;
  rendered& operator=(rendered&&) noexcept;
  ~rendered();

  /// Merges a diff. The first merge is the join's tree and must carry statics. On error
  /// nothing changes. Title, events and reply stay in `d` (the client takes them out first).
  result<void> merge(diff& d);
  result<void> merge(diff&& d) { return merge(d); }

  /// toString(onlyCids): the view's markup; components outside `only_cids` (when given) are
  /// rendered as the client's skip placeholders. Stream instructions consumed by this render
  /// are appended to `streams` when given.
  std::string to_string(const std::vector<int>* only_cids = nullptr,
                        std::vector<nlohmann::json>* streams = nullptr);

  /// componentToString(cid): one component rendered for a component patch.
  result<std::string> component_to_string(int cid, std::vector<nlohmann::json>* streams = nullptr);
  /// component_to_string(), parsed when the renderer holds the markup as a tree; the
  /// rendering bookkeeping changes exactly as with component_to_string().
  result<component_markup> component_markup_of(int cid, std::vector<nlohmann::json>* streams = nullptr);

  /// Forgets components after the server confirmed `cids_destroyed`. Refused (and nothing
  /// changes) if the view still references one of them.
  result<void> prune(std::span<const int> cids);

  bool empty() const noexcept;  ///< nothing merged yet
  client_profile profile() const noexcept;
  const std::string& view_id() const noexcept;

  /// The merged tree as JSON, in the wire's shape (statics resolved, components under "c").
  nlohmann::json to_json() const;

  /// Component ids currently held, ascending.
  std::vector<int> component_ids() const;

  /// Rendering reuses what an earlier render produced for rows and components that have not
  /// changed since (the output is the same either way). Off renders everything anew, as the
  /// client does; tests use it to check that the caches change nothing.
  void use_render_cache(bool on) noexcept;

 private:
  std::unique_ptr<detail::tree> tree_;
};

}  // namespace lvh::protocol

template <>
struct std::is_error_code_enum<lvh::protocol::diff_errc> : std::true_type {};
