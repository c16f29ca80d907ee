// What the test API throws besides lvh::sim::usage_error (a selector that matched nothing, a
// click without a binding, …), which surfaces unchanged with its stable id.
//
// - testkit_error: the test asked for something impossible (a view that is gone, following a
//   result that did not redirect, a page that is not a LiveView). Stable id in id().
// - assertion_error: an assert_* / refute_* failed (LiveViewTest raises there too). The
//   message names the view, its URL and the last action, then what was expected and seen.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lvh::testkit {

class testkit_error : public std::runtime_error {
 public:
  /// Ids: view_gone, not_live, http_status, not_redirected, redirect_mismatch, unsupported,
  /// view_crashed, bad_value.
  testkit_error(std::string id, const std::string& message)
      : std::runtime_error("[lvh.testkit." + id + "] " + message), id_(std::move(id)) {}
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

class assertion_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lvh::testkit
