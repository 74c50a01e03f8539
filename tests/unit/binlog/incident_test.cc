// An INCIDENT event (changes missing from the binlog) stops decoding with an
// explanation instead of being passed over.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"

namespace sluice::binlog {
namespace {

class NoRows final : public EventHandler {
 public:
  Status on_row(const RowEvent&) override { return {}; }
};

TEST_CASE("INCIDENT is a lost-events error", "[incident]") {
  const std::string message = "error writing to the binary log";
  std::vector<std::byte> ev(19);
  ev[4] = std::byte{26};  // INCIDENT
  auto put = [&](int b) { ev.push_back(static_cast<std::byte>(b)); };
  put(1);  // incident number LOST_EVENTS
  put(0);
  put(static_cast<int>(message.size()));
  for (char c : message) put(c);
  const auto size = static_cast<uint32_t>(ev.size());
  for (int i = 0; i < 4; ++i)
    ev[9 + static_cast<size_t>(i)] = static_cast<std::byte>(size >> (8 * i));
  EventDecoder decoder;
  NoRows handler;
  const Status s = decoder.decode(ev, handler);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kLostEvents);
  CHECK_THAT(s.error().message, Catch::Contains("INCIDENT 1"));
  CHECK_THAT(s.error().message, Catch::Contains(message));
}

}  // namespace
}  // namespace sluice::binlog
