// Small LiveViews the testkit's own tests drive, written against lvh::ref the way an app's
// views would be.
#pragma once

#include <lvh/testkit/in_process.hpp>

#include <memory>

namespace lvh::testkit::test {

// Routes:
//   /counter        CounterLive: count + button#inc; CounterComponent "c1" (phx-target
//                   @myself); page_title "Count: N"; event "crash" throws
//   /form           FormLive: #user-form phx-change=validate phx-submit=save, user[name]
//                   with phx-debounce=300; "too short" under 3 characters; save shows Saved
//   /pages          PagesLive: handle_params page; #next push_patch; live_patch link to page 5
//   /redirector     RedirectorLive: "go" push_redirect /counter with flash; "away" redirect /form;
//                   "to-flash" push_redirect /flash with flash info Hello; "away-to-flash"
//                   redirect /flash with flash info Bye
//   /flash          FlashLive: #info shows the flash's info; connected mounts are counted
//   /mount-redirect MountRedirectLive: push_redirect /counter in every mount
//   /connected-redirect  ConnectedRedirectLive: push_redirect /counter when connected
//   /mount-plain-redirect  MountPlainRedirectLive: redirect /form in every mount
//   /clock          ClockLive: connected send_after 1000 "tick", re-armed; #ticks
//   /parent         ParentLive: live_render ChildLive id "child1" (#child-inc)
//   /push           PushLive: "ping" push_event "pong" {n}; #saver phx-hook; hook "save"
//                   replies {ok, id}
//   /echo           EchoLive: connect param "locale" and session "current_user_id"
//   /keys           KeysLive: phx-keydown on #box (phx-key=Enter); phx-focus/phx-blur on #field
//   /news           NewsLive: connected, subscribes to PubSub "news"; each {title} message
//                   appends to #headlines and push_events "headline" {title}
//   /log-form       LogFormLive: #f phx-change=validate phx-submit=save, no debounce; hidden
//                   token=t0, user[name], user[email]; #events lists the events handled,
//                   #last holds the params of the last one as JSON
std::shared_ptr<in_process_server> make_server(in_process_server::options opts = {});
/// FlashLive's connected mounts so far, in this process.
int flash_connected_mounts();

}  // namespace lvh::testkit::test
