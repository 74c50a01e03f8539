// STYLE rule 15: every decoder is fed every truncated prefix of a valid
// event body taken from the fixtures. Decoders of fixed layouts must report
// an error; the others must stay inside the bytes given (ASan checks) and
// never read a value past the cut.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/control_events.h"
#include "binlog/event_framing.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "support/test_files.h"

namespace sluice::binlog {
namespace {

const char* const kFiles[] = {
    "mariadb1011_all_types_fullmeta_crc32.binlog",
    "mariadb1011_compressed_events.binlog",
    "mariadb1011_stop_multidomain_gtid_list.binlog",
    "mysql57_rows_query_gtid.binlog",
    "mysql80_enum_set_fullmeta_gtid.binlog",
    "mysql80_json_partial_update.binlog",
    "mysql80_trx_compression_zstd.binlog",
    "mysql90_vector_fullmeta.binlog",
    "mysql96_gtid_tagged.binlog",
};

TEST_CASE("every prefix of every event body", "[prefix]") {
  size_t checked = 0;
  for (const char* name : kFiles) {
    INFO(name);
    const auto file = testing::read_file(testing::binlog_path(name));
    FormatDescription fd;
    uint64_t off = kBinlogMagicSize;
    while (off < file.size()) {
      auto ev = frame_event(file, off);
      REQUIRE(ev);
      const uint8_t type = fd.canonical_type(ev->type);
      const bool crc =
          type == static_cast<uint8_t>(EventType::kFormatDescription)
              ? format_description_checksum(ev->data).value_or(
                    ChecksumAlg::kOff) == ChecksumAlg::kCrc32
              : fd.checksum == ChecksumAlg::kCrc32;
      const Bytes body =
          ev->data.subspan(19, ev->data.size() - 19 - (crc ? 4 : 0));
      const uint8_t post = fd.post_header_length(type);
      INFO("event " << event_type_name(type) << " at offset " << off);
      for (size_t n = 0; n < body.size(); ++n) {
        const Bytes cut = body.first(n);
        ++checked;
        switch (static_cast<EventType>(type)) {
          case EventType::kTableMap: {
            auto full = decode_table_map(body, post, fd.mariadb);
            auto part = decode_table_map(cut, post, fd.mariadb);
            // A prefix may end exactly between optional-metadata fields.
            if (part) CHECK(part->columns.size() == full->columns.size());
            break;
          }
          case EventType::kQuery:
            if (n < 13 + 1) CHECK_FALSE(decode_query(cut, post));
            break;
          case EventType::kRotate:
            if (n < 8) CHECK_FALSE(decode_rotate(cut, post));
            break;
          case EventType::kXid:
            if (n < 8) CHECK_FALSE(decode_xid(cut));
            break;
          case EventType::kGtid:
          case EventType::kAnonymousGtid:
            if (n < 25) CHECK_FALSE(decode_mysql_gtid(cut, false));
            break;
          case EventType::kGtidTagged:
            CHECK_FALSE(decode_mysql_tagged_gtid(cut));
            break;
          case EventType::kPreviousGtids:
            CHECK_FALSE(decode_previous_gtids(cut));
            break;
          case EventType::kMariaGtid:
            if (n < 13) CHECK_FALSE(decode_maria_gtid(cut, 1));
            break;
          case EventType::kMariaGtidList: {
            const size_t count = load_le32(body.data()) & 0x0fffffffU;
            if (n < 4 + 16 * count) CHECK_FALSE(decode_maria_gtid_list(cut));
            break;
          }
          case EventType::kTransactionPayload:
            CHECK_FALSE(decode_transaction_payload(cut));
            break;
          default: {
            RowsEventInfo info{};
            if (rows_event_info(type, &info)) {
              auto part = decode_rows_event(info, cut, post);
              if (part) CHECK(part->rows.size() < body.size());
            }
            break;
          }
        }
      }
      if (type == static_cast<uint8_t>(EventType::kFormatDescription)) {
        auto next = decode_format_description(ev->data);
        REQUIRE(next);
        fd = *next;
      }
      off += ev->data.size();
    }
  }
  CHECK(checked > 10000);
}

}  // namespace
}  // namespace sluice::binlog
