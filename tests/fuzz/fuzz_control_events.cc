// The non-row event decoders: the first byte picks which one reads the rest.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "binlog/control_events.h"
#include "binlog/decompress.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  namespace b = sluice::binlog;
  const sluice::Bytes body{reinterpret_cast<const std::byte*>(data) + 1,
                           size - 1};
  std::vector<std::byte> buffer;
  switch (data[0] % 12) {
    case 0:
      (void)b::decode_query(body, 13);
      break;
    case 1:
      (void)b::decode_rotate(body, 8);
      break;
    case 2:
      (void)b::decode_xid(body);
      break;
    case 3:
      (void)b::decode_mysql_gtid(body, false);
      break;
    case 4:
      (void)b::decode_mysql_tagged_gtid(body);
      break;
    case 5:
      (void)b::decode_previous_gtids(body);
      break;
    case 6:
      (void)b::decode_maria_gtid(body, 1);
      break;
    case 7:
      (void)b::decode_maria_gtid_list(body);
      break;
    case 8:
      (void)b::decode_transaction_payload(body);
      break;
    case 9:
      (void)b::decode_format_description(body);
      break;
    case 10:
      (void)b::maria_uncompress(body, buffer);
      break;
    default:
      (void)b::decode_event_header(body);
      break;
  }
  return 0;
}
