// The HTML fragment serialization algorithm, as parse5 7.3.0 (jsdom 26.1.0's serializer)
// implements it: jsdom is the oracle our output must equal byte for byte.
#include <lvh/dom/html.hpp>

#include <string_view>
#include <utility>
#include <vector>

namespace lvh::dom {

namespace {

// By length first: these run for every element and text node written.
bool is_void_tag(std::string_view t) noexcept {
  switch (t.size()) {
    case 2: return t == "br" || t == "hr";
    case 3: return t == "col" || t == "img" || t == "wbr";
    case 4: return t == "area" || t == "base" || t == "link" || t == "meta";
    case 5: return t == "embed" || t == "frame" || t == "input" || t == "param" || t == "track";
    case 6: return t == "keygen" || t == "source";
    case 7: return t == "bgsound";
    case 8: return t == "basefont";
    default: return false;
  }
}

bool is_raw_text_tag(std::string_view t) noexcept {
  switch (t.size()) {
    case 3: return t == "xmp";
    case 5: return t == "style";
    case 6: return t == "script" || t == "iframe";
    case 7: return t == "noembed";
    case 8: return t == "noframes";
    case 9: return t == "plaintext";
    default: return false;
  }
}

bool is_void(const node& n) noexcept {
  return n.is_element() && n.element_namespace() == ns::html && is_void_tag(n.tag());
}

// Children of these are written unescaped. noscript is not among them: jsdom runs with
// scripting disabled unless asked (runScripts: "dangerously"), and parse5 then escapes it.
bool has_raw_text(const node* parent) noexcept {
  return parent && parent->is_element() && parent->element_namespace() == ns::html &&
         is_raw_text_tag(parent->tag());
}

// Appends `s`, replacing &, U+00A0 and either < > (text) or " (attribute values) — the
// escaping of the `entities` package that parse5 uses; attribute values keep < and >.
template <bool attribute_mode>
void append_escaped(std::string_view s, std::string& out) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    std::string_view rep;
    std::size_t width = 1;
    if (c == '&') {
      rep = "&amp;";
    } else if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
      rep = "&nbsp;";
      width = 2;
    } else if constexpr (attribute_mode) {
      if (c == '"') rep = "&quot;";
    } else {
      if (c == '<')
        rep = "&lt;";
      else if (c == '>')
        rep = "&gt;";
    }
    if (rep.empty()) continue;
    out.append(s.data() + run, i - run);
    out += rep;
    i += width - 1;
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

void write_start_tag(const node& e, std::string& out) {
  out += '<';
  out += e.tag();
  for (const attribute& a : e.attributes()) {
    out += ' ';
    out += a.name;
    out += "=\"";
    append_escaped<true>(a.value, out);
    out += '"';
  }
  out += '>';
}

void write_end_tag(const node& e, std::string& out) {
  out += "</";
  out += e.tag();
  out += '>';
}

// Writes one node that has no children to walk (or whose children the caller walks).
// Returns whether the caller should descend into `n`'s children.
bool write_open(const node& n, const node* parent, std::string& out) {
  switch (n.type()) {
    case node_type::element:
      write_start_tag(n, out);
      return !is_void(n);
    case node_type::text:
      if (has_raw_text(parent))
        out += n.data();
      else
        append_escaped<false>(n.data(), out);
      return false;
    case node_type::comment:
      out += "<!--";
      out += n.data();
      out += "-->";
      return false;
    case node_type::doctype:
      out += "<!DOCTYPE ";
      out += n.data();
      out += '>';
      return false;
    case node_type::document:
    case node_type::fragment:
      return true;
  }
  return false;
}

// Serializes the children of `root` in document order with an explicit stack, closing
// each element after its children.
void write_children(const node& root, std::string& out) {
  std::vector<std::pair<const node*, std::size_t>> stack;
  stack.emplace_back(&root, 0);
  while (!stack.empty()) {
    auto& [parent, next] = stack.back();
    if (next == parent->child_count()) {
      const node* done = parent;
      stack.pop_back();
      if (!stack.empty() && done->is_element()) write_end_tag(*done, out);
      continue;
    }
    const node& c = *parent->children()[next++];
    const node* p = parent;  // `parent` may dangle once the stack grows
    if (write_open(c, p, out)) {
      if (c.child_count() != 0)
        stack.emplace_back(&c, 0);
      else if (c.is_element())
        write_end_tag(c, out);
    }
  }
}

}  // namespace

void serialize_children(const node& n, std::string& out) {
  if (is_void(n)) return;  // as parse5: a void element's innerHTML is empty
  write_children(n, out);
}

std::string serialize_children(const node& n) {
  std::string out;
  serialize_children(n, out);
  return out;
}

void serialize(const node& n, std::string& out) {
  if (!write_open(n, n.parent(), out)) return;
  write_children(n, out);
  if (n.is_element()) write_end_tag(n, out);
}

std::string serialize(const node& n) {
  std::string out;
  serialize(n, out);
  return out;
}

}  // namespace lvh::dom
