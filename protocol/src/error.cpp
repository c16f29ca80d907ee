#include <lvh/protocol/error.hpp>

namespace lvh::protocol {

std::string error::message() const {
  std::string m = code.message();
  if (!where.empty()) {
    m += " (at ";
    m += where;
    m += ')';
  }
  return m;
}

protocol_exception::protocol_exception(error e)
    : std::runtime_error("[lvh.protocol." + std::string(e.code.category().name()) + "." +
                         std::to_string(e.code.value()) + "] " + e.message()),
      error_(std::move(e)) {}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw protocol_exception(e);
}

}  // namespace lvh::protocol
