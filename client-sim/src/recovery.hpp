// Which forms the official client recovers when a view rejoins, per profile (the browser
// pushes them with bindings.hpp's recover_form before it shows the join's render).
//
// ≤0.20 (View.formsForRecovery): the view's own forms with phx-change in the DOM as the user
// left it, not phx-auto-recover="ignore", with controls, found again in the join's render by a
// selector the client builds from the form's values (0.18+: and its id). 0.20.1 recovers a
// form the render no longer has too.
// 1.x (getFormsForRecovery / maybeRecoverForms): the root view copies every form with an id
// and phx-change under its container when it rejoins; each view then recovers the forms of
// its render whose id is among the copies and whose phx-change is the copy's.
#pragma once

#include <lvh/dom/node.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/sim/bindings.hpp>
#include <lvh/sim/forms.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::sim::detail {

/// The join's render as the client's <template> holds it: `<tag>html</tag>` parsed as
/// template contents. Returns the fragment; its first element child is the render's root.
std::unique_ptr<dom::node> render_template(std::string_view tag, std::string_view html);
/// The fragment's first element child, or null.
dom::node* first_element(const dom::node& fragment);

struct recovery_form {
  dom::node* form = nullptr;              ///< in the document (≤0.20) or a copy (1.x)
  const dom::node* new_form = nullptr;    ///< in the render (0.20: may be `form` itself)
};

struct recovery_list {
  std::vector<recovery_form> forms;
  /// ≤0.20: the selector the client builds is not valid CSS (a `"` or a line break in the
  /// form's id or event): querySelector throws and the join never completes.
  std::optional<std::string> throws;
};

/// ≤0.20 View.formsForRecovery over the view's container `view_el` and the render's template.
recovery_list forms_for_recovery(protocol::client_profile p, dom::node& view_el,
                                 const std::string& view_id, const dom::node& render);

/// 1.x View.formsForRecovery: copies of the forms as the user left them, by id, with the
/// values and interaction flags of their controls.
struct form_copies {
  std::vector<std::unique_ptr<dom::node>> trees;  // one fragment per copy
  std::map<std::string, dom::node*> by_id;
  form_state forms;
  interaction_state interactions;
};

/// getFormsForRecovery of a root view (1.0: its container's forms' controls copied into a
/// bare copy of each form; 1.2: a deep copy, controls elsewhere with form="id" moved to its
/// end). `document` is searched for those.
std::shared_ptr<form_copies> copy_forms(protocol::client_profile p, const dom::node& view_el,
                                        const dom::node& document, const form_state* forms,
                                        const interaction_state* interactions);

/// 1.x maybeRecoverForms' list: the render's forms with an id among `copies`, not pending,
/// and the copy's phx-change; each paired with its copy.
recovery_list forms_to_recover(const form_copies& copies, const dom::node& render,
                               const std::set<std::string>& pending);

}  // namespace lvh::sim::detail
