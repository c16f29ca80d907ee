// Property: for every client profile, view_patcher's join, full and component patches of
// arbitrary HTML onto a view container never crash, throw or trip a sanitizer; the container
// keeps its own attributes (name, value, order) through every patch; what a report lists as
// added, updated or pending removal is inside the container right after the patch, and what
// it lists as removed is owned by the report, not the container; nothing outside the
// container changes. Patching the same HTML twice is not asserted to change nothing: the
// official 0.20 client appends a stream container's children that have no id again on every
// patch (tests/interop/patch-oracle.mjs shows it), so that is not a property of the client.
//
// Input: byte 0 picks the profile ('0' → 0.15.7 … '4' → 1.2; any byte works); the rest is
// the join HTML, then a line "%%" and the HTML of the later patches (without that line, the
// join HTML again).
#include "fuzz_check.hpp"

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/sim/patch.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace lvh;

constexpr std::string_view page =
    "<!DOCTYPE html><html><head></head><body>"
    "<div id=\"phx-Fuzz\" data-phx-main=\"true\" data-phx-session=\"S\" data-phx-static=\"T\" "
    "data-phx-view=\"FuzzLive\" class=\"phx-connected\"></div>"
    "<div id=\"outside\">not the view's</div></body></html>";

dom::node* find_id(dom::node& n, std::string_view id) {
  for (const auto& c : n.children()) {
    if (!c->is_element()) continue;
    if (const std::string* v = c->get_attribute("id"); v && *v == id) return c.get();
    if (dom::node* d = find_id(*c, id)) return d;
  }
  return nullptr;
}

// Trees are at most a few hundred deep (parse_limits): a longer parent chain is a cycle.
bool inside(const dom::node* n, const dom::node& container) {
  std::size_t steps = 0;
  for (const dom::node* p = n; p; p = p->parent()) {
    LVH_FUZZ_CHECK(++steps < 100000);
    if (p == &container) return true;
  }
  return false;
}

void check_report(const sim::patch_report& r, const dom::node& container,
                  const std::vector<dom::attribute>& attrs) {
  const auto& now = container.attributes();
  LVH_FUZZ_CHECK(now.size() == attrs.size());
  for (std::size_t i = 0; i < attrs.size(); ++i) {
    LVH_FUZZ_CHECK(now[i].name == attrs[i].name);
    LVH_FUZZ_CHECK(now[i].value == attrs[i].value);
  }
  for (const dom::node* e : r.added) LVH_FUZZ_CHECK(e && e != &container && inside(e, container));
  for (const dom::node* e : r.updated) LVH_FUZZ_CHECK(e && inside(e, container));
  for (const dom::node* e : r.pending_removes) LVH_FUZZ_CHECK(e && inside(e, container));
  for (const dom::node* e : r.removed) LVH_FUZZ_CHECK(e && !inside(e, container));
  if (r.trigger_action) LVH_FUZZ_CHECK(inside(r.trigger_action, container));
  for (std::size_t i = 1; i < r.removed_cids.size(); ++i)
    LVH_FUZZ_CHECK(r.removed_cids[i - 1] < r.removed_cids[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto pick = static_cast<unsigned char>(data[0] - '0');
  const protocol::client_profile profile =
      protocol::all_client_profiles[pick % protocol::all_client_profiles.size()];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view first = rest;
  std::string_view second = rest;
  constexpr std::string_view separator = "\n%%\n";
  if (const auto at = rest.find(separator); at != std::string_view::npos) {
    first = rest.substr(0, at);
    second = rest.substr(at + separator.size());
  }

  const std::unique_ptr<dom::node> doc = dom::parse_document(page);
  dom::node* container = find_id(*doc, "phx-Fuzz");
  LVH_FUZZ_CHECK(container);
  const std::vector<dom::attribute> attrs = container->attributes();
  // Held by pointer: the view's markup may carry the same id.
  const dom::node* outside = find_id(*doc, "outside");
  LVH_FUZZ_CHECK(outside);
  const std::string outside_before = dom::serialize(*outside);

  sim::view_patcher patcher(profile, "phx-Fuzz");
  check_report(patcher.join(*container, first), *container, attrs);
  check_report(patcher.full(*container, second), *container, attrs);
  check_report(patcher.full(*container, second), *container, attrs);
  check_report(patcher.component(*container, 1, second), *container, attrs);
  LVH_FUZZ_CHECK(!inside(outside, *container));
  LVH_FUZZ_CHECK(dom::serialize(*outside) == outside_before);
  return 0;
}
