#include "binlog/table_map.h"

#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

// Interprets the per-column TABLE_MAP metadata bytes.
[[nodiscard]] Status apply_column_metadata(ColumnDef& c, Bytes meta) {
  const auto b0 = meta.empty() ? uint8_t{0} : load_u8(meta.data());
  const auto b1 = meta.size() < 2 ? uint8_t{0} : load_u8(meta.data() + 1);
  c.real_type = c.type;
  switch (c.type) {
    case ColumnType::kFloat:
    case ColumnType::kDouble:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kGeometry:
    case ColumnType::kJson:
    case ColumnType::kVector:
    case ColumnType::kMariaBlobCompressed:
      c.max_length = b0;
      break;
    case ColumnType::kTimestamp2:
    case ColumnType::kDateTime2:
    case ColumnType::kTime2:
      if (b0 > 6) {
        return make_error(Errc::kCorrupt, "fractional seconds precision " +
                                              std::to_string(b0) +
                                              " is above 6");
      }
      c.scale = b0;
      break;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kMariaVarcharCompressed:
      c.max_length = load_le16(meta.data());
      break;
    case ColumnType::kNewDecimal:
      c.precision = b0;
      c.scale = b1;
      break;
    case ColumnType::kBit:
      c.max_length = static_cast<uint32_t>(b1) * 8U + b0;
      break;
    case ColumnType::kEnum:
    case ColumnType::kSet:
      c.real_type = static_cast<ColumnType>(b0);
      c.max_length = b1;
      break;
    case ColumnType::kString:
      // CHAR longer than 255 bytes folds two length bits into the type byte
      // (MySQL bug #37426); a real type with both 0x30 bits set is plain.
      if ((b0 & 0x30) != 0x30) {
        c.max_length = b1 | (static_cast<uint32_t>((b0 & 0x30) ^ 0x30) << 4);
        c.real_type = static_cast<ColumnType>(b0 | 0x30);
      } else {
        c.max_length = b1;
        c.real_type = static_cast<ColumnType>(b0);
      }
      break;
    default:
      break;
  }
  return {};
}

}  // namespace

Result<TableMap> decode_table_map(Bytes body, uint8_t post_header_length,
                                  bool mariadb) {
  ByteReader r(body);
  TableMap t;
  SLUICE_ASSIGN_OR_RETURN(
      t.table_id, r.uint_le(table_id_width(post_header_length), "table id"));
  SLUICE_ASSIGN_OR_RETURN(t.flags, r.u16("table map flags"));
  SLUICE_ASSIGN_OR_RETURN(const uint8_t schema_len, r.u8("schema name length"));
  SLUICE_ASSIGN_OR_RETURN(auto schema, r.chars(schema_len, "schema name"));
  SLUICE_RETURN_IF_ERROR(r.skip(1, "schema name terminator"));
  SLUICE_ASSIGN_OR_RETURN(const uint8_t table_len, r.u8("table name length"));
  SLUICE_ASSIGN_OR_RETURN(auto table, r.chars(table_len, "table name"));
  SLUICE_RETURN_IF_ERROR(r.skip(1, "table name terminator"));
  t.schema = std::string(schema);
  t.table = std::string(table);

  SLUICE_ASSIGN_OR_RETURN(const uint64_t ncols, r.packed_int("column count"));
  if (ncols > r.remaining()) {
    return make_error(Errc::kCorrupt, "column count " + std::to_string(ncols) +
                                          " exceeds the " +
                                          std::to_string(r.remaining()) +
                                          " bytes left in the event");
  }
  SLUICE_ASSIGN_OR_RETURN(Bytes types, r.bytes(ncols, "column types"));
  SLUICE_ASSIGN_OR_RETURN(const uint64_t meta_len,
                          r.packed_int("column metadata length"));
  SLUICE_ASSIGN_OR_RETURN(Bytes meta, r.bytes(meta_len, "column metadata"));
  SLUICE_ASSIGN_OR_RETURN(Bytes null_bits,
                          r.bytes((ncols + 7) / 8, "column null bitmap"));

  t.columns.resize(ncols);
  size_t meta_pos = 0;
  for (size_t i = 0; i < ncols; ++i) {
    ColumnDef& c = t.columns[i];
    c.type = static_cast<ColumnType>(load_u8(types.data() + i));
    const int meta_width = column_metadata_size(c.type);
    if (meta_width < 0) {
      return make_error(
          Errc::kUnsupported,
          "column " + std::to_string(i + 1) + " has type code " +
              std::to_string(static_cast<unsigned>(c.type)) +
              ", which no MySQL or MariaDB version this build knows writes");
    }
    const auto width = static_cast<size_t>(meta_width);
    if (meta_pos + width > meta.size()) {
      return make_error(Errc::kCorrupt, "column metadata of " +
                                            std::to_string(meta.size()) +
                                            " bytes ends before column " +
                                            std::to_string(i + 1) + " (" +
                                            column_type_name(c.type) + ")");
    }
    if (auto s = apply_column_metadata(c, meta.subspan(meta_pos, width)); !s) {
      return tl::unexpected(with_context(
          s.error(), "column " + std::to_string(i + 1) + " metadata"));
    }
    meta_pos += width;
    c.nullable = bit_lsb(null_bits, i);
    if (c.type == ColumnType::kJson) ++t.json_column_count;
  }
  if (meta_pos != meta.size()) {
    return make_error(Errc::kCorrupt, "column metadata has " +
                                          std::to_string(meta.size()) +
                                          " bytes but the column types use " +
                                          std::to_string(meta_pos));
  }
  if (!r.empty()) {
    if (auto s = decode_table_map_optional_metadata(r.rest(), mariadb, t); !s) {
      return tl::unexpected(with_context(s.error(), "optional metadata"));
    }
  }
  return t;
}

}  // namespace sluice::binlog
