#include <lvh/sim/loading.hpp>

#include <lvh/dom/node.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/forms.hpp>

#include "class_list.hpp"

#include <lvh/dom/ascii.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>

namespace lvh::sim {

using protocol::client_profile;

const std::vector<std::string>& loading_classes() {
  static const std::vector<std::string> names{
      "phx-click-loading",   "phx-change-loading", "phx-submit-loading", "phx-keydown-loading",
      "phx-keyup-loading",   "phx-blur-loading",   "phx-focus-loading",  "phx-hook-loading"};
  return names;
}

bool is_pending(client_profile p, const dom::node& el) {
  if (!el.is_element()) return false;
  if (p >= client_profile::v1_0) return el.has_attribute("data-phx-ref-src");
  return el.has_attribute("data-phx-ref");
}

namespace {

using detail::add_class;

bool is_loading_class(std::string_view t) {
  for (const auto& c : loading_classes())
    if (c == t) return true;
  return false;
}

// The class attribute's tokens, split on ASCII white space, duplicates dropped (the token
// set classList works on), as views into the value.
void class_token_views(const std::string& v, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && dom::ascii::is_space(v[i])) ++i;
    std::size_t j = i;
    while (j < v.size() && !dom::ascii::is_space(v[j])) ++j;
    if (j > i) {
      const std::string_view t(v.data() + i, j - i);
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
    i = j;
  }
}

bool has_class(const dom::node& el, std::string_view name, std::vector<std::string_view>& tokens) {
  const std::string* v = el.get_attribute("class");
  if (!v) return false;
  class_token_views(*v, tokens);
  return std::find(tokens.begin(), tokens.end(), name) != tokens.end();
}

// classList.remove of every token `drop` picks, then the attribute goes when no class is
// left (DOM.removeClass): the attribute is the token set written out, as when the tokens
// are removed one by one. `buf` and `tokens` are scratch space.
template <class Drop>
void drop_classes(dom::node& el, Drop drop, std::string& buf, std::vector<std::string_view>& tokens) {
  const std::string* v = el.get_attribute("class");
  if (!v) return;
  class_token_views(*v, tokens);
  buf.clear();
  for (std::string_view t : tokens) {
    if (drop(t)) continue;
    if (!buf.empty()) buf += ' ';
    buf += t;
  }
  if (buf.empty()) el.remove_attribute("class");
  else if (buf != *v) el.set_attribute("class", buf);
}

// element.innerText = text, as the oracle's jsdom does it (text replaces the children).
// Whether `n` is a descendant of `el`.
bool is_inside(const dom::node& n, const dom::node& el) {
  for (const dom::node* p = n.parent(); p; p = p->parent())
    if (p == &el) return true;
  return false;
}

void set_inner_text(dom::node& el, const std::string& text) {
  el.clear_children();
  if (!text.empty()) el.append_child(dom::node::make_text(text));
}

bool is_html(const dom::node& el, std::string_view tag) {
  return el.is_element() && el.element_namespace() == dom::ns::html && el.tag() == tag;
}

// Boolean IDL attributes that reflect a content attribute.
bool has_bool_property(const dom::node& el, std::string_view prop) {
  if (el.element_namespace() != dom::ns::html) return false;
  const auto& t = el.tag();
  if (prop == "readonly") return t == "input" || t == "textarea";
  return t == "button" || t == "input" || t == "select" || t == "textarea" || t == "fieldset" ||
         t == "optgroup" || t == "option";
}
// el.prop as the string setAttribute(…, el.prop) stores: "true", "false" or "undefined".
std::string bool_property_text(const dom::node& el, std::string_view prop) {
  if (!has_bool_property(el, prop)) return "undefined";
  return el.has_attribute(prop) ? "true" : "false";
}
void set_bool_property(dom::node& el, std::string_view prop, bool on) {
  if (!has_bool_property(el, prop)) return;
  if (on) {
    if (!el.has_attribute(prop)) el.set_attribute(prop, "");
  } else {
    el.remove_attribute(prop);
  }
}

template <class Fn>
void walk(dom::node& root, std::vector<dom::node*>& stack, Fn&& fn) {
  stack.clear();
  auto push_children = [&stack](const dom::node& parent) {
    for (auto it = parent.children().rbegin(); it != parent.children().rend(); ++it)
      if ((*it)->is_element()) stack.push_back(it->get());
  };
  push_children(root);
  while (!stack.empty()) {
    dom::node* n = stack.back();
    stack.pop_back();
    fn(*n);
    if (n->tag() != std::string_view("template")) push_children(*n);  // sizes first
  }
}

std::optional<std::uint64_t> ref_attr(const dom::node& el, std::string_view name) {
  const std::string* v = el.get_attribute(name);
  if (!v) return std::nullopt;
  std::uint64_t n = 0;
  std::size_t i = 0;
  while (i < v->size() && (*v)[i] >= '0' && (*v)[i] <= '9' && n < (1ULL << 60))
    n = n * 10 + static_cast<std::uint64_t>((*v)[i++] - '0');
  if (i == 0) return std::nullopt;
  return n;
}

// closestPhxBinding(el, "phx-update=ignore" | "data-phx-update=ignore", el.form)
bool inside_ignored(const dom::node& el, const dom::node* form) {
  for (const dom::node* n = &el; n && n->is_element(); n = n->parent()) {
    if (form && n == form) return false;
    for (std::string_view a : {"phx-update", "data-phx-update"}) {
      const std::string* v = n->get_attribute(a);
      if (v && *v == "ignore") return true;
    }
    if (n->has_attribute("data-phx-session") || n->has_attribute("data-phx-view")) return false;
  }
  return false;
}

struct mark {
  dom::node* el;
  bool lock;
  bool loading;
};

}  // namespace

