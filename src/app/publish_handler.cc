#include "app/publish_handler.h"

#include <charconv>

#include "binlog/format_description.h"
#include "common/wall_clock.h"
#include "pipeline/statement.h"

namespace sluice::app {

PublishHandler::PublishHandler(binlog::EventDecoder& decoder,
                               pipeline::TableResolver& resolver,
                               pipeline::RowRouter& router,
                               codec::MessageEncoder& encoder,
                               const mysql::FilePosition& pos)
    : decoder_(decoder),
      resolver_(resolver),
      router_(router),
      encoder_(encoder),
      pos_(pos) {}

Status PublishHandler::on_table_map(binlog::TableMap& map) {
  return resolver_.resolve(map);
}

Status PublishHandler::on_gtid(const binlog::EventHeader&,
                               const binlog::GtidInfo& gtid) {
  if (gtid.text == "ANONYMOUS") {
    gtid_.text.clear();
  } else {
    gtid_.text.assign(gtid.text);
  }
  gtid_.last_committed = gtid.last_committed;
  gtid_.sequence_number = gtid.sequence_number;
  return {};
}

void PublishHandler::next_position() {
  if (pos_.end != last_end_ || pos_.file != last_file_) {
    last_end_ = pos_.end;
    last_file_ = pos_.file;
    index_ = 0;
    ++id_;  // canal's batch id: one per binlog event here
    env_.ts_ms = wall_clock_ms();
  } else {
    ++index_;
  }
  position_ = pos_.file;
  append_number(pos_.end);
  append_number(index_);
  env_.id = id_;
  env_.gtid = gtid_.text;
  env_.gtid_last_committed = gtid_.last_committed;
  env_.gtid_sequence_number = gtid_.sequence_number;
  env_.file = pos_.file;
  env_.offset = pos_.end;
  env_.index = static_cast<uint32_t>(index_);
}

void PublishHandler::append_number(uint64_t v) {
  char buf[24];
  buf[0] = ':';
  const auto end = std::to_chars(buf + 1, buf + sizeof buf, v).ptr;
  position_.append(buf, end);
}

Status PublishHandler::publish(std::string_view topic, int32_t partition,
                               bool has_key, std::string_view key,
                               std::string_view where) {
  kafka::OutgoingMessage m;
  m.topic = topic;
  m.partition = partition;
  m.has_key = has_key;
  m.key = key;
  m.value = value_;
  m.position = position_;
  m.gtid = gtid_.text;
  Status s = publisher_->publish(m, where);
  publish_failed_ = !s;
  return s;
}

Status PublishHandler::on_row(const binlog::RowEvent& row) {
  const binlog::FormatDescription& fd = decoder_.format();
  const bool widths =
      fd.mariadb || fd.version < binlog::ServerVersion{8, 0, 19};
  encoder_.set_server(fd.mariadb, widths);
  router_.set_server(fd.mariadb, widths);
  next_position();
  where_ = position_;
  where_ += " (";
  where_ += row.table->schema;
  where_ += '.';
  where_ += row.table->table;
  where_ += ')';
  SLUICE_ASSIGN_OR_RETURN(const pipeline::Route route, router_.route_row(row));
  value_.clear();
  if (auto s = encoder_.append_row(row, env_, value_); !s) {
    return tl::unexpected(with_context(s.error(), where_));
  }
  SLUICE_RETURN_IF_ERROR(
      publish(route.topic, route.partition, route.has_key, route.key, where_));
  if (stats_ != nullptr) count(row);
  return {};
}

void PublishHandler::count(const binlog::RowEvent& row) {
  if (table_rows_ == nullptr ||
      table_rows_generation_ != row.table->generation) {
    table_rows_ = &stats_->table(row.table->schema, row.table->table);
    table_rows_generation_ = row.table->generation;
  }
  std::atomic<uint64_t>& n =
      row.kind == binlog::RowsKind::kInsert   ? table_rows_->inserts
      : row.kind == binlog::RowsKind::kUpdate ? table_rows_->updates
                                              : table_rows_->deletes;
  n.fetch_add(1, std::memory_order_relaxed);
}

Status PublishHandler::on_query(const binlog::EventHeader& header,
                                const binlog::QueryEvent& q,
                                std::string_view sql) {
  sql_.clear();
  utf8_.append(
      codec::charset_of_collation(q.client_charset, decoder_.format().mariadb),
      as_bytes(sql), sql_);
  const pipeline::Statement st = pipeline::classify_statement(sql_, q.schema);
  if (st.transaction_control) return {};
  // Definitions may have changed: the next TABLE_MAP of every table is
  // resolved again, even when its bytes are the same.
  decoder_.forget_tables();
  if (!resolver_.on_statement(st)) return {};
  next_position();
  value_.clear();
  encoder_.append_statement(header, st.schema, st.table, q.schema, sql_,
                            st.type, env_, value_);
  const pipeline::Route route = router_.route_statement(st.schema, st.table);
  ++statements_;
  SLUICE_RETURN_IF_ERROR(
      publish(route.topic, 0, false, {}, position_ + " (DDL)"));
  if (stats_ != nullptr)
    stats_->statements.fetch_add(1, std::memory_order_relaxed);
  return {};
}

}  // namespace sluice::app
