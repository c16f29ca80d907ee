// The HTML standard's form rules over attribute-only DOM trees plus a form_state overlay.
#include <lvh/sim/errors.hpp>
#include <lvh/sim/forms.hpp>

#include <lvh/dom/ascii.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>

namespace lvh::sim {

using dom::node;

namespace {

bool is_html(const node& n, std::string_view tag) {
  return n.is_element() && n.element_namespace() == dom::ns::html && n.tag() == tag;
}
bool is_html_element(const node& n) { return n.is_element() && n.element_namespace() == dom::ns::html; }

using dom::ascii::lower;
using dom::ascii::lowered;
using dom::ascii::iequals;
constexpr auto is_ascii_ws = dom::ascii::is_space;

std::string strip_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '\n' && c != '\r') out += c;
  return out;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ascii_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_ws(s.back())) s.remove_suffix(1);
  return s;
}
std::string collapse_ws(std::string_view s) {
  std::string out;
  bool pending = false;
  for (char c : s) {
    if (is_ascii_ws(c)) {
      pending = !out.empty();
    } else {
      if (pending) out += ' ';
      pending = false;
      out += c;
    }
  }
  return out;
}
std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string attr_or(const node& n, std::string_view name, std::string_view fallback = {}) {
  const std::string* v = n.get_attribute(name);
  return v ? *v : std::string(fallback);
}

// The parent as the form rules see it: template contents are a separate tree.
const node* tree_parent(const node& n) {
  const node* p = n.parent();
  if (!p || is_html(*p, "template")) return nullptr;
  return p;
}

// The node whose descendants make up `n`'s tree (a template element stands for its content).
const node& tree_root(const node& n) {
  const node* cur = &n;
  for (;;) {
    const node* p = cur->parent();
    if (!p) return *cur;
    if (is_html(*p, "template")) return *p;
    cur = p;
  }
}

template <class F>
void walk_tree(const node& root, F&& f) {
  std::vector<std::pair<const node*, std::size_t>> stack;
  stack.emplace_back(&root, 0);
  while (!stack.empty()) {
    auto& [n, i] = stack.back();
    if (i == n->child_count()) {
      stack.pop_back();
      continue;
    }
    const node& c = n->child(i++);
    if (!c.is_element()) continue;
    if (f(c)) return;
    if (!is_html(c, "template") && c.child_count() != 0) stack.emplace_back(&c, 0);
  }
}

// -- value microsyntaxes (HTML "common microsyntaxes", as jsdom implements them) ----------

