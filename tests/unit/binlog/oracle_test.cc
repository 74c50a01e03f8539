// Every value of every row change in every fixture that MariaDB's
// mariadb-binlog decodes equals the value the tool prints for it (the tool is
// the oracle; support/oracle_format.h normalises formats, not values).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "binlog/event_decoder.h"
#include "mysql/binlog_file_decoder.h"
#include "support/mariadb_binlog_oracle.h"
#include "support/oracle_format.h"
#include "support/test_files.h"

namespace sluice {
namespace {

using testing::OracleColumn;
using testing::OracleRow;
using testing::OracleRowKind;

// Fixtures that mariadb-binlog 10.11 does not decode fully (their MANIFEST.md
// line "mariadb-binlog 10.11"); other tests assert their values.
const char* const kNotDecodable[] = {
    "mysql80_json_partial_update.binlog",   // stops at the first JSON row
    "mysql90_json_opaque_fullmeta.binlog",  // stops at the first JSON row
    "mysql90_vector_fullmeta.binlog",       // stops at the first VECTOR row
    "mysql80_trx_compression_zstd.binlog",  // rejects TRANSACTION_PAYLOAD
    "mysql96_gtid_tagged.binlog",           // rejects GTID_TAGGED (42)
    "mysql52_devtree_remapped_types_LEGACY.binlog",  // renumbered event codes
    "mysql57_truncated_prev_gtids_NEG.binlog",       // truncated
    "truncated_14_bytes_NEG.binlog",                 // truncated
};

std::vector<std::string> decodable_fixtures() {
  const std::set<std::string> skipped(std::begin(kNotDecodable),
                                      std::end(kNotDecodable));
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::data_path("binlogs"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".binlog" && !skipped.contains(name)) {
      files.push_back(name);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

const char* kind_name(OracleRowKind kind) {
  switch (kind) {
    case OracleRowKind::kInsert:
      return "insert";
    case OracleRowKind::kUpdate:
      return "update";
    case OracleRowKind::kDelete:
      return "delete";
  }
  return "?";
}

OracleRowKind oracle_kind(binlog::RowsKind kind) {
  switch (kind) {
    case binlog::RowsKind::kInsert:
      return OracleRowKind::kInsert;
    case binlog::RowsKind::kUpdate:
      return OracleRowKind::kUpdate;
    case binlog::RowsKind::kDelete:
      return OracleRowKind::kDelete;
  }
  return OracleRowKind::kInsert;
}

std::string column_list(const std::vector<uint32_t>& columns) {
  std::string out = "[";
  for (const uint32_t c : columns) {
    out += (out.size() > 1 ? ",@" : "@") + std::to_string(c + 1);
  }
  return out + "]";
}

// The two texts from a little before the first byte where they differ, so a
// difference deep inside a long blob shows.
std::string difference(const std::string& ours, const std::string& theirs) {
  constexpr size_t kContext = 40;
  const auto [a, b] =
      std::mismatch(ours.begin(), ours.end(), theirs.begin(), theirs.end());
  const size_t at = static_cast<size_t>(a - ours.begin());
  const size_t from = at > kContext ? at - kContext : 0;
  const std::string where =
      from > 0 ? " (from byte " + std::to_string(from) + ")" : "";
  return "ours " + testing::printable(std::string_view(ours).substr(from)) +
         ", mariadb-binlog " +
         testing::printable(std::string_view(theirs).substr(from)) + where;
}

// Compares each row change the decoder reports, while its values are still
// valid, with the oracle's row change at the same position.
class OracleComparer final : public binlog::EventHandler {
 public:
  OracleComparer(std::string file, const std::vector<OracleRow>& oracle)
      : file_(std::move(file)), oracle_(oracle) {}

  Status on_row(const binlog::RowEvent& row) override {
    const size_t n = rows_++;
    const binlog::TableMap& table = *row.table;
    const std::string ours = table.schema + "." + table.table + " " +
                             kind_name(oracle_kind(row.kind));
    if (n >= oracle_.size()) {
      report(n, "decoder reports a row change the oracle does not: " + ours);
      return {};
    }
    const OracleRow& want = oracle_[n];
    const std::string theirs =
        want.schema + "." + want.table + " " + kind_name(want.kind);
    if (ours != theirs) {
      report(n, "ours " + ours + ", mariadb-binlog " + theirs);
      return {};
    }
    compare_image(n, "before", row.before, want.before, table);
    compare_image(n, "after", row.after, want.after, table);
    return {};
  }

  [[nodiscard]] size_t rows() const { return rows_; }
  [[nodiscard]] size_t values() const { return values_; }
  [[nodiscard]] size_t failures() const { return failures_; }

 private:
  static constexpr size_t kReported = 25;  // failures shown one by one

  void report(size_t row, const std::string& what) {
    if (failures_++ < kReported) {
      FAIL_CHECK(file_ << ": row change " << row + 1 << ": " << what);
    }
  }

  void compare_image(size_t n, const char* image,
                     std::span<const binlog::Value> values,
                     const std::vector<OracleColumn>& want,
                     const binlog::TableMap& table) {
    std::vector<uint32_t> ours;
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i].kind != binlog::ValueKind::kAbsent) {
        ours.push_back(static_cast<uint32_t>(i));
      }
    }
    std::vector<uint32_t> theirs;
    for (const OracleColumn& c : want) theirs.push_back(c.index);
    if (ours != theirs) {
      report(n, std::string(image) + " image columns: ours " +
                    column_list(ours) + ", mariadb-binlog " +
                    column_list(theirs));
      return;
    }
    for (const OracleColumn& c : want) {
      const binlog::ColumnDef& column = table.columns[c.index];
      const testing::ValueMatch match =
          testing::match_value(values[c.index], column, c.value);
      ++values_;
      if (match.equal) continue;
      const std::string name = column.name.empty() ? "" : " " + column.name;
      report(n, std::string(image) + " image, column @" +
                    std::to_string(c.index + 1) + name + " (" +
                    c.value.comment +
                    "): " + difference(match.ours, match.theirs));
    }
  }

  std::string file_;
  const std::vector<OracleRow>& oracle_;
  size_t rows_ = 0;
  size_t values_ = 0;
  size_t failures_ = 0;
};

TEST_CASE("mariadb-binlog oracle: its skip list names existing fixtures",
          "[oracle]") {
  for (const char* name : kNotDecodable) {
    INFO(name);
    CHECK(std::filesystem::exists(testing::binlog_path(name)));
  }
}

TEST_CASE("mariadb-binlog oracle: every decoded value equals the tool's",
          "[oracle]") {
  const std::string file = GENERATE(from_range(decodable_fixtures()));
  INFO("fixture " << file);
  const std::vector<OracleRow> oracle =
      testing::run_mariadb_binlog(testing::binlog_path(file));
  size_t oracle_values = 0;
  for (const OracleRow& row : oracle) {
    oracle_values += row.before.size() + row.after.size();
  }

  binlog::EventDecoder decoder;
  OracleComparer comparer(file, oracle);
  const Status status = mysql::decode_binlog_files({testing::binlog_path(file)},
                                                   decoder, comparer);
  INFO((status ? std::string("decoded") : status.error().message));
  CHECK(status.has_value());
  CHECK(comparer.rows() == oracle.size());
  CHECK(comparer.values() == oracle_values);
  CHECK(comparer.failures() == 0);
}

}  // namespace
}  // namespace sluice
