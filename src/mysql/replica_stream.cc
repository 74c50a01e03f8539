#include "mysql/replica_stream.h"

#include <cstdio>

#include "binlog/checksum.h"
#include "binlog/control_events.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "mysql/gtid_set.h"
#include "mysql/replication_commands.h"
#include "mysql/server_response.h"

namespace sluice::mysql {
namespace {

// LOG_EVENT_ARTIFICIAL_F: made up by the dump thread, not in the file.
constexpr uint16_t kFlagArtificial = 0x20;
// MARIA_SLAVE_CAPABILITY_GTID (sql/log_event.h): send GTID events as such
// rather than rewriting them into BEGIN queries for old replicas.
constexpr int kMariaSlaveCapabilityGtid = 4;

std::string quoted(std::string_view s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  q.push_back('\'');
  return q;
}

// A fixed UUID per server id, so a MySQL primary sees a reconnecting sluice
// as the same replica (and two sluices with different ids as different).
std::string replica_uuid(uint32_t server_id) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "5c1a1ce0-0000-4000-8000-%012x",
                static_cast<unsigned>(server_id));
  return buf;
}

Error with_hint(Error e, const StartPosition& start) {
  if (e.code != Errc::kRefused) return e;
  if (e.message.find("error 1236") != std::string::npos) {
    e.message += start.use_gtid
                     ? "; the GTID position '" + start.gtid +
                           "' is not in the server's binlogs (purged, or "
                           "from another server): start from a newer "
                           "position and re-snapshot what was missed"
                     : "; binlog " + start.file + " at byte " +
                           std::to_string(start.position) +
                           " is not on the server (purged, or not an event "
                           "boundary): SHOW BINARY LOGS lists what is left";
  } else {
    e.message +=
        "; the replication user needs REPLICATION SLAVE (and REPLICATION "
        "CLIENT / BINLOG MONITOR): GRANT REPLICATION SLAVE, REPLICATION "
        "CLIENT ON *.* TO the user";
  }
  return e;
}

}  // namespace

ReplicaStream::ReplicaStream(std::unique_ptr<Connection> connection,
                             const ReplicaOptions& options, bool checksums)
    : connection_(std::move(connection)),
      options_(options),
      checksums_(checksums) {}

ReplicaStream::~ReplicaStream() = default;

bool ReplicaStream::mariadb() const { return connection_->handshake().mariadb; }

const std::string& ReplicaStream::server_version() const {
  return connection_->handshake().server_version;
}

bool ReplicaStream::tls_active() const { return connection_->tls_active(); }

void ReplicaStream::close() { connection_->close(); }

bool ReplicaStream::data_buffered() const {
  return connection_->data_buffered();
}

void ReplicaStream::set_interrupt(std::function<bool()> interrupt) {
  connection_->set_interrupt(std::move(interrupt));
}

Result<std::unique_ptr<ReplicaStream>> ReplicaStream::open(
    const ReplicaOptions& options, const StartPosition& start) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                          Connection::open(options.connection));
  // The checksum the server will put on events, announced back so that the
  // server knows this replica understands it (else it refuses to send them).
  SLUICE_ASSIGN_OR_RETURN(const std::vector<QueryRow> rows,
                          conn->query("SELECT @@global.binlog_checksum"));
  const bool checksums =
      !rows.empty() && !rows[0].empty() && rows[0][0] && *rows[0][0] != "NONE";
  SLUICE_RETURN_IF_ERROR(
      conn->execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
                    "@source_binlog_checksum = @@global.binlog_checksum"));
  const auto period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             options.heartbeat_period)
                             .count();
  SLUICE_RETURN_IF_ERROR(conn->execute(
      "SET @master_heartbeat_period = " + std::to_string(period_ns) +
      ", @source_heartbeat_period = " + std::to_string(period_ns)));
  auto stream = std::unique_ptr<ReplicaStream>(
      new ReplicaStream(std::move(conn), options, checksums));
  if (auto s = stream->start_dump(start); !s) {
    return tl::unexpected(with_hint(std::move(s.error()), start));
  }
  // The server answers a bad start position with an ERR instead of the
  // first event: read it here so that open() reports it.
  auto first = stream->read_event();
  if (!first) return tl::unexpected(with_hint(std::move(first.error()), start));
  stream->first_ = *first;
  return stream;
}

