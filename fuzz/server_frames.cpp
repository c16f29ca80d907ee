// Property: arbitrary frame text sent over the in-process transport to a connection whose
// client has joined a small view (a counter with a form and a stateful component), on the
// deterministic scheduler, never crashes, throws or trips a sanitizer, and never livelocks
// (run_until_idle stays under its bound). Every frame is answered or visibly dropped: after
// it, the client received at least one frame or the server logged a line (a malformed frame,
// a stale join, a crashed view). Every frame the server sends is valid JSON text that decodes
// as a frame. Afterwards the connection and the view are still usable: a heartbeat gets its
// ok reply, and an "inc" event gets an ok reply with the new count — directly when the view
// on the topic is still alive, else after a fresh join (the client's rejoin) whose reply is ok.
//
// Input: one frame text a line (compact JSON has no raw newline), at most 16 lines. "$SESSION"
// and "$STATIC" are replaced by the page's signed session and static tokens, so joins can
// succeed; the view's topic is always "lv:phx-Fuzz" (the harness joined it with ref "1").
#include "fuzz_check.hpp"

#include <lvh/protocol/frame.hpp>
#include <lvh/ref/component.hpp>
#include <lvh/ref/connection.hpp>
#include <lvh/ref/channel.hpp>
#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>
#include <lvh/ref/runtime.hpp>
#include <lvh/ref/template.hpp>
#include <lvh/ref/transport.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace lvh;
using namespace lvh::ref;

constexpr std::size_t max_frames = 16;
const std::string topic = "lv:phx-Fuzz";

class item_component : public live_component {
 public:
  void mount(component_socket& s) override { s.assign("clicks", 0); }
  const template_& render(const component_socket&) const override {
    static const template_ t = template_::compile(
        "<div id=\"item-<%= @id %>\"><%= @label %>: <%= @clicks %>"
        "<button phx-click=\"bump\" phx-target=\"<%= @myself %>\">bump</button></div>",
        "item");
    return t;
  }
  void handle_event(std::string_view event, const value&, component_socket& s) override {
    if (event != "bump") throw std::invalid_argument("Item: no clause for event");
    s.assign("clicks", s.get("clicks").get<int>() + 1);
  }
};

class fuzz_live : public live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("count", 0);
    s.assign("name", "");
    s.assign("page", "");
  }
  void handle_params(const value& params, const std::string&, socket& s) override {
    s.assign("page", params.value("id", ""));
  }
  const template_& render(const socket&) const override {
    static const template_ t = template_::compile(
        "<div id=\"count\"><%= @count %></div><p><%= @page %></p>"
        "<form id=\"f\" phx-change=\"validate\" phx-submit=\"save\">"
        "<input name=\"name\" value=\"<%= @name %>\"/></form>"
        "<%= if @count > 0 do %><%= live_component @socket, \"Item\", id: \"i1\", label: @name %>"
        "<% end %>",
        "fuzz_live");
    return t;
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    const int count = s.get("count").get<int>();
    if (event == "inc") {
      s.assign("count", count + 1);
    } else if (event == "validate" || event == "save") {
      s.assign("name", v.value("name", ""));
    } else if (event == "reply") {
      return reply({{"count", count}});
    } else if (event == "push") {
      s.push_event("pushed", {{"count", count}});
    } else if (event == "patch") {
      s.push_patch("/p/2");
    } else {
      return live_view::handle_event(event, v, s);  // no clause: the view crashes
    }
    return noreply();
  }
};

struct harness {
  deterministic_scheduler sched;
  std::size_t log_lines = 0;
  std::unique_ptr<endpoint> ep;
  std::shared_ptr<in_process_client> client;
  std::string session;
  std::string static_token;

