// Decode-core benchmarks. Input: the binlog named by SLUICE_BENCH_BINLOG
// (scripts/bench.sh decode passes its 1,000,000-row commission binlog), else
// the Sakila fixture. Rows per second appear as items_per_second.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "binlog/decimal.h"
#include "binlog/event_decoder.h"
#include "codec/flat_message.h"
#include "mysql/binlog_file.h"
#include "mysql/binlog_file_decoder.h"

namespace {

using sluice::Status;
namespace binlog = sluice::binlog;

std::string input_path() {
  const char* env = std::getenv("SLUICE_BENCH_BINLOG");
  if (env != nullptr && *env != '\0') return env;
  return std::string(SLUICE_TEST_DATA_DIR) +
         "/binlogs/mysql55_sakila_rows_v1.binlog";
}

const sluice::mysql::BinlogFile& input() {
  static const sluice::mysql::BinlogFile file = [] {
    auto f = sluice::mysql::BinlogFile::open(input_path());
    if (!f) throw std::runtime_error(f.error().message);
    return std::move(*f);
  }();
  return file;
}

// Decodes every value into typed Values (and DECIMALs to text) and counts rows.
class TypedSink final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent& row) override {
    ++rows;
    for (const auto& images : {row.before, row.after}) {
      for (size_t i = 0; i < images.size(); ++i) {
        if (images[i].kind != binlog::ValueKind::kDecimal) continue;
        text_.clear();
        const auto& col = row.table->columns[i];
        (void)binlog::decimal_to_text(images[i].raw, col.precision, col.scale,
                                      text_);
      }
    }
    return {};
  }
  int64_t rows = 0;

 private:
  std::string text_;
};

class FlatSink final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent& row) override {
    ++rows;
    if (out_.size() > (1 << 20)) out_.clear();
    SLUICE_RETURN_IF_ERROR(encoder_.append_row(row, {1, "0-1-1", 0, ""}, out_));
    out_.push_back('\n');
    return {};
  }
  int64_t rows = 0;

 private:
  sluice::codec::FlatMessageEncoder encoder_{true};
  std::string out_;
};

template <class Sink>
void run(benchmark::State& state) {
  int64_t rows = 0;
  for (auto _ : state) {
    binlog::EventDecoder decoder;
    Sink sink;
    auto s = sluice::mysql::decode_binlog_bytes(input_path(), input().bytes(),
                                                decoder, sink);
    if (!s) {
      state.SkipWithError(s.error().message.c_str());
      return;
    }
    rows += sink.rows;
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(input().bytes().size()));
}

void BM_TypedDecode(benchmark::State& state) { run<TypedSink>(state); }
void BM_FlatEncode(benchmark::State& state) { run<FlatSink>(state); }

BENCHMARK(BM_TypedDecode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlatEncode)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
