// Views, components and a fixture shared by the server's tests: an endpoint on the
// deterministic scheduler, a page load, a connection through the in-process transport.
#pragma once

#include "golden_view.hpp"

#include "golden_counter.hpp"

#include <lvh/ref/channel.hpp>
#include <lvh/ref/connection.hpp>
#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/transport.hpp>

#include <lvh/protocol/frame.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace lvh::ref::test {

// Views the channel tests use, by name:
//   "CounterLive"  the golden counter (+ ItemComponent)
//   "Crashy"       count; events "inc", "boom" (throws), "reply" (replies {"n": count}),
//                  "push" (push_event "hi"), "patch" (push_patch /crashy?page=N),
//                  "live_redirect", "redirect" (with flash), "flash", "update_comp"
//                  (send_update to its Item "c1"); handle_params assigns page; handle_call
//                  "get" returns count
//   "Ticker"       connected: send_after 1000 {"tick"}; each tick count+1 and re-arms
//   "Chat"         subscribes "room"; event "say" broadcasts {"msg": text}; handle_info appends
//   "Parent"       renders Child via live_render id "child1", then @tab (handle_params' "tab",
//                  "none" when absent); events "inc", "boom"
//   "Child"        count; events "inc", "boom", "patch_root" (count+1, flash, push_event
//                  "from_child", push_patch /parent?tab=2 replacing), "patch_other"
//                  (push_patch /crashy)
//   "PatchInMount" push_patch from mount (always)
//   "Temp"         temporary assigns: messages reset to [] after each render
//   "Echo"         mount assigns connect params/info and static_changed
//   "Other"        a second routed view (for link_redirect)
void add_test_views(view_registry& views, component_registry& components);
lvh::ref::router test_router();

struct recorded_span {
    telemetry_event event;
    telemetry_phase phase;
    std::string view;
};

class fixture {
public:
    explicit fixture(endpoint_config cfg = {});

    deterministic_scheduler sched;
    std::vector<std::string> logs;
    std::chrono::milliseconds clock{1'700'000'000'000};
    std::unique_ptr<endpoint> ep;

    // GET path, then connect with the page's CSRF token and session cookie.
    struct opened {
        http_response page;
        std::shared_ptr<in_process_client> client;
        std::string topic;
        std::string session;
        std::string static_token;
        std::string url;  // the page's absolute URL, what a join sends
    };
    opened open(const std::string& path,
                in_process_client::mode m = in_process_client::mode::json_text);
    // Another page on the same connection (a second root view).
    opened page_on(const opened& o, const std::string& path);

    // Sends text, runs until idle, returns every frame received.
    std::vector<protocol::frame> exchange(in_process_client& c, const std::string& text);
    std::vector<protocol::frame> exchange(in_process_client& c, const protocol::frame& f);
    std::vector<protocol::frame> join(in_process_client& c, const std::string& topic,
                                      const std::string& ref, const std::string& session,
                                      const std::optional<std::string>& static_token,
                                      int mounts = 0, const std::string& url = "http://127.0.0.1:4000/");
    std::vector<protocol::frame> event(in_process_client& c, const std::string& topic,
                                       const std::string& join_ref, const std::string& ref,
                                       const std::string& name, value val = {{"value", ""}},
                                       std::optional<int> cid = std::nullopt,
                                       std::string type = "click");
};

// The value of attribute `name` in the first tag of html that has it ("" when absent).
std::string attr(const std::string& html, const std::string& name, std::size_t from = 0);

}  // namespace lvh::ref::test
