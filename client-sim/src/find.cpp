// Element lookup and form filling with LiveViewTest's checks, reported as usage_error.
#include <lvh/sim/find.hpp>

#include <lvh/dom/html.hpp>
#include <lvh/dom/select.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace lvh::sim {

using dom::node;

text_filter::text_filter(std::string substring) : kind_(kind::substring), text_(std::move(substring)) {}
text_filter::text_filter(const char* substring) : text_filter(std::string(substring ? substring : "")) {}

text_filter text_filter::regex(std::string pattern, std::regex::flag_type flags) {
  text_filter f;
  f.kind_ = kind::regex;
  f.regex_ = std::make_shared<const std::regex>(pattern, flags);
  f.text_ = std::move(pattern);
  return f;
}

bool text_filter::matches(std::string_view text) const {
  switch (kind_) {
    case kind::none: return true;
    case kind::substring: return text.find(text_) != std::string_view::npos;
    case kind::regex: return std::regex_search(text.begin(), text.end(), *regex_);
  }
  return false;
}

std::string text_filter::describe() const {
  switch (kind_) {
    case kind::none: return "(none)";
    case kind::substring: return inspect_string(text_);
    case kind::regex: return "~r/" + text_ + "/";
  }
  return {};
}

namespace {

// A test looks the same few selectors up again and again (an element() is resolved anew
// for every action): the last ones parsed are kept. Parsed selectors are immutable.
dom::selector parse_selector(const node& root, std::string_view text) {
  struct entry {
    std::string text;
    dom::selector sel;
  };
  constexpr std::size_t kept = 32;
  thread_local std::vector<entry> recent;  // most recent last
  for (auto it = recent.rbegin(); it != recent.rend(); ++it)
    if (it->text == text) return it->sel;
  auto sel = dom::selector::parse(text);
  if (!sel) throw usage_error(usage_errc::bad_selector, "invalid selector: " + sel.error().message(),
                              dom::serialize_children(root));
  if (recent.size() >= kept) recent.erase(recent.begin());
  recent.push_back({std::string(text), *sel});
  return *sel;
}

std::string outer_html(const std::vector<node*>& nodes) {
  std::string out;
  for (const node* n : nodes) {
    if (!out.empty()) out += '\n';
    dom::serialize(*n, out);
  }
  return out;
}

std::string describe_element(const node& el) { return inspect_string(el.is_element() ? el.tag() : std::string("#node")); }

bool is_html(const node& n, std::string_view tag) {
  return n.is_element() && n.element_namespace() == dom::ns::html && n.tag() == tag;
}

const node& top(const node& n) {
  const node* cur = &n;
  while (cur->parent()) cur = cur->parent();
  return *cur;
}

}  // namespace

std::vector<node*> find_all(const node& root, std::string_view selector, const text_filter& filter) {
  auto nodes = dom::query_all(root, parse_selector(root, selector));
  if (!filter.empty())
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(), [&](const node* n) { return !filter.matches(n->text_content()); }),
                nodes.end());
  return nodes;
}

node& find_one(const node& root, std::string_view selector, const text_filter& filter) {
  const auto nodes = dom::query_all(root, parse_selector(root, selector));
  if (filter.empty() && nodes.size() == 1) return *nodes.front();
  const std::string sel = inspect_string(selector);
  if (nodes.empty())
    throw usage_error(usage_errc::selector_no_match, "selector " + sel + " matched no element within:",
                      dom::serialize_children(root));
  if (filter.empty()) {
    if (nodes.size() == 1) return *nodes.front();
    throw usage_error(usage_errc::selector_many,
                      "selector " + sel + " matched " + std::to_string(nodes.size()) +
                          " elements where exactly one was expected:",
                      outer_html(nodes));
  }
  std::vector<node*> kept;
  for (node* n : nodes)
    if (filter.matches(n->text_content())) kept.push_back(n);
  if (kept.size() == 1) return *kept.front();
  if (kept.empty()) {
    if (nodes.size() == 1)
      throw usage_error(usage_errc::text_filter_none,
                        "selector " + sel + " matched one element, but its text does not match " + filter.describe() + ":",
                        outer_html(nodes));
    throw usage_error(usage_errc::text_filter_none,
                      "selector " + sel + " matched " + std::to_string(nodes.size()) +
                          " elements, and the text of none of them matches " + filter.describe() + ":",
                      outer_html(nodes));
  }
  throw usage_error(usage_errc::text_filter_many,
                    "selector " + sel + " matched " + std::to_string(nodes.size()) + " elements, and " +
                        std::to_string(kept.size()) + " of them have text matching " + filter.describe() +
                        " where exactly one was expected:",
                    outer_html(kept));
}

