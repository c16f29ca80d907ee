// Property: for every client profile, diff::parse of arbitrary text, then container_model::
// join / update (the client's merge and render) never crash, throw or trip a sanitizer; every
// refusal is a diff_errc; a successful step's html is what html() then returns; and a refused
// update leaves everything as it was (html(), the tree's JSON, its component ids). The tree's
// own render calls (to_string, component_to_string) likewise never fail but with a diff_errc.
//
// Input: byte 0 picks the profile ('0' → 0.15.7 … '4' → 1.2; any byte works), then
// newline-separated JSON texts: the join reply's `rendered`, then one diff per line (compact
// JSON has no raw newlines, so a captured stream is one line per message).
#include "fuzz_check.hpp"

#include <lvh/protocol/container.hpp>
#include <lvh/protocol/rendered.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace lvh::protocol;

constexpr std::size_t max_steps = 32;

void check_refusal(const error& e) {
  LVH_FUZZ_CHECK(&e.code.category() == &diff_category());
  LVH_FUZZ_CHECK(e.code.value() != 0);
}

// Render calls update the client's bookkeeping, so they run on a copy of the tree.
void check_render_calls(const rendered& tree) {
  rendered copy = tree;
  const auto ids = copy.component_ids();
  std::vector<nlohmann::json> streams;
  (void)copy.to_string(nullptr, &streams);
  if (!ids.empty()) {
    const std::vector<int> only{ids.front()};
    (void)copy.to_string(&only);
  }
  for (std::size_t i = 0; i < ids.size() && i < 2; ++i) {
    auto html = copy.component_to_string(ids[i]);
    if (!html) check_refusal(html.error());
  }
  // A component that is not there is a refusal, not a crash.
  auto missing = copy.component_to_string(-1);
  if (!missing) check_refusal(missing.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // '0'..'4' pick the profiles in order, so seeds stay readable; every byte picks one.
  const auto pick = static_cast<unsigned char>(data[0] - '0');
  const client_profile profile = all_client_profiles[pick % all_client_profiles.size()];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<std::string_view> texts;
  while (texts.size() < max_steps) {
    const auto nl = rest.find('\n');
    texts.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }

  container_model container(profile, "phx-F0zz");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto parsed = diff::parse(texts[i], profile);
    if (!parsed) {
      check_refusal(parsed.error());
      continue;
    }
    diff d = std::move(parsed.value());
    LVH_FUZZ_CHECK(d.profile() == profile);

    if (i == 0) {
      auto s = container.join(std::move(d));
      if (!s) {
        check_refusal(s.error());
        continue;
      }
      LVH_FUZZ_CHECK(container.joined());
      LVH_FUZZ_CHECK(container.html() == s.value().html);
      check_render_calls(container.tree());
      continue;
    }

    const std::string html_before = container.html();
    const nlohmann::json json_before = container.tree().to_json();
    const std::vector<int> ids_before = container.tree().component_ids();
    auto s = container.update(std::move(d));
    if (!s) {
      check_refusal(s.error());
      LVH_FUZZ_CHECK(container.html() == html_before);
      LVH_FUZZ_CHECK(container.tree().to_json() == json_before);
      LVH_FUZZ_CHECK(container.tree().component_ids() == ids_before);
      continue;
    }
    LVH_FUZZ_CHECK(container.html() == s.value().html);
    check_render_calls(container.tree());
  }
  return 0;
}
