// Whole binlog files: framing, every event decoder and the three Kafka
// value codecs (FlatMessage JSON, canal protobuf, sluice protobuf).
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/event_decoder.h"
#include "codec/canal_protobuf.h"
#include "codec/flat_message.h"
#include "codec/sluice_protobuf.h"
#include "mysql/binlog_file_decoder.h"

namespace {

class Render final : public sluice::binlog::EventHandler {
 public:
  sluice::Status on_row(const sluice::binlog::RowEvent& row) override {
    sluice::codec::Envelope env;
    env.id = 1;
    out_.clear();
    (void)flat_.append_row(row, env, out_);
    out_.clear();
    (void)canal_.append_row(row, env, out_);
    out_.clear();
    (void)sluice_.append_row(row, env, out_);
    return {};
  }

 private:
  sluice::codec::FlatMessageEncoder flat_{true};
  sluice::codec::CanalProtobufEncoder canal_{true};
  sluice::codec::SluiceProtobufEncoder sluice_{true};
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
