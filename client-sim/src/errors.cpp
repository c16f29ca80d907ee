#include <lvh/sim/errors.hpp>

#include <cstdio>

namespace lvh::sim {

std::string_view to_id(usage_errc code) noexcept {
  switch (code) {
    case usage_errc::selector_no_match: return "selector_no_match";
    case usage_errc::selector_many: return "selector_many";
    case usage_errc::text_filter_none: return "text_filter_none";
    case usage_errc::text_filter_many: return "text_filter_many";
    case usage_errc::element_disabled: return "element_disabled";
    case usage_errc::no_binding: return "no_binding";
    case usage_errc::not_a_form: return "not_a_form";
    case usage_errc::not_in_form: return "not_in_form";
    case usage_errc::unknown_field: return "unknown_field";
    case usage_errc::disabled_field: return "disabled_field";
    case usage_errc::forbidden_field: return "forbidden_field";
    case usage_errc::value_not_in_options: return "value_not_in_options";
    case usage_errc::invalid_submitter: return "invalid_submitter";
    case usage_errc::bad_selector: return "bad_selector";
    case usage_errc::bad_value: return "bad_value";
    case usage_errc::no_hook: return "no_hook";
    case usage_errc::no_element: return "no_element";
  }
  return "unknown";
}

namespace {
std::string compose(usage_errc code, const std::string& message, const std::string& html) {
  std::string out = "[lvh.usage.";
  out += to_id(code);
  out += "] ";
  out += message;
  if (!html.empty()) {
    out += "\n\n";
    out += html;
  }
  return out;
}
}  // namespace

usage_error::usage_error(usage_errc code, std::string message, std::string html)
    : std::runtime_error(compose(code, message, html)),
      code_(code),
      message_(std::move(message)),
      html_(std::move(html)) {}

std::string inspect_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace lvh::sim
