// A randomized all-types workload on a real MariaDB, for each combination of
// binlog_row_metadata (FULL, MINIMAL) and binlog_row_image (FULL, MINIMAL):
// inserts, updates and deletes (single- and multi-row, in and out of explicit
// transactions, with NULLs, large values, emoji and latin1 text). The binlog
// is decoded, the changes are replayed into a model, and the model must equal
// SELECT of the table. Set SLUICE_RANDOM_SEED to replay a failing run.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "integration/mariadb_server.h"
#include "integration/random_columns.h"
#include "mysql/binlog_file_decoder.h"

namespace sluice::testing {
namespace {

using Row = std::vector<std::optional<std::string>>;

uint64_t seed() {
  const char* env = std::getenv("SLUICE_RANDOM_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 10);
  return std::random_device{}();
}

class Workload {
 public:
  Workload(MariaDbServer& server, const std::vector<RandomColumn>& cols,
           uint64_t seed)
      : server_(server), cols_(cols), rng_(seed) {}

  void run(int operations) {
    server_.execute("SET SESSION sql_mode=''");
    server_.execute("SET SESSION time_zone='+00:00'");
    server_.execute("CREATE DATABASE rw CHARACTER SET utf8mb4");
    std::string ddl = "CREATE TABLE rw.t (";
    for (size_t i = 0; i < cols_.size(); ++i) {
      ddl += (i == 0 ? "" : ", ") + cols_[i].name + " " + cols_[i].sql_type;
    }
    server_.execute(ddl + ") ENGINE=InnoDB");
    for (int op = 0; op < operations;) {
      if (pick(5) == 0) {
        server_.execute("BEGIN");
        const int n = 2 + static_cast<int>(pick(3));
        for (int k = 0; k < n; ++k) one_operation();
        server_.execute("COMMIT");
        op += n;
      } else {
        one_operation();
        ++op;
      }
    }
  }

 private:
  uint64_t pick(uint64_t n) { return rng_() % n; }

  std::string value(size_t col) {
    return pick(10) == 0 ? std::string("NULL") : cols_[col].literal(rng_);
  }

  std::string where() {
    const int64_t a = ids_[pick(ids_.size())];
    if (pick(10) < 7) return " WHERE id = " + std::to_string(a);
    return " WHERE id BETWEEN " + std::to_string(a) + " AND " +
           std::to_string(a + 1 + static_cast<int64_t>(pick(6)));
  }

  void one_operation() {
    const uint64_t r = pick(100);
    if (r < 45 || ids_.empty()) {
      std::string sql = "INSERT INTO rw.t VALUES ";
      const int rows = 1 + static_cast<int>(pick(5));
      for (int k = 0; k < rows; ++k) {
        sql += k == 0 ? "(" : ", (";
        sql += std::to_string(next_id_);
        ids_.push_back(next_id_++);
        for (size_t c = 1; c < cols_.size(); ++c) sql += ", " + value(c);
        sql += ")";
      }
      server_.execute(sql);
    } else if (r < 80) {
      std::string sql = "UPDATE rw.t SET ";
      const int n = 1 + static_cast<int>(pick(4));
      for (int k = 0; k < n; ++k) {
        const size_t c = 1 + pick(cols_.size() - 1);
        sql += (k == 0 ? "" : ", ") + cols_[c].name + " = " + value(c);
      }
      server_.execute(sql + where());
    } else {
      server_.execute("DELETE FROM rw.t" + where());
    }
  }

  MariaDbServer& server_;
  const std::vector<RandomColumn>& cols_;
  std::mt19937_64 rng_;
  std::vector<int64_t> ids_;
  int64_t next_id_ = 1;
};

// Applies decoded row changes of rw.t to a model of the table.
class Replay final : public binlog::EventHandler {
 public:
  // One column of an image: absent (not in a MINIMAL image), NULL or a value.
  struct Cell {
    bool present = false;
    bool null = false;
    std::string text;
    [[nodiscard]] std::optional<std::string> value() const {
      return null ? std::nullopt : std::optional<std::string>(text);
    }
  };

  Replay(const std::vector<RandomColumn>& cols, bool full_image)
      : cols_(cols), full_image_(full_image) {}

  Status on_row(const binlog::RowEvent& row) override {
    if (row.table->schema != "rw" || row.table->table != "t") return {};
    ++changes;
    check_names(*row.table);
    if (row.kind != binlog::RowsKind::kInsert) {
      const auto before = image(*row.table, row.before);
      if (!before[0].present || before[0].null)
        return fail("an image without the primary key");
      const int64_t id = std::stoll(before[0].text);
      auto it = model.find(id);
      if (it == model.end())
        return fail("change of unknown id " + std::to_string(id));
      if (full_image_)
        compare("before image of id " + std::to_string(id), it->second, before);
      if (row.kind == binlog::RowsKind::kDelete) {
        model.erase(it);
        return {};
      }
      const auto after = image(*row.table, row.after);
      for (size_t c = 0; c < cols_.size(); ++c) {
        if (after[c].present) it->second[c] = after[c].value();
      }
      return {};
    }
    const auto after = image(*row.table, row.after);
    Row full(cols_.size());
    for (size_t c = 0; c < cols_.size(); ++c) {
      if (!after[c].present)
        return fail("insert without column " + cols_[c].name);
      full[c] = after[c].value();
    }
    model[std::stoll(*full[0])] = full;
    return {};
  }

  void compare(const std::string& what, const Row& expected,
               const std::vector<Cell>& got) {
    for (size_t c = 0; c < cols_.size(); ++c) {
      if (got[c].present && !same(c, expected[c], got[c].value())) {
        errors.push_back(what + ", column " + cols_[c].name + ": model " +
                         show(expected[c]) + ", binlog " +
                         show(got[c].value()));
      }
    }
  }

  bool same(size_t c, const std::optional<std::string>& a,
            const std::optional<std::string>& b) const {
    if (!a || !b) return !a && !b;
    return cols_[c].approximate ? approximately_equal(*a, *b) : *a == *b;
  }

  static std::string show(const std::optional<std::string>& v) {
    if (!v) return "NULL";
    return v->size() > 80 ? "'" + v->substr(0, 80) + "...' (" +
                                std::to_string(v->size()) + " chars)"
                          : "'" + *v + "'";
  }

  std::map<int64_t, Row> model;
  std::vector<std::string> errors;
  int changes = 0;

 private:
  std::vector<Cell> image(const binlog::TableMap& t,
                          std::span<const binlog::Value> values) {
    std::vector<Cell> out(cols_.size());
    for (size_t c = 0; c < cols_.size() && c < values.size(); ++c) {
      const auto& v = values[c];
      if (v.kind == binlog::ValueKind::kAbsent) continue;
      out[c].present = true;
      out[c].null = v.kind == binlog::ValueKind::kNull;
      if (!out[c].null) out[c].text = cols_[c].canonical(t.columns[c], v);
    }
    return out;
  }

  void check_names(const binlog::TableMap& t) {
    if (t.columns.size() != cols_.size()) {
      errors.push_back("TABLE_MAP has " + std::to_string(t.columns.size()) +
                       " columns");
      return;
    }
    if (!t.has_column_names) return;
    for (size_t c = 0; c < cols_.size(); ++c) {
      if (t.columns[c].name != cols_[c].name)
        errors.push_back("column name " + t.columns[c].name);
    }
  }

  Status fail(const std::string& why) {
    errors.push_back(why);
    return {};
  }

  const std::vector<RandomColumn>& cols_;
  bool full_image_;
};

void run_variant(const std::string& metadata, const std::string& row_image,
                 uint64_t s) {
  INFO("binlog_row_metadata=" << metadata << " binlog_row_image=" << row_image
                              << " SLUICE_RANDOM_SEED=" << s);
  const auto cols = random_columns();
  MariaDbServer server({"--binlog-row-metadata=" + metadata,
                        "--binlog-row-image=" + row_image,
                        "--max-allowed-packet=64M"});
  Workload(server, cols, s).run(300);

  binlog::EventDecoder decoder;
  Replay replay(cols, row_image == "FULL");
  const Status decoded =
      mysql::decode_binlog_files(server.binlog_files(), decoder, replay);
  if (!decoded) FAIL(decoded.error().message);
  CHECK(replay.changes > 300);

  std::string select = "SELECT ";
  for (size_t c = 0; c < cols.size(); ++c)
    select += (c == 0 ? "" : ", ") + cols[c].select;
  const auto rows = server.query(select + " FROM rw.t ORDER BY id");
  REQUIRE(rows.size() == replay.model.size());
  auto it = replay.model.begin();
  for (const auto& row : rows) {
    const Row& expected = it->second;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!replay.same(c, row[c], expected[c])) {
        replay.errors.push_back("id " + std::to_string(it->first) +
                                ", column " + cols[c].name + ": table " +
                                Replay::show(row[c]) + ", binlog replay " +
                                Replay::show(expected[c]));
      }
    }
    ++it;
  }
  for (size_t i = 0; i < replay.errors.size() && i < 20; ++i)
    UNSCOPED_INFO(replay.errors[i]);
  CHECK(replay.errors.empty());
}

TEST_CASE("random workload: FULL metadata, FULL image",
          "[integration][random]") {
  run_variant("FULL", "FULL", seed());
}
TEST_CASE("random workload: MINIMAL metadata, MINIMAL image",
          "[integration][random]") {
  run_variant("MINIMAL", "MINIMAL", seed());
}
TEST_CASE("random workload: FULL metadata, MINIMAL image",
          "[integration][random]") {
  run_variant("FULL", "MINIMAL", seed());
}
TEST_CASE("random workload: MINIMAL metadata, FULL image",
          "[integration][random]") {
  run_variant("MINIMAL", "FULL", seed());
}

}  // namespace
}  // namespace sluice::testing