  harness() {
    endpoint_config cfg;
    cfg.secret_key_base = "liveharness-fuzz-secret-key-base-liveharness-fuzz-secret-key-base";
    cfg.seed = 7;
    cfg.clock = [] { return std::chrono::milliseconds(1'700'000'000'000); };
    cfg.view_id_generator = [] { return std::string("phx-Fuzz"); };
    cfg.logger = [this](std::string_view) { ++log_lines; };
    cfg.frame_limits.max_bytes = 16 * 1024;
    view_registry views;
    views.add<fuzz_live>("FuzzLive");
    component_registry components;
    components.add<item_component>("Item");
    lvh::ref::router r;
    r.live("/", "FuzzLive");
    r.live("/p/:id", "FuzzLive");
    ep = std::make_unique<endpoint>(std::move(cfg), std::move(views), std::move(components),
                                    std::move(r), sched);
    const http_response page = ep->get({.url = "/"});
    LVH_FUZZ_CHECK(page.status == 200 && page.view_id == "phx-Fuzz");
    session = attribute(page.body, "data-phx-session");
    static_token = attribute(page.body, "data-phx-static");
    LVH_FUZZ_CHECK(!session.empty());
    client = in_process_client::connect(*ep, {{"_csrf_token", page.csrf_token}},
                                        {{"session", page.session_cookie}});
  }

  static std::string attribute(const std::string& html, const std::string& name) {
    const std::string needle = " " + name + "=\"";
    auto at = html.find(needle);
    if (at == std::string::npos) return {};
    at += needle.size();
    return html.substr(at, html.find('"', at) - at);
  }

  // Sends text, runs the scheduler until idle and returns what the client received.
  std::vector<protocol::frame> exchange(std::string text) {
    client->send(std::move(text));
    const auto run = sched.run_until_idle();
    LVH_FUZZ_CHECK(!run.hit_bound);
    std::vector<protocol::frame> out;
    while (auto t = client->receive_text()) {  // a frame that cannot travel throws: a bug
      auto f = protocol::decode(*t);
      LVH_FUZZ_CHECK(f.has_value());
      out.push_back(std::move(*f));
    }
    return out;
  }

  std::string join_text(std::string_view ref) const {
    const value payload = {{"url", "http://127.0.0.1:4000/"},
                           {"params", {{"_mounts", 0}}},
                           {"session", session},
                           {"static", static_token}};
    return protocol::encode(protocol::frame{std::string(ref), std::string(ref), topic,
                                            std::string(protocol::events::join), payload});
  }
};

const protocol::frame* reply_to(const std::vector<protocol::frame>& frames, std::string_view ref) {
  for (const auto& f : frames)
    if (f.event == protocol::events::reply && f.ref && *f.ref == ref) return &f;
  return nullptr;
}

bool is_ok(const protocol::frame* f) {
  return f && f->payload.is_object() && f->payload.value("status", "") == "ok";
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
    s.replace(at, what.size(), with);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  harness h;
  const auto joined = h.exchange(h.join_text("1"));
  LVH_FUZZ_CHECK(is_ok(reply_to(joined, "1")));

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (std::size_t n = 0; n < max_frames; ++n) {
    const auto nl = rest.find('\n');
    std::string text(rest.substr(0, nl));
    replace_all(text, "$SESSION", h.session);
    replace_all(text, "$STATIC", h.static_token);
    const std::size_t logged = h.log_lines;
    const auto out = h.exchange(std::move(text));
    LVH_FUZZ_CHECK(!out.empty() || h.log_lines > logged);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }

  // The connection still answers.
  const auto beat = h.exchange(R"([null,"hb-1","phoenix","heartbeat",{}])");
  LVH_FUZZ_CHECK(is_ok(reply_to(beat, "hb-1")));

  // The view still answers, or a rejoin brings it back.
  std::string join_ref = "1";
  const auto ch = h.client->conn().find(topic);
  if (!ch || !ch->alive()) {
    join_ref = "rejoin-1";
    const auto rejoined = h.exchange(h.join_text(join_ref));
    LVH_FUZZ_CHECK(is_ok(reply_to(rejoined, join_ref)));
  }
  const value event = {{"type", "click"}, {"event", "inc"}, {"value", value::object()}};
  const auto answer = h.exchange(protocol::encode(
      protocol::frame{join_ref, "inc-1", topic, std::string(protocol::events::event), event}));
  const protocol::frame* r = reply_to(answer, "inc-1");
  LVH_FUZZ_CHECK(is_ok(r));
  return 0;
}
