// ResumeTracker on real binlogs: the connection is "lost" after every event
// boundary in turn, the stream restarts where the tracker says (the format
// description, then the events from its resume position, as a server sends
// them), and what reaches the consumer must be exactly the rows of one
// uninterrupted pass: none missing, none twice.
#include "pipeline/resume_tracker.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/event_framing.h"
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
