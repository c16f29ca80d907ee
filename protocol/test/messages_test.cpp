#include <lvh/protocol.hpp>  // the umbrella must compile on its own

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef LVH_REAL_FRAMES_DIR
#error "LVH_REAL_FRAMES_DIR must name tests/data/real-frames"
#endif

namespace lvh::protocol {
namespace {

using nlohmann::json;

// --- captures ---------------------------------------------------------------------------

struct captured {
  bool sent = false;  // client → server
  frame f;
  std::string origin;  // file:line, for failure messages
};

// Every frame of one capture, decoded from its text with the real decoder.
std::vector<captured> load_capture(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(LVH_REAL_FRAMES_DIR) / name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<captured> out;
  std::string line;
  int n = 0;
  const bool jsonl = path.extension() == ".jsonl";
  while (std::getline(in, line)) {
    ++n;
    const std::string origin = name + ":" + std::to_string(n);
    std::string text;
    bool sent = false;
    if (jsonl) {
      const json entry = json::parse(line);
      const std::string dir = entry.at("dir");
      if (dir != "send" && dir != "recv") continue;
      sent = dir == "send";
      text = entry.at("frame").dump();
    } else {
      // liveviewjs captures: ">> frame" sent, "<< frame" received, "#" and "<< (" are notes.
      if (line.size() < 4 || line[3] == '(') continue;
      if (line.rfind(">> ", 0) == 0)
        sent = true;
      else if (line.rfind("<< ", 0) != 0)
        continue;
      text = line.substr(3);
    }
    auto f = decode(text);
    EXPECT_TRUE(f) << origin << ": " << f.error().message();
    if (f) out.push_back({sent, std::move(*f), origin});
  }
  return out;
}

const std::vector<std::string>& capture_files() {
  static const std::vector<std::string> files = [] {
    std::vector<std::string> v;
    for (const auto& e : std::filesystem::directory_iterator(LVH_REAL_FRAMES_DIR)) {
      const auto ext = e.path().extension();
      if (ext == ".jsonl" || ext == ".txt") v.push_back(e.path().filename().string());
    }
    std::sort(v.begin(), v.end());
    return v;
  }();
  return files;
}

const captured& nth(const std::vector<captured>& frames, bool sent, std::string_view event,
                    int index = 0) {
  for (const auto& c : frames)
    if (c.sent == sent && c.f.event == event && index-- == 0) return c;
  throw std::runtime_error("no such frame: " + std::string(event));
}

// Replies answer the request with the same ref on the same topic.
const captured* request_for(const std::vector<captured>& frames, const captured& reply) {
  const captured* found = nullptr;
  for (const auto& c : frames) {
    if (&c == &reply) break;
    if (c.sent && c.f.ref == reply.f.ref && c.f.topic == reply.f.topic) found = &c;
  }
  return found;
}

template <class T>
void expect_round_trip(const json& j, const std::string& origin) {
  auto v = T::from_json(j);
  ASSERT_TRUE(v) << origin << ": " << v.error().message() << "\n" << j.dump();
  EXPECT_EQ(v->to_json(), j) << origin;
}

// Every captured frame goes through decode and the message type its event calls for, and
// encodes back to the same JSON; lifecycle frames equal what the helpers build.
TEST(messages_captures, every_frame_decodes_as_its_message_and_round_trips) {
  ASSERT_GE(capture_files().size(), 8u);
  std::map<std::string, int> kinds;
  for (const auto& file : capture_files()) {
    SCOPED_TRACE(file);
    const auto frames = load_capture(file);
    EXPECT_GE(frames.size(), 6u);
    for (const auto& c : frames) {
      SCOPED_TRACE(c.origin);
      const frame& f = c.f;
      EXPECT_EQ(decode(encode(f)).value(), f);
      if (c.sent) {
        if (f.event == events::join && f.topic.rfind("lv:", 0) == 0) {
          expect_round_trip<join_payload>(f.payload, c.origin);
          EXPECT_EQ(f.join_ref, f.ref);
          ++kinds["join"];
        } else if (f.event == events::join) {
          // The errors capture joins a topic nobody routes, with an empty payload.
          auto j = join_payload::from_json(f.payload);
          ASSERT_FALSE(j);
          EXPECT_EQ(j.error().code, message_errc::missing_key);
          ++kinds["join to no route"];
        } else if (f.event == events::event) {
          expect_round_trip<event_payload>(f.payload, c.origin);
          ++kinds["event"];
        } else if (is_heartbeat(f)) {
          EXPECT_EQ(f, make_heartbeat(*f.ref));
          ++kinds["heartbeat"];
        } else if (f.event == events::leave) {
          EXPECT_EQ(f, make_phx_leave(f.topic, *f.join_ref, *f.ref));
          ++kinds["leave"];
        } else {
          ADD_FAILURE() << "unexpected client event " << f.event;
        }
        continue;
      }
      if (f.event == events::error || f.event == events::close) {
        ASSERT_TRUE(f.join_ref);
        EXPECT_EQ(f, f.event == events::error ? make_phx_error(f.topic, *f.join_ref)
                                              : make_phx_close(f.topic, *f.join_ref));
        ++kinds[f.event];
        continue;
      }
      ASSERT_EQ(f.event, events::reply) << "unexpected server event";
      const captured* req = request_for(frames, c);
      ASSERT_NE(req, nullptr) << "reply to nothing";
      auto parsed = reply::from_frame(f);
      ASSERT_TRUE(parsed) << parsed.error().message();
      const reply& r = parsed.value();
      EXPECT_EQ(r.to_json(), f.payload);
      if (req->f.event == events::join && f.join_ref) {
        expect_round_trip<join_reply>(f.payload, c.origin);
        EXPECT_EQ(f, make_reply(req->f, r));
        ++kinds["join reply"];
      } else if (r.status == reply_status::error) {
        // A push or join on a topic with no channel.
        EXPECT_EQ(f, make_unmatched_topic_reply(req->f));
        ++kinds["unmatched topic"];
      } else if (is_heartbeat(req->f)) {
        EXPECT_EQ(f, make_heartbeat_reply(*req->f.ref));
        ++kinds["heartbeat reply"];
      } else {
        expect_round_trip<event_reply>(r.response, c.origin);
        EXPECT_EQ(f, make_reply(req->f, r));
        ++kinds["event reply"];
      }
    }
  }
  // What the captures hold; a loader that silently skipped frames would miss these.
  EXPECT_EQ(kinds["join"], 14);
  EXPECT_EQ(kinds["join reply"], 14);
  EXPECT_EQ(kinds["join to no route"], 2);
  EXPECT_EQ(kinds["unmatched topic"], 4);
  EXPECT_EQ(kinds["event"], 36);
  EXPECT_EQ(kinds["event reply"], 34);  // 32 events answered (two crashed the view), 2 leaves
  EXPECT_EQ(kinds["heartbeat"], 4);
  EXPECT_EQ(kinds["heartbeat reply"], 4);
  EXPECT_EQ(kinds["leave"], 4);
  EXPECT_EQ(kinds["phx_error"], 3);
  EXPECT_EQ(kinds["phx_close"], 1);
}

TEST(messages_captures, first_join_of_the_official_0_15_client) {
  const auto frames = load_capture("phoenix-0.15.7-official-client.jsonl");
  const auto join = join_payload::from_json(nth(frames, true, "phx_join").f.payload).value();
  EXPECT_EQ(join.url, "http://127.0.0.1:4000/");
  EXPECT_FALSE(join.redirect);
  EXPECT_EQ(join.params.csrf_token, "XXUDB3d_DCpIH10mVBhuLBR8L2cnHA814Bfu5OYKpe0OarYyDExQfeMz");
  EXPECT_EQ(join.params.mounts, 0);
  EXPECT_FALSE(join.params.track_static);
  EXPECT_TRUE(join.params.extra.empty());
  EXPECT_EQ(join.session.rfind("SFMyNTY.", 0), 0u);
  ASSERT_TRUE(join.static_token && *join.static_token);
  EXPECT_EQ(join.static_token->value().rfind("SFMyNTY.", 0), 0u);
  EXPECT_FALSE(join.flash) << "no flash key on the first page join";
  EXPECT_FALSE(join.sticky);
}

TEST(messages_captures, scripted_0_20_join_sends_a_null_flash_and_rejoins_with_mounts_1) {
  const auto frames = load_capture("phoenix-0.20.17-scripted.jsonl");
  const auto first = join_payload::from_json(nth(frames, true, "phx_join", 0).f.payload).value();
  ASSERT_TRUE(first.flash.has_value());
  EXPECT_FALSE(first.flash->has_value());
  EXPECT_EQ(first.params.mounts, 0);
  const auto rejoin = join_payload::from_json(nth(frames, true, "phx_join", 1).f.payload).value();
  EXPECT_EQ(rejoin.params.mounts, 1);
  EXPECT_EQ(rejoin.to_json().at("flash"), nullptr);
}

TEST(messages_captures, join_replies_carry_rendered_and_the_0_20_version) {
  const auto frames = load_capture("phoenix-0.20.17-official-client.jsonl");
  const auto r = join_reply::from_json(nth(frames, false, "phx_reply", 0).f.payload).value();
  ASSERT_TRUE(r.ok());
  const auto& ok = std::get<join_ok>(r.value);
  EXPECT_EQ(ok.liveview_version, "0.20.17");
  EXPECT_EQ(ok.rendered.at("c").at("1").at("r"), 1);
  EXPECT_FALSE(ok.live_patch);
  EXPECT_FALSE(ok.container);

  const auto old = load_capture("phoenix-0.15.7-official-client.jsonl");
  const auto r15 = join_reply::from_json(nth(old, false, "phx_reply", 0).f.payload).value();
  EXPECT_FALSE(std::get<join_ok>(r15.value).liveview_version);
}

TEST(messages_captures, errors_capture_has_stale_joins_and_unmatched_topics) {
  const auto frames = load_capture("phoenix-0.15.7-errors.jsonl");
  const auto stale = join_reply::from_json(nth(frames, false, "phx_reply", 0).f.payload).value();
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(std::get<join_error>(stale.value).what, join_error::kind::stale);

  const captured& unmatched = nth(frames, false, "phx_reply", 3);
  EXPECT_FALSE(unmatched.f.join_ref);
  const auto e = join_reply::from_json(unmatched.f.payload).value();
  EXPECT_EQ(std::get<join_error>(e.value).what, join_error::kind::unmatched_topic);
  EXPECT_EQ(std::get<join_error>(e.value).reason, "unmatched topic");
}

TEST(messages_captures, scripted_0_15_events_send_cid_null_and_forms_send_strings) {
  const auto frames = load_capture("phoenix-0.15.7-scripted.jsonl");
  const auto click = event_payload::from_json(nth(frames, true, "event", 0).f.payload).value();
  EXPECT_EQ(click.type, event_type::click);
  EXPECT_EQ(click.event, "inc");
  EXPECT_EQ(click.value, (json{{"value", ""}}));
  EXPECT_FALSE(click.cid);
  EXPECT_TRUE(click.null_cid);
  EXPECT_EQ(click.to_json().at("cid"), nullptr);

  const auto form = event_payload::from_json(nth(frames, true, "event", 2).f.payload).value();
  EXPECT_EQ(form.type, event_type::form);
  EXPECT_EQ(form.event, "validate");
  EXPECT_EQ(form.value, "name=abc&_target=name");
  EXPECT_EQ(form.uploads, json::object());
  EXPECT_FALSE(form.meta);

  const auto bump = event_payload::from_json(nth(frames, true, "event", 4).f.payload).value();
  EXPECT_EQ(bump.event, "bump");
  EXPECT_EQ(bump.cid, 1);
  EXPECT_FALSE(bump.null_cid);

  // The official client drops the key instead.
  const auto official = load_capture("phoenix-0.15.7-official-client.jsonl");
  const auto inc = event_payload::from_json(nth(official, true, "event", 0).f.payload).value();
  EXPECT_FALSE(inc.cid);
  EXPECT_FALSE(inc.null_cid);
  EXPECT_FALSE(inc.to_json().contains("cid"));
}

TEST(messages_captures, event_replies_carry_diffs) {
  const auto frames = load_capture("phoenix-0.15.7-official-client.jsonl");
  const auto r = reply::from_frame(nth(frames, false, "phx_reply", 1).f).value();
  const auto er = event_reply::from_json(r.response).value();
  ASSERT_TRUE(er.diff);
  EXPECT_EQ(er.diff->at("0"), "1");
  EXPECT_FALSE(er.redirect || er.live_redirect || er.live_patch || er.link_redirect);
}

TEST(messages_captures, crash_and_leave_put_the_join_ref_in_both_slots) {
  const auto f15 = load_capture("phoenix-0.15.7-scripted.jsonl");
  EXPECT_EQ(nth(f15, false, "phx_error", 0).f, make_phx_error("lv:phx-GOrxc2Sfg9398QKx", "1"));
  // 0.15: the leave is answered first, then the socket reports the exit with the old join_ref.
  EXPECT_EQ(nth(f15, false, "phx_error", 1).f, make_phx_error("lv:phx-GOrxc2Sfg9398QKx", "10"));

  // 0.20: the channel is closed first, then the leave is answered.
  const auto f20 = load_capture("phoenix-0.20.17-scripted.jsonl");
  EXPECT_EQ(nth(f20, false, "phx_close", 0).f, make_phx_close("lv:phx-GOrxdD_Urd6ZfARR", "10"));
}

TEST(messages_captures, liveviewjs_sends_status_before_response) {
  const auto frames = load_capture("liveviewjs-0.8.1-list.txt");
  const auto r = join_reply::from_json(nth(frames, false, "phx_reply", 0).f.payload).value();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<join_ok>(r.value).rendered.at("1").at("d").size(), 2u);
  const auto join = join_payload::from_json(nth(frames, true, "phx_join").f.payload).value();
  ASSERT_TRUE(join.static_token && *join.static_token);
  EXPECT_EQ(**join.static_token, "");
}

// --- join payload -----------------------------------------------------------------------

json minimal_join() {
  return {
      {"url", "http://h/"}, {"params", {{"_mounts", 0}}}, {"session", "S"}, {"static", nullptr}};
}

void expect_refused(const result<join_payload>& r, message_errc code, const std::string& where) {
  ASSERT_FALSE(r) << r->to_json().dump();
  EXPECT_EQ(r.error().code, code) << r.error().message();
  EXPECT_EQ(r.error().where, where);
}

TEST(join_payload, keeps_every_key_of_later_clients_and_the_apps_params) {
  const json j = {{"redirect", "http://h/other"},
                  {"params",
                   {{"_csrf_token", "tok"},
                    {"_mounts", 2},
                    {"_track_static", {"http://h/app.css", "http://h/app.js"}},
                    {"_live_referer", "http://h/"},
                    {"_mount_attempts", 1},
                    {"locale", "fr"},
                    {"nested", {{"a", {1, 2}}}}}},
                  {"session", "S"},
                  {"static", "T"},
                  {"flash", "F"},
                  {"sticky", true},
                  {"caller", {"pid"}}};
  const auto p = join_payload::from_json(j).value();
  EXPECT_FALSE(p.url);
  EXPECT_EQ(p.redirect, "http://h/other");
  EXPECT_EQ(p.params.track_static,
            (std::vector<std::string>{"http://h/app.css", "http://h/app.js"}));
  EXPECT_EQ(p.params.live_referer, "http://h/");
  EXPECT_EQ(p.params.mount_attempts, 1);
  EXPECT_EQ(p.params.extra, (json{{"locale", "fr"}, {"nested", {{"a", {1, 2}}}}}));
  EXPECT_EQ(p.flash, std::optional<std::string>("F"));
  EXPECT_EQ(p.sticky, true);
  EXPECT_EQ(p.extra, (json{{"caller", {"pid"}}}));
  EXPECT_EQ(p.to_json(), j);
}

TEST(join_payload, nested_children_send_neither_url_nor_redirect) {
  json j = minimal_join();
  j.erase("url");
  const auto p = join_payload::from_json(j).value();
  EXPECT_FALSE(p.url || p.redirect);
  EXPECT_EQ(p.to_json(), j);
}

TEST(join_payload, refuses_url_and_redirect_together) {
  json j = minimal_join();
  j["redirect"] = "http://h/x";
  expect_refused(join_payload::from_json(j), message_errc::conflicting_keys, "redirect");
}

TEST(join_payload, names_the_path_of_a_bad_key) {
  auto with = [](const char* key, json v) {
    json j = minimal_join();
    j["params"][key] = std::move(v);
    return join_payload::from_json(j);
  };
  expect_refused(with("_mounts", "0"), message_errc::wrong_type, "params._mounts");
  expect_refused(with("_mounts", 1.0), message_errc::wrong_type, "params._mounts");
  expect_refused(with("_mounts", -1), message_errc::bad_value, "params._mounts");
  expect_refused(with("_csrf_token", 5), message_errc::wrong_type, "params._csrf_token");
  expect_refused(with("_track_static", {"a", 1}), message_errc::wrong_type,
                 "params._track_static.1");
  expect_refused(with("_track_static", "a"), message_errc::wrong_type, "params._track_static");

  json j = minimal_join();
  j["params"] = json::array();
  expect_refused(join_payload::from_json(j), message_errc::not_object, "params");
  j = minimal_join();
  j.erase("session");
  expect_refused(join_payload::from_json(j), message_errc::missing_key, "session");
  j = minimal_join();
  j["static"] = 5;
  expect_refused(join_payload::from_json(j), message_errc::wrong_type, "static");
  j = minimal_join();
  j["sticky"] = "true";
  expect_refused(join_payload::from_json(j), message_errc::wrong_type, "sticky");
  expect_refused(join_payload::from_json(json::array()), message_errc::not_object, "");
}

TEST(join_payload, static_and_flash_tell_absent_from_null) {
  json j = minimal_join();
  j.erase("static");
  const auto absent = join_payload::from_json(j).value();
  EXPECT_FALSE(absent.static_token);
  const auto null = join_payload::from_json(minimal_join()).value();
  ASSERT_TRUE(null.static_token);
  EXPECT_FALSE(*null.static_token);
  EXPECT_FALSE(absent.to_json().contains("static"));
  EXPECT_EQ(null.to_json().at("static"), nullptr);
}

// --- join replies -----------------------------------------------------------------------

TEST(join_reply, ok_with_live_patch_container_and_unknown_keys) {
  const json payload = {{"status", "ok"},
                        {"response",
                         {{"rendered", {{"0", "x"}, {"s", {"<p>", "</p>"}}}},
                          {"live_patch", {{"to", "/p?x=1"}, {"kind", "replace"}}},
                          {"container", {"section", {{"class", "main"}}}},
                          {"liveview_version", "1.0.19"},
                          {"pid", "<0.1.0>"}}}};
  const auto r = join_reply::from_json(payload).value();
  ASSERT_TRUE(r.ok());
  const auto& ok = std::get<join_ok>(r.value);
  ASSERT_TRUE(ok.live_patch);
  EXPECT_EQ(ok.live_patch->to, "/p?x=1");
  EXPECT_EQ(ok.live_patch->kind, navigation::replace);
  ASSERT_TRUE(ok.container);
  EXPECT_EQ(ok.container->tag, "section");
  EXPECT_EQ(ok.container->attrs, (json{{"class", "main"}}));
  EXPECT_EQ(ok.extra, (json{{"pid", "<0.1.0>"}}));
  EXPECT_EQ(r.to_json(), payload);
}

TEST(join_reply, error_reasons_are_classified_and_kept) {
  const std::vector<std::pair<std::string, join_error::kind>> cases = {
      {"stale", join_error::kind::stale},
      {"unauthorized", join_error::kind::unauthorized},
      {"unmatched topic", join_error::kind::unmatched_topic},
      {"join crashed", join_error::kind::join_crashed},
      {"timeout", join_error::kind::other_reason}};
  for (const auto& [reason, kind] : cases) {
    const json payload = {{"status", "error"}, {"response", {{"reason", reason}}}};
    const auto r = join_reply::from_json(payload).value();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(std::get<join_error>(r.value).what, kind) << reason;
    EXPECT_EQ(std::get<join_error>(r.value), join_error::with_reason(reason));
    EXPECT_EQ(r.to_json(), payload);
  }
}

TEST(join_reply, reload_needs_status_and_token) {
  const json response = {{"reason", "reload"}, {"status", 404}, {"token", "T"}};
  const auto e = join_error::from_json(response).value();
  EXPECT_EQ(e.what, join_error::kind::reload);
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.token, "T");
  EXPECT_EQ(e.to_json(), response);

