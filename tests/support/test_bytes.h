// Byte-vector shorthands for protocol tests.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace sluice::testing {

inline std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

// The 20-byte nonce 01 02 ... 14 the authentication vectors use.
inline std::vector<std::byte> test_nonce() {
  std::vector<std::byte> n;
  for (int i = 1; i <= 20; ++i) n.push_back(static_cast<std::byte>(i));
  return n;
}

}  // namespace sluice::testing
