#include "mysql/binlog_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sluice::mysql {
namespace {

tl::unexpected<Error> os_error(const std::string& path, const char* what) {
  return make_error(Errc::kIo,
                    path + ": cannot " + what + ": " + std::strerror(errno));
}

}  // namespace

Result<BinlogFile> BinlogFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error(path, "open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto e = os_error(path, "stat");
    ::close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(
        Errc::kIo, path +
                       ": not a regular file; sluice decode reads "
                       "binlog files (copy a pipe or device to a file first)");
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return BinlogFile(path, nullptr, 0);
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    auto e = os_error(path, "map");
    ::close(fd);
    return e;
  }
  ::close(fd);
  ::madvise(p, size, MADV_SEQUENTIAL);
  return BinlogFile(path, static_cast<const std::byte*>(p), size);
}

BinlogFile::BinlogFile(BinlogFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

BinlogFile& BinlogFile::operator=(BinlogFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

BinlogFile::~BinlogFile() { release(); }

void BinlogFile::release() {
  if (data_ != nullptr) {
    ::munmap(const_cast<std::byte*>(data_), size_);
    data_ = nullptr;
  }
}

}  // namespace sluice::mysql
