// Patching a LiveView's container element the way the official client does (DOMPatch over
// morphdom), per client profile.
//
// Three entry points mirror the client's three patches of a view:
//   - join:      the join render (View.onJoin → applyJoinPatch): the dead render's content is
//                morphed into the joined view's markup (append/prepend children and stream
//                items from the dead render are dropped unless rendered again);
//   - full:      View.update when the diff touches the view: the whole view re-rendered;
//   - component: View.update for a components-only diff: one cid's markup patched onto that
//                component's element(s) (componentPatch).
// view_dom puts a protocol::rendered together with a view_patcher and makes View.update's
// choice (merge, then full or component patches, and which cids), for callers that just
// hold a container and receive diffs.
//
// Semantics kept from the client (docs/protocol.md §10, DOMPatch of each release):
//   - morphdom matching: children are matched by key — `id`, and from 1.0 `data-phx-id`
//     (magic ids; a join patch matches by `id` only) — else by position and tag; attributes
//     of a kept element are changed in place, new ones appended, gone ones removed; text
//     and comment nodes updated in place;
//   - phx-update="ignore" (children kept; attributes merged except the client's private
//     ones, per release), "append"/"prepend" (children with ids kept and re-ordered,
//     duplicates updated in place), "replace", and "stream" (0.20+: inserts at/limit,
//     reset, deletes, items kept across renders);
//   - components: ≤0.20 tag roots with data-phx-component; data-phx-skip placeholders keep
//     the element the DOM holds;
//   - nested views (data-phx-session / data-phx-parent-id of another view): only their own
//     attributes are merged (session and static kept), their children belong to their own
//     channel and are never touched; they are reported when added or removed;
//   - the focused form control keeps its current value (DOM.mergeFocusedInput);
//   - elements waiting for an ack (data-phx-ref ≤0.20, data-phx-ref-src/-lock 1.x) keep
//     their loading state: the pending attributes are carried over to the new markup;
//     ≤0.20 pending form controls and phx-disable-with elements are not patched at all;
//     a 1.x locked element (data-phx-ref-lock) is left as it is and its updates go to a
//     private clone, applied by unlock() when the lock's ack comes; view_dom::join drops
//     the view's own refs first (View.dropPendingRefs);
//   - phx-remove (0.18+): the element survives the morph and leaves at the end of the
//     patch, or — when its JS starts a timed transition — stays (pending_removes);
//   - ≤0.20 pruning cids (view_dom::add_pruning_cids) are rendered in full;
//   - a form that gets phx-trigger-action is reported (the caller submits it);
//   - phx-feedback-for (≤0.20): an element naming a control nobody has used (patch_options::
//     used) gets the class phx-no-feedback. ≤0.18 (DOM.discardError) looks the name up as
//     an id or name (0.18: or name + "[]") in the patch target as the morph goes, for each
//     element it morphs (onBeforeElUpdated) and each it adds (0.15.7: the root of an added
//     subtree before insertion; 0.18: every added element); 0.20 (DOM.maybeHideFeedback)
//     takes the named controls the morph added or updated (and the focused one) and, after
//     the morph, marks every element of the target naming one by name (or name without
//     "[]"). Taking the class off when a reply arrives is the caller's (DOM.showError).
//
// Streams per release: 0.20.1 inserts are a map, re-inserted items move to their `at`
// again and `limit` is applied when an item is added; 1.0 keeps an existing item where it
// is unless the stream was reset, and applies `limit` after each insert (a falsy limit is
// ignored); 1.2 also honours update_only inserts and treats limit 0 as "no items".
//
// Not modelled (lvh::dom keeps attributes, not live form state): the client's morphdom
// syncs the `checked`, `disabled` and `selected` properties and rewrites the attribute
// (to "" or removed) only when the live property differs from the new markup's — state a
// user changed (dirty checkedness / value / selectedness) is the forms layer's business,
// and here the attributes simply follow the markup; a focused select is compared by
// serialization (the client compares isEqualNode after copying the live value);
// phx-remove transitions across patches share the LiveSocket's TransitionSet in the
// client (a running transition defers every later phx-remove removal too) — the caller's
// clock; a locked element's nested locks (clones inside clones) are not carried over by
// unlock(); input[type=number] with badInput is never skipped (no validity state); where
// the client's phx-feedback-for lookup throws (a name that breaks its CSS selector, a
// looked-up element that is no form control or has no form, ≤0.18) the patch goes on.
//
// The container itself is never replaced: its own attributes (id, data-phx-session, …) are
// the caller's. Element pointers in a patch_report stay valid until the next patch of the
// same container; removed elements are owned by the report.
#pragma once

