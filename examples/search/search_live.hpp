// Package search with autocomplete: phx-change (debounced) suggests names as the user types,
// clicking a suggestion picks it, and phx-submit searches (the lookup runs as a message to
// the view itself, as a slow search would).
#pragma once

#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace lvh::examples::search {

struct package {
  std::string name;
  std::string description;
};

/// The catalogue the view searches.
const std::vector<package>& packages();

/// Up to `limit` names for a query of two characters or more, case-insensitive: names that
/// start with it first, then names that contain it, each group in catalogue order.
std::vector<std::string> suggest(std::string_view query, std::size_t limit = 5);

/// Routes "/search" (SearchLive).
void install(ref::view_registry& views, ref::router& routes);

}  // namespace lvh::examples::search
