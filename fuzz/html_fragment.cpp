// Property: parse_fragment's fast path (lvh::dom::detail::parse_plain_fragment) builds, for
// every input it accepts, exactly the tree the Gumbo path builds — element names, namespaces,
// attributes in order, text node boundaries and data, comments — in both contexts that use
// it. Whatever it refuses, parse_fragment still returns a tree (the Gumbo path's), and
// neither path crashes or trips a sanitizer on any bytes.
//
// Input: the markup as is.
#include "fuzz_check.hpp"

#include <lvh/dom/detail/fragment.hpp>
#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace lvh::dom;

void dump(const node& n, std::string& out) {
  out += char('0' + int(n.type()));
  out += n.type() == node_type::element ? n.tag() : n.data();
  out += char('0' + int(n.element_namespace()));
  for (const auto& a : n.attributes()) {
    out += '\x01';
    out += a.name;
    out += '\x02';
    out += a.value;
  }
  out += '\x03';
  for (const auto& c : n.children()) dump(*c, out);
  out += '\x04';
}

std::string dump(const node& n) {
  std::string out;
  dump(n, out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  auto plain = detail::parse_plain_fragment(html, 512);
  const auto via_gumbo = detail::parse_fragment_gumbo(html, "template", ns::html, {});
  if (plain) {
    const std::string got = dump(*plain);
    LVH_FUZZ_CHECK(got == dump(*via_gumbo));
    LVH_FUZZ_CHECK(got == dump(*detail::parse_fragment_gumbo(html, "div", ns::html, {})));
  }
  LVH_FUZZ_CHECK(parse_fragment(html) != nullptr);
  return 0;
}
