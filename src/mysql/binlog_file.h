// A local binlog file, mapped read-only. The bytes stay valid for the life of
// the object, so decoded views into them can be used until it is destroyed.
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

class BinlogFile {
 public:
  // kIo naming the path and the OS error when the file cannot be read.
  [[nodiscard]] static Result<BinlogFile> open(const std::string& path);

  BinlogFile(BinlogFile&& other) noexcept;
  BinlogFile& operator=(BinlogFile&& other) noexcept;
  BinlogFile(const BinlogFile&) = delete;
  BinlogFile& operator=(const BinlogFile&) = delete;
  ~BinlogFile();

  [[nodiscard]] Bytes bytes() const { return {data_, size_}; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  BinlogFile(std::string path, const std::byte* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  void release();

  std::string path_;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace sluice::mysql