bool has_element(const node& root, std::string_view selector, const text_filter& filter) {
  return !find_all(root, selector, filter).empty();
}

void check_enabled(const node& el, std::string_view action, std::string_view selector) {
  if (el.is_element() && el.has_attribute("disabled"))
    throw usage_error(usage_errc::element_disabled,
                      "cannot " + std::string(action) + " the element selected by " + inspect_string(selector) +
                          ": it is disabled",
                      dom::serialize(el));
}

const node& find_submitter(const node& form, std::string_view selector) {
  if (!is_html(form, "form"))
    throw usage_error(usage_errc::not_a_form, "a submitter needs a form, got " + describe_element(form),
                      dom::serialize(form));
  const node& root = top(form);
  std::vector<node*> candidates;
  for (node* n : dom::query_all(root, parse_selector(root, selector)))
    if (form_owner(*n) == &form) candidates.push_back(n);
  const std::string sel = inspect_string(selector);
  if (candidates.size() != 1)
    throw usage_error(usage_errc::invalid_submitter,
                      "invalid form submitter: selector " + sel + " matched " + std::to_string(candidates.size()) +
                          " elements of this form where exactly one was expected",
                      candidates.empty() ? dom::serialize(form) : outer_html(candidates));
  const node& s = *candidates.front();
  if (!s.has_attribute("name"))
    throw usage_error(usage_errc::invalid_submitter, "the form submitter selected by " + sel + " has no name",
                      dom::serialize(s));
  if (!is_submit_button(s) || is_disabled(s))
    throw usage_error(usage_errc::invalid_submitter,
                      "the form submitter selected by " + sel + " is not an enabled submit input or button",
                      dom::serialize(s));
  return s;
}

// -- fill_in -------------------------------------------------------------------------------

namespace {

struct field_values {
  std::string name;
  std::vector<std::string> values;
  bool list = false;
};

void flatten(const nlohmann::json& v, const std::string& name, std::vector<field_values>& out) {
  auto scalar = [&](const nlohmann::json& x, std::string& s) {
    if (x.is_string()) s = x.get<std::string>();
    else if (x.is_boolean()) s = x.get<bool>() ? "true" : "false";
    else if (x.is_number()) s = x.dump();
    else if (x.is_null()) s.clear();
    else return false;
    return true;
  };
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) flatten(x, name.empty() ? k : name + "[" + k + "]", out);
    return;
  }
  if (name.empty())
    throw usage_error(usage_errc::bad_value, "form values must be given as an object of field names to values");
  field_values f;
  f.name = name;
  if (v.is_array()) {
    f.list = true;
    f.name += "[]";
    for (const auto& x : v) {
      std::string s;
      if (!scalar(x, s))
        throw usage_error(usage_errc::bad_value,
                          "the list given for " + inspect_string(f.name) + " may hold only strings, numbers and booleans");
      f.values.push_back(std::move(s));
    }
  } else {
    std::string s;
    scalar(v, s);
    f.values.push_back(std::move(s));
  }
  out.push_back(std::move(f));
}

// What LiveViewTest calls the field's type; buttons count as "submit".
std::string field_type(const node& c) {
  if (is_html(c, "input")) return input_type(c);
  if (is_html(c, "select")) return c.has_attribute("multiple") ? "multiple select" : "select";
  if (is_html(c, "textarea")) return "textarea";
  if (is_html(c, "button")) return is_submit_button(c) ? "submit" : "button";
  return c.tag();
}

bool is_text_like(const std::string& type) {
  return type != "checkbox" && type != "radio" && type != "hidden" && type != "file" && type != "submit" &&
         type != "image" && type != "reset" && type != "button" && type != "select" && type != "multiple select";
}

std::string inspect_list(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + inspect_string(xs[i]);
  return out + "]";
}

}  // namespace