Status ReplicaStream::start_dump(const StartPosition& start) {
  Connection& conn = *connection_;
  const bool maria = conn.handshake().mariadb;
  if (maria) {
    SLUICE_RETURN_IF_ERROR(
        conn.execute("SET @mariadb_slave_capability = " +
                     std::to_string(kMariaSlaveCapabilityGtid)));
    if (start.use_gtid) {
      SLUICE_ASSIGN_OR_RETURN(const MariaDbGtidPos pos,
                              MariaDbGtidPos::parse(start.gtid));
      SLUICE_RETURN_IF_ERROR(
          conn.execute("SET @slave_connect_state = " + quoted(pos.to_string()) +
                       ", @slave_gtid_strict_mode = 0, "
                       "@slave_gtid_ignore_duplicates = 0"));
    }
  } else {
    const std::string uuid = quoted(replica_uuid(options_.server_id));
    SLUICE_RETURN_IF_ERROR(conn.execute("SET @slave_uuid = " + uuid +
                                        ", @replica_uuid = " + uuid));
  }

  RegisterReplica reg;
  reg.server_id = options_.server_id;
  reg.host = options_.report_host;
  reg.user = options_.connection.user;
  SLUICE_ASSIGN_OR_RETURN(const std::vector<std::byte> register_cmd,
                          com_register_slave(reg));
  SLUICE_RETURN_IF_ERROR(conn.send_command(register_cmd));
  SLUICE_ASSIGN_OR_RETURN(const Bytes reply, conn.read_payload());
  if (is_err_packet(reply)) {
    return tl::unexpected(server_error(
        reply, "registering as replica " + std::to_string(options_.server_id)));
  }

  std::vector<std::byte> dump;
  if (start.use_gtid && !maria) {
    SLUICE_ASSIGN_OR_RETURN(const MysqlGtidSet set,
                            MysqlGtidSet::parse(start.gtid));
    dump = com_binlog_dump_gtid("", 4, options_.server_id, set.encode());
  } else {
    // MariaDB starts from @slave_connect_state when it is set and then
    // ignores the file name.
    const std::string file = start.use_gtid ? "" : start.file;
    SLUICE_ASSIGN_OR_RETURN(
        dump, com_binlog_dump(file, start.use_gtid ? 4 : start.position,
                              options_.server_id, 0));
  }
  file_ = start.use_gtid ? "" : start.file;
  return conn.send_command(dump);
}

Result<StreamEvent> ReplicaStream::next_event() {
  if (first_) {
    StreamEvent e = *first_;
    first_.reset();
    return e;
  }
  return read_event();
}

Result<StreamEvent> ReplicaStream::read_event() {
  const auto silence = 3 * options_.heartbeat_period;
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(const Bytes payload,
                            connection_->read_payload(silence));
    if (payload.empty()) {
      return make_error(Errc::kCorrupt, "empty packet in the binlog stream");
    }
    const uint8_t marker = load_u8(payload.data());
    if (marker == kErrHeader) {
      return tl::unexpected(server_error(
          payload,
          "streaming binlog " + file_ + " from " + connection_->peer()));
    }
    if (is_eof_packet(payload)) {
      return make_error(Errc::kIo, connection_->peer() +
                                       " ended the binlog stream at " + file_);
    }
    if (marker != kOkHeader) {
      return make_error(Errc::kCorrupt, "binlog stream packet starts with " +
                                            std::to_string(marker) +
                                            ", not 0 (OK)");
    }
    const Bytes event = payload.subspan(1);
    SLUICE_ASSIGN_OR_RETURN(const binlog::EventHeader header,
                            binlog::decode_event_header(event));
    const auto type = static_cast<binlog::EventType>(header.type);
    if (type == binlog::EventType::kHeartbeat ||
        type == binlog::EventType::kHeartbeatV2) {
      StreamEvent beat{event, header, false};
      beat.heartbeat = true;
      return beat;
    }
    if (!pending_file_.empty()) {
      // The previous event was the ROTATE that ended the old file.
      file_ = std::move(pending_file_);
      pending_file_.clear();
      file_changed_ = true;
    }
    if (type == binlog::EventType::kFormatDescription) {
      seen_format_ = true;
      // Each file says for itself whether its events carry checksums.
      SLUICE_ASSIGN_OR_RETURN(const binlog::ChecksumAlg alg,
                              binlog::format_description_checksum(event));
      checksums_ = alg == binlog::ChecksumAlg::kCrc32;
    }
    if (type == binlog::EventType::kRotate) {
      const size_t trailer = checksums_ ? binlog::kChecksumSize : 0;
      if (event.size() < binlog::kEventHeaderSize + trailer) {
        return make_error(Errc::kCorrupt, "ROTATE event of " +
                                              std::to_string(event.size()) +
                                              " bytes is too short");
      }
      const Bytes body =
          event.subspan(binlog::kEventHeaderSize,
                        event.size() - binlog::kEventHeaderSize - trailer);
      SLUICE_ASSIGN_OR_RETURN(const binlog::RotateEvent rotate,
                              binlog::decode_rotate(body, 8));
      // The dump thread's own ROTATE (and anything before the first FDE)
      // only names the file; it is not part of the binlog.
      if ((header.flags & kFlagArtificial) || header.log_pos == 0 ||
          !seen_format_) {
        file_ = rotate.next_file;
        file_changed_ = true;
        continue;
      }
      // A real ROTATE still belongs to the old file; the next event does not.
      pending_file_ = rotate.next_file;
    }
    StreamEvent out{event, header, file_changed_};
    file_changed_ = false;
    return out;
  }
}

}  // namespace sluice::mysql
