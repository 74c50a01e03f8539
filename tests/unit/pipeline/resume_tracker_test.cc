// ResumeTracker on real binlogs: the connection is "lost" after every event
// boundary in turn, the stream restarts where the tracker says (the format
// description, then the events from its resume position, as a server sends
// them), and what reaches the consumer must be exactly the rows of one
// uninterrupted pass: none missing, none twice.
#include "pipeline/resume_tracker.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/event_framing.h"
#include "binlog/event_header.h"
#include "support/test_files.h"

namespace sluice::pipeline {
namespace {

// Records each row as "<end offset>/<row index>/<table>".
class RowLog final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent& row) override {
    rows.push_back(std::to_string(row.header->log_pos) + "/" +
                   std::to_string(row.row_index) + "/" + row.table->table);
    return {};
  }
  std::vector<std::string> rows;
};

mysql::StartPosition file_start() {
  mysql::StartPosition p;
  p.file = "f";
  p.position = 4;
  return p;
}

struct Event {
  uint64_t offset;
  Bytes data;
};

std::vector<Event> events_of(const std::vector<std::byte>& file) {
  std::vector<Event> events;
  uint64_t offset = binlog::kBinlogMagicSize;
  while (offset < file.size()) {
    auto framed = binlog::frame_event(file, offset);
    REQUIRE(framed);
    events.push_back({offset, framed->data});
    offset += framed->data.size();
  }
  return events;
}

std::vector<std::string> uninterrupted(const std::vector<Event>& events) {
  RowLog log;
  binlog::EventDecoder decoder;
  auto tracker = ResumeTracker::create(log, file_start(), true);
  REQUIRE(tracker);
  for (const Event& e : events) REQUIRE(decoder.decode(e.data, *tracker));
  return log.rows;
}

void check_every_cut(const std::string& fixture) {
  const std::vector<std::byte> file =
      testing::read_file(testing::binlog_path(fixture));
  const std::vector<Event> events = events_of(file);
  const std::vector<std::string> want = uninterrupted(events);
  REQUIRE(want.size() > 50);
  size_t mid_transaction_cuts = 0;
  for (size_t cut = 1; cut < events.size(); ++cut) {
    INFO(fixture << ": connection lost after event " << cut);
    RowLog log;
    binlog::EventDecoder decoder;
    auto tracker = ResumeTracker::create(log, file_start(), true);
    REQUIRE(tracker);
    for (size_t i = 0; i < cut; ++i)
      REQUIRE(decoder.decode(events[i].data, *tracker));
    if (tracker->in_transaction()) ++mid_transaction_cuts;
    const mysql::StartPosition resume = tracker->resume_point();
    tracker->reconnected();
    // The new dump: the file's format description, then from the position.
    REQUIRE(decoder.decode(events[0].data, *tracker));
    size_t i = 0;
    while (i < events.size() && events[i].offset < resume.position) ++i;
    REQUIRE((i == events.size() || events[i].offset == resume.position));
    for (; i < events.size(); ++i)
      REQUIRE(decoder.decode(events[i].data, *tracker));
    REQUIRE(log.rows == want);
  }
  // The interesting case was exercised: losses inside transactions.
  CHECK(mid_transaction_cuts > 3);
}

TEST_CASE("resume after a loss at any event repeats and loses nothing",
          "[resume]") {
  // 1000-row statements split over several rows events, two GTID domains.
  check_every_cut("mariadb1011_bulk_split_rows_multidomain.binlog");
  // 60 transactions of an application, several tables each, MySQL 5.7.
  check_every_cut("mysql57_app_data_crc32.binlog");
}

TEST_CASE("two losses within one transaction still repeat nothing",
          "[resume]") {
  const std::vector<std::byte> file = testing::read_file(
      testing::binlog_path("mariadb1011_bulk_split_rows_multidomain.binlog"));
  const std::vector<Event> events = events_of(file);
  const std::vector<std::string> want = uninterrupted(events);
  const auto from = [&](uint64_t position) {
    size_t i = 0;
    while (i < events.size() && events[i].offset < position) ++i;
    return i;
  };
  for (size_t cut1 = 1; cut1 < events.size(); cut1 += 3) {
    for (size_t again = 0; again < 6; ++again) {
      INFO("lost after event " << cut1 << ", then after " << again
                               << " events of the replay");
      RowLog log;
      binlog::EventDecoder decoder;
      auto tracker = ResumeTracker::create(log, file_start(), true);
      REQUIRE(tracker);
      for (size_t i = 0; i < cut1; ++i)
        REQUIRE(decoder.decode(events[i].data, *tracker));
      for (int loss = 0; loss < 2; ++loss) {
        // Past the final ROTATE the resume point is the next (empty) file.
        if (tracker->resume_point().file != "f") break;
        const uint64_t resume = tracker->resume_point().position;
        tracker->reconnected();
        REQUIRE(decoder.decode(events[0].data, *tracker));
        size_t i = from(resume);
        const size_t stop =
            loss == 0 ? std::min(i + again, events.size()) : events.size();
        for (; i < stop; ++i) REQUIRE(decoder.decode(events[i].data, *tracker));
      }
      const auto diff = std::mismatch(log.rows.begin(), log.rows.end(),
                                      want.begin(), want.end());
      INFO(log.rows.size() << " rows, want " << want.size()
                           << "; first difference at "
                           << (diff.first - log.rows.begin()));
      REQUIRE(log.rows == want);
    }
  }
}

