#include <lvh/dom/node.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace lvh::dom {

namespace {

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

// Whether `stored` names the attribute `query` asks for: the same name, or (`fold`) the
// same once ASCII upper case in `query` is lowered. Lookups are frequent and names short,
// so the sizes and first characters reject most candidates before any comparison call.
inline bool name_matches(const std::string& stored, std::string_view query, bool fold) noexcept {
  const std::size_t n = stored.size();
  if (n != query.size()) return false;
  if (n == 0) return true;
  const char* s = stored.data();
  const char* q = query.data();
  if (s[0] == q[0] && std::char_traits<char>::compare(s, q, n) == 0) return true;
  if (!fold || s[0] != ascii_lower(q[0])) return false;
  for (std::size_t i = 1; i < n; ++i)
    if (s[i] != ascii_lower(q[i])) return false;
  return true;
}

bool is_template(const node& n) noexcept {
  return n.is_element() && n.element_namespace() == ns::html && n.tag() == "template";
}

bool can_have_children(node_type t) noexcept {
  return t == node_type::document || t == node_type::fragment || t == node_type::element;
}

// Freed nodes kept for reuse, up to a bound, per thread: every patch builds a tree of the
// page's markup and drops one of the same shape, and malloc and free were a tenth of a
// click's work. Off under AddressSanitizer, which must see every node freed.
#if defined(__SANITIZE_ADDRESS__)
#define LVH_DOM_NODE_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LVH_DOM_NODE_CACHE 0
#endif
#endif
#ifndef LVH_DOM_NODE_CACHE
#define LVH_DOM_NODE_CACHE 1
#endif

struct node_cache {
  static constexpr std::size_t capacity = 256;
  void* slots[capacity];
  std::size_t size = 0;
  ~node_cache();
};
// Nodes can outlive the cache (a static tree destroyed at exit): once it is gone, they go
// straight back to the allocator. A plain flag, so it can still be read then.
thread_local bool cache_gone = false;
thread_local node_cache free_nodes;

node_cache::~node_cache() {
  cache_gone = true;
  while (size != 0) ::operator delete(slots[--size]);
}

}  // namespace

void* node::operator new(std::size_t size) {
  if (LVH_DOM_NODE_CACHE && size == sizeof(node) && !cache_gone && free_nodes.size != 0)
    return free_nodes.slots[--free_nodes.size];
  return ::operator new(size);
}

void node::operator delete(void* p, std::size_t size) noexcept {
  if (LVH_DOM_NODE_CACHE && size == sizeof(node) && !cache_gone &&
      free_nodes.size < node_cache::capacity) {
    free_nodes.slots[free_nodes.size++] = p;
    return;
  }
  ::operator delete(p);  // unsized: clang 14 declares the sized one only with -fsized-deallocation
}

node::node(node_type t, std::string&& name, ns space) : type_(t), ns_(space), name_(std::move(name)) {}

node::~node() {
  if (children_.empty()) return;
  std::vector<std::unique_ptr<node>> pending = std::move(children_);
  destroy_iteratively(pending);
}

// Children are unlinked onto an explicit stack, so every node reaches its destructor
// childless and destroying a deep tree never recurses.
void node::destroy_iteratively(std::vector<std::unique_ptr<node>>& pending) {
  while (!pending.empty()) {
    std::unique_ptr<node> n = std::move(pending.back());
    pending.pop_back();
    for (auto& c : n->children_) pending.push_back(std::move(c));
    n->children_.clear();
  }
}

std::unique_ptr<node> node::make_document() {
  return std::unique_ptr<node>(new node(node_type::document, {}, ns::html));
}
std::unique_ptr<node> node::make_fragment() {
  return std::unique_ptr<node>(new node(node_type::fragment, {}, ns::html));
}
std::unique_ptr<node> node::make_element(std::string tag, ns space) {
  return std::unique_ptr<node>(new node(node_type::element, std::move(tag), space));
}
std::unique_ptr<node> node::make_text(std::string data) {
  return std::unique_ptr<node>(new node(node_type::text, std::move(data), ns::html));
}
std::unique_ptr<node> node::make_comment(std::string data) {
  return std::unique_ptr<node>(new node(node_type::comment, std::move(data), ns::html));
}
std::unique_ptr<node> node::make_doctype(std::string name) {
  return std::unique_ptr<node>(new node(node_type::doctype, std::move(name), ns::html));
}

std::unique_ptr<node> node::clone() const {
  auto copy_one = [](const node& n) {
    auto c = std::unique_ptr<node>(new node(n.type_, std::string(n.name_), n.ns_));
    c->attrs_ = n.attrs_;
    c->children_.reserve(n.children_.size());
    return c;
  };
  std::unique_ptr<node> root = copy_one(*this);
  // (source, copy) pairs whose children still have to be copied.
  std::vector<std::pair<const node*, node*>> work{{this, root.get()}};
  while (!work.empty()) {
    auto [src, dst] = work.back();
    work.pop_back();
    for (const auto& c : src->children_) {
      std::unique_ptr<node> cc = copy_one(*c);
      cc->parent_ = dst;
      if (!c->children_.empty()) work.emplace_back(c.get(), cc.get());
      dst->children_.push_back(std::move(cc));
    }
  }
  return root;
}

