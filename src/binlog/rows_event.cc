#include "binlog/rows_event.h"

#include <bit>
#include <string>

#include "binlog/column_value.h"
#include "binlog/event_type.h"
#include "common/byte_reader.h"

namespace sluice::binlog {

bool rows_event_info(uint8_t type, RowsEventInfo* info) {
  using E = EventType;
  switch (static_cast<E>(type)) {
    case E::kPreGaWriteRows:
    case E::kWriteRowsV1:
      *info = {RowsKind::kInsert, false, false, false};
      return true;
    case E::kPreGaUpdateRows:
    case E::kUpdateRowsV1:
      *info = {RowsKind::kUpdate, false, false, false};
      return true;
    case E::kPreGaDeleteRows:
    case E::kDeleteRowsV1:
      *info = {RowsKind::kDelete, false, false, false};
      return true;
    case E::kWriteRowsV2:
      *info = {RowsKind::kInsert, false, false, true};
      return true;
    case E::kUpdateRowsV2:
      *info = {RowsKind::kUpdate, false, false, true};
      return true;
    case E::kDeleteRowsV2:
      *info = {RowsKind::kDelete, false, false, true};
      return true;
    case E::kPartialUpdateRows:
      *info = {RowsKind::kUpdate, true, false, true};
      return true;
    case E::kMariaWriteRowsCompressedV1:
      *info = {RowsKind::kInsert, false, true, false};
      return true;
    case E::kMariaUpdateRowsCompressedV1:
      *info = {RowsKind::kUpdate, false, true, false};
      return true;
    case E::kMariaDeleteRowsCompressedV1:
      *info = {RowsKind::kDelete, false, true, false};
      return true;
    case E::kMariaWriteRowsCompressed:
      *info = {RowsKind::kInsert, false, true, true};
      return true;
    case E::kMariaUpdateRowsCompressed:
      *info = {RowsKind::kUpdate, false, true, true};
      return true;
    case E::kMariaDeleteRowsCompressed:
      *info = {RowsKind::kDelete, false, true, true};
      return true;
    default:
      return false;
  }
}

Result<RowsEvent> decode_rows_event(const RowsEventInfo& info, Bytes body,
                                    uint8_t post_header_length) {
  ByteReader r(body);
  RowsEvent ev;
  ev.info = info;
  SLUICE_ASSIGN_OR_RETURN(
      ev.table_id, r.uint_le(table_id_width(post_header_length), "table id"));
  SLUICE_ASSIGN_OR_RETURN(ev.flags, r.u16("rows flags"));
  if (info.v2) {
    SLUICE_ASSIGN_OR_RETURN(const uint16_t extra_len,
                            r.u16("extra data length"));
    if (extra_len < 2) {
      return make_error(Errc::kCorrupt, "extra data length " +
                                            std::to_string(extra_len) +
                                            " is below its own 2 bytes");
    }
    SLUICE_RETURN_IF_ERROR(r.skip(extra_len - 2U, "extra data"));
  }
  // A post-header longer than this decoder knows is skipped as the server
  // intends (fields appended by newer versions).
  const size_t known =
      table_id_width(post_header_length) + 2U + (info.v2 ? 2U : 0U);
  if (post_header_length > known && !info.v2) {
    SLUICE_RETURN_IF_ERROR(r.skip(post_header_length - known, "post-header"));
  }
  SLUICE_ASSIGN_OR_RETURN(ev.column_count, r.packed_int("column count"));
  if (ev.column_count == 0 || ev.column_count > r.remaining() * 8) {
    return make_error(Errc::kCorrupt, "rows event claims " +
                                          std::to_string(ev.column_count) +
                                          " columns, which its " +
                                          std::to_string(r.remaining()) +
                                          " remaining bytes cannot hold");
  }
  const size_t bitmap_len = static_cast<size_t>((ev.column_count + 7) / 8);
  SLUICE_ASSIGN_OR_RETURN(ev.columns_before,
                          r.bytes(bitmap_len, "columns bitmap"));
  ev.columns_after = ev.columns_before;
  if (info.kind == RowsKind::kUpdate) {
    SLUICE_ASSIGN_OR_RETURN(ev.columns_after,
                            r.bytes(bitmap_len, "after-image columns bitmap"));
  }
  ev.rows_offset = r.position();
  ev.rows = r.rest();
  return ev;
}

Result<size_t> decode_row_image(const TableMap& table, Bytes present,
                                bool partial_after, Bytes data,
                                std::vector<Value>& out) {
  ByteReader r(data);
  const size_t ncols = table.columns.size();
  Bytes partial_bits;
  if (partial_after) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t options,
                            r.packed_int("value options"));
    if (options & 1U) {
      SLUICE_ASSIGN_OR_RETURN(
          partial_bits,
          r.bytes((table.json_column_count + 7) / 8, "partial JSON bitmap"));
    }
  }
  size_t present_count = 0;
  for (size_t byte = 0; byte < (ncols + 7) / 8; ++byte) {
    unsigned bits = static_cast<unsigned>(present[byte]);
    if (byte == ncols / 8)
      bits &= (1U << (ncols % 8)) - 1;  // past the last column
    present_count += static_cast<size_t>(std::popcount(bits));
  }

  SLUICE_ASSIGN_OR_RETURN(Bytes nulls,
                          r.bytes((present_count + 7) / 8, "null bitmap"));

  out.resize(ncols);
  size_t pos = r.position();
  size_t nth_present = 0;
  size_t nth_json = 0;
  for (size_t i = 0; i < ncols; ++i) {
    Value& v = out[i];
    const ColumnDef& col = table.columns[i];
    const bool is_json = col.type == ColumnType::kJson;
    const bool diff =
        is_json && !partial_bits.empty() && bit_lsb(partial_bits, nth_json);
    nth_json += is_json ? 1U : 0U;
    if (!bit_lsb(present, i)) {
      v.kind = ValueKind::kAbsent;
      continue;
    }
    if (bit_lsb(nulls, nth_present++)) {
      v.kind = ValueKind::kNull;
      continue;
    }
    auto used = decode_column_value(col, data.subspan(pos), v);
    if (!used) {
      return tl::unexpected(with_context(
          used.error(), "column " + std::to_string(i + 1) +
                            (col.name.empty() ? "" : " (" + col.name + ")") +
                            " at row offset " + std::to_string(pos)));
    }
    if (diff) v.kind = ValueKind::kJsonDiff;
    pos += *used;
  }
  return pos;
}

}  // namespace sluice::binlog