  auto missing = join_reply::from_json(
      {{"status", "error"}, {"response", {{"reason", "reload"}, {"status", 404}}}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, message_errc::missing_key);
  EXPECT_EQ(missing.error().where, "response.token");
}

TEST(join_reply, redirects_during_mount) {
  const json hard = {{"redirect", {{"to", "/login"}, {"flash", "F"}}}};
  const auto h = join_error::from_json(hard).value();
  EXPECT_EQ(h, join_error::redirecting(redirect_to{"/login", "F", json::object()}));
  EXPECT_EQ(h.to_json(), hard);

  const json live = {{"live_redirect", {{"to", "/other"}, {"kind", "replace"}}}};
  const auto l = join_error::from_json(live).value();
  EXPECT_EQ(l.what, join_error::kind::live_redirect);
  ASSERT_TRUE(l.live_redirect);
  EXPECT_EQ(l.live_redirect->kind, navigation::replace);
  EXPECT_FALSE(l.live_redirect->flash);
  EXPECT_EQ(l.to_json(), live);
}

TEST(join_reply, refusals_name_the_path_inside_the_response) {
  auto refused = [](const json& payload, message_errc code, const std::string& where) {
    auto r = join_reply::from_json(payload);
    ASSERT_FALSE(r) << payload.dump();
    EXPECT_EQ(r.error().code, code) << r.error().message();
    EXPECT_EQ(r.error().where, where);
  };
  refused({{"status", "maybe"}, {"response", json::object()}}, message_errc::bad_value, "status");
  refused({{"status", "ok"}, {"response", json::array()}}, message_errc::not_object, "response");
  refused({{"response", json::object()}}, message_errc::missing_key, "status");
  refused({{"status", "ok"}, {"response", json::object()}}, message_errc::missing_key,
          "response.rendered");
  refused({{"status", "ok"}, {"response", {{"rendered", "<p>"}}}}, message_errc::not_object,
          "response.rendered");
  refused({{"status", "ok"},
           {"response",
            {{"rendered", json::object()}, {"live_patch", {{"to", "/"}, {"kind", "sideways"}}}}}},
          message_errc::bad_value, "response.live_patch.kind");
  refused({{"status", "ok"}, {"response", {{"rendered", json::object()}, {"container", {"div"}}}}},
          message_errc::wrong_type, "response.container");
  refused({{"status", "error"}, {"response", {{"redirect", {{"to", 1}}}}}},
          message_errc::wrong_type, "response.redirect.to");
  refused({{"status", "error"}, {"response", {{"reason", "stale"}, {"redirect", {{"to", "/"}}}}}},
          message_errc::conflicting_keys, "response.reason");
  refused({{"status", "error"}, {"response", json::object()}}, message_errc::missing_key,
          "response.reason");
  refused({{"status", "ok"}, {"response", {{"rendered", json::object()}}}, {"x", 1}},
          message_errc::unexpected_key, "x");
}

// --- replies and events -----------------------------------------------------------------

TEST(event_reply, reads_every_navigation_key_and_keeps_upload_keys) {
  const json response = {{"diff", {{"0", "1"}}},
                         {"redirect", {{"to", "/a"}}},
                         {"live_redirect", {{"to", "/b"}, {"kind", "push"}, {"flash", "F"}}},
                         {"live_patch", {{"to", "/c"}, {"kind", "push"}}},
                         {"link_redirect", true},
                         {"ref", "phx-1"},
                         {"config", {{"chunk_size", 64000}}}};
  const auto r = event_reply::from_json(response).value();
  EXPECT_EQ(r.diff, (json{{"0", "1"}}));
  EXPECT_EQ(r.redirect->to, "/a");
  EXPECT_EQ(r.live_redirect->flash, "F");
  EXPECT_EQ(r.live_patch->to, "/c");
  EXPECT_EQ(r.link_redirect, true);
  EXPECT_EQ(r.extra, (json{{"ref", "phx-1"}, {"config", {{"chunk_size", 64000}}}}));
  EXPECT_EQ(r.to_json(), response);
  EXPECT_EQ(event_reply::from_json(json::object()).value().to_json(), json::object());

  auto bad = event_reply::from_json({{"diff", "x"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, message_errc::not_object);
  EXPECT_EQ(bad.error().where, "diff");
}

TEST(event_payload, reads_each_type) {
  const std::vector<json> payloads = {
      {{"type", "keyup"}, {"event", "k"}, {"value", {{"key", "Enter"}}}},
      {{"type", "keydown"}, {"event", "k"}, {"value", {{"key", "a"}}}, {"cid", 3}},
      {{"type", "focus"}, {"event", "f"}, {"value", json::object()}},
      {{"type", "blur"}, {"event", "b"}, {"value", json::object()}},
      {{"type", "hook"}, {"event", "h"}, {"value", {{"any", {1, 2}}}}},
      {{"type", "form"},
       {"event", "save"},
       {"value", "user%5Bname%5D=a+b"},
       {"meta", {{"_target", "undefined"}}},
       {"uploads", {{"phx-1", json::array()}}}},
  };
  const std::vector<event_type> types = {event_type::keyup, event_type::keydown, event_type::focus,
                                         event_type::blur,  event_type::hook,    event_type::form};
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto e = event_payload::from_json(payloads[i]).value();
    EXPECT_EQ(e.type, types[i]);
    EXPECT_EQ(e.to_json(), payloads[i]);
  }
  EXPECT_EQ(event_payload::from_json(payloads[1]).value().cid, 3);
  EXPECT_EQ(event_payload::from_json(payloads[5]).value().meta, (json{{"_target", "undefined"}}));
}

TEST(event_payload, keeps_the_types_that_js_commands_send) {
  const json removed = {{"type", "remove"}, {"event", "gone"}, {"value", json::object()}};
  const auto r = event_payload::from_json(removed).value();
  EXPECT_EQ(r.type, event_type::other);
  EXPECT_EQ(r.other_type, "remove");
  EXPECT_EQ(r.to_json(), removed);

  const json mounted = {{"type", nullptr}, {"event", "m"}, {"value", json::object()}};
  const auto m = event_payload::from_json(mounted).value();
  EXPECT_EQ(m.type, event_type::other);
  EXPECT_FALSE(m.other_type);
  EXPECT_EQ(m.to_json(), mounted);
}

TEST(event_payload, refusals_name_the_key) {
  auto refused = [](json j, message_errc code, const std::string& where) {
    auto r = event_payload::from_json(j);
    ASSERT_FALSE(r) << j.dump();
    EXPECT_EQ(r.error().code, code) << r.error().message();
    EXPECT_EQ(r.error().where, where);
    // The overload that moves out of the payload refuses it the same way.
    auto moved = event_payload::from_json(json(j));
    ASSERT_FALSE(moved) << j.dump();
    EXPECT_EQ(moved.error().code, code) << j.dump();
    EXPECT_EQ(moved.error().where, where);
  };
  const json click = {{"type", "click"}, {"event", "inc"}, {"value", json::object()}};
  auto with = [&](const char* k, json v) {
    json j = click;
    j[k] = std::move(v);
    return j;
  };
  refused(with("type", 1), message_errc::wrong_type, "type");
  refused(with("event", nullptr), message_errc::wrong_type, "event");
  refused(with("value", "a=1"), message_errc::not_object, "value");
  refused(with("cid", "1"), message_errc::wrong_type, "cid");
  refused(with("cid", 1.5), message_errc::wrong_type, "cid");
  refused(with("cid", 0), message_errc::bad_value, "cid");
  refused(with("cid", 4294967296LL), message_errc::bad_value, "cid");
  refused(with("uploads", json::object()), message_errc::unexpected_key, "uploads");
  refused(with("meta", json::object()), message_errc::unexpected_key, "meta");
  json form = {{"type", "form"}, {"event", "save"}, {"value", {{"name", "a"}}}};
  refused(form, message_errc::wrong_type, "value");
  form["value"] = "name=a";
  form["uploads"] = json::array();
  refused(form, message_errc::not_object, "uploads");
  json no_value = click;
  no_value.erase("value");
  refused(no_value, message_errc::missing_key, "value");
}

TEST(event_payload, several_problems_report_the_first_in_key_order) {
  // type, event, value, cid, uploads, meta: the order the fields are checked in, whatever
  // order the object holds them in.
  auto first = [](const json& j) {
    auto r = event_payload::from_json(j);
    EXPECT_FALSE(r) << j.dump();
    return r ? std::string("decoded") : r.error().where;
  };
  EXPECT_EQ(first({{"zz", 1}, {"meta", 1}, {"cid", "x"}, {"value", 1}, {"event", 1}}), "type");
  EXPECT_EQ(first({{"type", "click"}, {"meta", 1}, {"cid", "x"}, {"value", 1}}), "event");
  EXPECT_EQ(first({{"type", "click"}, {"event", "e"}, {"meta", 1}, {"cid", "x"}, {"value", 1}}),
            "value");
  EXPECT_EQ(first({{"type", "click"},
                   {"event", "e"},
                   {"meta", 1},
                   {"cid", 0},
                   {"value", json::object()}}),
            "cid");
  EXPECT_EQ(first({{"type", "click"},
                   {"event", "e"},
                   {"value", json::object()},
                   {"meta", json::object()},
                   {"uploads", 1}}),
            "uploads");
  EXPECT_EQ(first(json::array()), "");
  EXPECT_EQ(event_payload::from_json(json::array()).error().code, message_errc::not_object);
}

TEST(event_payload, moving_overload_decodes_what_the_copying_one_does) {
  const std::vector<json> payloads = {
      {{"type", "click"}, {"event", "inc"}, {"value", {{"n", 1}}}, {"cid", 2}},
      {{"type", "click"}, {"event", "inc"}, {"value", json::object()}, {"cid", nullptr}},
      {{"type", "remove"}, {"event", "gone"}, {"value", json::object()}, {"later", {1, 2}}},
      {{"type", "form"},
       {"event", "save"},
       {"value", "user%5Bname%5D=a+b"},
       {"meta", {{"_target", "undefined"}}},
       {"uploads", {{"phx-1", json::array({{{"ref", "0"}}})}}},
       {"newer", "kept"}},
  };
  for (const auto& p : payloads) {
    const event_payload copied = event_payload::from_json(p).value();
    json source = p;
    const event_payload moved = event_payload::from_json(std::move(source)).value();
    EXPECT_EQ(moved, copied) << p.dump();
    EXPECT_EQ(moved.to_json(), p);
  }
  const event_payload with_extra = event_payload::from_json(json(payloads[2])).value();
  EXPECT_EQ(with_extra.extra, (json{{"later", {1, 2}}}));
}

TEST(link_and_cids, round_trip_and_refuse) {
  const json link = {{"url", "http://h/p?page=2"}};
  EXPECT_EQ(link_payload::from_json(link).value().url, "http://h/p?page=2");
  EXPECT_EQ(link_payload::from_json(link).value().to_json(), link);
  EXPECT_EQ(link_payload::from_json(json::object()).error().code, message_errc::missing_key);

  const json cids = {{"cids", {1, 2, 7}}};
  EXPECT_EQ(cids_payload::from_json(cids).value().cids, (std::vector<int>{1, 2, 7}));
  EXPECT_EQ(cids_payload::from_json(cids).value().to_json(), cids);
  auto zero = cids_payload::from_json({{"cids", {1, 0}}});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, message_errc::bad_value);
  EXPECT_EQ(zero.error().where, "cids.1");
  EXPECT_EQ(cids_payload::from_json({{"cids", {"1"}}}).error().code, message_errc::wrong_type);
  EXPECT_EQ(cids_payload::from_json({{"cids", 1}}).error().code, message_errc::wrong_type);
}

TEST(navigation_pushes, round_trip) {
  const json patch = {{"to", "/p"}, {"kind", "push"}};
  EXPECT_EQ(live_patch_to::from_json(patch).value().to_json(), patch);
  const json live = {{"to", "/q"}, {"kind", "replace"}, {"flash", "F"}};
  EXPECT_EQ(live_redirect_to::from_json(live).value().to_json(), live);
  const json hard = {{"to", "https://elsewhere/"}};
  EXPECT_EQ(redirect_to::from_json(hard).value().to_json(), hard);
  EXPECT_EQ(live_patch_to::from_json({{"to", "/p"}}).error().code, message_errc::missing_key);
  EXPECT_EQ(live_redirect_to::from_json({{"to", "/p"}, {"kind", "push"}, {"flash", nullptr}})
                .error()
                .code,
            message_errc::wrong_type);
}

// --- frames -----------------------------------------------------------------------------

TEST(frame_helpers, put_refs_where_phoenix_does) {
  EXPECT_EQ(encode(make_phx_error("lv:a", "4")), R"(["4","4","lv:a","phx_error",{}])");
  EXPECT_EQ(encode(make_phx_close("lv:a", "4")), R"(["4","4","lv:a","phx_close",{}])");
  EXPECT_EQ(encode(make_phx_leave("lv:a", "4", "9")), R"(["4","9","lv:a","phx_leave",{}])");
  EXPECT_EQ(encode(make_heartbeat("8")), R"([null,"8","phoenix","heartbeat",{}])");
  EXPECT_EQ(encode(make_heartbeat_reply("8")),
            R"([null,"8","phoenix","phx_reply",{"response":{},"status":"ok"}])");
  EXPECT_EQ(encode(make_server_push("lv:a", "diff", {{"0", "1"}}, std::nullopt)),
            R"([null,null,"lv:a","diff",{"0":"1"}])");
  EXPECT_EQ(encode(make_server_push("lv:a", "diff", {{"0", "1"}}, "4")),
            R"(["4",null,"lv:a","diff",{"0":"1"}])");
  EXPECT_EQ(encode(make_push("lv:a", "event", json::object(), "4", "7")),
            R"(["4","7","lv:a","event",{}])");

  join_payload jp;
  jp.url = "http://h/";
  jp.session = "S";
  const frame join = make_join("lv:a", "3", jp);
  EXPECT_EQ(join.join_ref, "3");
  EXPECT_EQ(join.ref, "3");
  EXPECT_EQ(join.payload,
            (json{{"url", "http://h/"}, {"params", json::object()}, {"session", "S"}}));

  const frame reply_frame =
      make_reply(join, reply{reply_status::ok, {{"rendered", json::object()}}, json::object()});
  EXPECT_EQ(encode(reply_frame),
            R"(["3","3","lv:a","phx_reply",{"response":{"rendered":{}},"status":"ok"}])");
  // The overload that moves the response builds the same frame.
  EXPECT_EQ(make_reply(join, reply_status::ok, {{"rendered", json::object()}}), reply_frame);
  const json reason = {{"reason", "stale"}};
  EXPECT_EQ(make_reply(join, reply_status::error, reason),
            make_reply(join, reply{reply_status::error, reason, json::object()}));
  // And the one that takes the request apart: a push with a null join_ref stays null.
  frame used = join;
  EXPECT_EQ(make_reply(std::move(used), reply_status::ok, {{"rendered", json::object()}}),
            reply_frame);
  frame push = make_push("lv:b", "event", {{"type", "click"}}, "4", "9");
  push.join_ref.reset();
  const frame from_push = make_reply(std::move(push), reply_status::error, reason);
  EXPECT_EQ(encode(from_push),
            R"([null,"9","lv:b","phx_reply",{"response":{"reason":"stale"},"status":"error"}])");
  EXPECT_EQ(
      encode(make_push("lv:b", "event", {{"a", 1}}, "4", "9")),
      R"(["4","9","lv:b","event",{"a":1}])");
  EXPECT_EQ(
      encode(make_unmatched_topic_reply(join)),
      R"([null,"3","lv:a","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])");
}

TEST(frame_helpers, recognise_heartbeats_and_replies) {
  EXPECT_TRUE(is_heartbeat(make_heartbeat("1")));
  EXPECT_FALSE(is_heartbeat(make_heartbeat_reply("1")));
  auto wrong = reply::from_frame(make_heartbeat("1"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, message_errc::wrong_event);
  EXPECT_EQ(wrong.error().where, "heartbeat");
}

TEST(message_errc, every_code_has_its_own_message) {
  std::set<std::string> seen;
  for (int c = static_cast<int>(message_errc::not_object);
       c <= static_cast<int>(message_errc::wrong_event); ++c) {
    const std::string m = make_error_code(static_cast<message_errc>(c)).message();
    EXPECT_FALSE(m.empty());
    EXPECT_TRUE(seen.insert(m).second) << "duplicate message: " << m;
  }
  EXPECT_STREQ(message_category().name(), "message");
}

}  // namespace
}  // namespace lvh::protocol
