#include <lvh/ref/transport.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace lvh::ref {
namespace {

TEST(Transport, EncodeStrictRefusesWhatCannotTravel) {
    protocol::frame f{std::nullopt, std::nullopt, "lv:x", "diff", {{"a", "ok"}}};
    EXPECT_EQ(encode_strict(f), R"([null,null,"lv:x","diff",{"a":"ok"}])");
    f.payload = {{"a", std::string("\xc3\x28")}};
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = {{"a", {1.0, std::nan("")}}};
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = {{"a", value::binary({1, 2, 3})}};
    EXPECT_THROW(encode_strict(f), transport_error);
    f.payload = value::object();
    f.payload[std::string("k\xff")] = 1;
    EXPECT_THROW(encode_strict(f), transport_error);
}

}  // namespace
}  // namespace lvh::ref
