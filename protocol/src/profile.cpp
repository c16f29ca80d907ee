#include <lvh/protocol/profile.hpp>

namespace lvh::protocol {

std::string_view name(client_profile p) noexcept {
  switch (p) {
    case client_profile::v0_15: return "0.15.7";
    case client_profile::v0_18: return "0.18";
    case client_profile::v0_20: return "0.20";
    case client_profile::v1_0: return "1.0";
    case client_profile::v1_2: return "1.2";
  }
  return "?";
}

std::string_view npm_version(client_profile p) noexcept {
  switch (p) {
    case client_profile::v0_15: return "0.15.7";
    case client_profile::v0_18: return "0.18.0";
    case client_profile::v0_20: return "0.20.1";
    case client_profile::v1_0: return "1.0.19";
    case client_profile::v1_2: return "1.2.12";
  }
  return "?";
}

std::optional<client_profile> parse_client_profile(std::string_view s) noexcept {
  for (client_profile p : all_client_profiles) {
    if (s == name(p) || s == npm_version(p)) return p;
  }
  // major.minor alone ("0.15", "1.0") names the profile of that series.
  if (s == "0.15") return client_profile::v0_15;
  if (s == "0.18.0") return client_profile::v0_18;
  return std::nullopt;
}

}  // namespace lvh::protocol
