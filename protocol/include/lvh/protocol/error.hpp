// Results and errors for everything that reads untrusted input in lvh::protocol.
//
// Functions that parse bytes, frames or diffs never throw on bad input: they return
// lvh::protocol::result<T>, which holds either a T or an lvh::protocol::error (a typed
// std::error_code plus where in the input it went wrong). Calling .value() on a failed
// result throws lvh::protocol::protocol_exception, for callers that prefer exceptions.
#pragma once

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <system_error>

namespace lvh::protocol {

/// A typed error with context: `code` says what is wrong (compare it against an errc
/// enum), `where` says where (a JSON path such as `c.3.1`, a byte offset, a step).
struct error {
  std::error_code code;
  std::string where;

  /// One sentence: the code's message, then the place, e.g.
  /// "the statics array has 3 entries but the node has 4 dynamics (at c.1.2)".
  std::string message() const;

  friend bool operator==(const error& a, const error& b) {
    return a.code == b.code && a.where == b.where;
  }
};

/// Thrown only by result<T>::value() on a failed result.
class protocol_exception : public std::runtime_error {
 public:
  explicit protocol_exception(error e);
  const error& err() const noexcept { return error_; }

 private:
  error error_;
};

template <class T>
using result = boost::system::result<T, error>;

/// Found by ADL from boost::system::result<T, error>::value().
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

/// Convenience: a failed result from an errc value and a place.
template <class Errc>
error make_error(Errc e, std::string where = {}) {
  return error{make_error_code(e), std::move(where)};
}

}  // namespace lvh::protocol
