#include "binlog/event_decoder.h"

#include <algorithm>
#include <atomic>
#include <string>

#include "binlog/checksum.h"
#include "binlog/decompress.h"
#include "binlog/event_framing.h"
#include "binlog/event_type.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

// `text` is g.text(), which the result views.
GtidInfo mysql_gtid_info(const MysqlGtid& g, std::string_view text) {
  GtidInfo info;
  info.text = text;
  info.last_committed = g.last_committed;
  info.sequence_number = g.sequence_number;
  return info;
}

// TABLE_MAP generations are unique in the process, so caches keyed by them
// never confuse two decoders' tables.
std::atomic<uint64_t> next_generation{1};

// Table maps are only needed until their statement ends; past this many ids
// the cache is emptied at the next statement end (servers re-send them).
constexpr size_t kMaxCachedTables = 1024;

// INCIDENT (MySQL: control_events.h, Incident_event): the server could not
// log some changes (e.g. LOST_EVENTS); a replica must not continue past it.
[[nodiscard]] Status incident_error(Bytes body) {
  ByteReader r(body);
  SLUICE_ASSIGN_OR_RETURN(const uint16_t number, r.u16("incident number"));
  std::string message;
  if (auto len = r.u8("incident message length")) {
    if (auto text = r.chars(*len, "incident message"))
      message = std::string(*text);
  }
  return make_error(
      Errc::kLostEvents,
      "INCIDENT " + std::to_string(number) +
          ": the server says changes are missing from the binlog" +
          (message.empty() ? "" : " (" + message + ")") +
          "; resynchronise the consumers from a snapshot");
}

}  // namespace

const TableMap* EventDecoder::table(uint64_t table_id) const {
  auto it = tables_.find(table_id);
  return it == tables_.end() ? nullptr : &it->second.map;
}

Status EventDecoder::decode(Bytes event, EventHandler& handler) {
  SLUICE_ASSIGN_OR_RETURN(const EventHeader header, decode_event_header(event));
  if (header.event_size != event.size()) {
    return make_error(Errc::kCorrupt,
                      "event_size " + std::to_string(header.event_size) +
                          " differs from the " + std::to_string(event.size()) +
                          " bytes framed for it");
  }
  const uint8_t type = format_.canonical_type(header.type);
  if (type == static_cast<uint8_t>(EventType::kFormatDescription)) {
    // Check the checksum before trusting the rest of the event. Table maps
    // stay: a relay log repeats the source's FDE in mid-transaction.
    SLUICE_ASSIGN_OR_RETURN(const ChecksumAlg alg,
                            format_description_checksum(event));
    if (alg == ChecksumAlg::kCrc32)
      SLUICE_RETURN_IF_ERROR(verify_crc32(event, true));
    SLUICE_ASSIGN_OR_RETURN(format_, decode_format_description(event));
    return {};
  }
  size_t trailer = 0;
  if (format_.checksum == ChecksumAlg::kCrc32) {
    SLUICE_RETURN_IF_ERROR(verify_crc32(event));
    trailer = kChecksumSize;
  }
  if (event.size() < format_.header_length + trailer) {
    return make_error(Errc::kCorrupt, "event of " +
                                          std::to_string(event.size()) +
                                          " bytes is shorter than its header");
  }
  const Bytes body = event.subspan(
      format_.header_length, event.size() - format_.header_length - trailer);
  Status s = dispatch(header, body, handler);
  // The event is complete, so a decoder that ran out of bytes found a length
  // that contradicts the event: corruption, not a reason to wait for more.
  if (!s && s.error().code == Errc::kTruncated) s.error().code = Errc::kCorrupt;
  return s;
}

