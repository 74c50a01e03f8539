// Appending the protocol's integer and string encodings to a payload being
// built: fixed-width little-endian integers, length-encoded integers and
// NUL-terminated strings (MySQL: Client/Server Protocol, "Basic Data Types").
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace sluice::mysql {

inline void put_le(uint64_t v, size_t n, std::vector<std::byte>& out) {
  for (size_t i = 0; i < n; ++i)
    out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
}

inline void put_lenenc(uint64_t v, std::vector<std::byte>& out) {
  if (v < 0xfb) {
    put_le(v, 1, out);
  } else if (v <= 0xffff) {
    put_le(0xfc, 1, out);
    put_le(v, 2, out);
  } else if (v <= 0xffffff) {
    put_le(0xfd, 1, out);
    put_le(v, 3, out);
  } else {
    put_le(0xfe, 1, out);
    put_le(v, 8, out);
  }
}

inline void put_bytes(Bytes b, std::vector<std::byte>& out) {
  out.insert(out.end(), b.begin(), b.end());
}

inline void put_string(std::string_view s, std::vector<std::byte>& out) {
  put_bytes(as_bytes(s), out);
}

inline void put_nul_terminated(std::string_view s,
                               std::vector<std::byte>& out) {
  put_string(s, out);
  out.push_back(std::byte{0});
}

}  // namespace sluice::mysql
