// liveharness merge: apply a join reply's rendered tree and its diffs as the official client
// of a chosen profile would, printing the container's HTML after each step.
#include "commands.hpp"

#include <lvh/protocol/container.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace lvh::cli {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace proto = lvh::protocol;

constexpr std::string_view usage_text =
    "usage: liveharness merge --client PROFILE [--view-id ID] [--jsonl] [--batch] FILE|-\n"
    "\n"
    "Applies a join reply's rendered tree and a list of diffs the way the official\n"
    "phoenix_live_view client of PROFILE does, and prints the container's HTML after each\n"
    "step (step 0 is the join), with the page title, push events and hook reply when a step\n"
    "carries them.\n"
    "\n"
    "FILE holds {\"rendered\": {...}, \"diffs\": [{...}, ...], \"view_id\": \"...\"?}.\n"
    "\n"
    "options:\n"
    "  --client PROFILE  0.15.7, 0.18, 0.20, 1.0 or 1.2 (npm 0.15.7, 0.18.0, 0.20.1, 1.0.19,\n"
    "                    1.2.12); also accepts those versions\n"
    "  --view-id ID      the container id the client uses in component and magic ids\n"
    "                    (default: the file's view_id, else \"phx-view\")\n"
    "  --jsonl           one JSON object per step: {\"step\", \"patch\", \"html\", \"title\"?,\n"
    "                    \"events\"?, \"reply\"?, \"streams\"?, \"cids\"?} or {\"step\", \"error\"}\n"
    "  --batch           FILE is JSON Lines, one stream per line; with --jsonl every output\n"
    "                    line also has \"stream\" (the line's 0-based index)\n"
    "\n"
    "A refused diff is reported for its step and leaves the tree as it was; later diffs still\n"
    "apply. Exit status: 0 all steps applied, 1 some step was refused or a stream was\n"
    "unreadable, 2 bad usage.\n";

struct options {
  proto::client_profile profile = proto::client_profile::v0_15;
  bool have_profile = false;
  std::string view_id;
  bool jsonl = false;
  bool batch = false;
  std::string file;
};

const char* patch_name(proto::step::patch_kind k) {
  switch (k) {
    case proto::step::patch_kind::none: return "none";
    case proto::step::patch_kind::full: return "full";
    case proto::step::patch_kind::components: return "components";
  }
  return "none";
}

std::string errc_name(const proto::error& e) {
  if (e.code.category() == proto::diff_category()) {
    switch (static_cast<proto::diff_errc>(e.code.value())) {
      case proto::diff_errc::not_json: return "not_json";
      case proto::diff_errc::not_object: return "not_object";
      case proto::diff_errc::bad_statics: return "bad_statics";
      case proto::diff_errc::statics_mismatch: return "statics_mismatch";
      case proto::diff_errc::bad_dynamic: return "bad_dynamic";
      case proto::diff_errc::bad_key: return "bad_key";
      case proto::diff_errc::partial_without_base: return "partial_without_base";
      case proto::diff_errc::dangling_cid: return "dangling_cid";
      case proto::diff_errc::bad_cid_link: return "bad_cid_link";
      case proto::diff_errc::bad_template: return "bad_template";
      case proto::diff_errc::bad_comprehension: return "bad_comprehension";
      case proto::diff_errc::bad_keyed: return "bad_keyed";
      case proto::diff_errc::bad_stream: return "bad_stream";
      case proto::diff_errc::bad_title: return "bad_title";
      case proto::diff_errc::bad_events: return "bad_events";
      case proto::diff_errc::bad_root: return "bad_root";
      case proto::diff_errc::too_deep: return "too_deep";
      case proto::diff_errc::not_joined: return "not_joined";
    }
  }
  return std::string(e.code.category().name()) + "." + std::to_string(e.code.value());
}

class printer {
 public:
  explicit printer(const options& o) : o_(o) {}

  void step(std::optional<std::size_t> stream, std::size_t n, const proto::step& s) {
    const std::string& html = s.html;
    if (o_.jsonl) {
      ojson j = ojson::object();
      if (stream) j["stream"] = *stream;
      j["step"] = n;
      j["patch"] = patch_name(s.patch);
      j["html"] = html;
      if (s.title) j["title"] = *s.title;
      if (!s.events.empty()) j["events"] = s.events;
      if (s.reply) j["reply"] = *s.reply;
      if (!s.streams.empty()) j["streams"] = s.streams;
      if (s.patch == proto::step::patch_kind::components) j["cids"] = s.patched_cids;
      std::cout << j.dump(-1, ' ', false, ojson::error_handler_t::replace) << '\n';
      return;
    }
    std::cout << "== ";
    if (stream) std::cout << "stream " << *stream << ", ";
    std::cout << "step " << n << " (" << patch_name(s.patch);
    if (s.patch == proto::step::patch_kind::components) {
      std::cout << ":";
      for (int c : s.patched_cids) std::cout << ' ' << c;
    }
    std::cout << ")\n";
    if (s.title) std::cout << "title: " << *s.title << '\n';
    if (!s.events.empty()) std::cout << "events: " << s.events.dump() << '\n';
    if (s.reply) std::cout << "reply: " << s.reply->dump() << '\n';
    for (auto& st : s.streams) std::cout << "stream: " << st.dump() << '\n';
    std::cout << html;
    if (html.empty() || html.back() != '\n') std::cout << '\n';
  }