Status EventDecoder::dispatch(const EventHeader& header, Bytes body,
                              EventHandler& handler) {
  const uint8_t code = format_.canonical_type(header.type);
  if (!is_known_event_type(code)) {
    if (header.flags & kFlagIgnorable) return {};
    return make_error(Errc::kUnsupported,
                      "unknown event type " + std::to_string(code) +
                          " is not flagged ignorable; a newer server wrote it");
  }
  const auto type = static_cast<EventType>(code);
  const uint8_t post = format_.post_header_length(code);
  // Where the event ends in the binlog: the payload's end for its contents.
  const EventHeader& at =
      position_header_ != nullptr ? *position_header_ : header;
  RowsEventInfo rows_info{};
  if (rows_event_info(code, &rows_info)) {
    return decode_rows(header, rows_info, body, post, handler);
  }
  switch (type) {
    case EventType::kTableMap: {
      // Servers repeat the TABLE_MAP before every statement; an identical one
      // keeps the decoded map (and its generation) as it is.
      const size_t id_width = table_id_width(post);
      if (body.size() >= id_width) {
        auto it = tables_.find(load_le(body.data(), id_width));
        if (it != tables_.end() &&
            std::equal(it->second.body.begin(), it->second.body.end(),
                       body.begin(), body.end())) {
          return {};
        }
      }
      SLUICE_ASSIGN_OR_RETURN(TableMap t,
                              decode_table_map(body, post, format_.mariadb));
      SLUICE_RETURN_IF_ERROR(handler.on_table_map(t));
      KnownTable& known = tables_[t.table_id];
      known.body.assign(body.begin(), body.end());
      t.generation = next_generation++;
      known.map = std::move(t);
      return {};
    }
    case EventType::kQuery:
    case EventType::kMariaQueryCompressed: {
      SLUICE_ASSIGN_OR_RETURN(QueryEvent q, decode_query(body, post));
      Bytes sql = q.query;
      if (type == EventType::kMariaQueryCompressed) {
        SLUICE_RETURN_IF_ERROR(maria_uncompress(q.query, query_buffer_));
        sql = query_buffer_;
      }
      return handler.on_query(at, q, as_chars(sql));
    }
    case EventType::kXid: {
      SLUICE_ASSIGN_OR_RETURN(const uint64_t xid, decode_xid(body));
      return handler.on_xid(at, xid);
    }
    case EventType::kRotate: {
      SLUICE_ASSIGN_OR_RETURN(const RotateEvent r, decode_rotate(body, post));
      return handler.on_rotate(header, r);
    }
    case EventType::kGtid:
    case EventType::kAnonymousGtid: {
      SLUICE_ASSIGN_OR_RETURN(
          const MysqlGtid g,
          decode_mysql_gtid(body, type == EventType::kAnonymousGtid));
      const std::string text = g.text();
      return handler.on_gtid(at, mysql_gtid_info(g, text));
    }
    case EventType::kGtidTagged: {
      SLUICE_ASSIGN_OR_RETURN(const MysqlGtid g,
                              decode_mysql_tagged_gtid(body));
      const std::string text = g.text();
      return handler.on_gtid(at, mysql_gtid_info(g, text));
    }
    case EventType::kMariaGtid: {
      SLUICE_ASSIGN_OR_RETURN(const MariaGtid g,
                              decode_maria_gtid(body, header.server_id));
      const std::string text = g.text();
      GtidInfo info;
      info.text = text;
      info.begins_transaction = (g.flags & kMariaGtidStandalone) == 0;
      return handler.on_gtid(at, info);
    }
    case EventType::kPreviousGtids:
      return decode_previous_gtids(body).map([](const std::string&) {});
    case EventType::kMariaGtidList:
      return decode_maria_gtid_list(body).map([](const std::string&) {});
    case EventType::kTransactionPayload:
      // Its fields start right after the common header, whatever length the
      // FDE lists for its post-header (MySQL 8.0 writes 40 there).
      return decode_payload(header, body, handler);
    case EventType::kIncident:
      return incident_error(body);
    case EventType::kXaPrepare:
      return handler.on_xa_prepare(at);
    case EventType::kMariaStartEncryption:
      // A server sending its encrypted binlog to a replica decrypts it and
      // marks this event ignorable; only a file is really encrypted.
      if (header.flags & kFlagIgnorable) return {};
      return make_error(Errc::kUnsupported,
                        "the binlog is encrypted (encrypt_binlog=ON); read it "
                        "from the server with `sluice tail` instead");
    case EventType::kFormatDescription:  // handled in decode()
    case EventType::kUnknown:
    case EventType::kStartV3:
    case EventType::kStop:
    case EventType::kIntvar:
    case EventType::kLoad:
    case EventType::kSlave:
    case EventType::kCreateFile:
    case EventType::kAppendBlock:
    case EventType::kExecLoad:
    case EventType::kDeleteFile:
    case EventType::kNewLoad:
    case EventType::kRand:
    case EventType::kUserVar:
    case EventType::kBeginLoadQuery:
    case EventType::kExecuteLoadQuery:
    case EventType::kHeartbeat:
    case EventType::kIgnorable:
    case EventType::kRowsQuery:
    case EventType::kTransactionContext:
    case EventType::kViewChange:
    case EventType::kHeartbeatV2:
    case EventType::kMariaAnnotateRows:
    case EventType::kMariaBinlogCheckpoint:
    // Rows events were dispatched above.
    case EventType::kPreGaWriteRows:
    case EventType::kPreGaUpdateRows:
    case EventType::kPreGaDeleteRows:
    case EventType::kWriteRowsV1:
    case EventType::kUpdateRowsV1:
    case EventType::kDeleteRowsV1:
    case EventType::kWriteRowsV2:
    case EventType::kUpdateRowsV2:
    case EventType::kDeleteRowsV2:
    case EventType::kPartialUpdateRows:
    case EventType::kMariaWriteRowsCompressedV1:
    case EventType::kMariaUpdateRowsCompressedV1:
    case EventType::kMariaDeleteRowsCompressedV1:
    case EventType::kMariaWriteRowsCompressed:
    case EventType::kMariaUpdateRowsCompressed:
    case EventType::kMariaDeleteRowsCompressed:
      return {};  // no row data: passed over
  }
  return {};
}

