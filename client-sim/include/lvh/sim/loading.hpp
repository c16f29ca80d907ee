// The loading state the official client puts on elements while a push awaits its reply, and
// takes off when the reply arrives (its putRef / undoRefs).
//
// Per profile:
// - 0.15.7: class phx-<type>-loading and data-phx-ref="<ref>" on the marked elements;
//   phx-disable-with swaps the text (old text in data-phx-disable-with-restore); a submit
//   disables buttons (data-phx-disabled keeps the old state) and makes inputs readonly
//   (data-phx-readonly). Undo removes all of it from elements carrying that exact ref.
// - 0.18 / 0.20: the same plus data-phx-ref-src="<view id>"; phx-disable-with="" keeps the
//   text and also sets disabled. Undo matches ref and ref-src.
// - 1.0 / 1.2: data-phx-ref-loading / data-phx-ref-lock / data-phx-ref-src instead of
//   data-phx-ref; a reply undoes every ref up to and including its own (refs are ordered),
//   a locked element waits for its lock ref, phx-submit-loading stays while locked.
// The element's DOM updates that arrive while it is locked (1.x) are the patcher's business;
// `undo` reports the elements it unlocked so the caller can apply what it held back.
#pragma once

#include <lvh/protocol/profile.hpp>
#include <lvh/sim/bindings.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::dom {
class node;
}

namespace lvh::sim {

class loading_state {
 public:
  /// One per view: `view_id` is the container's id (data-phx-ref-src), refs count from 0
  /// as the client's `this.ref` does.
  loading_state(protocol::client_profile p, std::string view_id);

  /// Marks the elements the client marks for `req` (nothing for `kind::none`) and returns
  /// the ref taken (the client takes one even when it marks nothing). `document` is searched
  /// for `req.also` (a JS push `loading` selector) in the profiles that support it.
  std::uint64_t put_ref(dom::node& document, const loading_request& req);

  /// The reply to the push that took `ref` arrived: take its loading state off. Returns the
  /// elements whose lock this released (1.x) or whose ref it took off (≤0.20), for the
  /// patcher to apply the updates it held back for them (View.undoRefs).
  std::vector<dom::node*> undo(dom::node& document, std::uint64_t ref);
  /// `undo` without allocating once warm: the elements are returned in a buffer the state
  /// keeps, valid until its next undo.
  const std::vector<dom::node*>& undo_buffered(dom::node& document, std::uint64_t ref);

  /// The next ref put_ref will take.
  std::uint64_t next_ref() const noexcept { return next_ref_; }
  const std::string& view_id() const noexcept { return view_id_; }

 private:
  protocol::client_profile profile_;
  std::string view_id_;
  std::uint64_t next_ref_ = 0;
  // Reused by every undo (a reply's, on the click path): no allocation per reply.
  struct scratch {
    std::vector<dom::node*> stack, matches, unlocked;
    std::vector<std::string_view> tokens;
    std::string text;
    std::string class_name;  // put_ref's "phx-<type>-loading"
  } scratch_;
};

/// The loading classes the client adds (phx-click-loading, ...), in its order.
const std::vector<std::string>& loading_classes();

/// Whether `el` carries a pending-reply marker of any view (data-phx-ref-src in 0.18+,
/// data-phx-ref in 0.15.7): the 1.x clients ignore clicks on such elements.
bool is_pending(protocol::client_profile p, const dom::node& el);

}  // namespace lvh::sim
