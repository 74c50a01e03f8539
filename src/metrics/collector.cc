#include "metrics/collector.h"

#include <algorithm>

namespace sluice::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

ClientMetric labelled(const DestinationStats& s,
                      std::vector<ClientMetric::Label> more = {}) {
  ClientMetric m;
  m.label.push_back({"destination", s.destination()});
  for (auto& l : more) m.label.push_back(std::move(l));
  return m;
}

void add_value(MetricFamily& f, ClientMetric m, double v) {
  if (f.type == MetricType::Counter) {
    m.counter.value = v;
  } else {
    m.gauge.value = v;
  }
  f.metric.push_back(std::move(m));
}

double load(const std::atomic<uint64_t>& v) {
  return static_cast<double>(v.load(std::memory_order_relaxed));
}

}  // namespace

Collector::Collector(std::function<int64_t()> now_ms)
    : now_ms_(std::move(now_ms)) {}

void Collector::add(std::shared_ptr<const DestinationStats> stats) {
  stats_.push_back(std::move(stats));
}

std::vector<MetricFamily> Collector::Collect() const {
  const int64_t now = now_ms_();
  auto instance = family("canal_instance", "a destination this process runs",
                         MetricType::Gauge);
  auto subscriptions =
      family("canal_instance_subscriptions",
             "consumers of the destination (1: Kafka)", MetricType::Gauge);
  auto parser_mode =
      family("canal_instance_parser_mode",
             "1 for the parser mode in use (serial)", MetricType::Gauge);
  auto delay = family("canal_instance_traffic_delay",
                      "milliseconds from the last binlog event's time on the "
                      "source to now; 0 while the source is idle",
                      MetricType::Gauge);
  auto transactions =
      family("canal_instance_transactions",
             "binlog transactions read, with those the filter left "
             "empty",
             MetricType::Counter);
  auto received =
      family("canal_instance_received_binlog_bytes",
             "binlog bytes received from the source", MetricType::Counter);
  auto rows = family("sluice_rows_published_total",
                     "row changes handed to Kafka, by table and type",
                     MetricType::Counter);
  auto ddl = family("sluice_statements_published_total",
                    "DDL statements handed to Kafka", MetricType::Counter);
  auto lag = family("sluice_lag_seconds",
                    "seconds from the last binlog event's time on the source "
                    "to now; 0 while the source is idle",
                    MetricType::Gauge);
  auto position = family("sluice_binlog_position",
                         "binlog offset of the last committed checkpoint, "
                         "labelled with its file",
                         MetricType::Gauge);
  auto batches =
      family("sluice_kafka_batches_total",
             "Kafka batches (transactions) committed", MetricType::Counter);
  auto queued = family("sluice_kafka_queue_messages",
                       "messages handed to Kafka without a delivery report",
                       MetricType::Gauge);
  auto leader = family("sluice_leader",
                       "1 while this node holds the destination's leader lock",
                       MetricType::Gauge);
  auto publishing = family("sluice_publishing",
                           "1 while this node streams the binlog to Kafka",
                           MetricType::Gauge);
  auto reconnects = family("sluice_reconnects_total",
                           "reconnections to the source after a lost stream",
                           MetricType::Counter);
  auto elections = family("sluice_leader_elections_total",
                          "times this node became the destination's leader",
                          MetricType::Counter);
  auto step_downs = family("sluice_step_downs_total",
                           "times this node lost leadership and stood by",
                           MetricType::Counter);
  auto commit = family("sluice_kafka_commit_seconds",
                       "time to close a Kafka batch: deliveries, checkpoint "
                       "and commit",
                       MetricType::Histogram);
  auto batch_rows =
      family("sluice_kafka_batch_rows", "row changes per committed Kafka batch",
             MetricType::Histogram);

  for (const auto& sp : stats_) {
    const DestinationStats& s = *sp;
    add_value(instance, labelled(s, {{"mode", "spring"}}), 1);
    add_value(subscriptions, labelled(s), 1);
    add_value(parser_mode, labelled(s, {{"parallel", "false"}}), 1);
    const int64_t last = s.last_event_ms.load(std::memory_order_relaxed);
    const int64_t behind_ms = last == 0 ? 0 : std::max<int64_t>(0, now - last);
    add_value(delay, labelled(s), static_cast<double>(behind_ms));
    add_value(lag, labelled(s), static_cast<double>(behind_ms) / 1000.0);
    add_value(transactions, labelled(s), load(s.transactions));
    add_value(received, labelled(s, {{"parser", "0"}}), load(s.binlog_bytes));
    for (const TableRows* t : s.tables()) {
      const std::pair<const char*, const std::atomic<uint64_t>*> kinds[] = {
          {"INSERT", &t->inserts},
          {"UPDATE", &t->updates},
          {"DELETE", &t->deletes}};
      for (const auto& [type, n] : kinds) {
        add_value(rows,
                  labelled(s, {{"schema", t->schema},
                               {"table", t->table},
                               {"type", type}}),
                  load(*n));
      }
    }
    add_value(ddl, labelled(s), load(s.statements));
    const BinlogPosition at = s.position();
    if (!at.file.empty()) {
      add_value(position, labelled(s, {{"file", at.file}}),
                static_cast<double>(at.offset));
    }
    add_value(batches, labelled(s), load(s.kafka_batches));
    add_value(queued, labelled(s), load(s.kafka_queued));
    add_value(leader, labelled(s), s.leading.load() ? 1 : 0);
    add_value(publishing, labelled(s), s.publishing.load() ? 1 : 0);
    add_value(reconnects, labelled(s), load(s.reconnects));
    add_value(elections, labelled(s), load(s.elections));
    add_value(step_downs, labelled(s), load(s.step_downs));
    ClientMetric c = s.commit_seconds();
    c.label = labelled(s).label;
    commit.metric.push_back(std::move(c));
    ClientMetric b = s.batch_rows();
    b.label = labelled(s).label;
    batch_rows.metric.push_back(std::move(b));
  }
  std::vector<MetricFamily> out;
  for (MetricFamily* f :
       {&instance, &subscriptions, &parser_mode, &delay, &transactions,
        &received, &rows, &ddl, &lag, &position, &batches, &queued, &leader,
        &publishing, &reconnects, &elections, &step_downs, &commit,
        &batch_rows}) {
    out.push_back(std::move(*f));
  }
  return out;
}

bool Collector::ready(std::string* detail) const {
  bool leads_any = false;
  bool all_publishing = true;
  for (const auto& s : stats_) {
    const bool leading = s->leading.load();
    const bool publishing = s->publishing.load();
    leads_any = leads_any || leading;
    if (leading && !publishing) all_publishing = false;
    if (detail != nullptr) {
      *detail += s->destination();
      *detail += leading ? (publishing ? ": leading, publishing\n"
                                       : ": leading, not publishing yet\n")
                         : ": standing by\n";
    }
  }
  return leads_any && all_publishing;
}

}  // namespace sluice::metrics
