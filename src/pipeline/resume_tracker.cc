#include "pipeline/resume_tracker.h"

#include <cctype>

namespace sluice::pipeline {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) ||
                        s.back() == ';'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

Result<ResumeTracker> ResumeTracker::create(binlog::EventHandler& next,
                                            const mysql::StartPosition& start,
                                            bool mariadb) {
  ResumeTracker t(next, mariadb);
  t.use_gtid_ = start.use_gtid;
  t.file_ = start.file;
  t.committed_file_ = start.file;
  t.committed_pos_ = start.position;
  if (start.use_gtid) {
    if (mariadb) {
      SLUICE_ASSIGN_OR_RETURN(t.maria_gtids_,
                              mysql::MariaDbGtidPos::parse(start.gtid));
    } else {
      SLUICE_ASSIGN_OR_RETURN(t.mysql_gtids_,
                              mysql::MysqlGtidSet::parse(start.gtid));
    }
  }
  return t;
}

mysql::StartPosition ResumeTracker::resume_point() const {
  mysql::StartPosition p;
  p.file = committed_file_;
  p.position = committed_pos_;
  p.use_gtid = use_gtid_;
  if (use_gtid_) {
    p.gtid = mariadb_ ? maria_gtids_.to_string() : mysql_gtids_.to_string();
  }
  return p;
}

void ResumeTracker::reconnected() {
  // The new stream starts at the open transaction's first event again.
  rows_to_skip_ = rows_in_transaction_;
  rows_in_transaction_ = 0;
  in_transaction_ = false;
  pending_gtid_.clear();
}

std::string ResumeTracker::committed_text() const {
  return committed_file_ + ":" + std::to_string(committed_pos_);
}

Status ResumeTracker::on_row(const binlog::RowEvent& row) {
  last_event_time_ = row.header->timestamp;
  in_transaction_ = true;
  ++rows_in_transaction_;
  if (rows_to_skip_ > 0) {
    --rows_to_skip_;
    return {};
  }
  ++rows_forwarded_;
  return next_->on_row(row);
}

Status ResumeTracker::on_query(const binlog::EventHeader& header,
                               const binlog::QueryEvent& query,
                               std::string_view sql) {
  last_event_time_ = header.timestamp;
  const std::string_view s = trim(sql);
  if (iequals(s, "BEGIN")) {
    in_transaction_ = true;
    rows_in_transaction_ = 0;
    return next_->on_query(header, query, sql);
  }
  SLUICE_RETURN_IF_ERROR(next_->on_query(header, query, sql));
  // Inside a transaction only COMMIT or ROLLBACK end it (SAVEPOINT and
  // ROLLBACK TO do not); outside one, a statement is its own transaction.
  if (in_transaction_ && !iequals(s, "COMMIT") && !iequals(s, "ROLLBACK"))
    return {};
  return commit(header);
}

Status ResumeTracker::on_gtid(const binlog::EventHeader& header,
                              std::string_view gtid) {
  last_event_time_ = header.timestamp;
  pending_gtid_ = gtid == "ANONYMOUS" ? "" : std::string(gtid);
  return next_->on_gtid(header, gtid);
}

Status ResumeTracker::on_xid(const binlog::EventHeader& header, uint64_t xid) {
  last_event_time_ = header.timestamp;
  SLUICE_RETURN_IF_ERROR(next_->on_xid(header, xid));
  return commit(header);
}

Status ResumeTracker::on_rotate(const binlog::EventHeader& header,
                                const binlog::RotateEvent& rotate) {
  return next_->on_rotate(header, rotate);
}

Status ResumeTracker::commit(const binlog::EventHeader& header) {
  if (rows_to_skip_ > 0) {
    return make_error(
        Errc::kCorrupt,
        "after reconnecting at " + committed_text() +
            ", the transaction there has " +
            std::to_string(rows_in_transaction_) + " rows, fewer than the " +
            std::to_string(rows_in_transaction_ + rows_to_skip_) +
            " already emitted from it: the server's binlog changed under "
            "sluice (failover to a different server without GTIDs?)");
  }
  committed_file_ = file_;
  committed_pos_ = header.log_pos;
  if (!pending_gtid_.empty() && use_gtid_) {
    SLUICE_RETURN_IF_ERROR(mariadb_ ? maria_gtids_.update(pending_gtid_)
                                    : mysql_gtids_.add(pending_gtid_));
  }
  pending_gtid_.clear();
  in_transaction_ = false;
  rows_in_transaction_ = 0;
  ++transactions_;
  return {};
}

}  // namespace sluice::pipeline
