// A binlog stream from a server, as a replica receives it: connect, prepare
// the session (checksums, heartbeats, MariaDB capabilities and GTID start),
// COM_REGISTER_SLAVE, COM_BINLOG_DUMP or COM_BINLOG_DUMP_GTID, then one event
// per packet. MySQL: Client/Server Protocol, "Replication Protocol"
// (sql/rpl_replica.cc request_dump, get_master_version_and_clock);
// MariaDB: sql/slave.cc, "COM_BINLOG_DUMP" and "GTID" knowledge base pages.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "binlog/event_header.h"
#include "common/bytes.h"
#include "common/error.h"
#include "mysql/connection.h"

namespace sluice::mysql {

// Where the stream starts. With `gtid` set, the server picks the first
// transaction not in it (MySQL: a GTID set; MariaDB: a GTID position, "" for
// the oldest binlog when `use_gtid`); otherwise `file` at byte `position`.
struct StartPosition {
  std::string file;
  uint64_t position = 4;
  bool use_gtid = false;
  std::string gtid;
};

struct ReplicaOptions {
  ConnectOptions connection;
  uint32_t server_id = 0;  // must differ from every other replica's
  // The server sends a heartbeat after this much idle time; three periods
  // without any packet mean the connection is dead.
  std::chrono::milliseconds heartbeat_period{5'000};
  std::string report_host = "sluice";  // what SHOW SLAVE HOSTS shows
};

struct StreamEvent {
  Bytes data;  // one whole event: header, body, checksum trailer if any
  binlog::EventHeader header;
  // The stream moved to a new binlog file (file() names it) since the
  // previous event.
  bool file_changed = false;
  // A HEARTBEAT the server sent while it had nothing to send: not part of
  // the binlog (never decode it), but a moment to act on idleness.
  bool heartbeat = false;
};

class ReplicaStream {
 public:
  // Connects and starts the dump. Errors are the connection's, plus
  // kRefused when the server rejects the start position or the replica
  // registration (missing REPLICATION SLAVE, purged binlog).
  [[nodiscard]] static Result<std::unique_ptr<ReplicaStream>> open(
      const ReplicaOptions& options, const StartPosition& start);

  ~ReplicaStream();
  ReplicaStream(const ReplicaStream&) = delete;
  ReplicaStream& operator=(const ReplicaStream&) = delete;

  // The next event, or a heartbeat (StreamEvent::heartbeat; the caller
  // learns the server is idle). The artificial ROTATE at the start of a
  // dump is consumed here (it only names the file). The view is valid
  // until the next call. kTimeout after three silent heartbeat
  // periods, kIo when the connection breaks (both: reconnect), kRefused when
  // the server ends the dump with an error a retry cannot cure, kCorrupt
  // for a malformed packet.
  [[nodiscard]] Result<StreamEvent> next_event();

  // See Connection::set_interrupt: lets a stop request end a wait for data.
  void set_interrupt(std::function<bool()> interrupt);

  // True when a complete packet waits to be read; when false the next call
  // may wait for the server (a good moment to flush output).
  [[nodiscard]] bool data_buffered() const;

  // The binlog file the events come from now.
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] bool mariadb() const;
  [[nodiscard]] const std::string& server_version() const;
  [[nodiscard]] bool tls_active() const;

  void close();

 private:
  ReplicaStream(std::unique_ptr<Connection> connection,
                const ReplicaOptions& options, bool checksums);
  [[nodiscard]] Status start_dump(const StartPosition& start);
  [[nodiscard]] Result<StreamEvent> read_event();

  std::unique_ptr<Connection> connection_;
  ReplicaOptions options_;
  bool checksums_;  // the current file's events end in CRC32 trailers
  bool seen_format_ = false;
  bool file_changed_ = false;
  std::string file_;
  std::string pending_file_;  // named by a real ROTATE, current after it
  // The first event, read by open() (its view stays valid: nothing is read
  // before next_event() hands it out).
  std::optional<StreamEvent> first_;
};

}  // namespace sluice::mysql
