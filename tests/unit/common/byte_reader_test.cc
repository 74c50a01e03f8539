// The cursor every wire read goes through: values, length-encoded integers,
// and errors that name the field and leave the position unchanged.
#include "common/byte_reader.h"

#include <catch2/catch.hpp>
#include <vector>

namespace sluice {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

TEST_CASE("fixed-width little-endian reads", "[byte_reader]") {
  const auto data =
      bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09});
  ByteReader r(data);
  CHECK(*r.u8("a") == 0x01);
  CHECK(*r.u16("b") == 0x0302);
  CHECK(*r.u32("c") == 0x07060504);
  CHECK(r.position() == 7);
  CHECK(*r.uint_be(2, "d") == 0x0809);
  CHECK(r.empty());
}

TEST_CASE("a short read names the field and does not advance",
          "[byte_reader]") {
  const auto data = bytes({0x01, 0x02, 0x03});
  ByteReader r(data, 100);
  REQUIRE(r.skip(1, "first"));
  auto v = r.u32("table id");
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::kTruncated);
  CHECK(v.error().message ==
        "table id: need 4 bytes at offset 101, only 2 left");
  CHECK(r.position() == 1);
  CHECK(*r.u16("rest") == 0x0302);
}

TEST_CASE("length-encoded integers of every width", "[byte_reader]") {
  const auto data = bytes({0xfa, 0xfc, 0x34, 0x12, 0xfd, 0x56, 0x34, 0x12, 0xfe,
                           1, 0, 0, 0, 0, 0, 0, 0x80});
  ByteReader r(data);
  CHECK(*r.packed_int("a") == 250);
  CHECK(*r.packed_int("b") == 0x1234);
  CHECK(*r.packed_int("c") == 0x123456);
  CHECK(*r.packed_int("d") == 0x8000000000000001ULL);
  CHECK(r.empty());
}

TEST_CASE("invalid or cut length-encoded integers", "[byte_reader]") {
  for (int prefix : {0xfb, 0xff}) {
    const auto data = bytes({prefix, 0, 0});
    ByteReader r(data);
    auto v = r.packed_int("count");
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::kCorrupt);
    CHECK(r.position() == 0);
  }
  const auto cut = bytes({0xfe, 1, 2});
  ByteReader r(cut);
  REQUIRE_FALSE(r.packed_int("count"));
  CHECK(r.position() == 0);
  const auto str = bytes({0x05, 'a', 'b'});
  ByteReader s(str);
  REQUIRE_FALSE(s.packed_chars("name"));
  CHECK(s.position() == 0);
}

TEST_CASE("sign extension of every width", "[bytes]") {
  CHECK(sign_extend(0xff, 8) == -1);
  CHECK(sign_extend(0x7f, 8) == 127);
  CHECK(sign_extend(0x800000, 24) == -8388608);
  CHECK(sign_extend(0xffffffffffffffffULL, 64) == -1);
  CHECK(sign_extend(5, 0) == 5);
}

}  // namespace
}  // namespace sluice
