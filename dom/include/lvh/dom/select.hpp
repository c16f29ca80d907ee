// CSS selectors over lvh::dom trees, matched as a browser matches them in an HTML document
// (standards mode): querySelectorAll, matches and closest.
//
// Supported: type and `*`, `#id`, `.class`, attribute selectors `[a]` `[a=v]` `[a~=v]`
// `[a|=v]` `[a^=v]` `[a$=v]` `[a*=v]` (values quoted or not — unquoted values may start
// with a digit, `[data-id=2]`, as jsdom and LiveViewTest allow — with ` i` / ` s` flags), the
// combinators descendant, `>`, `+`, `~`, selector lists, `:not()` `:is()` `:where()` (taking
// selector lists), `:first-child` `:last-child` `:only-child` `:nth-child()`
// `:nth-last-child()` `:first-of-type` `:last-of-type` `:only-of-type` `:nth-of-type()`
// `:nth-last-of-type()` `:root` `:empty` `:scope`, CSS escapes in names and strings, and
// comments. As CSS does, the end of the text closes open strings, brackets and parentheses.
// Anything else (pseudo-elements, other pseudo-classes, `:has()`, namespaces, `of S` in
// :nth-child) is a selector_error naming the position, never a silent miss.
//
// Browser rules kept: HTML element and attribute names match case-insensitively on HTML
// elements and exactly on SVG/MathML ones; the values of the attributes HTML lists as
// case-insensitive (type, method, checked, …) compare ASCII case-insensitively; classes and
// ids are case-sensitive. Matching stays inside the element's tree: a <template>'s content
// is a separate tree (searching never enters a template, not even as the root, and an
// element in template content has no ancestors above it), as in the DOM.
//
// Where jsdom (nwsapi) departs from the CSS standards we follow the standards; the cases are
// listed in dom/test/select_test.cpp.
#pragma once

#include <lvh/dom/node.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::dom {

enum class selector_errc : unsigned char {
  empty = 1,             ///< nothing (or only whitespace/commas) where a selector was expected
  unexpected_token,      ///< a character that cannot start or continue a selector here
  bad_attribute,         ///< malformed `[...]`
  unterminated_string,   ///< a quoted string without its closing quote
  bad_nth,               ///< an argument of :nth-*() that is not `an+b`, odd or even
  unsupported_pseudo,    ///< a pseudo-class this engine does not implement (e.g. :has, :hover)
  pseudo_element,        ///< `::before` and friends: never match an element
  unsupported_namespace, ///< `ns|name`, `*|*`
};

/// Why a selector did not parse, and where (a byte offset into `text`).
struct selector_error {
  selector_errc code{};
  std::size_t position = 0;
  std::string text;    ///< the whole selector as given
  std::string detail;  ///< e.g. the name of the unsupported pseudo-class

  /// One line, e.g. `unsupported pseudo-class ":hover" at 4 in "div:hover"`.
  std::string message() const;
};

/// Thrown only by the throwing conveniences (selector::parse_or_throw, result::value()).
class selector_exception : public std::invalid_argument {
 public:
  explicit selector_exception(selector_error e);
  const selector_error& error() const noexcept { return error_; }

 private:
  selector_error error_;
};

/// Found by ADL from boost::system::result<selector, selector_error>::value().
[[noreturn]] void throw_exception_from_error(const selector_error& e, const boost::source_location& loc);

namespace detail {
struct selector_list;
struct selector_factory;
}

/// A parsed selector list; cheap to copy (shared, immutable).
class selector {
 public:
  using result = boost::system::result<selector, selector_error>;

  /// Parses a selector list. Never throws on bad input.
  static result parse(std::string_view text);
  /// Parses, or throws selector_exception.
  static selector parse_or_throw(std::string_view text);

  /// The text it was parsed from.
  const std::string& text() const noexcept;

  const detail::selector_list& list() const noexcept { return *list_; }

 private:
  friend struct detail::selector_factory;
  explicit selector(std::shared_ptr<const detail::selector_list> l) : list_(std::move(l)) {}
  std::shared_ptr<const detail::selector_list> list_;
};

/// Whether the element `el` matches (false for non-elements). `:scope` is `el` itself.
bool matches(const node& el, const selector& sel);

/// The elements among root's descendants (not root itself) that match, in document order,
/// as root.querySelectorAll does. Combinators may reach above root. `:scope` is root (for
/// a document, its root element; for a fragment, nothing).
std::vector<node*> query_all(const node& root, const selector& sel);

/// The first of query_all, or nullptr.
node* query_first(const node& root, const selector& sel);

/// `el` itself or its nearest ancestor element that matches, or nullptr.
node* closest(node& el, const selector& sel);
const node* closest(const node& el, const selector& sel);

/// The parent element as selectors see it: nullptr above an element in template content.
const node* parent_element(const node& n) noexcept;

}  // namespace lvh::dom
