// Helpers shared by tests: locating and reading fixture files.
#pragma once

#include <cstddef>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::testing {

inline std::string data_path(const std::string& relative) {
  return std::string(SLUICE_TEST_DATA_DIR) + "/" + relative;
}

inline std::string binlog_path(const std::string& name) {
  return data_path("binlogs/" + name);
}

inline std::vector<std::byte> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read test file " + path);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (size_t i = 0; i < chars.size(); ++i)
    bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

}  // namespace sluice::testing
