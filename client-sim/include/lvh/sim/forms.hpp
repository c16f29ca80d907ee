// Forms as a browser sees them: which controls belong to a form, their current values, and
// the entry list that `new FormData(form, submitter)` builds (HTML standard, "constructing
// the entry list"), serialized as URLSearchParams does. The official LiveView client
// serializes forms this way, so phx-change/phx-submit payloads start here.
//
// Our DOM holds attributes only. A control's current value comes from its attributes (value,
// checked, selected, the textarea's text) unless a form_state overlay says otherwise: the
// overlay is the browser's "dirty" state (what the user typed, ticked or picked), which
// attribute changes from patches no longer affect — exactly as in a browser.
//
// Known simplifications: form ownership follows ancestry and the form attribute only (not
// the parser's form pointer for mis-nested markup); no files are ever selected; an image
// submitter's coordinates are given by the caller; `dirname` directionality looks at `dir`
// attributes and, for dir=auto, the value's first strong character.
//
// Checked against jsdom's FormData (client-sim/test/golden/forms.json). Where jsdom departs
// from the standard we follow the standard, as browsers do: `_charset_` hidden inputs send
// "UTF-8", options that are disabled (or in a disabled optgroup) are not sent even when
// selected, dirname sends the real directionality, range inputs use their min/max/step.
#pragma once

#include <lvh/dom/node.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lvh::sim {

/// The user's edits on top of the DOM's attributes, keyed by element. The caller must
/// forget() elements before they are destroyed (or prune() after patching): entries are
/// keyed by address.
class form_state {
 public:
  /// What the user typed into an input or textarea (the dirty value).
  void set_value(const dom::node& control, std::string value);
  /// Ticks or unticks a checkbox or radio. Ticking a radio unticks the other radios of its
  /// group (same name, same form owner, same tree).
  void set_checked(const dom::node& input, bool checked);
  /// Picks or unpicks an option. Picking an option of a single select unpicks the others.
  void set_selected(const dom::node& option, bool selected);

  const std::string* value(const dom::node& control) const;
  std::optional<bool> checked(const dom::node& input) const;
  std::optional<bool> selected(const dom::node& option) const;

  /// Drops `n` and its descendants.
  void forget(const dom::node& n);
  /// Drops every entry whose element is not `root` or one of its descendants.
  void prune(const dom::node& root);
  /// Form reset: drops the entries of the form's controls and their options.
  void reset(const dom::node& form);
  void clear() noexcept { entries_.clear(); }
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::optional<std::string> value;
    std::optional<bool> checked;
    std::optional<bool> selected;
  };
  std::unordered_map<const dom::node*, entry> entries_;
};

// -- controls, as the HTML standard defines them -------------------------------------------

/// An input's type keyword in lower case; missing or unknown types are "text".
std::string input_type(const dom::node& input);
/// button, fieldset, input, object, output, select, textarea (HTML elements).
bool is_listed(const dom::node& el);
/// button, input, object, select, textarea (HTML elements).
bool is_submittable(const dom::node& el);
/// <button> of type submit (the default), <input type=submit> or <input type=image>.
bool is_submit_button(const dom::node& el);
/// The form a listed element belongs to: with a `form` attribute, the first element of its
/// tree with that id if it is a form (else none); otherwise the nearest ancestor form.
const dom::node* form_owner(const dom::node& el);
/// Disabled as forms see it: the `disabled` attribute, or inside a disabled fieldset but not
/// in its first legend. An option is disabled by its own attribute or its optgroup's.
bool is_disabled(const dom::node& el);
/// The form's listed elements (those whose owner is `form`), in tree order.
std::vector<const dom::node*> form_controls(const dom::node& form);

/// The value as the `value` IDL attribute gives it: for inputs the dirty value or the
/// attribute, after the type's value sanitization (number, email, color, date, …); for a
/// checkbox/radio the attribute or "on"; for a textarea the dirty value or its text
/// (newlines normalized to LF); for a select the first selected option's value.
std::string current_value(const dom::node& control, const form_state* state = nullptr);
/// Checkedness of a checkbox or radio: the overlay, else the `checked` attribute (of the
/// radios of one group that carry it, only the last one in tree order is checked).
bool is_checked(const dom::node& input, const form_state* state = nullptr);
/// The select's list of options: its option children and those of its optgroup children.
std::vector<const dom::node*> options_of(const dom::node& select);
/// The option's value: its `value` attribute, else its text with whitespace collapsed.
std::string option_value(const dom::node& option);
/// Selectedness with the select's rules: overlay, else the `selected` attribute (the last
/// one wins in a single select); a single select of display size 1 with nothing selected
/// selects its first non-disabled option.
bool is_selected(const dom::node& option, const form_state* state = nullptr);

// -- the entry list ------------------------------------------------------------------------

struct form_entry {
  std::string name;
  std::string value;   ///< for a file entry: the file name (always "": no file is selected)
  bool is_file = false;

  friend bool operator==(const form_entry&, const form_entry&) = default;
};

struct submitter_options {
  const dom::node* submitter = nullptr;
  /// Coordinates sent for an image button submitter.
  int x = 0;
  int y = 0;
};

/// `new FormData(form, submitter)`'s entries. Throws usage_error not_a_form when `form` is
/// not a <form>, invalid_submitter when the submitter is not a submit button of this form.
std::vector<form_entry> construct_entry_list(const dom::node& form, const form_state* state = nullptr,
                                             const submitter_options& submitter = {});

/// application/x-www-form-urlencoded as URLSearchParams.toString() writes it: UTF-8 bytes,
/// space as '+', `*-._` and alphanumerics kept, everything else %XX (upper case).
std::string urlencode(const std::vector<form_entry>& entries);
/// One name or value, encoded as above, appended to `out`.
void urlencode_append(std::string& out, std::string_view bytes);

}  // namespace lvh::sim