loading_state::loading_state(client_profile p, std::string view_id)
    : profile_(p), view_id_(std::move(view_id)) {}

std::uint64_t loading_state::put_ref(dom::node& document, const loading_request& req) {
  const std::uint64_t ref = next_ref_++;
  const bool v1 = profile_ >= client_profile::v1_0;
  boost::container::small_vector<mark, 4> els;  // a click marks one element
  std::string type = req.event_type;
  switch (req.what) {
    case loading_request::kind::none:
      break;
    case loading_request::kind::element:
      if (req.el) els.push_back({req.el, true, true});
      break;
    case loading_request::kind::link:
      if (req.el) els.push_back({req.el, true, !v1 || req.user_initiated});
      break;
    case loading_request::kind::change:
      if (req.el) els.push_back({req.el, true, true});
      if (req.form) els.push_back({req.form, true, true});
      type = "change";
      break;
    case loading_request::kind::submit: {
      type = "submit";
      dom::node& form = *req.el;
      std::vector<dom::node*> disables, buttons, inputs;
      for (const dom::node* c : form_controls(form)) {
        dom::node* el = const_cast<dom::node*>(c);
        if (el->has_attribute("phx-disable-with")) disables.push_back(el);
        if (inside_ignored(*el, &form)) continue;
        if (is_html(*el, "button")) buttons.push_back(el);
        if (is_html(*el, "input") || is_html(*el, "textarea") || is_html(*el, "select"))
          inputs.push_back(el);
      }
      for (dom::node* b : buttons) {
        b->set_attribute("data-phx-disabled", bool_property_text(*b, "disabled"));
        set_bool_property(*b, "disabled", true);
      }
      for (dom::node* in : inputs) {
        in->set_attribute("data-phx-readonly", bool_property_text(*in, "readonly"));
        set_bool_property(*in, "readonly", true);
        if (is_html(*in, "input") && input_type(*in) == "file") {
          in->set_attribute("data-phx-disabled", bool_property_text(*in, "disabled"));
          set_bool_property(*in, "disabled", true);
        }
      }
      if (!v1) form.set_attribute("phx-page-loading", "");
      els.push_back({&form, false, true});
      for (auto* e : disables) els.push_back({e, true, true});
      for (auto* e : buttons) els.push_back({e, true, true});
      for (auto* e : inputs) els.push_back({e, true, true});
      if (v1) std::reverse(els.begin(), els.end());
      break;
    }
  }
  if (req.also && profile_ >= client_profile::v0_18) {
    if (auto sel = dom::selector::parse(*req.also))
      for (dom::node* e : dom::query_all(document, *sel)) els.push_back({e, true, true});
  }
  const std::string ref_text = std::to_string(ref);
  std::string& loading_class = scratch_.class_name;
  loading_class.assign("phx-").append(type).append("-loading");
  for (std::size_t at = 0; at < els.size(); ++at) {
    const mark& m = els[at];
    if (!m.el) continue;  // inside an element whose text was replaced: freed
    dom::node& el = *m.el;
    if (v1) {
      el.set_attribute("data-phx-ref-src", view_id_);
      if (m.loading) el.set_attribute("data-phx-ref-loading", ref_text);
      if (m.lock) el.set_attribute("data-phx-ref-lock", ref_text);
      if (!m.loading) continue;
      if (req.what == loading_request::kind::submit && req.submitter &&
          !(&el == req.submitter || &el == req.el))
        continue;
    }
    add_class(el, loading_class);
    if (!v1) {
      el.set_attribute("data-phx-ref", ref_text);
      if (profile_ >= client_profile::v0_18) el.set_attribute("data-phx-ref-src", view_id_);
    }
    const std::string* disable_with = el.get_attribute("phx-disable-with");
    if (!disable_with) continue;
    const std::string text = *disable_with;
    const std::string* restore = el.get_attribute("data-phx-disable-with-restore");
    if (!restore || restore->empty())
      el.set_attribute("data-phx-disable-with-restore", el.text_content());
    if (profile_ == client_profile::v0_15 || !text.empty()) {
      // A browser goes on with the marks inside, detached; here they are freed.
      for (std::size_t i = at + 1; i < els.size(); ++i)
        if (els[i].el && els[i].el != &el && is_inside(*els[i].el, el)) els[i].el = nullptr;
      set_inner_text(el, text);
    }
    if (v1) {
      const std::string* prev = el.get_attribute("data-phx-disabled");
      el.set_attribute("data-phx-disabled",
                       prev && !prev->empty() ? *prev : bool_property_text(el, "disabled"));
    }
    if (profile_ >= client_profile::v0_18) el.set_attribute("disabled", "");
  }
  return ref;
}

