// Values the fixture MANIFEST documents for the files mariadb-binlog cannot
// decode (MySQL JSON, VECTOR, zstd transaction payloads, tagged GTIDs, the
// 5.2 development tree's renumbered events).
#include <bit>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "binlog/event_framing.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "binlog/json_binary.h"
#include "binlog/json_diff.h"
#include "codec/canal_value.h"
#include "mysql/binlog_file_decoder.h"
#include "support/test_files.h"

namespace sluice {
namespace {

using binlog::ValueKind;

struct Change {
  binlog::RowsKind kind;
  std::string table;
  std::vector<std::string> before;  // canal text; "NULL"; "" when absent
  std::vector<std::string> after;
  std::vector<ValueKind> after_kinds;
  std::vector<std::vector<std::byte>> after_raw;  // copies of raw bytes
  std::string gtid;
};

class Collector final : public binlog::EventHandler {
 public:
  Status on_gtid(const binlog::EventHeader&,
                 const binlog::GtidInfo& gtid) override {
    gtid_ = gtid.text;
    return {};
  }
  Status on_query(const binlog::EventHeader&, const binlog::QueryEvent&,
                  std::string_view sql) override {
    queries.emplace_back(sql);
    return {};
  }
  Status on_xid(const binlog::EventHeader&, uint64_t xid) override {
    xids.push_back(xid);
    return {};
  }
  Status on_row(const binlog::RowEvent& row) override {
    Change c{
        row.kind, row.table->schema + "." + row.table->table, {}, {}, {}, {},
        gtid_};
    render(row, row.before, c.before);
    render(row, row.after, c.after);
    for (const auto& v : row.after) {
      c.after_raw.emplace_back(v.raw.begin(), v.raw.end());
      c.after_kinds.push_back(v.kind);
    }
    changes.push_back(std::move(c));
    return {};
  }

  std::vector<Change> changes;
  std::vector<std::string> queries;
  std::vector<uint64_t> xids;

 private:
  void render(const binlog::RowEvent& row, std::span<const binlog::Value> image,
              std::vector<std::string>& out) {
    for (size_t i = 0; i < image.size(); ++i) {
      const auto& v = image[i];
      std::string s;
      if (v.kind == ValueKind::kNull) {
        s = "NULL";
      } else if (v.kind != ValueKind::kAbsent) {
        REQUIRE(renderer_.append(row.table->columns[i], i, v, nullptr, s));
      }
      out.push_back(s);
    }
  }

