// Usage errors of the client simulator and the test API built on it: what a test did wrong
// (a selector that matched nothing, a click on an element without a binding, a form value
// that is not among a select's options), as opposed to what the server did wrong.
//
// Each error has a stable id (tests and tools match on it, never on the wording), a message
// in the manner of Phoenix.LiveViewTest's, and the HTML that was searched. what() is
// "[lvh.usage.<id>] <message>" followed by the HTML, so a failing test explains itself.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lvh::sim {

/// The catalogue. Ids never change once published; add new ones at the end.
enum class usage_errc : unsigned char {
  selector_no_match = 1,  ///< the selector matched no element
  selector_many,          ///< the selector matched several elements where one was required
  text_filter_none,       ///< the selector matched, but no element had the filtered text
  text_filter_many,       ///< several matched elements had the filtered text
  element_disabled,       ///< the element has the `disabled` attribute
  no_binding,             ///< the element has no phx-<event> binding (nor href, for a link click)
  not_a_form,             ///< form values given, or a form action, on an element that is not a form
  not_in_form,            ///< phx-change/phx-submit used on an element outside a form
  unknown_field,          ///< no enabled input, select or textarea has that name
  disabled_field,         ///< the named field exists but every such field is disabled
  forbidden_field,        ///< a value was given for a submit or image input (never submitted)
  value_not_in_options,   ///< a value not among a select's, radio's, checkbox's or hidden's values
  invalid_submitter,      ///< the submitter is missing, nameless, disabled or not a submit button
  bad_selector,           ///< the selector does not parse (or uses unsupported syntax)
  bad_value,              ///< a form value of a shape forms cannot hold (e.g. a list of maps)
  no_hook,                ///< a hook event on an element without phx-hook, or a hook without id
  no_element,             ///< a handle to an element that is no longer in the DOM
};

/// The stable id, e.g. "selector_no_match".
std::string_view to_id(usage_errc code) noexcept;

class usage_error : public std::runtime_error {
 public:
  /// `message` is one or two sentences without the HTML; `html` is what was searched.
  usage_error(usage_errc code, std::string message, std::string html = {});

  usage_errc code() const noexcept { return code_; }
  std::string_view id() const noexcept { return to_id(code_); }
  /// The message alone, without id and HTML.
  const std::string& message() const noexcept { return message_; }
  /// The HTML that was searched, or the elements in question when several matched (may be
  /// empty).
  const std::string& html() const noexcept { return html_; }

 private:
  usage_errc code_;
  std::string message_;
  std::string html_;
};

/// A string quoted for messages as Elixir's inspect shows it ("a\"b"). (Not named `quoted`:
/// ADL would find std::quoted for std::string arguments.)
std::string inspect_string(std::string_view s);

}  // namespace lvh::sim
