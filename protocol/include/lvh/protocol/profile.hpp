// Client profiles: which official phoenix_live_view JS client release liveharness emulates.
//
// The wire protocol changed between releases (docs/protocol.md §11). A profile pins one npm
// release, so every behaviour we emulate can be checked against that release's own code.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace lvh::protocol {

enum class client_profile : unsigned char {
  v0_15,  ///< phoenix_live_view 0.15.7 (LEEx era; data-phx-view; auto component ids)
  v0_18,  ///< 0.18.0 (comprehension templates "p"; what liveviewjs 0.8.1 ships)
  v0_20,  ///< 0.20.1 (streams; still auto component ids, no magic ids)
  v1_0,   ///< 1.0.19 (root flags, magic ids "data-phx-id", data-phx-skip)
  v1_2,   ///< 1.2.12 (keyed comprehensions "k"/"kc"/"km", root-level templates)
};

inline constexpr std::array<client_profile, 5> all_client_profiles{
    client_profile::v0_15, client_profile::v0_18, client_profile::v0_20, client_profile::v1_0,
    client_profile::v1_2};

/// The profile's short name: "0.15.7", "0.18", "0.20", "1.0", "1.2".
std::string_view name(client_profile p) noexcept;

/// The npm release of phoenix_live_view the profile emulates, e.g. "0.20.1".
std::string_view npm_version(client_profile p) noexcept;

/// Accepts a profile's short name, its npm version, or a major.minor prefix
/// ("0.15", "0.15.7", "0.20.1", "1.2.12"); nullopt for anything else.
std::optional<client_profile> parse_client_profile(std::string_view s) noexcept;

/// Feature predicates, one per protocol change the profiles disagree on.
constexpr bool has_templates(client_profile p) noexcept { return p >= client_profile::v0_18; }
constexpr bool has_streams(client_profile p) noexcept { return p >= client_profile::v0_20; }
constexpr bool has_magic_ids(client_profile p) noexcept { return p >= client_profile::v1_0; }
constexpr bool has_keyed_comprehensions(client_profile p) noexcept {
  return p >= client_profile::v1_2;
}
/// Up to 0.20.1 the client parses each component's HTML as a <template> fragment and tags
/// its root elements (data-phx-component, auto ids); later clients edit the root tag as text.
constexpr bool parses_component_html(client_profile p) noexcept {
  return p <= client_profile::v0_20;
}

}  // namespace lvh::protocol