  codec::CanalValueRenderer renderer_{false};
  std::string gtid_;
};

struct Decoded {
  std::vector<Change> changes;
  std::vector<std::string> queries;
  std::vector<uint64_t> xids;
};

Decoded decode(const std::string& name) {
  binlog::EventDecoder decoder;
  Collector c;
  const Status s =
      mysql::decode_binlog_files({testing::binlog_path(name)}, decoder, c);
  if (!s) FAIL(s.error().message);
  return {std::move(c.changes), std::move(c.queries), std::move(c.xids)};
}

TEST_CASE("MySQL 8.0 JSON rows and partial JSON updates", "[manifest]") {
  const auto c = decode("mysql80_json_partial_update.binlog");
  REQUIRE(c.changes.size() == 18);
  const char* docs[] = {R"({"age": 24, "data": "xxxxxxxxxx", "name": "Joe"})",
                        R"({"age": 32, "data": "yyyyyyyyyy", "name": "Sue"})",
                        R"({"age": 40, "data": "zzzzzzzzzz", "name": "Pete"})"};
  for (size_t i = 0; i < 6; ++i) {
    CHECK(c.changes[i].kind == binlog::RowsKind::kInsert);
    CHECK(c.changes[i].after ==
          std::vector<std::string>{std::to_string(i + 1), docs[i % 3],
                                   i % 3 == 0   ? "Joe"
                                   : i % 3 == 1 ? "Sue"
                                                : "Pete",
                                   std::to_string(24 + 8 * (i % 3))});
  }
  for (size_t i = 6; i < 12; ++i) {
    const size_t k = i - 6;
    CHECK(c.changes[i].kind == binlog::RowsKind::kUpdate);
    CHECK(c.changes[i].before[1] == docs[k % 3]);
    CHECK(c.changes[i].after[3] == std::to_string(25 + 8 * (k % 3)));
  }
  const int ages[] = {26, 34, 42};
  for (size_t i = 12; i < 18; ++i) {
    const size_t k = i - 12;
    INFO("partial update " << k + 1);
    const Change& ch = c.changes[i];
    CHECK(ch.before ==
          std::vector<std::string>{std::to_string(k + 1), "", "", ""});
    CHECK(ch.after[0].empty());
    CHECK(ch.after_kinds[1] == ValueKind::kJsonDiff);
    CHECK(ch.after[1] ==
          "JSON_REPLACE(@2, '$.age', " + std::to_string(ages[k % 3]) + ")");
    // Applied to the row's previous document (the UPDATE's after image):
    const Change& previous = c.changes[6 + k];
    auto diffs = binlog::parse_json_diffs(ch.after_raw[1]);
    REQUIRE(diffs);
    std::string applied;
    REQUIRE(binlog::apply_json_diffs(previous.after_raw[1], *diffs, applied));
    std::string expected = docs[k % 3];
    expected.replace(8, 2, std::to_string(ages[k % 3]));
    CHECK(applied == expected);
  }
}

TEST_CASE("MySQL 9.0 JSON opaque values", "[manifest]") {
  const auto c = decode("mysql90_json_opaque_fullmeta.binlog");
  // The manifest quotes the two DECIMAL scalars ("123.456", "9.00"); MySQL
  // stores them as JSON numbers and prints them unquoted, as sluice does.
  const std::vector<std::string> expected = {
      R"({"a": "base64:type15:VQ=="})",
      R"({"b": "2012-03-18"})",
      R"({"c": "2012-03-18 11:30:45.000000"})",
      R"({"c": "87:31:46.654321"})",
      R"({"d": 123.456})",
      R"({"e": 9.00})",
      R"({"e": [0, 1, true, false]})",
      R"({"e": null})"};
  REQUIRE(c.changes.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(c.changes[i].table == "foo.test");
    CHECK(c.changes[i].after[0] == expected[i]);
  }
}

std::vector<uint32_t> floats(const std::vector<std::byte>& raw) {
  std::vector<uint32_t> bits;
  for (size_t i = 0; i + 4 <= raw.size(); i += 4)
    bits.push_back(load_le32(raw.data() + i));
  return bits;
}

TEST_CASE("MySQL 9.0 VECTOR columns", "[manifest]") {
  const auto c = decode("mysql90_vector_fullmeta.binlog");
  REQUIRE(c.changes.size() == 10);
  using V = std::vector<uint32_t>;
  const V v123 = {0x3f8ccccd, 0x400ccccd, 0x40533333};
  const V v1m10 = {0x3f800000, 0xbf800000, 0x00000000};
  for (const size_t base : {size_t{0}, size_t{4}}) {
    CHECK(c.changes[base].table == "dtb.foo");
    CHECK(floats(c.changes[base].after_raw[1]) == v123);
    CHECK(floats(c.changes[base + 1].after_raw[1]) == v1m10);
    CHECK(c.changes[base + 2].table == "dtb.bar");
    CHECK(floats(c.changes[base + 2].after_raw[1]) ==
          V{0x3f8ccccd, 0x400ccccd});
    CHECK(c.changes[base + 2].after[2] == "NULL");
    CHECK(floats(c.changes[base + 2].after_raw[3]) ==
          V{0x3f8ccccd, 0x400ccccd, 0x40533333, 0x408ccccd});
    CHECK(floats(c.changes[base + 3].after_raw[1]) ==
          V{0x3f8147ae, 0xbf8147ae});
    CHECK(c.changes[base + 3].after[2] == "bar");
    CHECK(floats(c.changes[base + 3].after_raw[3]) ==
          V{0x42280000, 0x422c0000, 0x42300000, 0x42340000});
  }
  CHECK(c.changes[8].kind == binlog::RowsKind::kDelete);
  CHECK(c.changes[8].before[0] == "2");
  CHECK(c.changes[8].before[2] == "bar");
  CHECK(c.changes[9].after[0] == "3");
  CHECK(c.changes[9].after[1] == "[2.01,-2.01]");
  CHECK(floats(c.changes[9].after_raw[3]) ==
        V{0x42286666, 0x422ccccd, 0x42313333, 0x4235999a});
}

TEST_CASE("MySQL 8.0 zstd transaction payload", "[manifest]") {
  const auto c = decode("mysql80_trx_compression_zstd.binlog");
  REQUIRE(c.changes.size() == 1);
  CHECK(c.changes[0].table == "test.tb1");
  CHECK(c.changes[0].after == std::vector<std::string>{"1"});
  CHECK(c.queries == std::vector<std::string>{"BEGIN"});
  CHECK(c.xids.size() == 1);
}

TEST_CASE("MySQL 9.6 tagged GTID and its PREVIOUS_GTIDS set", "[manifest]") {
  const auto c = decode("mysql96_gtid_tagged.binlog");
  REQUIRE(c.changes.size() == 1);
  CHECK(c.changes[0].gtid == "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
  CHECK(c.changes[0].after == std::vector<std::string>{"3", "100", "250.00"});

  const auto file =
      testing::read_file(testing::binlog_path("mysql96_gtid_tagged.binlog"));
  auto fde = binlog::frame_event(file, 4);
  REQUIRE(fde);
  auto prev = binlog::frame_event(file, 4 + fde->data.size());
  REQUIRE(prev);
  REQUIRE(prev->type ==
          static_cast<uint8_t>(binlog::EventType::kPreviousGtids));
  auto set = binlog::decode_previous_gtids(
      prev->data.subspan(19, prev->data.size() - 23));
  REQUIRE(set);
  CHECK(*set == "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");
}

TEST_CASE("MySQL 5.2 drop6 tree: renumbered event codes decode", "[manifest]") {
  const auto c = decode("mysql52_devtree_remapped_types_LEGACY.binlog");
  CHECK(c.changes.empty());
  CHECK(c.xids == std::vector<uint64_t>{16});
  const std::vector<std::string> statements = {
      "BEGIN",
      "INSERT INTO t2 VALUES (3, 'first stm in trx')",
      "INSERT INTO t1 VALUES (3, 'last stm in trx: next event should be xid')",
      "INSERT INTO t1 VALUES (@x, 'four')",
      "INSERT INTO t1 VALUES (RAND() * 1000000, 'random')",
      "INSERT INTO t1 VALUES (LAST_INSERT_ID(), 'last_insert_id')"};
  REQUIRE(c.queries.size() >= statements.size());
  size_t found = 0;
  for (const auto& q : c.queries) {
    if (found < statements.size() && q == statements[found]) ++found;
  }
  CHECK(found == statements.size());
}

}  // namespace
}  // namespace sluice
