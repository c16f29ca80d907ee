// Merge+render benchmark streams: loading them and running them step by step, as the official
// client does per diff minus the DOM patch (docs/benchmarks.md, "One step").
#pragma once

#include <lvh/protocol/rendered.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lvh::bench {

/// One benchmark stream file written by bench/make-streams.mjs.
struct bench_stream {
  std::string profile_name;  ///< as in the file: "0.15.7", "0.18", …
  protocol::client_profile profile = protocol::client_profile::v0_15;
  std::string shape;         ///< "table-one-row", "table-all-rows", "components"
  std::string view_id;
  std::vector<std::string> steps;  ///< step 0 is the join's rendered, then the diffs (JSON text)
};

/// Reads a stream file; nullopt (and a message in `why`) when it cannot be used.
std::optional<bench_stream> load_stream(const std::string& file, std::string& why);

/// The stream files of a directory, sorted by name.
std::vector<std::string> stream_files(const std::string& dir);

/// Decodes steps [first, last) before timing; exits the process on a decode error, since a
/// stream the library refuses is a broken benchmark, not a data point.
std::vector<protocol::diff> decode_steps(const bench_stream& s, std::size_t first,
                                         std::size_t last);

/// What one step rendered: the whole view (cid -1) or one component patch per changed cid.
struct step_output {
  int cid = -1;
  std::string html;
};

/// The view being driven through a stream.
class stream_state {
 public:
  explicit stream_state(const bench_stream& s) : stream_(s) {}

  /// Step n with its decoded diff: join (n == 0) or merge + render. `out(cid, html)` receives
  /// each rendered string. Exits the process if the library refuses the step.
  template <class Out>
  void step(std::size_t n, protocol::diff& d, Out&& out);

 private:
  [[noreturn]] void fail(std::size_t n, const protocol::error& e) const;

  const bench_stream& stream_;
  std::optional<protocol::rendered> view_;
};

template <class Out>
void stream_state::step(std::size_t n, protocol::diff& d, Out&& out) {
  if (n == 0) {
    view_.emplace(stream_.profile, stream_.view_id);
    if (auto r = view_->merge(d); !r) fail(n, r.error());
    out(-1, view_->to_string());
    return;
  }
  const bool components_only = d.components_only();
  const std::vector<int> cids = d.component_ids();
  if (auto r = view_->merge(d); !r) fail(n, r.error());
  if (components_only) {
    for (int cid : cids) {
      auto html = view_->component_to_string(cid);
      if (!html) fail(n, html.error());
      out(cid, *html);
    }
  } else {
    out(-1, view_->to_string(&cids));
  }
}

/// Runs the decoded steps first, first+1, … (the timed region); returns the output sizes.
std::size_t timed_steps(stream_state& state, std::size_t first, std::vector<protocol::diff>& diffs);

/// One timed run over the whole stream: every step is decoded before timing (or, with
/// `chunk` > 0, `chunk` steps at a time between timed stretches). Returns the time spent in
/// steps; `sink` absorbs the output sizes.
std::chrono::nanoseconds timed_run(const bench_stream& s, std::size_t chunk, std::size_t& sink);

/// The first `steps` steps' outputs, one JSON line each: {"step", "out": [{"cid", "html"}]}.
void dump(const bench_stream& s, std::size_t steps, std::string& out);

}  // namespace lvh::bench
