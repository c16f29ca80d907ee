// Values and assigns of the reference runtime: JSON-like data, raw HTML, per-key change marks.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lvh::ref {

/// nil, booleans, integers, floats, strings, lists and maps, as LiveView assigns are.
using value = nlohmann::json;

/// HTML that the engine must not escape: Phoenix's {:safe, iodata}. An object with the single
/// key "__lvh_raw__" holding the HTML string.
value raw(std::string html);
bool is_raw(const value& v);
/// The HTML of a raw value; empty when v is not raw.
const std::string& raw_html(const value& v);

/// A value as JSON text for error messages: never throws (invalid UTF-8 in strings, which
/// assigns may hold, is shown as U+FFFD instead of failing the dump).
std::string inspect(const value& v);

/// Sets v to null, freeing its tree leaves first. Cheaper than letting it go out of scope:
/// nlohmann's destructor moves every node of a tree into a heap-allocated list first (so that
/// it never recurses), which for a small message costs more than the message. Past a depth
/// of 64 the rest is left to that destructor, so any depth is safe.
void release(value& v) noexcept;

/// The top-level assigns of a view or component and the keys changed since the last render.
/// Change tracking is per top-level key, as in LEEx; for a key whose previous value was a map
/// the previous value is kept, so `@user.name` is re-rendered only when that field differs.
class assigns {
 public:
  assigns();
  /// Every key starts changed (nothing rendered yet): a render evaluates everything.
  explicit assigns(value object);

  /// The value of key; null when absent.
  const value& get(std::string_view key) const;
  bool has(std::string_view key) const;
  const value& all() const { return values_; }

  /// Sets key; marks it changed only when the value differs. Returns whether it changed.
  bool set(std::string key, value v);
  /// Sets key and marks it changed even when equal (Phoenix's force_assign).
  void force(std::string key, value v);
  /// set() for each member of an object (other values are ignored).
  void merge(const value& object);
  /// Removes key (marks it changed when it was present).
  bool erase(std::string_view key);

  bool changed(std::string_view key) const;
  bool any_changed() const;
  /// Sorted; every key when all are marked changed.
  std::vector<std::string> changed_keys() const;
  void clear_changed();
  void mark_all_changed();
  /// No tracking: every expression is evaluated (a fresh mount; LEEx's `__changed__` nil).
  bool all_changed() const { return all_changed_; }

  /// What the key held before its first change since the last render when that was a map
  /// (for nested tracking); nullptr otherwise or when the key is unchanged.
  const value* previous(std::string_view key) const;

 private:
  void mark(const std::string& key);
  // mark() with the key's current value (null: none) already looked up.
  void mark(const std::string& key, const value* current);

  value values_;
  // (key, previous value when it was an object, else null), sorted by key. A vector: it is
  // emptied after every render and keeps its buffer, where a map allocated a node per change.
  std::vector<std::pair<std::string, value>> changed_;
  bool all_changed_ = true;
};

}  // namespace lvh::ref
