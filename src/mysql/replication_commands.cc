#include "mysql/replication_commands.h"

#include <limits>

#include "mysql/wire_writer.h"

namespace sluice::mysql {
namespace {

Status put_short_string(std::string_view s, const char* field,
                        std::vector<std::byte>& out) {
  if (s.size() > 255) {
    return make_error(Errc::kUsage, std::string("COM_REGISTER_SLAVE ") + field +
                                        " of " + std::to_string(s.size()) +
                                        " bytes exceeds 255");
  }
  put_le(s.size(), 1, out);
  put_string(s, out);
  return {};
}

}  // namespace

std::vector<std::byte> com_query(std::string_view sql) {
  std::vector<std::byte> out;
  out.reserve(1 + sql.size());
  put_le(kComQuery, 1, out);
  put_string(sql, out);
  return out;
}

Result<std::vector<std::byte>> com_register_slave(const RegisterReplica& r) {
  std::vector<std::byte> out;
  put_le(kComRegisterSlave, 1, out);
  put_le(r.server_id, 4, out);
  SLUICE_RETURN_IF_ERROR(put_short_string(r.host, "host", out));
  SLUICE_RETURN_IF_ERROR(put_short_string(r.user, "user", out));
  put_le(0, 1, out);  // password
  put_le(r.port, 2, out);
  put_le(0, 4, out);  // replication rank, unused by servers
  put_le(0, 4, out);  // source id, filled in by the server
  return out;
}

Result<std::vector<std::byte>> com_binlog_dump(std::string_view file,
                                               uint64_t position,
                                               uint32_t server_id,
                                               uint16_t flags) {
  if (position > std::numeric_limits<uint32_t>::max()) {
    return make_error(Errc::kUnsupported,
                      "COM_BINLOG_DUMP cannot start at byte " +
                          std::to_string(position) + " of " +
                          std::string(file) +
                          ": the field is 32 bits; start from a GTID or an "
                          "earlier transaction boundary");
  }
  std::vector<std::byte> out;
  out.reserve(11 + file.size());
  put_le(kComBinlogDump, 1, out);
  put_le(position, 4, out);
  put_le(flags, 2, out);
  put_le(server_id, 4, out);
  put_string(file, out);
  return out;
}

std::vector<std::byte> com_binlog_dump_gtid(std::string_view file,
                                            uint64_t position,
                                            uint32_t server_id,
                                            Bytes gtid_set_encoded) {
  std::vector<std::byte> out;
  put_le(kComBinlogDumpGtid, 1, out);
  put_le(kDumpFlagThroughGtid, 2, out);
  put_le(server_id, 4, out);
  put_le(file.size(), 4, out);
  put_string(file, out);
  put_le(position, 8, out);
  put_le(gtid_set_encoded.size(), 4, out);
  put_bytes(gtid_set_encoded, out);
  return out;
}

}  // namespace sluice::mysql
