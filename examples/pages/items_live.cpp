#include "items_live.hpp"

#include "../common/example_support.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace lvh::examples::pages {
namespace {

using ref::socket;
using ref::value;

constexpr int default_per_page = 10;

// A positive integer from a URL or form param; nullopt for anything else.
std::optional<int> positive(const value& params, const char* key) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_string()) return std::nullopt;
  const auto& s = params[key].get_ref<const std::string&>();
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 1) return std::nullopt;
  return n;
}

std::string path(int page, int per_page) {
  std::string p = "/items?page=" + std::to_string(page);
  if (per_page != default_per_page) p += "&per_page=" + std::to_string(per_page);
  return p;
}

int page_count(int per_page) { return (item_count + per_page - 1) / per_page; }

class items_live final : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("page", 1);
    s.assign("per_page", default_per_page);
  }

  void handle_params(const value& params, const std::string&, socket& s) override {
    int per_page = positive(params, "per_page").value_or(default_per_page);
    if (per_page != 5 && per_page != 10 && per_page != 20) per_page = default_per_page;
    auto asked = positive(params, "page");
    int pages = page_count(per_page);
    int page = std::clamp(asked.value_or(1), 1, pages);
    value items = value::array();
    for (int id = (page - 1) * per_page + 1; id <= std::min(page * per_page, item_count); ++id)
      items.push_back({{"id", id}, {"name", "Item " + std::to_string(id)}});
    s.assign("page", page);
    s.assign("per_page", per_page);
    s.assign("pages", pages);
    s.assign("items", std::move(items));
    s.assign("prev_path", path(page - 1, per_page));
    s.assign("next_path", path(page + 1, per_page));
    // Keep the URL truthful without adding a history entry.
    if (asked && *asked != page) s.push_patch(path(page, per_page), /*replace=*/true);
  }

  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("pages/items_live.html.leex");
    return t;
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    int per_page = s.get("per_page").get<int>();
    if (event == "last") {
      s.push_patch(path(page_count(per_page), per_page));
    } else if (event == "per_page") {
      s.push_patch(path(1, positive(payload, "per_page").value_or(default_per_page)));
    } else {
      return live_view::handle_event(event, payload, s);
    }
    return ref::noreply();
  }
};

}  // namespace

void install(ref::view_registry& views, ref::router& routes) {
  views.add<items_live>("ItemsLive");
  routes.live("/items", "ItemsLive");
}

}  // namespace lvh::examples::pages