bool is_leap(long long y) { return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0); }
int days_in_month(int m, long long y) {
  static constexpr std::array<int, 12> d{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : d[static_cast<std::size_t>(m - 1)];
}
// 0 = Sunday, proleptic Gregorian.
int day_of_week(long long y, int m, int d) {
  static constexpr std::array<int, 12> t{0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  const long long r = (y + y / 4 - y / 100 + y / 400 + t[static_cast<std::size_t>(m - 1)] + d) % 7;
  return static_cast<int>(r);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
long long to_num(std::string_view s) {
  long long v = 0;
  for (char c : s) v = std::min<long long>(v * 10 + (c - '0'), 1'000'000'000'000LL);
  return v;
}

bool valid_month(std::string_view s, long long* year = nullptr, int* month = nullptr) {
  const auto dash = s.find('-');
  if (dash == std::string_view::npos || dash < 4) return false;
  const auto ys = s.substr(0, dash), ms = s.substr(dash + 1);
  if (!all_digits(ys) || ms.size() != 2 || !all_digits(ms)) return false;
  const long long y = to_num(ys);
  const int m = static_cast<int>(to_num(ms));
  if (y <= 0 || m < 1 || m > 12) return false;
  if (year) *year = y;
  if (month) *month = m;
  return true;
}
bool valid_date(std::string_view s) {
  const auto dash = s.rfind('-');
  if (dash == std::string_view::npos) return false;
  long long y = 0;
  int m = 0;
  if (!valid_month(s.substr(0, dash), &y, &m)) return false;
  const auto ds = s.substr(dash + 1);
  if (ds.size() != 2 || !all_digits(ds)) return false;
  const int d = static_cast<int>(to_num(ds));
  return d >= 1 && d <= days_in_month(m, y);
}
bool valid_week(std::string_view s) {
  const auto w = s.find("-W");
  if (w == std::string_view::npos || w < 4 || w > 5) return false;
  const auto ys = s.substr(0, w), ws = s.substr(w + 2);
  if (!all_digits(ys) || ws.size() != 2 || !all_digits(ws)) return false;
  const long long y = to_num(ys);
  const int wk = static_cast<int>(to_num(ws));
  if (y <= 0) return false;
  const int jan1 = day_of_week(y, 1, 1);
  const int last = (jan1 == 4 || (is_leap(y) && jan1 == 3)) ? 53 : 52;
  return wk >= 1 && wk <= last;
}
struct time_parts {
  int h = 0, m = 0, s = 0, ms = 0;
};
bool parse_time(std::string_view s, time_parts& t) {
  if (s.size() < 5 || s[2] != ':' || !all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2))) return false;
  t.h = static_cast<int>(to_num(s.substr(0, 2)));
  t.m = static_cast<int>(to_num(s.substr(3, 2)));
  if (t.h > 23 || t.m > 59) return false;
  if (s.size() == 5) return true;
  if (s[5] != ':' || s.size() < 8 || !all_digits(s.substr(6, 2))) return false;
  t.s = static_cast<int>(to_num(s.substr(6, 2)));
  if (t.s > 59) return false;
  if (s.size() == 8) return true;
  const auto frac = s.substr(9);
  if (s[8] != '.' || frac.empty() || frac.size() > 3 || !all_digits(frac)) return false;
  // A fraction of a second: ".5" is 500 ms.
  std::string padded(frac);
  padded.resize(3, '0');
  t.ms = static_cast<int>(to_num(padded));
  return true;
}
std::string pad2(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string serialize_time(const time_parts& t) {
  std::string out = pad2(t.h) + ":" + pad2(t.m);
  if (t.s == 0 && t.ms == 0) return out;
  out += ":" + pad2(t.s);
  std::string ms = std::to_string(t.ms);
  out += "." + std::string(3 - ms.size(), '0') + ms;
  return out;
}
std::string sanitize_datetime_local(std::string_view s) {
  auto sep = s.find('T');
  if (sep == std::string_view::npos) sep = s.find(' ');
  if (sep == std::string_view::npos) return {};
  const auto date = s.substr(0, sep);
  time_parts t;
  if (!valid_date(date) || !parse_time(s.substr(sep + 1), t)) return {};
  return std::string(date) + "T" + serialize_time(t);
}

bool valid_float(std::string_view s) {
  static const std::regex re(R"(^-?(?:\d+|\d*\.\d+)(?:[eE][-+]?\d+)?$)");
  return std::regex_match(s.begin(), s.end(), re);
}
double parse_float(std::string_view s, double fallback) {
  if (!valid_float(s)) return fallback;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || !std::isfinite(v)) return fallback;
  return v;
}
// As JavaScript's Number#toString for ordinary magnitudes.
std::string js_number(double v) {
  if (v == 0) return "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string sanitize(const node& input, const std::string& type, std::string v) {
  if (type == "text" || type == "search" || type == "tel" || type == "password") return strip_newlines(v);
  if (type == "url") return std::string(trim(strip_newlines(v)));
  if (type == "email") {
    if (!input.has_attribute("multiple")) return std::string(trim(strip_newlines(v)));
    std::string out;
    std::size_t i = 0;
    for (;;) {
      const auto comma = v.find(',', i);
      out += trim(std::string_view(v).substr(i, comma == std::string::npos ? std::string::npos : comma - i));
      if (comma == std::string::npos) break;
      out += ',';
      i = comma + 1;
    }
    return out;
  }
  if (type == "number") return valid_float(v) ? v : std::string();
  if (type == "range") {
    // Default 0..100, step 1 from min; a max below min counts as min.
    const double lo = parse_float(attr_or(input, "min"), 0);
    const double hi = std::max(lo, parse_float(attr_or(input, "max"), 100));
    double x = valid_float(v) ? parse_float(v, 0) : lo + (hi - lo) / 2;
    bool changed = !valid_float(v);
    if (x < lo) x = lo, changed = true;
    if (x > hi) x = hi, changed = true;
    const std::string step_attr = attr_or(input, "step");
    if (!iequals(step_attr, "any")) {
      double step = parse_float(step_attr, 1);
      if (step <= 0) step = 1;
      const double k = (x - lo) / step;
      if (std::fabs(k - std::round(k)) > 1e-9) {
        double r = lo + std::floor(k + 0.5) * step;
        if (r > hi) r -= step;
        x = r;
        changed = true;
      }
    }
    return changed ? js_number(x) : v;
  }
  if (type == "color") {
    const bool ok = v.size() == 7 && v[0] == '#' &&
                    std::all_of(v.begin() + 1, v.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    return ok ? lowered(v) : std::string("#000000");
  }
  if (type == "date") return valid_date(v) ? v : std::string();
  if (type == "month") return valid_month(v) ? v : std::string();
  if (type == "week") return valid_week(v) ? v : std::string();
  if (type == "time") {
    time_parts t;
    return parse_time(v, t) ? v : std::string();
  }
  if (type == "datetime-local") return sanitize_datetime_local(v);
  return v;
}

const node* owning_select(const node& option) {
  const node* p = tree_parent(option);
  if (p && is_html(*p, "optgroup")) p = tree_parent(*p);
  return (p && is_html(*p, "select")) ? p : nullptr;
}

bool is_radio(const node& n) { return is_html(n, "input") && input_type(n) == "radio"; }

// The radios in `r`'s group, `r` included, in tree order.
std::vector<const node*> radio_group(const node& r) {
  std::vector<const node*> out;
  const std::string* name = r.get_attribute("name");
  if (!name || name->empty()) {
    out.push_back(&r);
    return out;
  }
  const node* owner = form_owner(r);
  walk_tree(tree_root(r), [&](const node& n) {
    if (is_radio(n) && form_owner(n) == owner) {
      const std::string* other = n.get_attribute("name");
      if (other && *other == *name) out.push_back(&n);
    }
    return false;
  });
  if (std::find(out.begin(), out.end(), &r) == out.end()) out.push_back(&r);
  return out;
}

long long display_size(const node& select) {
  if (const std::string* s = select.get_attribute("size")) {
    std::string_view v = trim(*s);
    if (all_digits(v)) {
      const long long n = to_num(v);
      if (n > 0) return n;
    }
  }
  return select.has_attribute("multiple") ? 4 : 1;
}

// Directionality for dirname: `dir` on the element or an ancestor; "auto" looks at the value.
std::string directionality(const node& el, const std::string& value) {
  for (const node* n = &el; n; n = tree_parent(*n)) {
    if (!n->is_element()) continue;
    const std::string* d = n->get_attribute("dir");
    if (!d) continue;
    if (iequals(*d, "rtl")) return "rtl";
    if (iequals(*d, "ltr")) return "ltr";
    if (iequals(*d, "auto") && n == &el) {
      // First strong character of the value: Hebrew, Arabic and related blocks are RTL.
      std::size_t i = 0;
      while (i < value.size()) {
        const auto c = static_cast<unsigned char>(value[i]);
        std::uint32_t cp = c;
        std::size_t len = 1;
        if (c >= 0xF0 && i + 3 < value.size()) {
          cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(value[i + 1]) & 0x3Fu) << 12) |
               ((static_cast<unsigned char>(value[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(value[i + 3]) & 0x3Fu);
          len = 4;
        } else if (c >= 0xE0 && i + 2 < value.size()) {
          cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(value[i + 1]) & 0x3Fu) << 6) |
               (static_cast<unsigned char>(value[i + 2]) & 0x3Fu);
          len = 3;
        } else if (c >= 0xC0 && i + 1 < value.size()) {
          cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(value[i + 1]) & 0x3Fu);
          len = 2;
        }
        i += len;
        const bool rtl = (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
                         (cp >= 0xFE70 && cp <= 0xFEFF) || (cp >= 0x10800 && cp <= 0x10FFF) ||
                         (cp >= 0x1E800 && cp <= 0x1EFFF);
        const bool ltr = (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp < 0x0590 && cp != 0xD7 && cp != 0xF7);
        if (rtl) return "rtl";
        if (ltr) return "ltr";
      }
      return "ltr";
    }
  }
  return "ltr";
}

}  // namespace

