// Every fixture binlog decodes with the row counts its MANIFEST documents;
// the negative ones end with a truncation error naming the offset.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "binlog/event_decoder.h"
#include "mysql/binlog_file_decoder.h"
#include "support/test_files.h"

namespace sluice {
namespace {

using Counts = std::map<std::string, int>;

class Counter final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent& row) override {
    static constexpr const char* kKinds[] = {"insert", "update", "delete"};
    counts[row.table->schema + "." + row.table->table + ":" +
           kKinds[static_cast<int>(row.kind)]]++;
    return {};
  }
  Counts counts;
};

Result<Counts> count_rows(const std::string& name) {
  binlog::EventDecoder decoder;
  Counter counter;
  auto s = mysql::decode_binlog_files({testing::binlog_path(name)}, decoder,
                                      counter);
  if (!s) return tl::unexpected(s.error());
  return counter.counts;
}

struct Expected {
  const char* file;
  Counts counts;
};

// Row changes per table from tests/data/binlogs/MANIFEST.md (PARTIAL_UPDATE_
// ROWS counted as updates).
const Expected kFixtures[] = {
    {"mariadb1011_all_types_fullmeta_crc32.binlog",
     {{"sluice_t.all_types:delete", 1},
      {"sluice_t.all_types:insert", 4},
      {"sluice_t.all_types:update", 3},
      {"sluice_t.kv:insert", 3},
      {"sluice_t.my:insert", 2}}},
    {"mariadb1011_bulk_split_rows_multidomain.binlog",
     {{"sluice_t.bulk:delete", 10},
      {"sluice_t.bulk:insert", 1000},
      {"sluice_t.bulk:update", 10},
      {"sluice_t.kv:insert", 1}}},
    {"mariadb1011_checksum_none_stmt_minimal_xa.binlog",
     {{"sluice_t.stmt_t:insert", 2},
      {"sluice_t.stmt_t:update", 1},
      {"sluice_t.stmt_t:delete", 1},
      {"sluice_t.all_types:update", 1},
      {"sluice_t.kv:insert", 1}}},
    {"mariadb1011_compressed_events.binlog",
     {{"sluice_t.comp:insert", 3},
      {"sluice_t.comp:update", 2},
      {"sluice_t.comp:delete", 1},
      {"sluice_t.kv:insert", 2}}},
    {"mariadb1011_stop_multidomain_gtid_list.binlog", {}},
    {"mariadb105_annotate_fullmeta_gtid.binlog",
     {{"toddy_test.outbox:insert", 2}}},
    {"mysql50_stmt_intvar_relay_LEGACY.binlog", {}},
    {"mysql51_ndb_update_rows_v1.binlog",
     {{"mysql.ndb_apply_status:insert", 1},
      {"test.ba:delete", 1},
      {"test.ba:insert", 4},
      {"test.ba:update", 1}}},
    {"mysql51_rows_v1_load.binlog",
     {{"test.t1:delete", 1}, {"test.t1:insert", 2}, {"test.t1:update", 2}}},
    {"mysql52_devtree_remapped_types_LEGACY.binlog", {}},
    {"mysql55_sakila_rows_v1.binlog",
     {{"sakila.actor:insert", 200},
      {"sakila.address:insert", 603},
      {"sakila.category:insert", 16},
      {"sakila.city:insert", 600},
      {"sakila.country:insert", 109},
      {"sakila.customer:insert", 599},
      {"sakila.film:insert", 1000},
      {"sakila.film_actor:insert", 5462},
      {"sakila.film_category:insert", 1000},
      {"sakila.film_text:insert", 1000},
      {"sakila.inventory:insert", 4581},
      {"sakila.language:insert", 6},
      {"sakila.payment:insert", 16049},
      {"sakila.rental:insert", 16044},
      {"sakila.staff:insert", 2},
      {"sakila.store:insert", 2}}},
    {"mysql56_gtid_reserved_word.binlog", {{"test.GENERATED:insert", 1}}},
    {"mysql56_percona_decimals_crc32.binlog",
     {{"test.decodedecimal:insert", 17}}},
    {"mysql56_rows_v2_checksum_none_load.binlog",
     {{"test.t1:delete", 1}, {"test.t1:insert", 2}, {"test.t1:update", 2}}},
    {"mysql57_anonymous_gtid_ddl_many.binlog", {}},
    {"mysql57_app_data_checksum_none.binlog",
     {{"account_db.account:insert", 2},
      {"account_db.account:update", 2},
      {"account_db.message:insert", 7},
      {"account_db.refresh_token:insert", 24},
      {"meeteam_file_storage.meeteam_fs_storage:insert", 1}}},
    {"mysql57_app_data_crc32.binlog",
     {{"auth.announcement_member:delete", 1},
      {"auth.announcement_member:insert", 3},
      {"auth.material_warehouse:insert", 1},
      {"auth.material_warehouse_ownership:insert", 1},
      {"auth.role:insert", 1},
      {"auth.role_permission:insert", 1},
      {"menkor_dev.fund_account:insert", 1},
      {"menkor_dev.fund_pool:insert", 1},
      {"menkor_dev.fund_pool_ownership:insert", 1},
      {"simu_affair_dev.affair_user:update", 2},
      {"simu_affair_dev.invitation:insert", 1},
      {"simu_affair_dev.invitation:update", 1},
      {"simu_affair_dev.notice_follow:insert", 1},
      {"simu_affair_dev.personnel:insert", 2},
      {"simu_affair_dev.role:insert", 1},
      {"simu_affair_dev.role_operation:insert", 1},
      {"simu_file_dev.file:delete", 5},
      {"simu_file_dev.file:insert", 8},
      {"simu_file_dev.file:update", 18},
      {"simu_file_dev.file_log:insert", 6},
      {"simu_file_dev.folder:insert", 4},
      {"simu_file_dev.folder:update", 2}}},
    {"mysql57_load_data_events.binlog", {}},
    {"mysql57_rows_query_gtid.binlog", {{"default.boxercrab:insert", 1}}},
    {"mysql57_update_rows_strings_floats_decimal.binlog",
     {{"default.boxercrab:update", 1}}},
    {"mysql57_user_var_intvar_stmt.binlog", {}},
    {"mysql57_utf8mb4_collation_stmt.binlog", {}},
    {"mysql80_bit_fullmeta_gtid.binlog", {{"mysql.foo:insert", 1}}},
    {"mysql80_enum_set_fullmeta_gtid.binlog",
     {{"mysql.t:delete", 1}, {"mysql.t:insert", 1}, {"mysql.t:update", 1}}},
    {"mysql80_hidden_gcol_two_fde.binlog", {{"test.t:insert", 1}}},
    {"mysql80_invisible_columns_fullmeta_gtid.binlog",
     {{"mysql.t1:insert", 2}, {"mysql.t1:update", 1}}},
    {"mysql80_json_partial_update.binlog",
     {{"mysql.t:insert", 6}, {"mysql.t:update", 12}}},
    {"mysql80_minimal_row_metadata.binlog", {{"noria.t1:insert", 1}}},
    {"mysql80_time2_hour_overflow.binlog", {{"noria.t:insert", 1}}},
    {"mysql80_tpch_decimal_date_mixed_dml.binlog",
     {{"test.Demo:insert", 5},
      {"test.LINEITEM:delete", 2},
      {"test.LINEITEM:insert", 6},
      {"test.LINEITEM:update", 1}}},
    {"mysql80_trx_compression_zstd.binlog", {{"test.tb1:insert", 1}}},
    {"mysql82_int_types_delete.binlog",
     {{"test.int_table:delete", 1},
      {"test.int_table:insert", 1},
      {"test.int_table:update", 1}}},
    {"mysql90_json_opaque_fullmeta.binlog", {{"foo.test:insert", 8}}},
    {"mysql90_vector_fullmeta.binlog",
     {{"dtb.bar:delete", 1}, {"dtb.bar:insert", 5}, {"dtb.foo:insert", 4}}},
    {"mysql96_gtid_tagged.binlog", {{"test.orders:insert", 1}}},
};