// The DOM lowercases the name given to get/set/removeAttribute on HTML elements; doing the
// same keeps the client simulator's view of attributes identical to a browser's.
const std::string* node::get_attribute(std::string_view name) const noexcept {
  const bool fold = ns_ == ns::html;
  for (const auto& a : attrs_)
    if (name_matches(a.name, name, fold)) return &a.value;
  return nullptr;
}

void node::set_attribute(std::string_view name, std::string_view value) {
  const bool fold = ns_ == ns::html;
  for (auto& a : attrs_) {
    if (name_matches(a.name, name, fold)) {
      a.value.assign(value);
      return;
    }
  }
  append_attribute(name, value);
  if (fold)
    for (char& c : attrs_.back().name) c = ascii_lower(c);
}

void node::append_attribute(std::string_view name, std::string_view value) {
  if (attrs_.empty()) attrs_.reserve(4);  // most elements have a few: no regrowth on the way
  // Copied before the vector may grow: `name` or `value` may view one of its attributes.
  attrs_.push_back({std::string(name), std::string(value)});
}

bool node::remove_attribute(std::string_view name) {
  for (auto it = attrs_.begin(); it != attrs_.end(); ++it) {
    if (name_matches(it->name, name, ns_ == ns::html)) {
      attrs_.erase(it);
      return true;
    }
  }
  return false;
}

void node::check_child(const node& n) const {
  if (!can_have_children(type_) || n.type_ == node_type::document)
    throw std::invalid_argument("lvh::dom::node::insert_child: node cannot hold that child");
}

// What parsers do for every node: no insertion in the middle to consider.
node& node::append_child(std::unique_ptr<node> n) {
  if (!n) throw std::invalid_argument("lvh::dom::node::insert_child: null node");
  check_child(*n);
  n->parent_ = this;
  if (children_.empty()) children_.reserve(4);  // as with attributes: fewer regrowths
  return *children_.emplace_back(std::move(n));
}

node& node::insert_child(std::size_t index, std::unique_ptr<node> n) {
  if (!n) throw std::invalid_argument("lvh::dom::node::insert_child: null node");
  check_child(*n);
  if (index > children_.size()) throw std::out_of_range("lvh::dom::node::insert_child: index");
  n->parent_ = this;
  if (children_.empty()) children_.reserve(4);
  return **children_.insert(children_.begin() + std::ptrdiff_t(index), std::move(n));
}

std::unique_ptr<node> node::replace_child(std::size_t index, std::unique_ptr<node> n) {
  if (!n) throw std::invalid_argument("lvh::dom::node::replace_child: null node");
  if (n->type_ == node_type::document)
    throw std::invalid_argument("lvh::dom::node::replace_child: node cannot hold that child");
  std::unique_ptr<node>& slot = children_.at(index);
  n->parent_ = this;
  std::unique_ptr<node> old = std::exchange(slot, std::move(n));
  old->parent_ = nullptr;
  return old;
}

std::unique_ptr<node> node::remove_child(std::size_t index) {
  if (index >= children_.size()) throw std::out_of_range("lvh::dom::node::remove_child: index");
  std::unique_ptr<node> old = std::move(children_[index]);
  children_.erase(children_.begin() + std::ptrdiff_t(index));
  old->parent_ = nullptr;
  return old;
}

void node::clear_children() noexcept {
  std::vector<std::unique_ptr<node>> old = std::move(children_);
  children_.clear();
  destroy_iteratively(old);
}

std::size_t node::index_in_parent() const noexcept {
  if (!parent_) return 0;
  const auto& siblings = parent_->children_;
  for (std::size_t i = 0; i < siblings.size(); ++i)
    if (siblings[i].get() == this) return i;
  return 0;
}

// A template's content is not among its DOM descendants, so it contributes nothing.
std::string node::text_content() const {
  if (type_ == node_type::text || type_ == node_type::comment) return name_;
  if (type_ == node_type::doctype || type_ == node_type::document || is_template(*this)) return {};
  std::string out;
  // Pre-order walk with an explicit stack of (node, next child index).
  std::vector<std::pair<const node*, std::size_t>> stack{{this, 0}};
  while (!stack.empty()) {
    auto& [n, i] = stack.back();
    if (i == n->children_.size()) {
      stack.pop_back();
      continue;
    }
    const node& c = *n->children_[i++];
    if (c.type_ == node_type::text)
      out += c.name_;
    else if (!c.children_.empty() && !is_template(c))
      stack.emplace_back(&c, 0);
  }
  return out;
}

}  // namespace lvh::dom
