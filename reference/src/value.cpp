#include <lvh/ref/value.hpp>

#include <algorithm>

namespace lvh::ref {

namespace {
constexpr const char* raw_key = "__lvh_raw__";

// Where key is, or would go, in a sorted change list.
template <class List>
auto change_slot(List& changed, std::string_view key) {
  return std::lower_bound(changed.begin(), changed.end(), key,
                          [](const auto& c, std::string_view k) { return std::string_view(c.first) < k; });
}
const value& null_value() {
  static const value v;
  return v;
}
const std::string& empty_string() {
  static const std::string s;
  return s;
}
}  // namespace

value raw(std::string html) {
  value v = value::object();
  v[raw_key] = std::move(html);
  return v;
}

bool is_raw(const value& v) {
  if (!v.is_object() || v.size() != 1) return false;
  auto it = v.find(raw_key);
  return it != v.end() && it->is_string();
}

const std::string& raw_html(const value& v) {
  if (!is_raw(v)) return empty_string();
  return v.find(raw_key)->get_ref<const std::string&>();
}

assigns::assigns() : values_(value::object()) {}

assigns::assigns(value object) : values_(std::move(object)) {
  if (!values_.is_object()) values_ = value::object();
}

const value& assigns::get(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? null_value() : *it;
}

bool assigns::has(std::string_view key) const { return values_.find(key) != values_.end(); }

void assigns::mark(const std::string& key) {
  if (all_changed_) return;
  auto it = values_.find(key);
  mark(key, it != values_.end() ? &*it : nullptr);
}

void assigns::mark(const std::string& key, const value* current) {
  if (all_changed_) return;
  auto pos = change_slot(changed_, key);
  if (pos != changed_.end() && pos->first == key) return;
  changed_.emplace(pos, key, current && current->is_object() ? *current : value());
}

bool assigns::set(std::string key, value v) {
  auto it = values_.find(key);
  if (it == values_.end()) {
    force(std::move(key), std::move(v));
    return true;
  }
  if (*it == v) return false;
  // force(), with the lookup already done.
  mark(key, &*it);
  *it = std::move(v);
  return true;
}

void assigns::force(std::string key, value v) {
  mark(key);
  values_[std::move(key)] = std::move(v);
}

void assigns::merge(const value& object) {
  if (!object.is_object()) return;
  for (auto it = object.begin(); it != object.end(); ++it) set(it.key(), it.value());
}

bool assigns::erase(std::string_view key) {
  auto it = values_.find(key);
  if (it == values_.end()) return false;
  mark(std::string(key));
  values_.erase(it);
  return true;
}

bool assigns::changed(std::string_view key) const {
  if (all_changed_) return true;
  auto pos = change_slot(changed_, key);
  return pos != changed_.end() && pos->first == key;
}

bool assigns::any_changed() const { return all_changed_ || !changed_.empty(); }

std::vector<std::string> assigns::changed_keys() const {
  std::vector<std::string> out;
  if (all_changed_) {
    for (auto it = values_.begin(); it != values_.end(); ++it) out.push_back(it.key());
  } else {
    for (const auto& [k, _] : changed_) out.push_back(k);
  }
  return out;
}

void assigns::clear_changed() {
  changed_.clear();
  all_changed_ = false;
}

void assigns::mark_all_changed() {
  changed_.clear();
  all_changed_ = true;
}

const value* assigns::previous(std::string_view key) const {
  if (all_changed_) return nullptr;
  auto it = change_slot(changed_, key);
  if (it == changed_.end() || it->first != key || !it->second.is_object()) return nullptr;
  return &it->second;
}

namespace {
void release_children(value& v, int depth) noexcept {
  if (depth > 64) return;
  if (v.is_object()) {
    auto& members = v.get_ref<value::object_t&>();
    for (auto& member : members) release_children(member.second, depth + 1);
    members.clear();
  } else if (v.is_array()) {
    auto& items = v.get_ref<value::array_t&>();
    for (auto& item : items) release_children(item, depth + 1);
    items.clear();
  }
}
}  // namespace

void release(value& v) noexcept {
  release_children(v, 0);
  v = nullptr;
}

std::string inspect(const value& v) {
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace lvh::ref