  void error(std::optional<std::size_t> stream, std::size_t n, const proto::error& e) {
    if (o_.jsonl) {
      ojson j = ojson::object();
      if (stream) j["stream"] = *stream;
      j["step"] = n;
      j["error"] = {{"code", errc_name(e)}, {"message", e.message()}};
      std::cout << j.dump(-1, ' ', false, ojson::error_handler_t::replace) << '\n';
      return;
    }
    std::cout << "== ";
    if (stream) std::cout << "stream " << *stream << ", ";
    std::cout << "step " << n << ": refused: " << e.message() << " [" << errc_name(e) << "]\n";
  }

 private:
  const options& o_;
};

/// Runs one stream object; returns false if any step was refused.
bool run_stream(const options& o, json stream, std::optional<std::size_t> index, printer& out) {
  if (!stream.is_object() || !stream.contains("rendered")) {
    out.error(index, 0, proto::make_error(proto::diff_errc::not_object, "rendered"));
    return false;
  }
  std::string view_id = o.view_id;
  if (view_id.empty()) {
    auto it = stream.find("view_id");
    view_id = (it != stream.end() && it->is_string()) ? it->get<std::string>() : "phx-view";
  }
  proto::container_model r(o.profile, view_id);
  bool ok = true;
  auto joined = r.join(std::move(stream["rendered"]));
  if (joined) {
    out.step(index, 0, *joined);
  } else {
    out.error(index, 0, joined.error());
    ok = false;
  }
  auto it = stream.find("diffs");
  if (it == stream.end()) return ok;
  if (!it->is_array()) {
    out.error(index, 1, proto::make_error(proto::diff_errc::not_object, "diffs"));
    return false;
  }
  std::size_t n = 1;
  for (auto& d : *it) {
    auto s = r.update(std::move(d));
    if (s) {
      out.step(index, n, *s);
    } else {
      out.error(index, n, s.error());
      ok = false;
    }
    ++n;
  }
  return ok;
}

}  // namespace

int merge_command(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "liveharness merge: %.*s needs a value\n",
                     static_cast<int>(name.size()), name.data());
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::cout << usage_text;
      return 0;
    } else if (a == "--client" || a == "--client-profile") {
      const char* v = value(a);
      if (!v) return 2;
      auto p = proto::parse_client_profile(v);
      if (!p) {
        std::fprintf(stderr,
                     "liveharness merge: unknown client profile '%s' (0.15.7, 0.18, 0.20, 1.0, "
                     "1.2)\n",
                     v);
        return 2;
      }
      o.profile = *p;
      o.have_profile = true;
    } else if (a == "--view-id") {
      const char* v = value(a);
      if (!v) return 2;
      o.view_id = v;
    } else if (a == "--jsonl") {
      o.jsonl = true;
    } else if (a == "--batch") {
      o.batch = true;

    } else if (!a.empty() && a[0] == '-' && a != "-") {
      std::fprintf(stderr, "liveharness merge: unknown option '%s'\n\n%s", argv[i],
                   std::string(usage_text).c_str());
      return 2;
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      std::fprintf(stderr, "liveharness merge: more than one FILE given\n");
      return 2;
    }
  }
  if (!o.have_profile || o.file.empty()) {
    std::fputs(std::string(usage_text).c_str(), stderr);
    return 2;
  }

  std::string text;
  if (o.file == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
  } else {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "liveharness merge: cannot read '%s'\n", o.file.c_str());
      return 1;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }

  printer out(o);
  bool ok = true;
  if (o.batch) {
    std::size_t index = 0;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        out.error(index, 0, proto::make_error(proto::diff_errc::not_json, "line"));
        ok = false;
      } else {
        ok = run_stream(o, std::move(j), index, out) && ok;
      }
      ++index;
    }
  } else {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      std::fprintf(stderr, "liveharness merge: '%s' is not JSON\n", o.file.c_str());
      return 1;
    }
    ok = run_stream(o, std::move(j), std::nullopt, out);
  }
  std::cout.flush();
  return ok ? 0 : 1;
}

}  // namespace lvh::cli
