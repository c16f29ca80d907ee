#include "example_support.hpp"

#include <filesystem>
#include <string>

#ifndef LVH_EXAMPLES_DIR
#error "LVH_EXAMPLES_DIR must name the examples source directory"
#endif

namespace lvh::examples {

const ref::helpers& helpers() {
  static const ref::helpers h = [] {
    ref::helpers out = ref::helpers::defaults();
    // Phoenix's live_flash/2: reading a missing key of @flash directly would fail the render.
    out.add("live_flash", [](const std::vector<ref::value>& args, const ref::value&) -> ref::value {
      if (args.size() != 2 || !args[1].is_string()) throw ref::render_error("live_flash(@flash, \"kind\")");
      if (!args[0].is_object()) return nullptr;
      auto it = args[0].find(args[1].get<std::string>());
      return it == args[0].end() ? ref::value() : *it;
    });
    return out;
  }();
  return h;
}

ref::template_ load_template(std::string_view relative_path) {
  return ref::template_::load_file(std::filesystem::path(LVH_EXAMPLES_DIR) / relative_path, helpers());
}

}  // namespace lvh::examples