TEST_CASE("MySQL TRANSACTION_PAYLOAD: the payload's end is the position",
          "[resume]") {
  const std::vector<std::byte> file = testing::read_file(
      testing::binlog_path("mysql80_trx_compression_zstd.binlog"));
  RowLog log;
  binlog::EventDecoder decoder;
  auto tracker = ResumeTracker::create(log, file_start(), false);
  REQUIRE(tracker);
  bool saw_payload = false;
  for (const Event& e : events_of(file)) {
    REQUIRE(decoder.decode(e.data, *tracker));
    auto h = binlog::decode_event_header(e.data);
    REQUIRE(h);
    if (h->type == 40) {
      saw_payload = true;
      CHECK_FALSE(tracker->in_transaction());
      CHECK(tracker->resume_point().position == e.offset + e.data.size());
    }
  }
  CHECK(saw_payload);
  CHECK(log.rows.size() > 0);
}

TEST_CASE("XA PREPARE ends the prepared part, MariaDB GTIDs open transactions",
          "[resume]") {
  const std::vector<std::byte> file = testing::read_file(
      testing::binlog_path("mariadb1011_checksum_none_stmt_minimal_xa.binlog"));
  RowLog log;
  binlog::EventDecoder decoder;
  auto tracker = ResumeTracker::create(log, file_start(), true);
  REQUIRE(tracker);
  bool saw_prepare = false;
  for (const Event& e : events_of(file)) {
    REQUIRE(decoder.decode(e.data, *tracker));
    auto h = binlog::decode_event_header(e.data);
    REQUIRE(h);
    if (h->type == 38) {  // XA_PREPARE_LOG_EVENT
      saw_prepare = true;
      CHECK_FALSE(tracker->in_transaction());
      CHECK(tracker->resume_point().position == e.offset + e.data.size());
    }
    if (h->type == 162) {  // MariaDB GTID
      // Standalone (DDL) GTIDs do not open one; the others do.
      const uint8_t flags = static_cast<uint8_t>(e.data[19 + 12]);
      CHECK(tracker->in_transaction() == ((flags & 1) == 0));
    }
  }
  CHECK(saw_prepare);
  CHECK_FALSE(tracker->in_transaction());
}

TEST_CASE("a resumed transaction with fewer rows than were emitted is an error",
          "[resume]") {
  const std::vector<std::byte> file = testing::read_file(
      testing::binlog_path("mariadb1011_bulk_split_rows_multidomain.binlog"));
  const std::vector<Event> events = events_of(file);
  RowLog log;
  binlog::EventDecoder decoder;
  auto tracker = ResumeTracker::create(log, file_start(), true);
  REQUIRE(tracker);
  // Stop inside the first transaction that has rows.
  size_t i = 0;
  while (!tracker->in_transaction() || log.rows.empty())
    REQUIRE(decoder.decode(events[i++].data, *tracker));
  while (tracker->in_transaction() && i + 1 < events.size()) {
    // Feed rows events only up to (not including) the commit.
    auto next = binlog::decode_event_header(events[i].data);
    REQUIRE(next);
    if (next->type == 16 /* XID */) break;
    REQUIRE(decoder.decode(events[i++].data, *tracker));
  }
  REQUIRE(tracker->in_transaction());
  tracker->reconnected();
  // A "server" that now sends only the commit of that transaction.
  const Status s = decoder.decode(events[i].data, *tracker);
  REQUIRE_FALSE(s);
  CHECK(s.error().message.find("already emitted") != std::string::npos);
}

TEST_CASE("GTID resume points follow completed transactions", "[resume]") {
  const std::vector<std::byte> file = testing::read_file(
      testing::binlog_path("mariadb1011_bulk_split_rows_multidomain.binlog"));
  RowLog log;
  binlog::EventDecoder decoder;
  mysql::StartPosition start;
  start.use_gtid = true;
  start.gtid = "7-1-3";
  auto tracker = ResumeTracker::create(log, start, true);
  REQUIRE(tracker);
  for (const Event& e : events_of(file))
    REQUIRE(decoder.decode(e.data, *tracker));
  const mysql::StartPosition p = tracker->resume_point();
  CHECK(p.use_gtid);
  // Both domains of the file plus the untouched domain 7.
  CHECK(p.gtid.find("0-1-") == 0);
  CHECK(p.gtid.find(",5-1-") != std::string::npos);
  CHECK(p.gtid.find(",7-1-3") != std::string::npos);
  CHECK(tracker->transactions() > 0);
}

}  // namespace
}  // namespace sluice::pipeline
