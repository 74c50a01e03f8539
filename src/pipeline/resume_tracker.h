// Where a binlog stream can resume with no gap and no duplicate. Sits between
// the decoder and the consumer as an EventHandler: it forwards every event,
// notes transaction boundaries (XID, COMMIT/ROLLBACK, a statement outside a
// transaction) and the GTIDs of completed transactions, and counts the rows
// of the open transaction already forwarded. After a reconnect at
// resume_point() it swallows exactly that many rows, so a connection lost in
// the middle of a large transaction repeats nothing downstream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "binlog/event_decoder.h"
#include "mysql/gtid_set.h"
#include "mysql/replica_stream.h"

namespace sluice::pipeline {

class ResumeTracker final : public binlog::EventHandler {
 public:
  // `start` is where the first connection starts; with use_gtid, `gtid` is
  // a MySQL GTID set or a MariaDB GTID position as `mariadb` says.
  [[nodiscard]] static Result<ResumeTracker> create(
      binlog::EventHandler& next, const mysql::StartPosition& start,
      bool mariadb);

  // The stream moved to `file` (its events' log_pos count from there).
  void set_file(std::string_view file) { file_ = file; }

  // Where to reconnect: after the last complete transaction. Call
  // reconnected() once the new stream is open.
  [[nodiscard]] mysql::StartPosition resume_point() const;
  // The new stream starts at the open transaction's first event again: the
  // items already forwarded from it will be passed over.
  void reconnected();

  // True from a transaction's first event to its end, and after a
  // reconnect until the items already forwarded have been seen again.
  [[nodiscard]] bool in_transaction() const {
    return in_transaction_ || emitted_ > 0;
  }
  // Changes of the open transaction already forwarded (in any connection).
  [[nodiscard]] uint64_t emitted_in_transaction() const { return emitted_; }
  // GTID of that transaction ("" without one).
  [[nodiscard]] const std::string& emitted_gtid() const {
    return emitted_gtid_;
  }
  // Before the first stream opens: an earlier run forwarded the first
  // `items` changes of the transaction at the start position already (a
  // checkpoint taken inside a large transaction); they will be passed over.
  // `gtid` is that transaction's GTID, checked when known.
  void resume_after(uint64_t items, std::string gtid) {
    emitted_ = items;
    seen_ = 0;
    emitted_gtid_ = items > 0 ? std::move(gtid) : std::string();
  }
  [[nodiscard]] uint64_t rows_forwarded() const { return rows_forwarded_; }
  [[nodiscard]] uint64_t transactions() const { return transactions_; }
  // "file:pos" of the last complete transaction's end.
  [[nodiscard]] std::string committed_text() const;
  // Timestamp (seconds) of the last event seen, for lag.
  [[nodiscard]] uint32_t last_event_time() const { return last_event_time_; }

  Status on_table_map(binlog::TableMap& map) override {
    return next_->on_table_map(map);
  }
  Status on_row(const binlog::RowEvent& row) override;
  Status on_query(const binlog::EventHeader& header,
                  const binlog::QueryEvent& query,
                  std::string_view sql) override;
  Status on_gtid(const binlog::EventHeader& header,
                 const binlog::GtidInfo& gtid) override;
  Status on_xid(const binlog::EventHeader& header, uint64_t xid) override;
  Status on_xa_prepare(const binlog::EventHeader& header) override;
  Status on_rotate(const binlog::EventHeader& header,
                   const binlog::RotateEvent& rotate) override;

 private:
  ResumeTracker(binlog::EventHandler& next, bool mariadb)
      : next_(&next), mariadb_(mariadb) {}
  // Whether the open transaction's next item was forwarded before a
  // reconnect (and is to be passed over now); counts it either way.
  [[nodiscard]] bool replayed();
  template <class Forward>
  [[nodiscard]] Status item(Forward forward);
  [[nodiscard]] Status commit(const binlog::EventHeader& header);

  binlog::EventHandler* next_;  // borrowed; outlives the tracker
  bool mariadb_;
  bool use_gtid_ = false;
  mysql::MysqlGtidSet mysql_gtids_;
  mysql::MariaDbGtidPos maria_gtids_;
  std::string pending_gtid_;  // of the open transaction
  std::string emitted_gtid_;  // of the transaction items were emitted from

  std::string file_;            // the stream's current file
  std::string committed_file_;  // end of the last complete transaction
  uint64_t committed_pos_ = 4;
  bool in_transaction_ = false;
  // Items (rows, statements) of the open transaction: forwarded so far in
  // all connections, and seen in this one.
  uint64_t emitted_ = 0;
  uint64_t seen_ = 0;
  uint64_t rows_forwarded_ = 0;
  uint64_t transactions_ = 0;
  uint32_t last_event_time_ = 0;
};

}  // namespace sluice::pipeline
