// A mutable HTML DOM: the tree the client simulator patches, and what component HTML is
// normalized through (parse as a <template> fragment, edit, serialize) the way a browser does.
//
// Nodes own their children. An element's attributes keep their order: setting an existing
// attribute changes it in place, a new one is appended — as browsers and morphdom do, which
// is visible in serialized HTML.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::dom {

enum class node_type : unsigned char { document, fragment, element, text, comment, doctype };

/// Namespace of an element: HTML, or foreign content (SVG, MathML).
enum class ns : unsigned char { html, svg, mathml };

struct attribute {
  std::string name;  ///< qualified name as serialized, e.g. "class", "xlink:href"
  std::string value;
};

class node {
 public:
  ~node();
  // Nodes come and go by the tree (a patch parses a page and drops the one before): freed
  // ones are kept for the next few, per thread (see node.cpp).
  static void* operator new(std::size_t size);
  static void operator delete(void* p, std::size_t size) noexcept;
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  static std::unique_ptr<node> make_document();
  static std::unique_ptr<node> make_fragment();
  static std::unique_ptr<node> make_element(std::string tag, ns space = ns::html);
  static std::unique_ptr<node> make_text(std::string data);
  static std::unique_ptr<node> make_comment(std::string data);
  static std::unique_ptr<node> make_doctype(std::string name);

  /// A deep copy, detached (no parent).
  std::unique_ptr<node> clone() const;

  node_type type() const noexcept { return type_; }
  bool is_element() const noexcept { return type_ == node_type::element; }
  bool is_text() const noexcept { return type_ == node_type::text; }

  // -- elements --------------------------------------------------------------------------
  /// Local name: lower case for HTML elements, case-adjusted for SVG (e.g. "foreignObject").
  const std::string& tag() const noexcept { return name_; }
  ns element_namespace() const noexcept { return ns_; }
  const std::vector<attribute>& attributes() const noexcept { return attrs_; }
  /// The attribute's value, or nullptr when the element has no such attribute. As in the
  /// DOM, on HTML elements `name` is matched with ASCII upper case lowered (parsed
  /// attribute names are lower case); on SVG/MathML elements exactly.
  const std::string* get_attribute(std::string_view name) const noexcept;
  bool has_attribute(std::string_view name) const noexcept {
    return get_attribute(name) != nullptr;
  }
  /// Changes the value in place when present, else appends the attribute (lower-cased on
  /// HTML elements, as setAttribute does).
  void set_attribute(std::string_view name, std::string_view value);
  /// For parsers: appends an attribute the element does not have yet, its name already in
  /// the case the element keeps (lower case on HTML elements), without set_attribute's
  /// search and case folding.
  void append_attribute(std::string_view name, std::string_view value);
  /// Returns whether the attribute was present.
  bool remove_attribute(std::string_view name);

  // -- text, comment, doctype ------------------------------------------------------------
  /// Character data of a text or comment node; the name of a doctype.
  const std::string& data() const noexcept { return name_; }
  void set_data(std::string data) { name_ = std::move(data); }
  /// DOM CharacterData.appendData.
  void append_data(std::string_view more) { name_.append(more); }

  // -- tree ------------------------------------------------------------------------------
  node* parent() const noexcept { return parent_; }
  /// Children in order. For a <template> element these are its content's children.
  const std::vector<std::unique_ptr<node>>& children() const noexcept { return children_; }
  std::size_t child_count() const noexcept { return children_.size(); }
  node& child(std::size_t i) const { return *children_.at(i); }

  /// Tree edits throw std::invalid_argument for a null node, a document as child or a
  /// parent that cannot have children (text, comment, doctype), and std::out_of_range for
  /// a bad index: these are programming errors, not input errors.
  node& append_child(std::unique_ptr<node> n);
  node& insert_child(std::size_t index, std::unique_ptr<node> n);
  /// Puts `n` at `index`, returning the node that was there.
  std::unique_ptr<node> replace_child(std::size_t index, std::unique_ptr<node> n);
  std::unique_ptr<node> remove_child(std::size_t index);
  void clear_children() noexcept;
  /// Position among the parent's children (0 when detached).
  std::size_t index_in_parent() const noexcept;

  /// Concatenated data of descendant text nodes (DOM textContent). As in the DOM, a
  /// <template>'s children (its content) do not count.
  std::string text_content() const;

 private:
  node(node_type t, std::string&& name, ns space);  // one move from the factories, not two
  static void destroy_iteratively(std::vector<std::unique_ptr<node>>& pending);
  void check_child(const node& n) const;  // throws as documented for tree edits
  node_type type_;
  ns ns_ = ns::html;
  std::string name_;  // tag name, or character data / doctype name
  std::vector<attribute> attrs_;
  std::vector<std::unique_ptr<node>> children_;
  node* parent_ = nullptr;
};

}  // namespace lvh::dom
