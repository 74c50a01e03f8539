// Packet framing: sequence ids, the 16 MiB continuation rule, partial input.
#include "mysql/packet.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

namespace sluice::mysql {
namespace {

std::vector<std::byte> filled(size_t n) {
  std::vector<std::byte> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(i * 7);
  return v;
}

TEST_CASE("a small payload is one packet", "[packet]") {
  const auto payload = filled(5);
  std::vector<std::byte> wire;
  CHECK(append_packets(payload, 3, wire) == 4);
  REQUIRE(wire.size() == 9);
  CHECK(wire[0] == std::byte{5});
  CHECK(wire[3] == std::byte{3});
  std::vector<std::byte> joined;
  auto f = frame_payload(wire, 3, joined);
  REQUIRE(f);
  CHECK(f->consumed == 9);
  CHECK(f->next_seq == 4);
  CHECK(std::vector<std::byte>(f->payload.begin(), f->payload.end()) ==
        payload);
}

TEST_CASE("payloads of 2^24-1 bytes and more continue, ending short or empty",
          "[packet]") {
  for (const size_t size :
       {kMaxPacketPayload, kMaxPacketPayload + 10, 2 * kMaxPacketPayload}) {
    INFO("payload of " << size << " bytes");
    const auto payload = filled(size);
    std::vector<std::byte> wire;
    const uint8_t next = append_packets(payload, 255, wire);
    const size_t packets = size / kMaxPacketPayload + 1;
    CHECK(wire.size() == size + 4 * packets);
    CHECK(next == static_cast<uint8_t>(255 + packets));
    std::vector<std::byte> joined;
    auto f = frame_payload(wire, 255, joined);
    REQUIRE(f);
    CHECK(f->consumed == wire.size());
    CHECK(f->next_seq == next);
    CHECK(f->payload.size() == size);
    CHECK(std::equal(f->payload.begin(), f->payload.end(), payload.begin()));
  }
}

TEST_CASE("partial input asks for more, a wrong sequence id is an error",
          "[packet]") {
  const auto payload = filled(100);
  std::vector<std::byte> wire;
  append_packets(payload, 0, wire);
  std::vector<std::byte> joined;
  for (size_t n = 0; n < wire.size(); ++n) {
    auto f = frame_payload(Bytes(wire).first(n), 0, joined);
    REQUIRE_FALSE(f);
    CHECK(f.error().code == Errc::kTruncated);
  }
  auto wrong = frame_payload(wire, 1, joined);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == Errc::kCorrupt);
  CHECK_THAT(wrong.error().message, Catch::Contains("sequence id 0 where 1"));
}

}  // namespace
}  // namespace sluice::mysql
