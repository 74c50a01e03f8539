// G7 of issue 5: time to encode one row change of the seed's
// test.commission table as a Kafka value - canal FlatMessage JSON and canal
// protobuf, sluice protobuf - plus its route (partition hash and key), into
// reused buffers as `sluice run` does. Prints figures; never fails.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "codec/canal_protobuf.h"
#include "codec/flat_message.h"
#include "codec/sluice_protobuf.h"
#include "pipeline/row_router.h"
#include "support/row_builders.h"

namespace {

using namespace sluice;
using namespace sluice::test_rows;

const std::string kBiz = "invite";
const std::string kRemark = "weekly bonus";

struct Rows {
  binlog::TableMap table = commission();
  binlog::EventHeader header;
  std::vector<binlog::Value> before = {
      signed_value(1001), signed_value(42), text(kBiz), decimal(kTwoFifty),
      signed_value(0),    text(kRemark),    datetime()};
  std::vector<binlog::Value> after = {
      signed_value(1001), signed_value(42), text(kBiz), decimal(kThree),
      signed_value(1),    text(kRemark),    datetime()};

  Rows() {
    table.generation = 1;
    header.timestamp = 1700000000;
    header.server_id = 1;
    header.event_size = 200;
    header.log_pos = 4711;
  }
  binlog::RowEvent insert() const {
    return row_change(header, table, binlog::RowsKind::kInsert, {}, after);
  }
  binlog::RowEvent update() const {
    return row_change(header, table, binlog::RowsKind::kUpdate, before, after);
  }
};

codec::Envelope envelope() {
  codec::Envelope env;
  env.id = 7;
  env.gtid = "0-1-4242";
  env.ts_ms = 1700000000123;
  env.file = "mariadb-bin.000042";
  return env;
}

template <class Encoder>
void encode(benchmark::State& state, bool update) {
  Rows rows;
  const binlog::RowEvent row = update ? rows.update() : rows.insert();
  Encoder enc(true);
  const codec::Envelope env = envelope();
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (!enc.append_row(row, env, out)) state.SkipWithError("encode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(out.size());
}

void BM_FlatInsert(benchmark::State& s) {
  encode<codec::FlatMessageEncoder>(s, false);
}
void BM_FlatUpdate(benchmark::State& s) {
  encode<codec::FlatMessageEncoder>(s, true);
}
void BM_CanalProtobufInsert(benchmark::State& s) {
  encode<codec::CanalProtobufEncoder>(s, false);
}
void BM_CanalProtobufUpdate(benchmark::State& s) {
  encode<codec::CanalProtobufEncoder>(s, true);
}
void BM_SluiceProtobufInsert(benchmark::State& s) {
  encode<codec::SluiceProtobufEncoder>(s, false);
}
void BM_SluiceProtobufUpdate(benchmark::State& s) {
  encode<codec::SluiceProtobufEncoder>(s, true);
}

void BM_Route(benchmark::State& state) {
  Rows rows;
  const binlog::RowEvent row = rows.insert();
  pipeline::RoutingConfig c;
  c.topic = "commission";
  c.partitions = 3;
  c.hash_rules = *pipeline::PartitionRules::parse("test.commission:id", "");
  pipeline::RowRouter router(std::move(c), true);
  for (auto _ : state) {
    auto route = router.route_row(row);
    benchmark::DoNotOptimize(route);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_FlatInsert);
BENCHMARK(BM_FlatUpdate);
BENCHMARK(BM_CanalProtobufInsert);
BENCHMARK(BM_CanalProtobufUpdate);
BENCHMARK(BM_SluiceProtobufInsert);
BENCHMARK(BM_SluiceProtobufUpdate);
BENCHMARK(BM_Route);

}  // namespace

BENCHMARK_MAIN();
