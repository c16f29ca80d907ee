// What the example apps share: their .html.leex templates (found beside each view's source)
// and the helpers those templates call besides the defaults.
#pragma once

#include <lvh/ref/template.hpp>

#include <string_view>

namespace lvh::examples {

/// The default helpers plus live_flash(@flash, "kind") (nil when the kind is not set).
const ref::helpers& helpers();

/// Compiles examples/<relative_path> (an .html.leex file). Throws ref::template_error.
ref::template_ load_template(std::string_view relative_path);

}  // namespace lvh::examples