// -- form_state ----------------------------------------------------------------------------

void form_state::set_value(const node& control, std::string value) {
  entries_[&control].value = std::move(value);
}

void form_state::set_checked(const node& input, bool checked) {
  if (checked && is_radio(input)) {
    for (const node* r : radio_group(input))
      if (r != &input) entries_[r].checked = false;
  }
  entries_[&input].checked = checked;
}

void form_state::set_selected(const node& option, bool selected) {
  if (selected) {
    if (const node* sel = owning_select(option); sel && !sel->has_attribute("multiple")) {
      for (const node* o : options_of(*sel))
        if (o != &option) entries_[o].selected = false;
    }
  }
  entries_[&option].selected = selected;
}

const std::string* form_state::value(const node& control) const {
  auto it = entries_.find(&control);
  return (it != entries_.end() && it->second.value) ? &*it->second.value : nullptr;
}
std::optional<bool> form_state::checked(const node& input) const {
  auto it = entries_.find(&input);
  return it != entries_.end() ? it->second.checked : std::nullopt;
}
std::optional<bool> form_state::selected(const node& option) const {
  auto it = entries_.find(&option);
  return it != entries_.end() ? it->second.selected : std::nullopt;
}

void form_state::forget(const node& n) {
  if (entries_.empty()) return;
  entries_.erase(&n);
  for (const auto& c : n.children()) forget(*c);
}

