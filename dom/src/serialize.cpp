// The HTML fragment serialization algorithm, as parse5 7.3.0 (jsdom 26.1.0's serializer)
// implements it: jsdom is the oracle our output must equal byte for byte.
#include <lvh/dom/html.hpp>

#include <lvh/dom/ascii.hpp>

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

void write_attribute(std::string_view name, std::string_view value, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  append_escaped<true>(value, out);
  out += '"';
}

void write_start_tag(const node& e, std::string& out) {
  out += '<';
  out += e.tag();
  for (const attribute& a : e.attributes()) write_attribute(a.name, a.value, out);
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
// each element after its children. The stack lives inline up to a depth real pages rarely
// pass, so serializing a small view allocates nothing but the output.
void write_children(const node& root, std::string& out) {
  struct level {
    const node* parent;
    std::size_t next;
  };
  constexpr std::size_t inline_depth = 32;
  level inline_stack[inline_depth];
  std::vector<level> spill;  // only past inline_depth
  std::size_t depth = 0;
  auto at = [&](std::size_t i) -> level& {
    return i < inline_depth ? inline_stack[i] : spill[i - inline_depth];
  };
  auto push = [&](const node* p) {
    if (depth < inline_depth)
      inline_stack[depth] = {p, 0};
    else
      spill.push_back({p, 0});
    ++depth;
  };
  auto pop = [&] {
    --depth;
    if (depth >= inline_depth) spill.pop_back();
  };
  push(&root);
  while (depth != 0) {
    level& top = at(depth - 1);
    if (top.next == top.parent->child_count()) {
      const node* done = top.parent;
      pop();
      if (depth != 0 && done->is_element()) write_end_tag(*done, out);
      continue;
    }
    const node* parent = top.parent;
    const node& c = *parent->children()[top.next++];
    if (write_open(c, parent, out)) {
      if (c.child_count() != 0)
        push(&c);
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
  out.reserve(256);  // a view or a component: grown once or not at all, not four times
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

void serialize_shell(const node& el, std::string_view name, std::string_view value,
                     std::string& out) {
  if (!el.is_element()) return;
  // Matched as setAttribute matches: HTML elements lower the name asked for.
  const bool fold = el.element_namespace() == ns::html;
  auto same = [&](const std::string& stored) {
    if (stored == name) return true;
    if (!fold || stored.size() != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
      if (stored[i] != ascii::lower(name[i])) return false;
    return true;
  };
  bool written = false;
  out += '<';
  out += el.tag();
  for (const attribute& a : el.attributes()) {
    const bool set_here = !written && same(a.name);
    write_attribute(a.name, set_here ? value : std::string_view(a.value), out);
    written = written || set_here;
  }
  if (!written) {
    std::string lowered(name);
    if (fold)
      for (char& c : lowered) c = ascii::lower(c);
    write_attribute(lowered, value, out);
  }
  out += '>';
  if (!is_void(el)) write_end_tag(el, out);
}

}  // namespace lvh::dom
