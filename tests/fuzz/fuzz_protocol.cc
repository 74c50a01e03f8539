// What a MySQL server (or anything listening where one should be) sends a
// client: the first byte picks the parser (handshake, ERR, AuthSwitch,
// text row, column count, packet framing, GTID set text); the rest is input.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mysql/gtid_set.h"
#include "mysql/handshake.h"
#include "mysql/packet.h"
#include "mysql/server_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const sluice::Bytes in(reinterpret_cast<const std::byte*>(data) + 1,
                         size - 1);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  namespace m = sluice::mysql;
  switch (data[0] % 8) {
    case 0:
      (void)m::parse_handshake(in);
      break;
    case 1:
      (void)m::server_error(in, "fuzz");
      break;
    case 2:
      (void)m::parse_auth_switch(in);
      break;
    case 3:
      (void)m::parse_text_row(in, in.empty() ? 0 : size % 7);
      break;
    case 4:
      (void)m::parse_column_count(in);
      break;
    case 5: {
      std::vector<std::byte> joined;
      (void)m::frame_payload(in, 0, joined);
      break;
    }
    case 6:
      if (auto s = m::MysqlGtidSet::parse(text)) {
        (void)s->to_string();
        (void)s->encode();
      }
      break;
    case 7:
      if (auto p = m::MariaDbGtidPos::parse(text)) (void)p->to_string();
      break;
  }
  return 0;
}