void form_state::prune(const node& root) {
  if (entries_.empty()) return;
  std::unordered_map<const node*, entry> kept;
  std::vector<const node*> stack{&root};
  while (!stack.empty()) {
    const node* n = stack.back();
    stack.pop_back();
    if (auto it = entries_.find(n); it != entries_.end()) kept.emplace(n, std::move(it->second));
    for (const auto& c : n->children()) stack.push_back(c.get());
  }
  entries_ = std::move(kept);
}

void form_state::reset(const node& form) {
  for (const node* c : form_controls(form)) {
    if (is_html(*c, "select"))
      for (const node* o : options_of(*c)) entries_.erase(o);
    entries_.erase(c);
  }
}

// -- controls ------------------------------------------------------------------------------

std::string input_type(const node& input) {
  static constexpr std::array<std::string_view, 22> known{
      "hidden", "text", "search", "tel", "url", "email", "password", "date", "month", "week", "time",
      "datetime-local", "number", "range", "color", "checkbox", "radio", "file", "submit", "image", "reset",
      "button"};
  const std::string* t = input.get_attribute("type");
  if (!t) return "text";
  std::string l = lowered(*t);
  return std::find(known.begin(), known.end(), l) != known.end() ? l : std::string("text");
}

bool is_listed(const node& el) {
  if (!is_html_element(el)) return false;
  const auto& t = el.tag();
  return t == "button" || t == "fieldset" || t == "input" || t == "object" || t == "output" || t == "select" ||
         t == "textarea";
}

bool is_submittable(const node& el) {
  if (!is_html_element(el)) return false;
  const auto& t = el.tag();
  return t == "button" || t == "input" || t == "object" || t == "select" || t == "textarea";
}

bool is_submit_button(const node& el) {
  if (is_html(el, "button")) {
    const std::string* t = el.get_attribute("type");
    return !t || (!iequals(*t, "button") && !iequals(*t, "reset"));
  }
  if (is_html(el, "input")) {
    const std::string t = input_type(el);
    return t == "submit" || t == "image";
  }
  return false;
}

