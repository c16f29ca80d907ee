// Replays of the official clients' captures against real Phoenix servers
// (tests/data/real-frames/phoenix-*-official-client.jsonl): the simulator loads the recorded
// page, performs the user actions the capture shows, a scripted transport answers with the
// recorded frames, and the frames sent and the final DOM must be the official client's.
#include <lvh/protocol/messages.hpp>
#include <lvh/sim/browser.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lvh::protocol::client_profile;
using lvh::protocol::frame;
using nlohmann::json;
namespace sim = lvh::sim;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct capture {
  struct exchange {
    json sent;                // [join_ref, ref, topic, event, payload]
    std::vector<json> recv;   // what the server sent after it, before the next send
  };
  std::vector<exchange> exchanges;
  std::string final_dom;
  std::string socket_url;
};

/// The URL with its _csrf_token value replaced (the page and the session differ in it).
std::string mask_csrf(std::string url) {
  auto at = url.find("_csrf_token=");
  if (at == std::string::npos) return url;
  at += 12;
  auto end = url.find('&', at);
  url.replace(at, end == std::string::npos ? std::string::npos : end - at, "<csrf>");
  return url;
}

capture read_capture(const std::string& path) {
  capture c;
  std::istringstream lines(slurp(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    json j = json::parse(line);
    const std::string dir = j.value("dir", "");
    if (dir == "send") {
      if (j["frame"][3] == "heartbeat") continue;
      c.exchanges.push_back({j["frame"], {}});
    } else if (dir == "recv") {
      if (j["frame"][2] == "phoenix") continue;
      if (!c.exchanges.empty()) c.exchanges.back().recv.push_back(j["frame"]);
    } else if (dir == "info" && j["frame"].contains("ws")) {
      c.socket_url = j["frame"]["ws"].get<std::string>();
    } else if (dir == "dom") {
      c.final_dom = j["frame"].get<std::string>();
    }
  }
  return c;
}

/// A transport that answers the n-th frame the client sends with what the server sent
/// after the n-th recorded send, rewritten to the refs and topic the simulator used.
void script(sim::scripted_transport& t, const capture& c) {
  auto next = std::make_shared<std::size_t>(0);
  t.otherwise([&c, next](const frame& f) {
    std::vector<sim::scripted_transport::response> out;
    if (*next >= c.exchanges.size()) return out;
    const auto& ex = c.exchanges[(*next)++];
    if (ex.sent[3] != f.event) return out;
    for (const json& r : ex.recv) {
      if (r[3] == "phx_reply")
        out.push_back({sim::scripted_transport::response::kind::reply, "", r[4], ""});
      else
        out.push_back(sim::server_push(r[3].get<std::string>(), r[4]));
    }
    return out;
  });
}

/// Tokens differ between the recorded page and the recorded session: mask them.
json masked(json payload) {
  if (!payload.is_object()) return payload;
  for (const char* k : {"session", "static"})
    if (payload.contains(k) && payload[k].is_string()) payload[k] = "<token>";
  if (payload.contains("params") && payload["params"].is_object() &&
      payload["params"].contains("_csrf_token"))
    payload["params"]["_csrf_token"] = "<csrf>";
  return payload;
}

struct replay_result {
  std::vector<frame> sent;
  std::string dom;
  std::vector<std::string> errors;
};

template <class Actions>
replay_result replay(client_profile p, const std::string& name, const std::string& url,
                     Actions actions, std::string_view drop_from_dom = {}) {
  const std::string dir = LVH_REAL_FRAMES_DIR;
  capture c = read_capture(dir + "/phoenix-" + name + "-official-client.jsonl");
  if (!drop_from_dom.empty()) {
    auto at = c.final_dom.find(drop_from_dom);
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) c.final_dom.erase(at, drop_from_dom.size());
  }
  sim::scripted_transport t;
  script(t, c);
  sim::static_pages pages;
  pages.add(url, slurp(dir + "/phoenix-" + name + "-page.html"));
  sim::browser_options o;
  o.profile = p;
  sim::browser b(t, pages, o);
  EXPECT_EQ(b.visit(url), 200);
  actions(b);
  replay_result r;
  for (const frame& f : t.sent())
    if (!lvh::protocol::is_heartbeat(f)) r.sent.push_back(f);
  auto main = b.main_view();
  EXPECT_TRUE(main.has_value());
  if (main) r.dom = b.view_html(main->id);
  r.errors = b.errors();
  EXPECT_EQ(c.final_dom, r.dom);
  EXPECT_EQ(t.connects().size(), 1u);
  if (!t.connects().empty()) {
    EXPECT_EQ(mask_csrf(c.socket_url), mask_csrf(t.connects()[0].url));
  }
  EXPECT_EQ(r.sent.size(), c.exchanges.size());
  for (std::size_t i = 0; i < std::min(r.sent.size(), c.exchanges.size()); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    const json& want = c.exchanges[i].sent;
    EXPECT_EQ(want[3].get<std::string>(), r.sent[i].event);
    EXPECT_EQ(masked(want[4]), masked(r.sent[i].payload));
  }
  return r;
}

void counter_actions(sim::browser& b) {
  b.click(b.find("#inc"));
  b.click(b.find("#inc"));
  auto& input = b.find("#f input[name=name]");
  b.change(input, "a");
  b.change(input, "ab");
  b.submit(b.find("#f"));
  b.click(b.find("#comp-comp1 button"));
  b.click(b.find("#dec"));
}

TEST(Replay, Phoenix0157OfficialClient) {
  auto r = replay(client_profile::v0_15, "0.15.7", "http://127.0.0.1:4000/", counter_actions);
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors.front());
  // 0.15.7 refs: LiveSocket's onOpen registration is "1", the channel's two are "2" and "3",
  // so the join is "4" and events count on from "5", exactly as captured.
  ASSERT_GE(r.sent.size(), 2u);
  EXPECT_EQ(r.sent[0].join_ref, "4");
  EXPECT_EQ(r.sent[0].ref, "4");
  EXPECT_EQ(r.sent[1].ref, "5");
  EXPECT_EQ(r.sent.back().ref, "11");
}

TEST(Replay, Phoenix02017OfficialClientWithProfile020) {
  // The only difference to the captured DOM: 0.20.17 (the captured client) tags component
  // roots with a magic data-phx-id that 0.20.1 (the profile) does not write.
  auto r = replay(client_profile::v0_20, "0.20.17", "http://127.0.0.1:4001/", counter_actions,
                  " data-phx-id=\"c1-phx-GOrxf-nzdJqywgRx\"");
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors.front());
  ASSERT_GE(r.sent.size(), 2u);
  EXPECT_EQ(r.sent[0].ref, "4");
  // 0.20.1 spends one more ref (bindTopLevelEvents' onClose) before the first event; the
  // captured 0.20.17 client spent three.
  EXPECT_EQ(r.sent[1].ref, "6");
}

}  // namespace