Status EventDecoder::decode_rows(const EventHeader& header,
                                 const RowsEventInfo& info, Bytes body,
                                 uint8_t post, EventHandler& handler) {
  SLUICE_ASSIGN_OR_RETURN(const RowsEvent ev,
                          decode_rows_event(info, body, post));
  auto it = tables_.find(ev.table_id);
  if (it == tables_.end()) {
    return make_error(Errc::kCorrupt,
                      "rows event for table id " + std::to_string(ev.table_id) +
                          " without a preceding TABLE_MAP; if the file starts "
                          "inside a transaction, decode the previous binlog "
                          "file with it");
  }
  const TableMap& table = it->second.map;
  if (ev.column_count != table.columns.size()) {
    return make_error(Errc::kCorrupt,
                      "rows event has " + std::to_string(ev.column_count) +
                          " columns, TABLE_MAP of " + table.schema + "." +
                          table.table + " has " +
                          std::to_string(table.columns.size()));
  }
  if (table.ignored) {
    if ((ev.flags & kRowsFlagStmtEnd) && tables_.size() > kMaxCachedTables)
      tables_.clear();
    return {};
  }
  Bytes rows = ev.rows;
  if (info.compressed) {
    SLUICE_RETURN_IF_ERROR(maria_uncompress(ev.rows, rows_buffer_));
    rows = rows_buffer_;
  }
  RowEvent row;
  row.header = position_header_ != nullptr ? position_header_ : &header;
  row.table = &table;
  row.kind = info.kind;
  size_t pos = 0;
  for (uint32_t index = 0; pos < rows.size(); ++index) {
    const auto where = [&] {
      return "row " + std::to_string(index + 1) + " of " + table.schema + "." +
             table.table + " at body offset " +
             std::to_string(ev.rows_offset + pos);
    };
    const Bytes rest = rows.subspan(pos);
    Result<size_t> used = 0;
    if (info.kind == RowsKind::kInsert) {
      used = decode_row_image(table, ev.columns_before, false, rest, after_);
    } else {
      used = decode_row_image(table, ev.columns_before, false, rest, before_);
      if (used && info.kind == RowsKind::kUpdate) {
        auto after_used = decode_row_image(
            table, ev.columns_after, info.partial, rest.subspan(*used), after_);
        used = after_used ? Result<size_t>(*used + *after_used) : after_used;
      }
    }
    if (!used) return tl::unexpected(with_context(used.error(), where()));
    if (*used == 0) {
      // An image with no columns takes no bytes: the rows would never end.
      return make_error(Errc::kCorrupt,
                        where() + ": empty columns-present bitmap");
    }
    pos += *used;
    row.row_index = index;
    row.before = info.kind == RowsKind::kInsert
                     ? std::span<const Value>{}
                     : std::span<const Value>(before_);
    row.after = info.kind == RowsKind::kDelete ? std::span<const Value>{}
                                               : std::span<const Value>(after_);
    if (auto s = handler.on_row(row); !s) {
      return tl::unexpected(with_context(s.error(), where()));
    }
  }
  if ((ev.flags & kRowsFlagStmtEnd) && tables_.size() > kMaxCachedTables) {
    tables_.clear();
  }
  return {};
}

Status EventDecoder::decode_payload(const EventHeader& header, Bytes body,
                                    EventHandler& handler) {
  if (position_header_ != nullptr) {
    return make_error(Errc::kCorrupt, "TRANSACTION_PAYLOAD nested in another");
  }
  SLUICE_ASSIGN_OR_RETURN(const TransactionPayload p,
                          decode_transaction_payload(body));
  Bytes inner = p.payload;
  if (p.compression == 0) {
    SLUICE_RETURN_IF_ERROR(
        zstd_uncompress(p.payload, p.uncompressed_size, payload_buffer_));
    inner = payload_buffer_;
  } else if (p.compression != 255) {
    return make_error(Errc::kUnsupported,
                      "transaction payload compression type " +
                          std::to_string(p.compression));
  }
  // The inner events have headers but no checksums (MySQL writes the payload
  // checksum once, on the outer event).
  Status status;
  uint64_t pos = 0;
  position_header_ = &header;
  while (status && pos < inner.size()) {
    auto framed = frame_event(inner, pos);
    if (!framed) {
      status = tl::unexpected(framed.error());
    } else if (framed->data.size() < format_.header_length) {
      status =
          make_error(Errc::kCorrupt, "inner event is shorter than its header");
    } else {
      auto h = decode_event_header(framed->data);
      status =
          h ? dispatch(*h, framed->data.subspan(format_.header_length), handler)
            : Status(tl::unexpected(h.error()));
    }
    if (!status) {
      const std::string type = framed ? event_type_name(framed->type) : "";
      status = tl::unexpected(with_context(
          status.error(),
          "inner " + type + " event at payload offset " + std::to_string(pos)));
      break;
    }
    pos += framed->data.size();
  }
  position_header_ = nullptr;
  return status;
}

}  // namespace sluice::binlog