const node* form_owner(const node& el) {
  if (!is_listed(el)) return nullptr;
  if (const std::string* id = el.get_attribute("form")) {
    const node* found = nullptr;
    walk_tree(tree_root(el), [&](const node& n) {
      const std::string* nid = n.get_attribute("id");
      if (nid && *nid == *id) {
        found = &n;
        return true;
      }
      return false;
    });
    return (found && is_html(*found, "form")) ? found : nullptr;
  }
  for (const node* p = tree_parent(el); p; p = tree_parent(*p))
    if (is_html(*p, "form")) return p;
  return nullptr;
}

bool is_disabled(const node& el) {
  if (!el.is_element()) return false;
  if (is_html(el, "option")) {
    if (el.has_attribute("disabled")) return true;
    const node* p = tree_parent(el);
    return p && is_html(*p, "optgroup") && p->has_attribute("disabled");
  }
  if (el.has_attribute("disabled")) return true;
  if (!is_listed(el)) return false;
  const node* child = &el;
  for (const node* p = tree_parent(el); p; child = p, p = tree_parent(*p)) {
    if (!is_html(*p, "fieldset") || !p->has_attribute("disabled")) continue;
    // Inside the fieldset's first legend child, controls stay enabled.
    const node* first_legend = nullptr;
    for (const auto& c : p->children())
      if (is_html(*c, "legend")) {
        first_legend = c.get();
        break;
      }
    if (!first_legend || child != first_legend) return true;
  }
  return false;
}

std::vector<const node*> form_controls(const node& form) {
  std::vector<const node*> out;
  walk_tree(tree_root(form), [&](const node& n) {
    if (is_listed(n) && form_owner(n) == &form) out.push_back(&n);
    return false;
  });
  return out;
}

std::vector<const node*> options_of(const node& select) {
  std::vector<const node*> out;
  for (const auto& c : select.children()) {
    if (is_html(*c, "option")) {
      out.push_back(c.get());
    } else if (is_html(*c, "optgroup")) {
      for (const auto& g : c->children())
        if (is_html(*g, "option")) out.push_back(g.get());
    }
  }
  return out;
}

std::string option_value(const node& option) {
  if (const std::string* v = option.get_attribute("value")) return *v;
  return collapse_ws(option.text_content());
}

bool is_selected(const node& option, const form_state* state) {
  if (state)
    if (auto s = state->selected(option)) return *s;
  const node* sel = owning_select(option);
  if (!sel) return option.has_attribute("selected");
  const auto opts = options_of(*sel);
  if (sel->has_attribute("multiple")) return option.has_attribute("selected");
  // A single select: the last option marked selected (by the overlay or the attribute) wins;
  // with none and display size 1, the first enabled option.
  const node* chosen = nullptr;
  for (const node* o : opts) {
    std::optional<bool> s = state ? state->selected(*o) : std::nullopt;
    if (s.value_or(o->has_attribute("selected"))) chosen = o;
  }
  if (!chosen && display_size(*sel) == 1) {
    for (const node* o : opts)
      if (!is_disabled(*o)) {
        chosen = o;
        break;
      }
  }
  return chosen == &option;
}

bool is_checked(const node& input, const form_state* state) {
  if (state)
    if (auto c = state->checked(input)) return *c;
  if (!input.has_attribute("checked")) return false;
  if (!is_radio(input)) return true;
  // Of a group's radios carrying `checked`, the parser leaves only the last one checked,
  // unless the user has since ticked another.
  const auto group = radio_group(input);
  if (state)
    for (const node* r : group)
      if (r != &input && state->checked(*r).value_or(false)) return false;
  const node* last = nullptr;
  for (const node* r : group)
    if (r->has_attribute("checked") && !(state && state->checked(*r).has_value())) last = r;
  return last == &input;
}

