#include "pipeline/resume_tracker.h"

#include <cctype>

#include "common/text.h"

namespace sluice::pipeline {
namespace {

// The statement without surrounding spaces and trailing semicolons.
std::string_view statement_text(std::string_view sql) {
  std::string_view s = trim(sql);
  while (!s.empty() && s.back() == ';') s = trim(s.substr(0, s.size() - 1));
  return s;
}

bool starts_with_words(std::string_view s, std::string_view words) {
  if (s.size() < words.size()) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != words[i])
      return false;
  }
  return s.size() == words.size() ||
         !std::isalnum(static_cast<unsigned char>(s[words.size()]));
}

enum class Boundary { kNone, kBegin, kEnd };

// How a statement bounds a transaction. ROLLBACK TO SAVEPOINT does not end
// one; XA COMMIT ... ONE PHASE does (two-phase XA ends at XA PREPARE).
Boundary boundary_of(std::string_view sql) {
  const std::string_view s = statement_text(sql);
  if (starts_with_words(s, "BEGIN") || starts_with_words(s, "XA START") ||
      starts_with_words(s, "XA BEGIN"))
    return Boundary::kBegin;
  if (starts_with_words(s, "COMMIT") || starts_with_words(s, "XA COMMIT") ||
      starts_with_words(s, "XA ROLLBACK"))
    return Boundary::kEnd;
  if (starts_with_words(s, "ROLLBACK") &&
      !starts_with_words(s, "ROLLBACK TO") &&
      !starts_with_words(s, "ROLLBACK WORK TO"))
    return Boundary::kEnd;
  return Boundary::kNone;
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
  in_transaction_ = false;
  seen_ = 0;
  pending_gtid_.clear();
}

std::string ResumeTracker::committed_text() const {
  return committed_file_ + ":" + std::to_string(committed_pos_);
}

bool ResumeTracker::replayed() {
  in_transaction_ = true;
  if (seen_ < emitted_) {
    ++seen_;
    return true;
  }
  return false;
}

template <class Forward>
Status ResumeTracker::item(Forward forward) {
  if (replayed()) return {};
  SLUICE_RETURN_IF_ERROR(forward());
  // Counted once forwarded: an item the consumer refused is not skipped.
  emitted_ = ++seen_;
  if (emitted_ == 1) emitted_gtid_ = pending_gtid_;
  return {};
}

Status ResumeTracker::on_row(const binlog::RowEvent& row) {
  last_event_time_ = row.header->timestamp;
  return item([&]() -> Status {
    SLUICE_RETURN_IF_ERROR(next_->on_row(row));
    ++rows_forwarded_;
    return {};
  });
}

Status ResumeTracker::on_query(const binlog::EventHeader& header,
                               const binlog::QueryEvent& query,
                               std::string_view sql) {
  last_event_time_ = header.timestamp;
  const Boundary b = boundary_of(sql);
  if (b == Boundary::kBegin) {
    in_transaction_ = true;
    return next_->on_query(header, query, sql);
  }
  if (b == Boundary::kEnd && in_transaction_) {
    SLUICE_RETURN_IF_ERROR(next_->on_query(header, query, sql));
    return commit(header);
  }
  if (in_transaction_) {
    // A statement inside a transaction (SAVEPOINT, MariaDB's CREATE of a
    // CREATE ... SELECT): an item like a row.
    return item([&] { return next_->on_query(header, query, sql); });
  }
  // Outside a transaction a statement is its own transaction.
  SLUICE_RETURN_IF_ERROR(next_->on_query(header, query, sql));
  return commit(header);
}

Status ResumeTracker::on_gtid(const binlog::EventHeader& header,
                              const binlog::GtidInfo& gtid) {
  last_event_time_ = header.timestamp;
  pending_gtid_ = gtid.text == "ANONYMOUS" ? "" : std::string(gtid.text);
  if (emitted_ > 0 && !emitted_gtid_.empty() &&
      pending_gtid_ != emitted_gtid_) {
    return make_error(
        Errc::kCorrupt,
        "after reconnecting at " + committed_text() + " the server sent " +
            (pending_gtid_.empty() ? "a transaction without GTID"
                                   : "transaction " + pending_gtid_) +
            " first, not " + emitted_gtid_ + " of which " +
            std::to_string(emitted_) +
            " changes were already emitted: the server's binlog is not the "
            "one sluice was reading (failover without GTIDs?)");
  }
  if (gtid.begins_transaction) in_transaction_ = true;
  return next_->on_gtid(header, gtid);
}

Status ResumeTracker::on_xid(const binlog::EventHeader& header, uint64_t xid) {
  last_event_time_ = header.timestamp;
  SLUICE_RETURN_IF_ERROR(next_->on_xid(header, xid));
  return commit(header);
}

Status ResumeTracker::on_xa_prepare(const binlog::EventHeader& header) {
  last_event_time_ = header.timestamp;
  SLUICE_RETURN_IF_ERROR(next_->on_xa_prepare(header));
  return commit(header);
}

Status ResumeTracker::on_rotate(const binlog::EventHeader& header,
                                const binlog::RotateEvent& rotate) {
  SLUICE_RETURN_IF_ERROR(next_->on_rotate(header, rotate));
  // Between transactions the next file's start is as good a place to
  // resume as the old file's end, and survives PURGE of the old file.
  if (!in_transaction()) {
    committed_file_ = rotate.next_file;
    committed_pos_ = rotate.position;
  }
  return {};
}

Status ResumeTracker::commit(const binlog::EventHeader& header) {
  if (seen_ < emitted_) {
    return make_error(
        Errc::kCorrupt,
        "after reconnecting at " + committed_text() +
            ", the transaction there has " + std::to_string(seen_) +
            " changes, fewer than the " + std::to_string(emitted_) +
            " already emitted from it: the server's binlog changed under "
            "sluice (failover to a different server without GTIDs?)");
  }
  committed_file_ = file_;
  // Events the dump thread makes up carry no position; keep the last one.
  if (header.log_pos != 0) committed_pos_ = header.log_pos;
  if (!pending_gtid_.empty() && use_gtid_) {
    SLUICE_RETURN_IF_ERROR(mariadb_ ? maria_gtids_.update(pending_gtid_)
                                    : mysql_gtids_.add(pending_gtid_));
  }
  pending_gtid_.clear();
  emitted_gtid_.clear();
  in_transaction_ = false;
  emitted_ = 0;
  seen_ = 0;
  ++transactions_;
  return {};
}

}  // namespace sluice::pipeline
