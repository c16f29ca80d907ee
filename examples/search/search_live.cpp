#include "search_live.hpp"

#include "../common/example_support.hpp"

#include <algorithm>
#include <cctype>

namespace lvh::examples::search {
namespace {

using ref::socket;
using ref::value;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const package* find_package(std::string_view name) {
  auto wanted = lower(name);
  for (const auto& p : packages())
    if (p.name == wanted) return &p;
  return nullptr;
}

// A string field of a client's payload; "" when absent or not a string.
std::string field(const value& payload, const char* key) {
  if (!payload.is_object()) return {};
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class search_live final : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("query", "");
    s.assign("matches", value::array());
    s.assign("result", nullptr);
    s.assign("loading", false);
  }

  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("search/search_live.html.leex");
    return t;
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    if (event == "suggest") {
      auto q = field(payload, "q");
      s.assign("query", q);
      s.assign("matches", suggest(q));
    } else if (event == "pick") {
      show(s, field(payload, "name"));
    } else if (event == "search") {
      // Answer at once with a loading state; the lookup happens in handle_info.
      auto q = field(payload, "q");
      s.clear_flash();
      s.assign("query", q);
      s.assign("matches", value::array());
      s.assign("loading", true);
      s.send_self({{"search", q}});
    } else {
      return live_view::handle_event(event, payload, s);
    }
    return ref::noreply();
  }

  void handle_info(const value& msg, socket& s) override {
    if (!msg.is_object() || !msg.contains("search")) return live_view::handle_info(msg, s);
    s.assign("loading", false);
    auto q = msg["search"].get<std::string>();
    if (!show(s, q)) s.put_flash("error", "No package is named \"" + q + "\".");
  }

 private:
  static bool show(socket& s, const std::string& name) {
    const package* p = find_package(name);
    s.assign("matches", value::array());
    if (p == nullptr) {
      s.assign("result", nullptr);
      return false;
    }
    s.assign("query", p->name);
    s.assign("result", {{"name", p->name}, {"description", p->description}});
    return true;
  }
};

}  // namespace

const std::vector<package>& packages() {
  static const std::vector<package> all = {
      {"phoenix", "Productive. Reliable. Fast. A productive web framework."},
      {"phoenix_html", "Phoenix view functions for working with HTML templates."},
      {"phoenix_live_view", "Rich, real-time user experiences with server-rendered HTML."},
      {"phoenix_pubsub", "Distributed PubSub and Presence platform."},
      {"phoenix_ecto", "Integration between Phoenix and Ecto."},
      {"plug", "Compose web applications with functions."},
      {"plug_cowboy", "A Plug adapter for Cowboy."},
      {"ecto", "A toolkit for data mapping and language integrated query."},
      {"ecto_sql", "SQL-based adapters for Ecto and database migrations."},
      {"jason", "A blazing fast JSON parser and generator."},
      {"telemetry", "Dynamic dispatching library for metrics and instrumentations."},
      {"live_dashboard", "Real-time performance dashboard for Phoenix."},
  };
  return all;
}

std::vector<std::string> suggest(std::string_view query, std::size_t limit) {
  std::vector<std::string> out;
  if (query.size() < 2) return out;
  auto q = lower(query);
  for (const auto& p : packages())
    if (out.size() < limit && p.name.rfind(q, 0) == 0) out.push_back(p.name);
  for (const auto& p : packages())
    if (out.size() < limit && p.name.rfind(q, 0) != 0 && p.name.find(q) != std::string::npos)
      out.push_back(p.name);
  return out;
}

void install(ref::view_registry& views, ref::router& routes) {
  views.add<search_live>("SearchLive");
  routes.live("/search", "SearchLive");
}

}  // namespace lvh::examples::search
