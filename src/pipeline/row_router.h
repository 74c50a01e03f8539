// Where each change goes (DESIGN §4, reference/canal-contract.md §3): its
// topic (canal.mq.topic or the dynamicTopic rules), its partition (the
// first partitionHash rule matching the table: Java hashes of the database
// and the key columns' canal text, `abs(abs(h) % n)`; no rule configured =
// canal.mq.partition; a rule configured but none matching, or a DDL =
// partition 0) and its Kafka key (the primary key's canal text: the value
// itself for a one-column key, a JSON array of strings for a composite
// one; no key for a table without one). Decisions that depend only on the
// table are made once per table definition.
//
// One difference from canal, which keeps canal consumers working: when a
// MINIMAL row image lacks a hash column (an update's after image carries
// only changed columns), canal hashes "" and sends the row to another
// partition than its insert; sluice takes the column from the other image.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binlog/event_decoder.h"
#include "codec/canal_value.h"
#include "common/error.h"
#include "pipeline/partition_rules.h"

namespace sluice::pipeline {

struct RoutingConfig {
  std::string topic;          // canal.mq.topic
  int32_t partition = 0;      // canal.mq.partition
  int32_t partitions = 1;     // canal.mq.partitionsNum (unset: 1)
  PartitionRules hash_rules;  // canal.mq.partitionHash
  DynamicTopics dynamic;      // canal.mq.dynamicTopic(+PartitionNum)
  bool database_hash = true;  // canal.mq.database.hash
  // Column names of kColumns rules compare exactly (canal's flat mode) or
  // case-insensitively (its protobuf mode).
  bool exact_column_names = true;
};

struct Route {
  std::string_view topic;  // valid until the next call
  int32_t partition = 0;
  bool has_key = false;
  std::string_view key;  // valid until the next call
};

class RowRouter {
 public:
  RowRouter(RoutingConfig config, bool mariadb)
      : config_(std::move(config)), values_(mariadb) {}

  void set_server(bool mariadb, bool display_widths) {
    values_.set_server(mariadb, display_widths);
  }

  // Route of one row change.
  [[nodiscard]] Result<Route> route_row(const binlog::RowEvent& row);

  // Route of a statement (DDL) on `schema`.`table`: partition 0 of the
  // table's topic, no key.
  [[nodiscard]] Route route_statement(std::string_view schema,
                                      std::string_view table);

 private:
  struct TableRoute {
    std::string topic;
    int32_t partitions = 1;
    enum class Mode { kFixed, kNoMatch, kTable, kColumns } mode = Mode::kFixed;
    int32_t fixed_partition = 0;  // kFixed, kNoMatch, kTable
    int32_t database_hash = 0;
    // kColumns: the hash columns in rule order; npos = no such column
    // (hashes "").
    std::vector<size_t> hash_columns;
    std::vector<size_t> key_columns;  // primary key, table order
  };

  const TableRoute& table_route(const binlog::TableMap& table);
  // Appends the canal text of column `i` of the row's data image (the
  // other image when it lacks the column; nothing for NULL).
  [[nodiscard]] Status append_text(const binlog::RowEvent& row, size_t i,
                                   std::string& out);

  RoutingConfig config_;
  codec::CanalValueRenderer values_;
  std::unordered_map<uint64_t, TableRoute> routes_;  // by TableMap generation
  TableRoute uncached_;
  std::string statement_topic_;
  std::string key_;
  std::string text_;
};

}  // namespace sluice::pipeline
