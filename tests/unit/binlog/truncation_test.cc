// Truncating a fixture at every event boundary decodes cleanly; cutting it
// inside an event is a kTruncated error that names that event's offset; a
// corrupted byte, a length past the end and an unknown event type are clear
// errors. Large files are sampled so the test stays fast.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "binlog/event_framing.h"
#include "mysql/binlog_file_decoder.h"
#include "support/test_files.h"

namespace sluice {
namespace {

class Sink final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent&) override {
    ++rows;
    return {};
  }
  int rows = 0;
};

Status decode(const std::string& name, Bytes bytes) {
  binlog::EventDecoder decoder;
  Sink sink;
  return mysql::decode_binlog_bytes(name, bytes, decoder, sink);
}

std::vector<uint64_t> event_offsets(Bytes file) {
  std::vector<uint64_t> out;
  uint64_t off = binlog::kBinlogMagicSize;
  while (off < file.size()) {
    auto ev = binlog::frame_event(file, off);
    REQUIRE(ev);
    out.push_back(off);
    off += ev->data.size();
  }
  return out;
}

const char* const kFiles[] = {
    "mariadb1011_all_types_fullmeta_crc32.binlog",
    "mariadb1011_bulk_split_rows_multidomain.binlog",
    "mariadb1011_checksum_none_stmt_minimal_xa.binlog",
    "mariadb1011_compressed_events.binlog",
    "mariadb1011_stop_multidomain_gtid_list.binlog",
    "mariadb105_annotate_fullmeta_gtid.binlog",
    "mysql50_stmt_intvar_relay_LEGACY.binlog",
    "mysql51_ndb_update_rows_v1.binlog",
    "mysql51_rows_v1_load.binlog",
    "mysql52_devtree_remapped_types_LEGACY.binlog",
    "mysql55_sakila_rows_v1.binlog",
    "mysql56_gtid_reserved_word.binlog",
    "mysql56_percona_decimals_crc32.binlog",
    "mysql56_rows_v2_checksum_none_load.binlog",
    "mysql57_anonymous_gtid_ddl_many.binlog",
    "mysql57_app_data_checksum_none.binlog",
    "mysql57_app_data_crc32.binlog",
    "mysql57_load_data_events.binlog",
    "mysql57_rows_query_gtid.binlog",
    "mysql57_update_rows_strings_floats_decimal.binlog",
    "mysql57_user_var_intvar_stmt.binlog",
    "mysql57_utf8mb4_collation_stmt.binlog",
    "mysql80_bit_fullmeta_gtid.binlog",
    "mysql80_enum_set_fullmeta_gtid.binlog",
    "mysql80_hidden_gcol_two_fde.binlog",
    "mysql80_invisible_columns_fullmeta_gtid.binlog",
    "mysql80_json_partial_update.binlog",
    "mysql80_minimal_row_metadata.binlog",
    "mysql80_time2_hour_overflow.binlog",
    "mysql80_tpch_decimal_date_mixed_dml.binlog",
    "mysql80_trx_compression_zstd.binlog",
    "mysql82_int_types_delete.binlog",
    "mysql90_json_opaque_fullmeta.binlog",
    "mysql90_vector_fullmeta.binlog",
    "mysql96_gtid_tagged.binlog",
};

TEST_CASE("truncation at and inside every event", "[truncation]") {
  for (const char* name : kFiles) {
    INFO(name);
    const auto file = testing::read_file(testing::binlog_path(name));
    const Bytes all(file);
    const auto offsets = event_offsets(all);
    // Bound the work on big files: every event of small files, a sample of
    // large ones (the first, the last and evenly spaced ones between).
    const size_t step = all.size() > 200000 ? offsets.size() / 25 + 1 : 1;
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (i % step != 0 && i + 1 != offsets.size()) continue;
      const uint64_t start = offsets[i];
      const uint64_t end = i + 1 < offsets.size() ? offsets[i + 1] : all.size();
      INFO("event at offset " << start);
      CHECK(decode(name, all.first(start)));  // a boundary: a shorter binlog
      for (uint64_t cut : {start + 1, start + 9, start + 18, start + 19,
                           start + 20, (start + end) / 2, end - 1}) {
        if (cut <= start || cut >= end) continue;
        const Status s = decode(name, all.first(cut));
        REQUIRE_FALSE(s);
        CHECK(s.error().code == Errc::kTruncated);
        CHECK_THAT(s.error().message,
                   Catch::Contains(std::string(name) + ": offset " +
                                   std::to_string(start) + ":"));
      }
    }
  }
}

TEST_CASE("a corrupted byte fails the CRC32 check at its event",
          "[corruption]") {
  const char* name = "mysql57_app_data_crc32.binlog";
  auto file = testing::read_file(testing::binlog_path(name));
  const auto offsets = event_offsets(file);
  const uint64_t victim = offsets[5];
  file[victim + 25] ^= std::byte{0x40};
  const Status s = decode(name, file);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kChecksum);
  CHECK_THAT(s.error().message,
             Catch::Contains("offset " + std::to_string(victim) + ":"));
  CHECK_THAT(s.error().message, Catch::Contains("CRC32 mismatch"));
}

TEST_CASE("an event length past the end of the file is named", "[corruption]") {
  const char* name = "mysql57_app_data_checksum_none.binlog";
  auto file = testing::read_file(testing::binlog_path(name));
  const auto offsets = event_offsets(file);
  const uint64_t victim = offsets[3];
  file[victim + 12] = std::byte{0x7f};  // event_size's top byte
  const Status s = decode(name, file);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kTruncated);
  CHECK_THAT(s.error().message,
             Catch::Contains("offset " + std::to_string(victim) + ":"));
  CHECK_THAT(s.error().message, Catch::Contains("needs"));
}

TEST_CASE("an unknown event type stops unless flagged ignorable",
          "[corruption]") {
  const char* name = "mysql57_app_data_checksum_none.binlog";
  auto file = testing::read_file(testing::binlog_path(name));
  const auto offsets = event_offsets(file);
  const uint64_t victim = offsets[2];
  file[victim + 4] = std::byte{99};
  const Status s = decode(name, file);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kUnsupported);
  CHECK_THAT(s.error().message,
             Catch::Contains("offset " + std::to_string(victim) +
                             ": UNKNOWN_99 event"));

  file[victim + 17] |= std::byte{0x80};  // LOG_EVENT_IGNORABLE_F
  CHECK(decode(name, file));
}

}  // namespace
}  // namespace sluice
