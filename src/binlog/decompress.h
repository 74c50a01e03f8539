// Decompression of compressed binlog payloads: MariaDB's log_bin_compress
// (zlib behind a 1-byte header and a big-endian length; MariaDB:
// sql/log_event.cc, binlog_buf_compress) and MySQL's binlog_transaction_
// compression (zstd frames in TRANSACTION_PAYLOAD events).
#pragma once

#include <cstddef>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// Replaces `out` with the inflated bytes of a MariaDB compressed block.
[[nodiscard]] Status maria_uncompress(Bytes in, std::vector<std::byte>& out);

// Replaces `out` with the value of a MariaDB compressed column (VARCHAR/TEXT/
// BLOB ... COMPRESSED, column types 140/141; MariaDB: sql/field_comp.cc): an
// empty value, or a header byte that is 0 (bytes stored as they are) or
// 0x80 | raw-deflate flag 0x08 | width (1-4) of the big-endian original
// length, that length, then the zlib stream.
[[nodiscard]] Status maria_column_uncompress(Bytes in,
                                             std::vector<std::byte>& out);

// Replaces `out` with the zstd-decompressed payload; `expected_size` comes
// from the event header and bounds the allocation.
[[nodiscard]] Status zstd_uncompress(Bytes in, uint64_t expected_size,
                                     std::vector<std::byte>& out);

}  // namespace sluice::binlog
