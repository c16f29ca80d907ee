// element.classList as the client uses it (add, remove, contains), over the class
// attribute. Private to client-sim's sources.
#pragma once

#include <lvh/dom/ascii.hpp>
#include <lvh/dom/node.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::sim::detail {

/// The class attribute's token set: split on ASCII white space, duplicates dropped.
inline std::vector<std::string> class_tokens(const dom::node& el) {
  std::vector<std::string> out;
  const std::string* v = el.get_attribute("class");
  if (!v) return out;
  std::size_t i = 0;
  while (i < v->size()) {
    while (i < v->size() && dom::ascii::is_space((*v)[i])) ++i;
    std::size_t j = i;
    while (j < v->size() && !dom::ascii::is_space((*v)[j])) ++j;
    if (j > i) {
      std::string t = v->substr(i, j - i);
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
    }
    i = j;
  }
  return out;
}

inline std::string join_tokens(const std::vector<std::string>& tokens) {
  std::string s;
  for (const auto& t : tokens) {
    if (!s.empty()) s += ' ';
    s += t;
  }
  return s;
}

/// classList.add: the attribute is rewritten from the token set even when it had the class.
inline void add_class(dom::node& el, std::string_view name) {
  if (!el.has_attribute("class")) {  // the usual case: nothing to split or keep
    el.set_attribute("class", name);
    return;
  }
  auto tokens = class_tokens(el);
  if (std::find(tokens.begin(), tokens.end(), name) == tokens.end()) tokens.emplace_back(name);
  el.set_attribute("class", join_tokens(tokens));
}

/// The client's DOM.removeClass: classList.remove, then the attribute goes when no class is
/// left.
inline void remove_class(dom::node& el, std::string_view name) {
  if (!el.has_attribute("class")) return;
  auto tokens = class_tokens(el);
  tokens.erase(std::remove(tokens.begin(), tokens.end(), name), tokens.end());
  if (tokens.empty()) el.remove_attribute("class");
  else el.set_attribute("class", join_tokens(tokens));
}

}  // namespace lvh::sim::detail
