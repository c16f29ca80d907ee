// Test helpers shared by the DOM tests and the tests of what is built on parsed markup: a
// structural dump of a tree (text node boundaries included) and random LiveView-like markup.
#pragma once

#include <lvh/dom/node.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace lvh::dom::test {

inline void dump(const node& n, std::string& out) {
  switch (n.type()) {
    case node_type::element:
      out += '<';
      out += n.tag();
      if (n.element_namespace() != lvh::dom::ns::html) out += " ns";
      for (const auto& a : n.attributes()) out += " [" + a.name + "]=[" + a.value + "]";
      out += '>';
      for (const auto& c : n.children()) dump(*c, out);
      out += "</>";
      break;
    case node_type::text:
      out += "T[" + n.data() + "]";
      break;
    case node_type::comment:
      out += "C[" + n.data() + "]";
      break;
    default:
      out += "?";
      for (const auto& c : n.children()) dump(*c, out);
  }
}

inline std::string dump(const node& n) {
  std::string out;
  dump(n, out);
  return out;
}

// Mostly well-formed markup from LiveView-like pieces, with some of everything the fast
// path must refuse mixed in.
class markup_gen {
 public:
  explicit markup_gen(std::uint32_t seed) : rng_(seed) {}

  std::string make() {
    std::string out;
    const int n = pick(4) + 1;
    for (int i = 0; i < n; ++i) item(out, 0);
    return out;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  template <std::size_t N>
  const char* one_of(const char* const (&v)[N]) {
    return v[pick(int(N))];
  }

  void item(std::string& out, int depth) {
    const int k = pick(10);
    if (depth > 5 || k < 3) {
      if (chance(50)) {
        out += chance(50) ? "plain text" : "\n  ";
        return;
      }
      static const char* const texts[] = {
          "hello", " ", "\n  ", "a &amp; b", "&lt;tag&gt;", "it&#39;s", "&nbsp;", "&#x41;&#66;",
          "caf\xC3\xA9", "\xF0\x9F\x98\x80", "1 < 2", "x&y", "&copy;", "&#0;", "&#x80;", "\r\n",
          "\t", ">", "&#", "&#x;", "&amp", "a&quot;b&apos;", "<3", "< p", "&#1114111;", "\xEF\xBF\xBE"};
      out += one_of(texts);
      return;
    }
    if (k == 3) {
      static const char* const comments[] = {"<!-- c -->", "<!---->", "<!-->", "<!-- a -- b -->",
                                             "<!-- x --->", "<!--a--!>", "<!-- <!-- -->", "<!--\n-->"};
      out += one_of(comments);
      return;
    }
    if (k == 4 && chance(15)) {
      static const char* const odd[] = {"</p>", "</div>", "<br/>", "<div/>", "</div >", "<!DOCTYPE html>",
                                        "<?php ?>", "</>", "</ x>", "<input/>", "<hr>", "<img src=a>"};
      out += one_of(odd);
      return;
    }
    static const char* const tags[] = {
        "div", "span", "p", "a", "b", "i", "em", "strong", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "tbody", "thead", "tr", "td", "th", "button", "form", "input", "br", "img", "hr",
        "label", "h1", "h2", "section", "nav", "header", "my-el", "x-foo", "DIV", "Span", "select",
        "option", "textarea", "svg", "pre", "main", "template", "noscript", "script", "font",
        "code", "small", "address", "center", "details", "summary", "fieldset", "link", "meta"};
    static const char* const common[] = {"div", "span", "p", "a", "b", "ul", "li", "button",
                                         "label", "input", "table", "tbody", "tr", "td", "form"};
    std::string tag = chance(60) ? one_of(common) : one_of(tags);
    out += '<';
    out += tag;
    const int attrs = pick(3);
    for (int a = 0; a < attrs; ++a) {
      static const char* const attr[] = {
          " id=\"x\"", " class='a b'", " phx-click=inc", " data-phx-component=\"1\"", " disabled",
          " value=\"a&amp;b\"", " title=\"&#39;q&#39;\"", " href=\"/p?a=1&amp;b=2\"", " x=y",
          " ID=\"Up\"", " @click=\"go\"", " phx-value-n=\"&#x41;\"", " a=\"&copy;\"", " a=b/",
          " hidden", " b=\"<>\"", " c=\"\n\"", " dup=\"1\" dup=\"2\"", " a = \"sp\"", " q=\"x\"r=\"y\"",
          " u=a&b", " t=\"\t\"", " e=\"\"", " k='\"'", " z=\"\xC3\xA9\""};
      out += one_of(attr);
    }
    if (chance(5)) out += '/';
    out += '>';
    const int kids = pick(4);
    for (int c = 0; c < kids; ++c) item(out, depth + 1);
    if (chance(92)) {
      out += "</";
      if (chance(3)) tag = one_of(tags);
      out += tag;
      out += '>';
    }
  }

  std::mt19937 rng_;
};

}  // namespace lvh::dom::test