void fill_in(const node& form, const nlohmann::json& values, form_state& state) {
  if (!is_html(form, "form"))
    throw usage_error(usage_errc::not_a_form, "form values were given, but the element is not a form, got " +
                                                  describe_element(form),
                      dom::serialize(form));
  const std::string form_html = dom::serialize(form);
  std::vector<field_values> fields;
  flatten(values, "", fields);

  struct plan {
    const field_values* field;
    std::vector<const node*> controls;
  };
  std::vector<plan> plans;
  const auto controls = form_controls(form);
  for (const auto& f : fields) {
    std::vector<const node*> enabled;
    bool any_disabled = false;
    for (const node* c : controls) {
      const std::string* n = c->get_attribute("name");
      if (!n || *n != f.name || !is_submittable(*c) || is_html(*c, "object")) continue;
      if (is_disabled(*c)) any_disabled = true;
      else enabled.push_back(c);
    }
    if (enabled.empty()) {
      std::string named;
      for (const node* c : controls)
        if (c->has_attribute("name")) named += (named.empty() ? "" : "\n") + dom::serialize(*c);
      throw usage_error(any_disabled ? usage_errc::disabled_field : usage_errc::unknown_field,
                        any_disabled ? "every input, select or textarea named " + inspect_string(f.name) + " is disabled"
                                     : "no enabled input, select or textarea is named " + inspect_string(f.name) +
                                           "; the form's named fields are:",
                        named);
    }
    std::vector<std::string> types;
    std::vector<std::string> allowed;
    std::size_t text_fields = 0;
    for (const node* c : enabled) {
      const std::string t = field_type(*c);
      types.push_back(t);
      if (t == "checkbox" || t == "radio" || t == "hidden") allowed.push_back(current_value(*c, &state));
      if (t == "select" || t == "multiple select")
        for (const node* o : options_of(*c)) allowed.push_back(option_value(*o));
      if (is_text_like(t)) ++text_fields;
    }
    for (const auto& t : types)
      if (t == "submit" || t == "image" || t == "file" || t == "reset" || t == "button")
        throw usage_error(usage_errc::forbidden_field,
                          "cannot set a value for " + inspect_string(f.name) + ": " + t +
                              " fields are never sent with a value given this way",
                          form_html);
    const bool limited = std::all_of(types.begin(), types.end(), [](const std::string& t) {
      return t == "select" || t == "multiple select" || t == "checkbox" || t == "radio" || t == "hidden";
    });
    if (limited) {
      for (const auto& v : f.values)
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
          throw usage_error(usage_errc::value_not_in_options,
                            "the value for " + types.front() + " " + inspect_string(f.name) + " must be one of " +
                                inspect_list(allowed) + ", got " + inspect_string(v),
                            form_html);
    } else if (f.list && f.values.size() > text_fields) {
      throw usage_error(usage_errc::bad_value,
                        std::to_string(f.values.size()) + " values were given for " + inspect_string(f.name) +
                            " but the form has " + std::to_string(text_fields) + " text fields of that name",
                        form_html);
    }
    plans.push_back({&f, std::move(enabled)});
  }

  // All checks passed: apply.
  for (const auto& p : plans) {
    const auto& vals = p.field->values;
    auto has = [&](const std::string& v) { return std::find(vals.begin(), vals.end(), v) != vals.end(); };
    std::size_t next_text = 0;
    for (const node* c : p.controls) {
      const std::string t = field_type(*c);
      if (t == "checkbox") {
        state.set_checked(*c, has(current_value(*c, &state)));
      } else if (t == "radio") {
        if (has(current_value(*c, &state))) state.set_checked(*c, true);
      } else if (t == "select" || t == "multiple select") {
        const node* last = nullptr;
        for (const node* o : options_of(*c)) {
          const bool pick = has(option_value(*o));
          if (t == "multiple select") state.set_selected(*o, pick);
          else if (pick) last = o;
        }
        if (last) state.set_selected(*last, true);
      } else if (is_text_like(t)) {
        if (!p.field->list) state.set_value(*c, vals.front());
        else if (next_text < vals.size()) state.set_value(*c, vals[next_text++]);
      }
    }
  }
}

}  // namespace lvh::sim
