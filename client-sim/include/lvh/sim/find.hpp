// LiveViewTest-style lookups and form filling, with usage errors instead of silent misses.
//
//   auto& button = lvh::sim::find_one(container, "button.save", "Save");
//   lvh::sim::fill_in(form, {{"user", {{"name", "Ann"}}}}, state);   // validated like
//                                                                   // render_change/submit
#pragma once

#include <lvh/dom/node.hpp>
#include <lvh/sim/errors.hpp>
#include <lvh/sim/forms.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::sim {

/// Narrows the elements a selector matched by their text content: a substring, or a regex
/// searched anywhere in the text (ECMAScript syntax). Empty = no filter.
class text_filter {
 public:
  text_filter() = default;
  text_filter(std::string substring);  // NOLINT(google-explicit-constructor): reads like LVT
  text_filter(const char* substring);  // NOLINT(google-explicit-constructor)
  static text_filter regex(std::string pattern,
                           std::regex::flag_type flags = std::regex::ECMAScript);

  bool empty() const noexcept { return kind_ == kind::none; }
  bool matches(std::string_view text) const;
  /// As messages show it: "\"Save\"" or "~r/Sa.e/".
  std::string describe() const;

 private:
  enum class kind : unsigned char { none, substring, regex };
  kind kind_ = kind::none;
  std::string text_;
  std::shared_ptr<const std::regex> regex_;
};

/// The elements below `root` matching `selector` whose text passes `filter`, in document
/// order; none is not an error. Throws usage_error bad_selector.
std::vector<dom::node*> find_all(const dom::node& root, std::string_view selector,
                                 const text_filter& filter = {});

/// Exactly one element below `root`, or usage_error: selector_no_match, selector_many,
/// text_filter_none, text_filter_many, bad_selector. The error's html() is root's inner HTML.
dom::node& find_one(const dom::node& root, std::string_view selector, const text_filter& filter = {});

/// LiveViewTest's has_element?: false when nothing matches, true when one or more do.
bool has_element(const dom::node& root, std::string_view selector, const text_filter& filter = {});

/// Applies `values` (a JSON object of strings, numbers, booleans, lists of those and nested
/// objects, named as Plug names fields: {"user": {"tags": ["a"]}} is `user[tags][]`) onto
/// `state` as a user filling in `form` would: text fields get the value, checkboxes and
/// radios whose value is given get ticked (the others of that name unticked), options get
/// picked. Checks first, changes nothing on error (usage_error): not_a_form, unknown_field
/// (no field of that name), disabled_field (all fields of that name disabled),
/// forbidden_field (submit, image, file, reset and button fields), value_not_in_options
/// (when every field of that name is a select, radio, checkbox or hidden input and the
/// value is none of theirs), bad_value (a list or value forms cannot hold, or more list
/// values than text fields). Disabled means as forms see it (attribute or disabled
/// fieldset), a little stricter than LiveViewTest, which reads the attribute only.
void fill_in(const dom::node& form, const nlohmann::json& values, form_state& state);

/// The usage check LiveViewTest makes before an event: element_disabled when `el` has the
/// `disabled` attribute (the message names `action` and `selector`).
void check_enabled(const dom::node& el, std::string_view action, std::string_view selector);

/// The submitter for render_submit: exactly one element below `form`'s tree that matches
/// `selector` and belongs to `form` (`form=` owners included), with a name, enabled and a
/// submit button; else usage_error invalid_submitter (not_a_form when `form` is not a form).
const dom::node& find_submitter(const dom::node& form, std::string_view selector);

}  // namespace lvh::sim