std::string current_value(const node& control, const form_state* state) {
  if (is_html(control, "input")) {
    const std::string type = input_type(control);
    if (type == "checkbox" || type == "radio") return attr_or(control, "value", "on");
    if (type == "hidden" || type == "submit" || type == "image" || type == "reset" || type == "button")
      return attr_or(control, "value");
    if (type == "file") return {};
    const std::string* dirty = state ? state->value(control) : nullptr;
    return sanitize(control, type, dirty ? *dirty : attr_or(control, "value"));
  }
  if (is_html(control, "textarea")) {
    const std::string* dirty = state ? state->value(control) : nullptr;
    return normalize_newlines(dirty ? *dirty : control.text_content());
  }
  if (is_html(control, "select")) {
    for (const node* o : options_of(control))
      if (is_selected(*o, state)) return option_value(*o);
    return {};
  }
  if (is_html(control, "option")) return option_value(control);
  if (is_html(control, "output")) return control.text_content();
  return attr_or(control, "value");
}

// -- the entry list ------------------------------------------------------------------------

std::vector<form_entry> construct_entry_list(const node& form, const form_state* state,
                                             const submitter_options& submit) {
  if (!is_html(form, "form"))
    throw usage_error(usage_errc::not_a_form,
                      "expected a form element, got " + inspect_string(form.is_element() ? form.tag() : "a non-element"));
  const node* submitter = submit.submitter;
  if (submitter) {
    if (!is_submit_button(*submitter))
      throw usage_error(usage_errc::invalid_submitter,
                        "the submitter must be a submit button (button, input type=submit or image), got " +
                            inspect_string(submitter->tag()));
    if (form_owner(*submitter) != &form)
      throw usage_error(usage_errc::invalid_submitter, "the submitter does not belong to this form");
  }

  std::vector<form_entry> out;
  for (const node* field : form_controls(form)) {
    if (!is_submittable(*field)) continue;
    // Controls in a datalist are never submitted.
    bool in_datalist = false;
    for (const node* p = tree_parent(*field); p && !in_datalist; p = tree_parent(*p)) in_datalist = is_html(*p, "datalist");
    if (in_datalist || is_disabled(*field)) continue;
    if (is_html(*field, "object")) continue;
    const bool is_input = is_html(*field, "input");
    const std::string type = is_input ? input_type(*field) : std::string();
    if (is_submit_button(*field) && field != submitter) continue;
    if (is_html(*field, "button") && field != submitter) continue;  // reset/button types
    if (is_input && (type == "reset" || type == "button")) continue;
    if (is_input && (type == "checkbox" || type == "radio") && !is_checked(*field, state)) continue;
    const std::string* name = field->get_attribute("name");
    if (is_input && type == "image") {
      const std::string prefix = (name && !name->empty()) ? *name + "." : std::string();
      out.push_back({prefix + "x", std::to_string(submit.x), false});
      out.push_back({prefix + "y", std::to_string(submit.y), false});
      continue;
    }
    if (!name || name->empty()) continue;
    if (is_html(*field, "select")) {
      for (const node* o : options_of(*field))
        if (is_selected(*o, state) && !is_disabled(*o)) out.push_back({*name, option_value(*o), false});
      continue;
    }
    if (is_input && (type == "checkbox" || type == "radio")) {
      out.push_back({*name, attr_or(*field, "value", "on"), false});
      continue;
    }
    if (is_input && type == "file") {
      out.push_back({*name, std::string(), true});
      continue;
    }
    if (is_input && type == "hidden" && iequals(*name, "_charset_")) {
      out.push_back({*name, "UTF-8", false});
      continue;
    }
    const std::string value = current_value(*field, state);
    out.push_back({*name, value, false});
    // dirname: auto-directionality controls (text-like inputs, textarea) also send their
    // directionality.
    if (const std::string* dn = field->get_attribute("dirname");
        dn && !dn->empty() &&
        (is_html(*field, "textarea") || type == "hidden" || type == "text" || type == "search" || type == "tel" ||
         type == "url" || type == "email" || type == "password" || type == "submit")) {
      out.push_back({*dn, directionality(*field, value), false});
    }
  }
  return out;
}

void urlencode_append(std::string& out, std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ') {
      out += '+';
    } else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' ||
               c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

std::string urlencode(const std::vector<form_entry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    if (!out.empty()) out += '&';
    urlencode_append(out, e.name);
    out += '=';
    urlencode_append(out, e.value);
  }
  return out;
}

}  // namespace lvh::sim