#include <lvh/dom/node.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/protocol/rendered.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lvh::sim {

/// What the document around the container looks like when a patch happens.
struct patch_options {
  /// document.activeElement, when it is inside the container (else ignored).
  const dom::node* focused = nullptr;
  /// The root view's id, written to nested views as data-phx-root-id; empty: the view's id.
  std::string root_id;
  /// LiveSocket's binding prefix ("phx-"): phx-update, phx-trigger-action, phx-remove,
  /// phx-feedback-for.
  std::string binding_prefix = "phx-";
  /// ≤0.20 phx-feedback-for: whether the client counts a form control as used — changed by
  /// the user (phx-has-focused), or submitted (phx-has-submitted: on its form ≤0.18, on the
  /// control itself 0.20). Unset: no control is.
  std::function<bool(const dom::node& control)> used;
  /// Containers of nested views that were destroyed while they stay in the DOM
  /// (DOM.markPhxChildDestroyed): morphdom keys them by nothing, so a render that shows the
  /// view again puts a fresh, empty container in place of the old one.
  const std::unordered_set<const dom::node*>* destroyed = nullptr;
};

/// A nested LiveView container seen by a patch.
struct nested_view {
  const dom::node* element = nullptr;  ///< in the container (added) or in `removed` (removed)
  std::string id;
  std::string session;    ///< data-phx-session
  std::string static_;    ///< data-phx-static
  std::string parent_id;  ///< data-phx-parent-id
  bool sticky = false;    ///< data-phx-sticky (1.x)
};

/// What a patch did, for hooks, component bookkeeping and nested joins. It tells where
/// things are when the patch ends: an element morphdom added or updated and then removed
/// again in the same patch is only listed as removed (if its removal is seen), and one it
/// discarded and then put back (by its key) is not listed as removed.
struct patch_report {
  /// Elements the patch inserted, in the order the client's onNodeAdded sees them
  /// (an inserted subtree: its root, then its descendants).
  std::vector<dom::node*> added;
  /// Elements kept and updated (onElUpdated, and ignored / focused / nested elements the
  /// client reports as updated), in the order the client reports them; may repeat.
  std::vector<dom::node*> updated;
  /// Elements that left the container (the roots and their discarded descendants), in the
  /// order the client's onNodeDiscarded sees them. They live in `removed_trees`.
  std::vector<const dom::node*> removed;
  std::vector<std::unique_ptr<dom::node>> removed_trees;
  /// Components one of whose elements was removed and which the container no longer
  /// shows anywhere (View.maybePushComponentsDestroyed's candidates), ascending.
  std::vector<int> removed_cids;
  /// Nested views the patch inserted (the client joins them) and removed (it leaves them).
  std::vector<nested_view> nested_added;
  std::vector<nested_view> nested_removed;
  /// Elements with phx-remove whose JS starts a timed transition: still in the container;
  /// the client removes them (all of this patch's phx-remove elements) when the transition
  /// ends. Without a timed transition they are removed by the patch (in `removed`).
  std::vector<dom::node*> pending_removes;
  /// A form that now carries phx-trigger-action: the client submits it over HTTP.
  dom::node* trigger_action = nullptr;
  /// The cid patches a components-only update applied (view_dom::update), in order.
  std::vector<int> patched_cids;
  enum class kind { none, full, components } patch = kind::none;
};

/// DOM.mergeAttrs(target, source) without options, as the release has it: the source's
/// attributes are set on the target (1.x: those whose value differs), the target's others
/// removed.
void merge_attributes(protocol::client_profile p, dom::node& target, const dom::node& source);

/// The DOM patcher of one view (DOMPatch). Holds the per-view state the client keeps
/// between patches (stream refs of inserted items). Untrusted markup is parsed as a
/// browser would; no input makes it throw or misbehave.
class view_patcher {
 public:
  view_patcher(protocol::client_profile profile, std::string view_id);
  view_patcher(const view_patcher&) = delete;
  view_patcher& operator=(const view_patcher&) = delete;
  view_patcher(view_patcher&&) noexcept;
  view_patcher& operator=(view_patcher&&) noexcept;
  ~view_patcher();

  protocol::client_profile profile() const noexcept;
  const std::string& view_id() const noexcept;

