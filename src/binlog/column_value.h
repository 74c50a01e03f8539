// Decoding of one column value from a row image, for every column type a
// TABLE_MAP can announce. MySQL: sql/log_event.cc log_event_print_value and
// the Field::unpack functions; MariaDB: sql/log_event_client.cc.
#pragma once

#include "binlog/table_map.h"
#include "binlog/value.h"
#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// Decodes the value of `col` at the start of `data` into `out` (views into
// `data`) and returns the number of bytes it occupies. kTruncated when the
// value runs past `data`, kUnsupported for types with no row format.
[[nodiscard]] Result<size_t> decode_column_value(const ColumnDef& col,
                                                 Bytes data, Value& out);

}  // namespace sluice::binlog
