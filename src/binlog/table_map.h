// TABLE_MAP_EVENT (type 19): maps a table id to schema, table and column
// definitions, including the optional metadata of binlog_row_metadata=FULL
// (MySQL 8.0.1+, MariaDB 10.5+). MySQL: libbinlogevents/src/rows_event.cpp,
// Table_map_event; sql/log_event.cc, Table_map_log_event::init_*_field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/column_type.h"
#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

struct ColumnDef {
  ColumnType type = ColumnType::kNull;  // as TABLE_MAP carries it
  ColumnType real_type =
      ColumnType::kNull;  // STRING resolved to ENUM/SET/STRING
  // CHAR/VARCHAR/BINARY: maximum length in bytes. BLOB/TEXT/GEOMETRY/JSON/
  // VECTOR: width of the length prefix (1-4). ENUM/SET: storage bytes.
  // FLOAT/DOUBLE: storage bytes. BIT: number of bits.
  uint32_t max_length = 0;
  uint8_t precision = 0;  // DECIMAL
  uint8_t scale =
      0;  // DECIMAL scale; fractional digits of TIME2/DATETIME2/TIMESTAMP2
  bool nullable = true;
  bool is_unsigned = false;  // from SIGNEDNESS metadata
  bool visible = true;       // from COLUMN_VISIBILITY metadata
  bool primary_key =
      false;               // from SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX
  uint32_t collation = 0;  // 0 when the TABLE_MAP does not say
  uint32_t geometry_type = 0;
  uint32_t vector_dimensions = 0;
  std::string name;                   // empty without COLUMN_NAME metadata
  std::vector<std::string> elements;  // ENUM or SET strings, when sent
  // Set by a field filter (canal.instance.filter.field / .black.field): the
  // column is decoded but left out of messages.
  bool filtered_out = false;
  // canal's mysqlType text from information_schema COLUMN_TYPE; empty when
  // unknown.
  std::string mysql_type;
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string schema;
  std::string table;
  std::vector<ColumnDef> columns;
  bool has_column_names = false;
  bool has_signedness = false;
  bool has_primary_key = false;  // the metadata said which columns form the PK
  uint32_t default_collation = 0;
  uint32_t json_column_count = 0;
  // Set by EventDecoder: changes whenever the definition behind this table id
  // changes, so caches keyed by it stay valid across repeated TABLE_MAPs.
  uint64_t generation = 0;
  // Set by EventHandler::on_table_map (a filter): the rows of this table are
  // passed over without decoding their values.
  bool ignored = false;
};

// Decodes a TABLE_MAP body (after the common header, checksum stripped).
// `post_header_length` is the FDE's value for TABLE_MAP (6 in 5.1.x, else 8).
// `mariadb` selects MariaDB's reading of the optional metadata, which counts
// YEAR among numeric columns and GEOMETRY among character columns.
[[nodiscard]] Result<TableMap> decode_table_map(Bytes body,
                                                uint8_t post_header_length,
                                                bool mariadb);

// Reads the optional metadata block into `table` (called by decode_table_map;
// exposed for tests).
[[nodiscard]] Status decode_table_map_optional_metadata(Bytes block,
                                                        bool mariadb,
                                                        TableMap& table);

// Table id width: 4 bytes when the post-header is 6 bytes long, else 6.
[[nodiscard]] inline size_t table_id_width(uint8_t post_header_length) {
  return post_header_length == 6 ? 4 : 6;
}

}  // namespace sluice::binlog
