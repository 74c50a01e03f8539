// Whole binlog files: framing, every event decoder and the FlatMessage codec.
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/event_decoder.h"
#include "codec/flat_message.h"
#include "mysql/binlog_file_decoder.h"

namespace {

class Render final : public sluice::binlog::EventHandler {
 public:
  sluice::Status on_row(const sluice::binlog::RowEvent& row) override {
    out_.clear();
    (void)encoder_.append_row(row, {1, "", 0, ""}, out_);
    return {};
  }

 private:
  sluice::codec::FlatMessageEncoder encoder_{true};
  std::string out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sluice::binlog::EventDecoder decoder;
  Render render;
  (void)sluice::mysql::decode_binlog_bytes(
      "fuzz", {reinterpret_cast<const std::byte*>(data), size}, decoder,
      render);
  return 0;
}
