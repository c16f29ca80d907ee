// A paginated list with live navigation: the page lives in the URL (?page=N&per_page=M),
// handle_params reads it, live_patch links move between pages, and events move with
// push_patch. A page out of range is corrected with a replacing push_patch.
#pragma once

#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>

namespace lvh::examples::pages {

/// How many items the list holds.
inline constexpr int item_count = 45;

/// Routes "/items" (ItemsLive).
void install(ref::view_registry& views, ref::router& routes);

}  // namespace lvh::examples::pages
