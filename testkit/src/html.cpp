#include <lvh/testkit/html.hpp>

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <algorithm>
#include <vector>

namespace lvh::testkit {
namespace {

bool is_void(std::string_view tag) {
  static constexpr std::string_view voids[] = {"area", "base", "br", "col", "embed", "hr", "img",
                                               "input", "link", "meta", "source", "track", "wbr"};
  return std::find(std::begin(voids), std::end(voids), tag) != std::end(voids);
}

std::string escape_text(std::string_view s, bool attr) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += attr ? "<" : "&lt;"; break;
      case '>': out += attr ? ">" : "&gt;"; break;
      case '"': out += attr ? "&quot;" : "\""; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

void print(const dom::node& n, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  if (n.is_text()) {
    auto t = trim(n.data());
    if (!t.empty()) out += indent + escape_text(t, false) + "\n";
    return;
  }
  if (n.type() == dom::node_type::comment) {
    out += indent + "<!--" + n.data() + "-->\n";
    return;
  }
  if (!n.is_element()) {
    for (const auto& c : n.children()) print(*c, depth, out);
    return;
  }
  auto attrs = n.attributes();
  std::sort(attrs.begin(), attrs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::string open = indent + "<" + n.tag();
  for (const auto& a : attrs) open += " " + a.name + "=\"" + escape_text(a.value, true) + "\"";
  open += ">";
  out += open + "\n";
  for (const auto& c : n.children()) print(*c, depth + 1, out);
  if (!is_void(n.tag())) out += indent + "</" + n.tag() + ">\n";
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    auto j = s.find('\n', i);
    if (j == std::string::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string normalize_html(std::string_view html) {
  auto frag = dom::parse_fragment(html, "template");
  std::string out;
  for (const auto& c : frag->children()) print(*c, 0, out);
  return out;
}

bool html_equal(std::string_view a, std::string_view b) { return normalize_html(a) == normalize_html(b); }

std::string html_diff(std::string_view expected, std::string_view actual, std::size_t context) {
  auto a = lines_of(normalize_html(expected));
  auto b = lines_of(normalize_html(actual));
  if (a == b) return {};
  // LCS table; test HTML is small (hundreds of lines at most).
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct line {
    char op;
    const std::string* text;
  };
  std::vector<line> script;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      script.push_back({' ', &a[i]});
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      script.push_back({'-', &a[i++]});
    } else {
      script.push_back({'+', &b[j++]});
    }
  }
  std::vector<bool> keep(script.size(), false);
  for (std::size_t k = 0; k < script.size(); ++k) {
    if (script[k].op == ' ') continue;
    std::size_t lo = k >= context ? k - context : 0;
    std::size_t hi = std::min(script.size(), k + context + 1);
    for (std::size_t x = lo; x < hi; ++x) keep[x] = true;
  }
  std::string out = "--- expected\n+++ actual\n";
  bool gap = false;
  for (std::size_t k = 0; k < script.size(); ++k) {
    if (!keep[k]) {
      gap = true;
      continue;
    }
    if (gap) out += "  ...\n";
    gap = false;
    out += script[k].op;
    out += ' ';
    out += *script[k].text;
    out += '\n';
  }
  return out;
}

std::string html_excerpt(std::string_view html, std::size_t max_lines) {
  auto lines = lines_of(normalize_html(html));
  std::string out;
  for (std::size_t k = 0; k < lines.size() && k < max_lines; ++k) out += "    " + lines[k] + "\n";
  if (lines.size() > max_lines) out += "    ... (" + std::to_string(lines.size() - max_lines) + " more lines)\n";
  return out;
}

}  // namespace lvh::testkit
