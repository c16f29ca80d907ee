// The C++ side of tests/interop/patch-interop.mjs: reads streams (one JSON object per line:
// {profile, view_id, rendered, diffs, dead?, focus?}) and prints, per step, the container's
// innerHTML after lvh::sim::view_dom patched it: {"stream":i,"step":n,"html":…} or
// {"stream":i,"step":n,"error":…}. `focus` maps a step to the id of the element focused
// before it (null: nothing focused). Like the oracle's stub socket, no push gets a reply.
#include <lvh/dom/html.hpp>
#include <lvh/sim/patch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <string>

namespace {

using json = nlohmann::json;

lvh::dom::node* by_id(lvh::dom::node& root, const std::string& id) {
  for (const auto& c : root.children()) {
    if (!c->is_element()) continue;
    const std::string* a = c->get_attribute("id");
    if (a && *a == id) return c.get();
    if (auto* f = by_id(*c, id)) return f;
  }
  return nullptr;
}

void run(std::size_t index, const json& s, std::ostream& out) {
  auto emit = [&](std::size_t step, const char* key, const std::string& v) {
    out << json{{"stream", index}, {"step", step}, {key, v}}.dump() << '\n';
  };
  auto profile = lvh::protocol::parse_client_profile(s.value("profile", std::string("1.0")));
  if (!profile) {
    emit(0, "error", "unknown profile");
    return;
  }
  std::string view_id = s.value("view_id", std::string("phx-view"));
  auto container = lvh::dom::node::make_element("div");
  container->set_attribute("id", view_id);
  container->set_attribute("data-phx-main", "");
  container->set_attribute("data-phx-session", "SESSION");
  container->set_attribute("data-phx-static", "STATIC");
  container->set_attribute("data-phx-view", "View");
  if (s.contains("dead") && s["dead"].is_string()) {
    auto frag = lvh::dom::parse_fragment(s["dead"].get<std::string>(), "div");
    while (frag->child_count() > 0) container->append_child(frag->remove_child(0));
  }
  lvh::sim::view_dom view(*profile, view_id);
  std::vector<json> steps{s.value("rendered", json())};
  if (s.contains("diffs") && s["diffs"].is_array())
    for (const auto& d : s["diffs"]) steps.push_back(d);
  const json focus = s.value("focus", json::object());
  const lvh::dom::node* focused = nullptr;
  for (std::size_t n = 0; n < steps.size(); ++n) {
    std::string key = std::to_string(n);
    if (focus.is_object() && focus.contains(key)) {
      focused = focus[key].is_string() ? by_id(*container, focus[key].get<std::string>()) : nullptr;
    }
    lvh::sim::patch_options opts;
    opts.focused = focused;
    auto d = lvh::protocol::diff::from_json(steps[n], *profile);
    if (!d) {
      emit(n, "error", d.error().message());
      continue;
    }
    auto r = n == 0 ? view.join(*container, std::move(*d), opts) : view.update(*container, *d, opts);
    if (!r) {
      emit(n, "error", r.error().message());
      continue;
    }
    // ≤0.20 announces gone components in cids_will_destroy after an update and renders
    // them in full until the reply, which the oracle's stub socket never sends.
    if (n > 0 && !lvh::protocol::has_magic_ids(*profile))
      view.add_pruning_cids(r->removed_cids);
    emit(n, "html", lvh::dom::serialize_children(*container));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (argc > 1) {
    file.open(argv[1]);
    if (!file) {
      std::cerr << "cannot open " << argv[1] << '\n';
      return 2;
    }
    in = &file;
  }
  std::string line;
  std::size_t index = 0;
  while (std::getline(*in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json s = json::parse(line, nullptr, false);
    if (s.is_discarded()) {
      std::cout << json{{"stream", index}, {"step", 0}, {"error", "not JSON"}}.dump() << '\n';
    } else {
      run(index, s, std::cout);
    }
    ++index;
  }
  return 0;
}
