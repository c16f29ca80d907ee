#include <lvh/sim/timing.hpp>

#include <lvh/dom/node.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <optional>
#include <utility>

namespace lvh::sim {

using protocol::client_profile;

// -- virtual_clock ------------------------------------------------------------------------

virtual_clock::timer_id virtual_clock::set_timeout(millis delay, std::function<void()> fn) {
  const timer_id id = next_id_++;
  const millis due = now_ + std::max<millis>(delay, 0);
  // Before every timer due at the same time or earlier (all have smaller ids).
  auto at = std::partition_point(timers_.begin(), timers_.end(),
                                 [due](const timer& t) { return t.due > due; });
  timers_.insert(at, timer{due, id, std::move(fn)});
  return id;
}

virtual_clock::timer* virtual_clock::find(timer_id id) noexcept {
  // From the back: the timers cleared most are the soonest due (pushes, debounces).
  for (auto it = timers_.rbegin(); it != timers_.rend(); ++it)
    if (it->id == id) return &*it;
  return nullptr;
}

void virtual_clock::clear_timeout(timer_id id) noexcept {
  if (timer* t = find(id)) timers_.erase(timers_.begin() + (t - timers_.data()));
}

void virtual_clock::disarm(timer_id id) noexcept {
  if (timer* t = find(id)) t->fn = nullptr;
}

void virtual_clock::advance(millis d) {
  const millis until = now_ + std::max<millis>(d, 0);
  while (!timers_.empty() && timers_.back().due <= until) {
    now_ = std::max(now_, timers_.back().due);
    auto fn = std::move(timers_.back().fn);
    timers_.pop_back();
    if (fn) fn();
  }
  now_ = until;
}

bool virtual_clock::run_next() {
  if (timers_.empty()) return false;
  advance(timers_.back().due - now_);
  return true;
}

// -- rate_limiter -------------------------------------------------------------------------

namespace {

// JavaScript's parseInt(value) for the decimal strings phx-debounce holds.
std::optional<long long> parse_int(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                          s[i] == '\f' || s[i] == '\v'))
    ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::size_t start = i;
  long long v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (v < LLONG_MAX / 20) v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start) return std::nullopt;
  return negative ? -v : v;
}

bool is_form_associated(const dom::node& el) {
  const auto& t = el.tag();
  return el.element_namespace() == dom::ns::html &&
         (t == "input" || t == "select" || t == "textarea" || t == "button" || t == "fieldset" ||
          t == "object" || t == "output");
}

const dom::node* find_by_id(const dom::node& root, std::string_view id) {
  std::vector<const dom::node*> stack{&root};
  while (!stack.empty()) {
    const dom::node* n = stack.back();
    stack.pop_back();
    if (n->is_element()) {
      const std::string* v = n->get_attribute("id");
      if (v && *v == id) return n;
    }
    for (auto it = n->children().rbegin(); it != n->children().rend(); ++it)
      stack.push_back(it->get());
  }
  return nullptr;
}

// The element's form owner (el.form): the form= attribute's form, else the nearest <form>
// ancestor.
const dom::node* form_owner(const dom::node& el) {
  if (!is_form_associated(el)) return nullptr;
  if (const std::string* id = el.get_attribute("form")) {
    const dom::node* root = &el;
    while (root->parent()) root = root->parent();
    const dom::node* f = find_by_id(*root, *id);
    return f && f->is_element() && f->tag() == "form" ? f : nullptr;
  }
  for (const dom::node* p = el.parent(); p; p = p->parent())
    if (p->is_element() && p->tag() == "form" && p->element_namespace() == dom::ns::html)
      return p;
  return nullptr;
}

}  // namespace

rate_limiter::rate_limiter(client_profile p, virtual_clock& clock, timing_defaults d)
    : profile_(p), clock_(clock), defaults_(d) {}

void rate_limiter::trigger_cycle(const dom::node& el, bool blur_cycle,
                                 const std::uint64_t* only_cycle) {
  auto it = state_.find(&el);
  if (it == state_.end()) return;
  cycle& c = blur_cycle ? it->second.blur_cycle : it->second.debounce;
  if (only_cycle && *only_cycle != c.n) return;
  // The client's incCycle here installs a no-op trigger: a fired callback never fires twice.
  ++c.n;
  auto trigger = std::move(c.trigger);
  c.trigger = nullptr;
  if (trigger) trigger();
}

bool rate_limiter::limits(const dom::node& el) {
  return el.has_attribute("phx-debounce") || el.has_attribute("phx-throttle");
}