  /// The join render: `html` is rendered.to_string(); `streams` the stream instructions
  /// that render consumed (rendered.to_string's `streams` out parameter).
  patch_report join(dom::node& container, std::string_view html,
                    const std::vector<nlohmann::json>& streams = {},
                    const patch_options& = {});

  /// A full render after a diff that touches the view (to_string(&changed_cids, &streams)).
  patch_report full(dom::node& container, std::string_view html,
                    const std::vector<nlohmann::json>& streams = {},
                    const patch_options& = {});

  /// A component patch: `html` is component_to_string(cid). Does nothing (an empty report)
  /// when the container shows no element of `cid`.
  patch_report component(dom::node& container, int cid, std::string_view html,
                         const std::vector<nlohmann::json>& streams = {},
                         const patch_options& = {});
  /// The same with component_markup_of(cid): its parsed tree, when it has one, is patched
  /// in without serializing and parsing it again.
  patch_report component(dom::node& container, int cid, protocol::component_markup markup,
                         const std::vector<nlohmann::json>& streams = {},
                         const patch_options& = {});

  /// The update held back for an element waiting for an ack, nullptr when none: 1.x, the
  /// private clone a locked element's (data-phx-ref-lock) patches went to; ≤0.20, the
  /// last markup a pending form control or phx-disable-with element was not patched with.
  const dom::node* held_update(const dom::node& el) const;

  /// The ack of `undo_ref` releases `el` (1.x View.undoElRef: a DOMPatch of `el` with the
  /// clone, locks up to `undo_ref` no longer holding back; refused while a later
  /// data-phx-ref-lock is still on `el`. ≤0.20 View.undoRefs: DOMPatch.patchEl, a plain
  /// morph keeping the focused input's value — call it once loading's undo took the ref
  /// off). The held update is then forgotten. Ref attributes and classes are the caller's
  /// (loading.hpp). An empty report when nothing is held for `el`.
  patch_report unlock(dom::node& container, dom::node& el, long long undo_ref,
                      const patch_options& = {});

 private:
  struct state;
  std::unique_ptr<state> s_;
};

/// One view's rendered tree and DOM patcher: View.onJoin / View.update over a container.
class view_dom {
 public:
  view_dom(protocol::client_profile profile, std::string view_id);

  /// A join reply's `rendered`: a fresh tree (as a rejoin builds), join patch.
  protocol::result<patch_report> join(dom::node& container, protocol::diff d,
                                      const patch_options& = {});
  /// join() in the two halves of View.onJoin, which a rejoin recovering forms runs apart:
  /// render_join makes `d` the (fresh) tree, drops the view's pending refs and returns the
  /// markup with the stream instructions it consumed; patch_join applies them.
  protocol::result<std::string> render_join(dom::node& container, protocol::diff d,
                                            std::vector<nlohmann::json>& streams);
  patch_report patch_join(dom::node& container, std::string_view html,
                          const std::vector<nlohmann::json>& streams, const patch_options& = {});
  /// A diff: merged (on error nothing changes), then a full patch when it touches the view,
  /// component patches when it carries only components (the cids the release picks), or
  /// nothing. Title, events and reply are left in `d` for the caller.
  protocol::result<patch_report> update(dom::node& container, protocol::diff& d,
                                        const patch_options& = {});

  /// View.pruningCIDs (≤0.20): cids announced in cids_will_destroy whose reply has not
  /// arrived. A full render renders them in full (not skipped): they may be back. The
  /// caller adds a batch when it pushes cids_will_destroy and calls pruning_reply(batch) on
  /// the reply — the client then keeps only that batch's cids (its filter keeps what it
  /// means to drop), which is what this does too. 1.x has no such list (ignored).
  void add_pruning_cids(const std::vector<int>& batch);
  void pruning_reply(const std::vector<int>& batch);
  const std::vector<int>& pruning_cids() const noexcept { return pruning_; }

  bool joined() const noexcept { return joined_; }
  const protocol::rendered& tree() const noexcept { return tree_; }
  protocol::rendered& tree() noexcept { return tree_; }
  view_patcher& patcher() noexcept { return patcher_; }

 private:
  protocol::rendered tree_;
  view_patcher patcher_;
  std::vector<int> pruning_;
  bool joined_ = false;
  // Reused by every update (its cid bookkeeping), so a diff allocates none of it.
  struct update_scratch {
    std::vector<int> changed, cids, nested;
    std::vector<char> present;
    std::vector<dom::node*> nodes;
  } scratch_;
};

}  // namespace lvh::sim
