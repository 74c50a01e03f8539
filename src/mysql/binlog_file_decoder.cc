#include "mysql/binlog_file_decoder.h"

#include "binlog/event_framing.h"
#include "binlog/event_type.h"
#include "mysql/binlog_file.h"

namespace sluice::mysql {
namespace {

Error at(const std::string& path, uint64_t offset, const Error& e) {
  return Error{e.code,
               path + ": offset " + std::to_string(offset) + ": " + e.message};
}

}  // namespace

Status decode_binlog_bytes(const std::string& name, Bytes bytes,
                           binlog::EventDecoder& decoder,
                           binlog::EventHandler& handler,
                           FilePosition* position) {
  FilePosition local;
  FilePosition& pos = position != nullptr ? *position : local;
  if (auto s = binlog::check_binlog_magic(bytes); !s) {
    return tl::unexpected(at(name, 0, s.error()));
  }
  pos.file = name;
  uint64_t offset = binlog::kBinlogMagicSize;
  while (offset < bytes.size()) {
    auto framed = binlog::frame_event(bytes, offset);
    if (!framed) return tl::unexpected(at(name, offset, framed.error()));
    pos.offset = offset;
    pos.end = offset + framed->data.size();
    if (auto s = decoder.decode(framed->data, handler); !s) {
      return tl::unexpected(
          at(name, offset,
             with_context(s.error(),
                          binlog::event_type_name(framed->type) + " event")));
    }
    offset = pos.end;
  }
  return {};
}

Status decode_binlog_files(const std::vector<std::string>& paths,
                           binlog::EventDecoder& decoder,
                           binlog::EventHandler& handler,
                           FilePosition* position) {
  for (const std::string& path : paths) {
    SLUICE_ASSIGN_OR_RETURN(const BinlogFile file, BinlogFile::open(path));
    SLUICE_RETURN_IF_ERROR(
        decode_binlog_bytes(path, file.bytes(), decoder, handler, position));
  }
  return {};
}

}  // namespace sluice::mysql