rate_decision rate_limiter::submit(const dom::node& el, std::string_view event_type,
                                   std::string_view key, std::function<void()> fire,
                                   std::function<bool()> still_there) {
  const bool checks = profile_ >= client_profile::v0_18;
  if (checks && (event_type == "blur" || event_type == "focusout")) {
    fire();
    return rate_decision::fired;
  }
  const std::string* debounce_attr = el.get_attribute("phx-debounce");
  const std::string* throttle_attr = el.get_attribute("phx-throttle");
  std::optional<std::string> debounce, throttle;
  if (debounce_attr)
    debounce = debounce_attr->empty() ? std::to_string(defaults_.debounce_ms) : *debounce_attr;
  if (throttle_attr)
    throttle = throttle_attr->empty() ? std::to_string(defaults_.throttle_ms) : *throttle_attr;
  std::optional<std::string> value = debounce ? debounce : throttle;
  if (!value) {
    fire();
    return rate_decision::fired;
  }
  const dom::node* elp = &el;
  auto alive = [still_there, checks] { return !checks || !still_there || still_there(); };

  if (*value == "blur") {
    element_state& s = state_[elp];
    if (profile_ >= client_profile::v1_0) {
      s.blur_cycle.trigger = [fire, alive] {
        if (alive()) fire();
      };
      ++s.blur_cycle.n;
      if (!s.blur_debounce_bound) {
        s.blur_debounce_bound = true;
        s.blur_listeners.push_back(listener::blur_cycle);
      }
    } else if (!s.blur_debounce_bound) {
      s.blur_debounce_bound = true;
      s.first_blur_callback = fire;
      s.blur_listeners.push_back(listener::first_callback);
    }
    return rate_decision::on_blur;
  }

  element_state& s = state_[elp];
  const bool throttling = throttle.has_value();
  // incCycle with the new trigger: a throttle's trigger only lifts the throttle.
  ++s.debounce.n;
  const std::uint64_t current = s.debounce.n;
  if (throttling) {
    s.debounce.trigger = [this, elp] {
      auto it = state_.find(elp);
      if (it != state_.end()) it->second.throttled = false;
    };
  } else {
    s.debounce.trigger = fire;
  }
  auto timeout = parse_int(*value);
  if (!timeout) return rate_decision::invalid;

  rate_decision decision = rate_decision::scheduled;
  if (throttling) {
    bool new_key_down = false;
    if (event_type == "keydown") {
      new_key_down = !s.has_prev_key || s.prev_key != key;
      s.has_prev_key = true;
      s.prev_key = std::string(key);
    }
    if (!new_key_down && s.throttled) return rate_decision::dropped;
    fire();
    decision = rate_decision::fired;
    // `fire` may have forgotten the element; look it up again.
    element_state& s2 = state_[elp];
    s2.throttled = true;
    s2.throttle_timer = clock_.set_timeout(*timeout, [this, elp, alive] {
      if (alive()) trigger_cycle(*elp, false, nullptr);
    });
  } else {
    clock_.set_timeout(*timeout, [this, elp, alive, current] {
      if (alive()) trigger_cycle(*elp, false, &current);
    });
  }

  if (const dom::node* form = form_owner(el)) forms_bound_[form] = true;
  element_state& s3 = state_[elp];
  if (!s3.blur_bound) {
    s3.blur_bound = true;
    s3.blur_listeners.push_back(listener::debounce_trigger);
  }
  return decision;
}

void rate_limiter::blur(const dom::node& el) {
  auto it = state_.find(&el);
  if (it == state_.end()) return;
  // Copy: a listener may change the state (or forget the element).
  const std::vector<listener> listeners = it->second.blur_listeners;
  for (listener l : listeners) {
    auto cur = state_.find(&el);
    if (cur == state_.end()) return;
    switch (l) {
      case listener::first_callback: {
        auto fn = cur->second.first_blur_callback;
        if (fn) fn();
        break;
      }
      case listener::blur_cycle:
        trigger_cycle(el, true, nullptr);
        break;
      case listener::debounce_trigger:
        if (profile_ >= client_profile::v1_0) {
          clock_.clear_timeout(cur->second.throttle_timer);
          cur->second.throttle_timer = 0;
        }
        // 1.2 checks that the element is still there; a blurred element is.
        trigger_cycle(el, false, nullptr);
        break;
    }
  }
}

void rate_limiter::form_submitted(const dom::node& form,
                                  const std::vector<const dom::node*>& inputs) {
  if (forms_bound_.find(&form) == forms_bound_.end()) return;
  for (const dom::node* input : inputs) {
    if (!input) continue;
    element_state& s = state_[input];
    ++s.debounce.n;
    s.debounce.trigger = nullptr;  // incCycle's default trigger does nothing
    s.throttled = false;
  }
}

void rate_limiter::forget(const dom::node& el) {
  state_.erase(&el);
  forms_bound_.erase(&el);
}

}  // namespace lvh::sim
