#include "recovery.hpp"

#include <lvh/dom/html.hpp>

#include <algorithm>
#include <functional>

namespace lvh::sim::detail {
namespace {

using protocol::client_profile;

const std::string* attr(const dom::node& el, std::string_view name) {
  return el.is_element() ? el.get_attribute(name) : nullptr;
}

bool is_form(const dom::node& el) {
  return el.is_element() && el.element_namespace() == dom::ns::html && el.tag() == "form";
}

void each_element(const dom::node& root, const std::function<void(dom::node&)>& fn) {
  std::vector<dom::node*> stack;
  for (std::size_t i = root.child_count(); i-- > 0;) stack.push_back(&root.child(i));
  while (!stack.empty()) {
    dom::node* n = stack.back();
    stack.pop_back();
    if (!n->is_element()) continue;
    fn(*n);
    for (std::size_t i = n->child_count(); i-- > 0;) stack.push_back(&n->child(i));
  }
}

// form.elements is not empty: a listed control other than an image button.
bool has_elements(const dom::node& form) {
  for (const dom::node* c : form_controls(form))
    if (!(c->tag() == "input" && input_type(*c) == "image")) return true;
  return false;
}

bool ignored(const dom::node& form) {
  const std::string* a = attr(form, "phx-auto-recover");
  return a && *a == "ignore";
}

std::string id_of(const dom::node& el) {
  const std::string* id = attr(el, "id");
  return id ? *id : std::string();
}

// A value the client puts between double quotes in an attribute selector, optionally after
// backslash-escaping [ ] and " (0.20's phx-change): a quote or line break ends the string
// and the selector is invalid; a backslash is an escape, so the selector looks for another
// string than the attribute holds.
enum class quoted { same, differs, invalid };
quoted quote(std::string_view raw, bool escaped) {
  quoted q = quoted::same;
  for (char c : raw) {
    if (c == '\n' || c == '\r' || c == '\f') return quoted::invalid;
    if (c == '"' && !escaped) return quoted::invalid;
    if (c == '\\') q = quoted::differs;
  }
  return q;
}

// The owner view's id as View.ownsElement sees it (the closest container).
bool owned_by(client_profile p, const dom::node& el, const std::string& view_id) {
  const std::string* parent = attr(el, "data-phx-parent-id");
  if (parent && *parent == view_id) return true;
  const dom::node* view = owner_view(p, el);
  return view && id_of(*view) == view_id;
}

// Carries what the user did to `from`'s controls over to its copy `to` (same shape), as the
// client's morphdom from the copy to the original and copyPrivates do.
void copy_state(const dom::node& from, const dom::node& to, const form_state* forms,
                const interaction_state* interactions, form_copies& out) {
  if (!from.is_element() || !to.is_element()) return;
  const std::string& tag = from.tag();
  if (tag == "input") {
    const std::string type = input_type(from);
    if (type == "checkbox" || type == "radio") out.forms.set_checked(to, is_checked(from, forms));
    else if (forms && forms->value(from)) out.forms.set_value(to, *forms->value(from));
  } else if (tag == "textarea") {
    if (forms && forms->value(from)) out.forms.set_value(to, *forms->value(from));
  } else if (tag == "option") {
    out.forms.set_selected(to, is_selected(from, forms));
  }
  if (interactions && interactions->used(from)) out.interactions.mark_focused(to);
  const std::size_t n = std::min(from.child_count(), to.child_count());
  for (std::size_t i = 0; i < n; ++i) copy_state(from.child(i), to.child(i), forms, interactions, out);
}

std::unique_ptr<dom::node> shallow_copy(const dom::node& el) {
  auto c = dom::node::make_element(el.tag(), el.element_namespace());
  for (const auto& a : el.attributes()) c->set_attribute(a.name, a.value);
  return c;
}

}  // namespace

std::unique_ptr<dom::node> render_template(std::string_view tag, std::string_view html) {
  std::string wrapped;
  wrapped.reserve(html.size() + 2 * tag.size() + 5);
  wrapped += '<';
  wrapped += tag;
  wrapped += '>';
  wrapped += html;
  wrapped += "</";
  wrapped += tag;
  wrapped += '>';
  return dom::parse_fragment(wrapped, "template");
}

dom::node* first_element(const dom::node& fragment) {
  for (std::size_t i = 0; i < fragment.child_count(); ++i)
    if (fragment.child(i).is_element()) return &fragment.child(i);
  return nullptr;
}

recovery_list forms_for_recovery(client_profile p, dom::node& view_el, const std::string& view_id,
                                 const dom::node& render) {
  recovery_list out;
  std::vector<dom::node*> candidates;
  each_element(view_el, [&](dom::node& el) {
    if (is_form(el) && el.has_attribute("phx-change")) candidates.push_back(&el);
  });
  for (dom::node* form : candidates) {
    const std::string id = id_of(*form);
    if (p != client_profile::v0_15 && id.empty()) continue;
    if (!owned_by(p, *form, view_id) || !has_elements(*form) || ignored(*form)) continue;
    const std::string change = *form->get_attribute("phx-change");
    // The render's first form the client's selector matches.
    quoted q = quote(change, p == client_profile::v0_20);
    if (p != client_profile::v0_15) {
      quoted qi = quote(id, false);
      if (qi == quoted::invalid) q = qi;
      else if (q == quoted::same) q = qi;
    }
    if (q == quoted::invalid) {
      out.throws = "the selector for form " + (id.empty() ? std::string("without id") : "#" + id) +
                   " is not valid CSS";
      out.forms.clear();
      return out;
    }
    const dom::node* found = nullptr;
    if (q == quoted::same) {
      each_element(render, [&](dom::node& el) {
        if (found || !is_form(el)) return;
        const std::string* c = attr(el, "phx-change");
        if (!c || *c != change) return;
        if (p != client_profile::v0_15 && id_of(el) != id) return;
        found = &el;
      });
    }
    if (!found && p == client_profile::v0_20) found = form;  // 0.20.1 keeps it anyway
    if (found) out.forms.push_back({form, found});
  }
  return out;
}

std::shared_ptr<form_copies> copy_forms(client_profile p, const dom::node& view_el,
                                        const dom::node& document, const form_state* forms,
                                        const interaction_state* interactions) {
  auto out = std::make_shared<form_copies>();
  std::vector<dom::node*> candidates;
  each_element(view_el, [&](dom::node& el) {
    if (is_form(el) && el.has_attribute("phx-change")) candidates.push_back(&el);
  });
  for (dom::node* form : candidates) {
    const std::string id = id_of(*form);
    if (id.empty() || !has_elements(*form) || ignored(*form)) continue;
    auto tree = dom::node::make_fragment();
    dom::node* copy = nullptr;
    if (p < client_profile::v1_2) {
      // A bare copy of the form holding a copy of each of form.elements.
      copy = &tree->append_child(shallow_copy(*form));
      for (const dom::node* c : form_controls(*form)) {
        if (c->tag() == "input" && input_type(*c) == "image") continue;
        dom::node& cc = copy->append_child(c->clone());
        copy_state(*c, cc, forms, interactions, *out);
      }
    } else {
      // A deep copy; controls tied to the form by form="id" (inside or not) go to its end.
      copy = &tree->append_child(form->clone());
      copy_state(*form, *copy, forms, interactions, *out);
      std::vector<dom::node*> tied;
      each_element(*copy, [&](dom::node& el) {
        const std::string* f = attr(el, "form");
        if (f && *f == id) tied.push_back(&el);
      });
      // A tied element inside another one goes with it.
      std::vector<dom::node*> outermost;
      for (dom::node* el : tied) {
        bool inner = false;
        for (const dom::node* a = el->parent(); a && a != copy; a = a->parent())
          if (std::find(tied.begin(), tied.end(), a) != tied.end()) inner = true;
        if (!inner) outermost.push_back(el);
      }
      for (dom::node* el : outermost) {
        out->forms.forget(*el);
        out->interactions.forget(*el);
        each_element(*el, [&](dom::node& d) { out->interactions.forget(d); });
        el->parent()->remove_child(el->index_in_parent());
      }
      std::vector<const dom::node*> outside;
      each_element(document, [&](dom::node& el) {
        const std::string* f = attr(el, "form");
        if (f && *f == id) outside.push_back(&el);
      });
      for (const dom::node* el : outside) {
        dom::node& cc = copy->append_child(el->clone());
        copy_state(*el, cc, forms, interactions, *out);
        cc.remove_attribute("form");
      }
    }
    // A detached control belongs to the form around it, whatever its form attribute says.
    each_element(*copy, [](dom::node& el) { el.remove_attribute("form"); });
    out->by_id[id] = copy;
    out->trees.push_back(std::move(tree));
  }
  return out;
}

recovery_list forms_to_recover(const form_copies& copies, const dom::node& render,
                               const std::set<std::string>& pending) {
  recovery_list out;
  each_element(render, [&](dom::node& el) {
    if (!is_form(el)) return;
    const std::string id = id_of(el);
    if (id.empty() || pending.count(id)) return;
    auto it = copies.by_id.find(id);
    if (it == copies.by_id.end()) return;
    const std::string* old_change = it->second->get_attribute("phx-change");
    const std::string* new_change = attr(el, "phx-change");
    if (!old_change || !new_change || *old_change != *new_change) return;
    out.forms.push_back({it->second, &el});
  });
  return out;
}

}  // namespace lvh::sim::detail