std::vector<dom::node*> loading_state::undo(dom::node& document, std::uint64_t ref) {
  return undo_buffered(document, ref);
}

const std::vector<dom::node*>& loading_state::undo_buffered(dom::node& document, std::uint64_t ref) {
  scratch& sc = scratch_;
  std::vector<dom::node*>& unlocked = sc.unlocked;
  std::vector<dom::node*>& matches = sc.matches;
  unlocked.clear();
  matches.clear();
  // Restoring an element's text drops its children. A browser goes on with the matches
  // inside it, detached and harmless; here they are freed, so they leave the list (matches
  // are in document order: those inside `el` come after position `at`).
  auto restore_text = [&matches](dom::node& el, std::size_t at) {
    const std::string* r = el.get_attribute("data-phx-disable-with-restore");
    if (!r) return;
    for (std::size_t i = at + 1; i < matches.size(); ++i)
      if (matches[i] && is_inside(*matches[i], el)) matches[i] = nullptr;
    set_inner_text(el, *r);
    el.remove_attribute("data-phx-disable-with-restore");
  };
  if (profile_ < client_profile::v1_0) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, ref).ptr;
    const std::string_view ref_text(digits, static_cast<std::size_t>(end - digits));
    walk(document, sc.stack, [&](dom::node& el) {
      const std::string* r = el.get_attribute("data-phx-ref");
      if (!r || *r != ref_text) return;
      if (profile_ >= client_profile::v0_18) {
        const std::string* src = el.get_attribute("data-phx-ref-src");
        if (!src || *src != view_id_) return;
      }
      matches.push_back(&el);
    });
    for (std::size_t at = 0; at < matches.size(); ++at) {
      if (!matches[at]) continue;
      dom::node& el = *matches[at];
      const std::string* d = el.get_attribute("data-phx-disabled");
      const bool had_disabled = d != nullptr;
      const bool was_disabled = d && profile_ >= client_profile::v0_18 && *d == "true";
      el.remove_attribute("data-phx-ref");
      if (profile_ >= client_profile::v0_18) el.remove_attribute("data-phx-ref-src");
      if (el.has_attribute("data-phx-readonly")) {
        set_bool_property(el, "readonly", false);
        el.remove_attribute("data-phx-readonly");
      }
      if (had_disabled) {
        set_bool_property(el, "disabled", was_disabled);
        el.remove_attribute("data-phx-disabled");
      }
      drop_classes(el, is_loading_class, sc.text, sc.tokens);
      restore_text(el, at);
      unlocked.push_back(&el);
    }
    return unlocked;
  }

  walk(document, sc.stack, [&](dom::node& el) {
    const std::string* src = el.get_attribute("data-phx-ref-src");
    if (src && *src == view_id_) matches.push_back(&el);
  });
  for (std::size_t at = 0; at < matches.size(); ++at) {
    if (!matches[at]) continue;
    dom::node& el = *matches[at];
    const auto loading_ref = ref_attr(el, "data-phx-ref-loading");
    const auto lock_ref = ref_attr(el, "data-phx-ref-lock");
    const bool within = !(loading_ref && *loading_ref > ref && lock_ref && *lock_ref > ref);
    if (!within) continue;
    const bool can_undo_loading = !lock_ref || *lock_ref <= ref;
    if (lock_ref && *lock_ref <= ref) {
      el.remove_attribute("data-phx-ref-lock");
      unlocked.push_back(&el);
    }
    if (!(loading_ref && *loading_ref <= ref)) {
      if (can_undo_loading && has_class(el, "phx-submit-loading", sc.tokens))
        drop_classes(el, [](std::string_view t) { return t == "phx-change-loading"; }, sc.text,
                     sc.tokens);
    } else {
      if (can_undo_loading) {
        el.remove_attribute("data-phx-ref-loading");
        if (const std::string* ro = el.get_attribute("data-phx-readonly")) {
          set_bool_property(el, "readonly", *ro == "true");
          el.remove_attribute("data-phx-readonly");
        }
        if (const std::string* d = el.get_attribute("data-phx-disabled")) {
          set_bool_property(el, "disabled", *d == "true");
          el.remove_attribute("data-phx-disabled");
        }
        restore_text(el, at);
      }
      drop_classes(
          el,
          [&](std::string_view t) {
            return is_loading_class(t) && !(t == "phx-submit-loading" && !can_undo_loading);
          },
          sc.text, sc.tokens);
    }
    if ((!loading_ref || *loading_ref <= ref) && (!lock_ref || *lock_ref <= ref))
      el.remove_attribute("data-phx-ref-src");
  }
  return unlocked;
}

}  // namespace lvh::sim
