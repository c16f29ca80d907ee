#include "stream_runner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace lvh::bench {

using json = nlohmann::json;

std::optional<bench_stream> load_stream(const std::string& file, std::string& why) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    why = "cannot open " + file;
    return std::nullopt;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("rendered") || !j.contains("diffs") ||
      !j["diffs"].is_array() || !j.value("profile", json()).is_string()) {
    why = file + ": not a benchmark stream ({profile, shape, view_id, rendered, diffs})";
    return std::nullopt;
  }
  bench_stream s;
  s.profile_name = j["profile"].get<std::string>();
  auto p = protocol::parse_client_profile(s.profile_name);
  if (!p) {
    why = file + ": unknown client profile " + s.profile_name;
    return std::nullopt;
  }
  s.profile = *p;
  s.shape = j.value("shape", std::filesystem::path(file).stem().string());
  s.view_id = j.value("view_id", std::string("phx-view"));
  s.steps.reserve(j["diffs"].size() + 1);
  s.steps.push_back(j["rendered"].dump());
  for (auto& d : j["diffs"]) s.steps.push_back(d.dump());
  return s;
}

std::vector<std::string> stream_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<protocol::diff> decode_steps(const bench_stream& s, std::size_t first,
                                         std::size_t last) {
  std::vector<protocol::diff> out;
  out.reserve(last - first);
  for (std::size_t n = first; n < last; ++n) {
    auto d = protocol::diff::parse(s.steps[n], s.profile);
    if (!d) {
      std::fprintf(stderr, "%s %s: step %zu does not decode: %s\n", s.profile_name.c_str(),
                   s.shape.c_str(), n, d.error().message().c_str());
      std::exit(1);
    }
    out.push_back(std::move(*d));
  }
  return out;
}

void stream_state::fail(std::size_t n, const protocol::error& e) const {
  std::fprintf(stderr, "%s %s: step %zu refused: %s\n", stream_.profile_name.c_str(),
               stream_.shape.c_str(), n, e.message().c_str());
  std::exit(1);
}

// The timed region, out of line so that profilers can single it out
// (valgrind --toggle-collect='lvh::bench::timed_steps*').
[[gnu::noinline]] std::size_t timed_steps(stream_state& state, std::size_t first,
                                          std::vector<protocol::diff>& diffs) {
  std::size_t sink = 0;
  auto absorb = [&sink](int, const std::string& html) { sink += html.size(); };
  for (std::size_t i = 0; i < diffs.size(); ++i) state.step(first + i, diffs[i], absorb);
  return sink;
}

std::chrono::nanoseconds timed_run(const bench_stream& s, std::size_t chunk, std::size_t& sink) {
  using clock = std::chrono::steady_clock;
  stream_state state(s);
  std::chrono::nanoseconds total{0};
  const std::size_t size = chunk > 0 ? chunk : s.steps.size();
  for (std::size_t first = 0; first < s.steps.size(); first += size) {
    const std::size_t last = std::min(s.steps.size(), first + size);
    auto diffs = decode_steps(s, first, last);
    const auto t0 = clock::now();
    sink += timed_steps(state, first, diffs);
    total += clock::now() - t0;
  }
  return total;
}

void dump(const bench_stream& s, std::size_t steps, std::string& out) {
  stream_state state(s);
  const std::size_t last = std::min(steps, s.steps.size());
  auto diffs = decode_steps(s, 0, last);
  for (std::size_t n = 0; n < last; ++n) {
    json parts = json::array();
    state.step(n, diffs[n], [&parts](int cid, const std::string& html) {
      parts.push_back({{"cid", cid < 0 ? json() : json(cid)}, {"html", html}});
    });
    out += json{{"step", n}, {"out", std::move(parts)}}.dump();
    out += '\n';
  }
}

}  // namespace lvh::bench
