// Property: decode never crashes, throws or trips a sanitizer, whatever the bytes; its fast
// path for plain frames decides exactly as the general parser (detail::decode_general): the
// same frame, or the same error at the same place; a refusal is a frame_errc that names a place; a successful decode re-encodes to text that decodes to
// the same frame, and encoding that frame again gives the same text. The payload then goes
// through the message decoders its event calls for, which likewise never throw and, when they
// accept it, encode back to the very same JSON.
#include "fuzz_check.hpp"

#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/messages.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace lvh::protocol;

template <class T>
void check_message(const nlohmann::json& j) {
  auto m = T::from_json(j);
  if (!m) {
    LVH_FUZZ_CHECK(&m.error().code.category() == &message_category());
    return;
  }
  LVH_FUZZ_CHECK(m->to_json() == j);
}

void check_payload(const frame& f) {
  const nlohmann::json& p = f.payload;
  if (f.event == events::join) {
    check_message<join_payload>(p);
  } else if (f.event == events::event) {
    check_message<event_payload>(p);
  } else if (f.event == events::link || f.event == events::live_patch) {
    check_message<link_payload>(p);
    check_message<live_patch_to>(p);
  } else if (f.event == events::cids_will_destroy || f.event == events::cids_destroyed) {
    check_message<cids_payload>(p);
  } else if (f.event == events::redirect) {
    check_message<redirect_to>(p);
  } else if (f.event == events::live_redirect) {
    check_message<live_redirect_to>(p);
  } else if (f.event == events::reply) {
    check_message<reply>(p);
    check_message<join_reply>(p);
    if (p.contains("response")) {
      check_message<event_reply>(p["response"]);
      check_message<join_ok>(p["response"]);
      check_message<join_error>(p["response"]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode(text);
  const auto general = detail::decode_general(text);
  LVH_FUZZ_CHECK(decoded.has_value() == general.has_value());
  if (decoded && general) {
    LVH_FUZZ_CHECK(*decoded == *general);
    LVH_FUZZ_CHECK(encode(*decoded) == encode(*general));
  } else if (!decoded && !general) {
    LVH_FUZZ_CHECK(decoded.error() == general.error());
  }
  if (!decoded) {
    const error& e = decoded.error();
    LVH_FUZZ_CHECK(&e.code.category() == &frame_category());
    LVH_FUZZ_CHECK(e.code.value() >= static_cast<int>(frame_errc::not_json) &&
                   e.code.value() <= static_cast<int>(frame_errc::too_deep));
    LVH_FUZZ_CHECK(!e.where.empty());
    return 0;
  }
  const frame& f = *decoded;
  const std::string once = encode(f);
  const auto again = decode(once);
  LVH_FUZZ_CHECK(again.has_value());
  LVH_FUZZ_CHECK(*again == f);
  LVH_FUZZ_CHECK(encode(*again) == once);
  check_payload(f);
  return 0;
}