TEST_CASE("every fixture decodes with the manifest's row counts",
          "[fixtures]") {
  for (const Expected& e : kFixtures) {
    INFO(e.file);
    auto counts = count_rows(e.file);
    if (!counts) FAIL(counts.error().message);
    CHECK(*counts == e.counts);
  }
}

TEST_CASE("negative fixtures end with a truncation error naming the offset",
          "[fixtures]") {
  auto a = count_rows("truncated_14_bytes_NEG.binlog");
  REQUIRE_FALSE(a);
  CHECK(a.error().code == Errc::kTruncated);
  CHECK_THAT(a.error().message,
             Catch::Contains("truncated_14_bytes_NEG.binlog: offset 4:"));
  CHECK_THAT(a.error().message, Catch::Contains("10 of 19 bytes"));

  auto b = count_rows("mysql57_truncated_prev_gtids_NEG.binlog");
  REQUIRE_FALSE(b);
  CHECK(b.error().code == Errc::kTruncated);
  CHECK_THAT(b.error().message, Catch::Contains("offset 120:"));
  CHECK_THAT(b.error().message, Catch::Contains("PREVIOUS_GTIDS"));
}

TEST_CASE("a missing file and a non-binlog file are clear errors",
          "[fixtures]") {
  auto missing = count_rows("no_such_file.binlog");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::kIo);
  CHECK_THAT(missing.error().message, Catch::Contains("no_such_file.binlog"));

  auto not_binlog = count_rows("MANIFEST.md");
  REQUIRE_FALSE(not_binlog);
  CHECK(not_binlog.error().code == Errc::kCorrupt);
  CHECK_THAT(not_binlog.error().message, Catch::Contains("bad magic"));
}

class GtidCollector final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent&) override { return {}; }
  Status on_gtid(const binlog::EventHeader&,
                 const binlog::GtidInfo& gtid) override {
    clocks.emplace_back(gtid.last_committed, gtid.sequence_number);
    return {};
  }
  std::vector<std::pair<int64_t, int64_t>> clocks;
};

std::vector<std::pair<int64_t, int64_t>> logical_clocks(
    const std::string& name) {
  binlog::EventDecoder decoder;
  GtidCollector c;
  auto s = mysql::decode_binlog_files({testing::binlog_path(name)}, decoder, c);
  if (!s) FAIL(s.error().message);
  return c.clocks;
}

TEST_CASE("MySQL GTID events carry their logical clock from 5.7 on",
          "[fixtures]") {
  for (const auto& [lc, sn] :
       logical_clocks("mysql56_gtid_reserved_word.binlog")) {
    CHECK(lc == -1);
    CHECK(sn == -1);
  }
  for (const char* file :
       {"mysql57_rows_query_gtid.binlog", "mysql57_app_data_crc32.binlog",
        "mysql57_anonymous_gtid_ddl_many.binlog",
        "mysql80_enum_set_fullmeta_gtid.binlog",
        "mysql96_gtid_tagged.binlog"}) {
    INFO(file);
    const auto clocks = logical_clocks(file);
    REQUIRE_FALSE(clocks.empty());
    // Each binlog file numbers its transactions from 1; a transaction
    // depends only on earlier ones.
    int64_t expected = 1;
    for (const auto& [lc, sn] : clocks) {
      CHECK(sn == expected++);
      CHECK(lc >= 0);
      CHECK(lc < sn);
    }
  }
}

}  // namespace
}  // namespace sluice
