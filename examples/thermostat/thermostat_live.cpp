#include "thermostat_live.hpp"

#include "../common/example_support.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

namespace lvh::examples::thermostat {
namespace {

using namespace std::chrono_literals;
using ref::socket;
using ref::value;

constexpr auto update_every = 30s;

class thermostat_live final : public ref::live_view {
 public:
  explicit thermostat_live(reading_fn reading) : reading_(std::move(reading)) {}

  void mount(const value&, const value& session, socket& s) override {
    // Only the connected mount ticks: the disconnected render is a one-off page.
    if (s.connected()) s.send_after("update", update_every);
    const value* user = session.is_object() && session.contains("current_user_id")
                            ? &session["current_user_id"]
                            : nullptr;
    if (user == nullptr || !user->is_number_integer()) {
      fail(s, "Please sign in first.");
      return;
    }
    auto user_id = user->get<std::int64_t>();
    auto temperature = reading_(user_id);
    if (!temperature) {
      fail(s, "The thermostat could not be read.");
      return;
    }
    s.assign("user_id", user_id);
    s.assign("temperature", *temperature);
  }

  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("thermostat/thermostat_live.html.leex");
    return t;
  }

  void handle_info(const value& msg, socket& s) override {
    if (msg != "update") return live_view::handle_info(msg, s);
    s.send_after("update", update_every);
    auto temperature = reading_(s.get("user_id").get<std::int64_t>());
    if (!temperature) return fail(s, "The thermostat stopped answering.");
    s.assign("temperature", *temperature);
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    if (event != "inc_temperature") return live_view::handle_event(event, payload, s);
    s.update("temperature", [](const value& t) { return t.get<int>() + 1; });
    return ref::noreply();
  }

 private:
  static void fail(socket& s, std::string message) {
    s.put_flash("error", std::move(message));
    s.redirect("/error");
  }

  reading_fn reading_;
};

class error_live final : public ref::live_view {
 public:
  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("thermostat/error_live.html.leex");
    return t;
  }
};

}  // namespace

void install(ref::view_registry& views, ref::router& routes, reading_fn reading) {
  views.add("ThermostatLive", [reading = std::move(reading)] {
    return std::unique_ptr<ref::live_view>(new thermostat_live(reading));
  });
  views.add<error_live>("ErrorLive");
  routes.live("/thermostat", "ThermostatLive");
  routes.live("/error", "ErrorLive");
}

}  // namespace lvh::examples::thermostat
