// Golden end to end: the counter view and ItemComponent of tests/data/real-frames/README.md,
// served by the reference runtime through the in-process transport, must answer the client
// frames of phoenix-0.15.7-scripted.jsonl exactly as Phoenix 0.15.7 did — every reply and
// push equal as JSON, in the same order, crash and rejoin included. The page must have the
// structure of phoenix-0.15.7-page.html.
//
// What must differ and is replaced before comparing: the session and static tokens (Phoenix
// signs Erlang terms, we sign JSON; both are opaque to clients) and the CSRF token. The view
// id is made the captured one with the endpoint's view_id_generator.
#include "server_test_support.hpp"

#include <lvh/dom/html.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace lvh::ref::test {
namespace {

std::string read_file(const std::string& name) {
    std::ifstream in(std::string(LVH_REAL_FRAMES_DIR) + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<value> read_jsonl(const std::string& name) {
    std::vector<value> out;
    std::istringstream in(read_file(name));
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(value::parse(line));
    return out;
}

// The layout of the app the captures came from (its root layout, not Phoenix code).
const char* captured_layout =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "  <head>\n"
    "    <meta charset=\"utf-8\"/>\n"
    "<%= @csrf_meta_tag %>\n"
    "    <title>LV reference peer</title>\n"
    "    <script src=\"/js/phoenix.js\"></script>\n"
    "    <script src=\"/js/phoenix_live_view.js\"></script>\n"
    "    <script>\n"
    "      window.addEventListener(\"DOMContentLoaded\", function () {\n"
    "        var csrf = document.querySelector(\"meta[name='csrf-token']\").getAttribute(\"content\");\n"
    "        var LiveSocket = window.phoenix_live_view.LiveSocket;\n"
    "        var liveSocket = new LiveSocket(\"/live\", window.Phoenix.Socket, {params: {_csrf_token: csrf}});\n"
    "        liveSocket.connect();\n"
    "        window.liveSocket = liveSocket;\n"
    "      });\n"
    "    </script>\n"
    "  </head>\n"
    "  <body>\n"
    "<%= @inner_content %>\n"
    "  </body>\n"
    "</html>\n";

struct golden_server {
    deterministic_scheduler sched;
    std::vector<std::string> logs;
    std::unique_ptr<endpoint> ep;

    explicit golden_server(std::string view_id) {
        endpoint_config cfg;
        cfg.secret_key_base = "golden-secret-key-base-golden-secret-key-base-golden-secret-key";
        cfg.signing_salt = "golden";
        cfg.seed = 1;
        cfg.view_id_generator = [view_id] { return view_id; };
        cfg.layout = template_::compile(captured_layout, "captured_layout");
        cfg.logger = [this](std::string_view l) { logs.emplace_back(l); };
        view_registry views;
        component_registry components;
        add_golden_views(views, components);
        lvh::ref::router r;
        r.live("/", "CounterLive");
        ep = std::make_unique<endpoint>(cfg, std::move(views), std::move(components), std::move(r), sched);
    }
};

// Token-like attribute values replaced, so two pages compare by structure.
std::string normalize_page(std::string html) {
    static const std::regex session(R"re(data-phx-session="[^"]*")re");
    static const std::regex stat(R"re(data-phx-static="[^"]*")re");
    static const std::regex csrf(R"re(content="[^"]*" csrf-param)re");
    static const std::regex id(R"re(id="phx-[A-Za-z0-9_-]+")re");
    html = std::regex_replace(html, session, "data-phx-session=\"SESSION\"");
    html = std::regex_replace(html, stat, "data-phx-static=\"STATIC\"");
    html = std::regex_replace(html, csrf, "content=\"CSRF\" csrf-param");
    html = std::regex_replace(html, id, "id=\"phx-ID\"");
    return html;
}

TEST(Golden, PageHasTheStructureOfPhoenix0157sPage) {
    golden_server s("phx-GOrxMTfY2nD98QMy");
    auto page = s.ep->get({.url = "http://127.0.0.1:4000/"});
    ASSERT_EQ(page.status, 200);
    std::string captured = read_file("phoenix-0.15.7-page.html");
    ASSERT_FALSE(captured.empty());
    // Byte for byte once tokens are masked...
    EXPECT_EQ(normalize_page(page.body), normalize_page(captured));
    // ...and as a browser's DOM would hold it.
    EXPECT_EQ(dom::serialize(*dom::parse_document(normalize_page(page.body))),
              dom::serialize(*dom::parse_document(normalize_page(captured))));
    EXPECT_NE(page.body.find("id=\"phx-GOrxMTfY2nD98QMy\""), std::string::npos);
}

std::string describe(const std::vector<protocol::frame>& frames) {
    std::string out;
    for (const auto& f : frames) out += "  " + protocol::encode(f) + "\n";
    return out.empty() ? "  (nothing)\n" : out;
}

TEST(Golden, ScriptedSessionMatchesPhoenix0157FrameForFrame) {
    auto lines = read_jsonl("phoenix-0.15.7-scripted.jsonl");
    ASSERT_FALSE(lines.empty());
    std::string view_id;
    for (const auto& l : lines)
        if (l["dir"] == "info" && l["frame"].contains("id")) view_id = l["frame"]["id"];
    ASSERT_EQ(view_id, "phx-GOrxc2Sfg9398QKx");

    golden_server s(view_id);
    auto page = s.ep->get({.url = "http://127.0.0.1:4000/"});
    ASSERT_EQ(page.status, 200);
    std::string session = attr(page.body, "data-phx-session");
    std::string stat = attr(page.body, "data-phx-static");
    auto client = in_process_client::connect(*s.ep, {{"_csrf_token", page.csrf_token}, {"vsn", "2.0.0"}},
                                             {{"session", page.session_cookie}});
    ASSERT_TRUE(client->conn().has_session());

    std::size_t sends = 0, compared = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const value& line = lines[i];
        if (line["dir"] == "close") {
            client->close();
            s.sched.run_until_idle();
            EXPECT_EQ(client->waiting(), 0u);
            continue;
        }
        if (line["dir"] != "send") continue;
        ++sends;
        value sent = line["frame"];
        if (sent[3] == "phx_join") {
            sent[4]["session"] = session;
            sent[4]["static"] = stat;
            sent[4]["params"]["_csrf_token"] = page.csrf_token;
        }
        client->send(sent.dump());
        s.sched.run_until_idle();
        std::vector<protocol::frame> got = client->receive_all();

        std::vector<protocol::frame> expected;
        for (std::size_t j = i + 1; j < lines.size() && lines[j]["dir"] == "recv"; ++j) {
            auto f = protocol::decode(lines[j]["frame"].dump());
            ASSERT_TRUE(f) << lines[j].dump();
            expected.push_back(*f);
        }
        SCOPED_TRACE("after sending " + sent.dump());
        EXPECT_EQ(got, expected) << "expected (Phoenix 0.15.7):\n"
                                 << describe(expected) << "got (reference):\n"
                                 << describe(got);
        compared += expected.size();
    }
    EXPECT_EQ(sends, 12u);
    EXPECT_EQ(compared, 13u);
    // The crash was logged, nothing else was.
    ASSERT_EQ(s.logs.size(), 1u) << s.logs.front();
    EXPECT_NE(s.logs[0].find("no_such_event"), std::string::npos);
}

TEST(Golden, ErrorRepliesMatchPhoenix0157) {
    // phoenix-0.15.7-errors.jsonl: a join with no cookie and no CSRF token, two joins with a
    // tampered session token, a join on an unknown topic, an event on an unjoined topic.
    auto lines = read_jsonl("phoenix-0.15.7-errors.jsonl");
    std::vector<value> sends, recvs;
    for (const auto& l : lines) (l["dir"] == "send" ? sends : recvs).push_back(l["frame"]);
    ASSERT_EQ(sends.size(), 5u);
    ASSERT_EQ(recvs.size(), 5u);
    std::string topic = sends[0][2];
    golden_server s(topic.substr(3));
    auto page = s.ep->get({.url = "http://127.0.0.1:4000/"});
    std::string session = attr(page.body, "data-phx-session");
    std::string tampered = session;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    auto no_csrf = in_process_client::connect(*s.ep);
    auto client = in_process_client::connect(*s.ep, {{"_csrf_token", page.csrf_token}},
                                             {{"session", page.session_cookie}});
    for (std::size_t i = 0; i < sends.size(); ++i) {
        value sent = sends[i];
        auto& c = i == 0 ? *no_csrf : *client;
        if (sent[3] == "phx_join" && sent[4].contains("session")) {
            sent[4]["session"] = i == 0 ? session : tampered;
            sent[4]["static"] = attr(page.body, "data-phx-static");
        }
        c.send(sent.dump());
        s.sched.run_until_idle();
        auto got = c.receive_all();
        auto expected = protocol::decode(recvs[i].dump());
        ASSERT_TRUE(expected);
        ASSERT_EQ(got.size(), 1u) << sent.dump();
        EXPECT_EQ(got[0], *expected) << protocol::encode(got[0]);
    }
}

TEST(Golden, OfficialClientSessionMatchesPhoenix0157) {
    // The official 0.15.7 client's session: no "cid": null, other refs, same view.
    auto lines = read_jsonl("phoenix-0.15.7-official-client.jsonl");
    ASSERT_FALSE(lines.empty());
    std::string topic;
    for (const auto& l : lines)
        if (l["dir"] == "send" && l["frame"][3] == "phx_join") topic = l["frame"][2];
    ASSERT_FALSE(topic.empty());
    golden_server s(topic.substr(3));
    auto page = s.ep->get({.url = "http://127.0.0.1:4000/"});
    auto client = in_process_client::connect(*s.ep, {{"_csrf_token", page.csrf_token}},
                                             {{"session", page.session_cookie}});
    std::vector<protocol::frame> expected, got;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const value& line = lines[i];
        if (line["dir"] == "recv") {
            auto f = protocol::decode(line["frame"].dump());
            ASSERT_TRUE(f);
            expected.push_back(*f);
        }
        if (line["dir"] != "send") continue;
        value sent = line["frame"];
        if (sent[3] == "phx_join") {
            sent[4]["session"] = attr(page.body, "data-phx-session");
            sent[4]["static"] = attr(page.body, "data-phx-static");
        }
        client->send(sent.dump());
        s.sched.run_until_idle();
        for (auto& f : client->receive_all()) got.push_back(std::move(f));
    }
    EXPECT_EQ(got, expected) << "expected:\n" << describe(expected) << "got:\n" << describe(got);
}

}  // namespace
}  // namespace lvh::ref::test
