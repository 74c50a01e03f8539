#include "app/destination_setup.h"

#include "pipeline/partition_rules.h"

namespace sluice::app {

Result<DestinationRules> destination_rules(const config::ServerConfig& server,
                                           const config::InstanceConfig& in) {
  SLUICE_ASSIGN_OR_RETURN(pipeline::TableFilter filter,
                          pipeline::TableFilter::create(
                              in.filter_regex, in.black_regex,
                              in.filter_origin.text(), in.black_origin.text()));
  SLUICE_ASSIGN_OR_RETURN(
      pipeline::FieldFilter fields,
      pipeline::FieldFilter::parse(in.field_filter, in.black_field_filter,
                                   in.field_origin.text(),
                                   in.black_field_origin.text()));
  DestinationRules r{std::move(filter), std::move(fields), {}, {}};
  pipeline::RoutingConfig& routing = r.routing;
  routing.topic = in.topic;
  routing.partition = in.partition;
  routing.partitions = in.partitions_num.value_or(1);
  routing.database_hash = server.database_hash;
  routing.exact_column_names =
      server.format != config::MessageFormat::kCanalProtobuf;
  SLUICE_ASSIGN_OR_RETURN(
      routing.hash_rules,
      pipeline::PartitionRules::parse(in.partition_hash,
                                      in.partition_hash_origin.text()));
  for (const pipeline::PartitionRule& rule : routing.hash_rules.rules()) {
    const std::string why = pipeline::never_matching_reason(rule);
    if (!why.empty())
      r.warnings.push_back(in.partition_hash_origin.text() + ": " + why);
  }
  SLUICE_ASSIGN_OR_RETURN(routing.dynamic,
                          pipeline::DynamicTopics::parse(
                              in.dynamic_topic, in.dynamic_topic_partition_num,
                              in.dynamic_topic_origin.text()));
  return r;
}

codec::ValueFormat value_format(const config::ServerConfig& server) {
  switch (server.format) {
    case config::MessageFormat::kFlat:
      return codec::ValueFormat::kFlat;
    case config::MessageFormat::kCanalProtobuf:
      return codec::ValueFormat::kCanalProtobuf;
    case config::MessageFormat::kSluice:
      return codec::ValueFormat::kSluiceProtobuf;
  }
  return codec::ValueFormat::kFlat;
}

kafka::PublisherOptions publisher_options(const config::ServerConfig& server,
                                          const std::string& destination) {
  kafka::PublisherOptions o;
  for (const config::KafkaProperty& p : server.kafka)
    o.producer.properties.emplace_back(p.name, p.value);
  if (server.transactional)
    o.producer.transactional_id = "sluice-" + destination;
  o.producer.queue_kbytes = server.queue_kbytes;
  o.meta_topic = server.meta_topic;
  o.destination = destination;
  o.batch_rows = server.batch_rows;
  o.batch_bytes = server.batch_bytes;
  return o;
}

ha::LeaderLockOptions leader_lock_options(const config::ServerConfig& server,
                                          const config::InstanceConfig& in) {
  ha::LeaderLockOptions o;
  o.server = {in.master_host, in.master_port};
  o.connection.user = in.user;
  o.connection.password = in.password;
  o.destination = in.destination;
  o.lock_timeout = server.ha_lock_timeout;
  return o;
}

Status check_topic_partitions(kafka::Producer& producer,
                              const config::InstanceConfig& in,
                              std::chrono::milliseconds timeout) {
  if (!in.dynamic_topic.empty() || in.topic.empty()) return {};
  SLUICE_ASSIGN_OR_RETURN(const int32_t have,
                          producer.partition_count(in.topic, timeout));
  const int32_t want = in.partitions_num.value_or(1);
  if (have >= want) return {};
  return make_error(
      Errc::kUsage,
      in.partitions_num_origin.text() + ": topic " + in.topic + " has " +
          std::to_string(have) + " partitions, fewer than the " +
          std::to_string(want) +
          " sluice hashes over: add partitions to the topic (kafka-topics "
          "--alter --partitions " +
          std::to_string(want) + ") or lower canal.mq.partitionsNum");
}

std::string describe(const mysql::StartPosition& p) {
  if (p.use_gtid) return "GTID " + (p.gtid.empty() ? "(oldest)" : p.gtid);
  return p.file + ":" + std::to_string(p.position);
}

Result<StartChoice> choose_start(
    const config::InstanceConfig& in,
    const std::optional<kafka::Checkpoint>& checkpoint,
    mysql::ControlConnection& ctl) {
  StartChoice c;
  mysql::StartPosition& start = c.start;
  start.use_gtid = in.gtid_mode;
  if (checkpoint) {
    start.file = checkpoint->file;
    start.position = checkpoint->pos;
    start.gtid = checkpoint->gtid_set;
    if (start.use_gtid && start.gtid.empty()) start.use_gtid = false;
    c.reason = "resuming from the checkpoint at " + describe(start);
    if (checkpoint->rows_in_txn > 0) {
      c.reason += " (" + std::to_string(checkpoint->rows_in_txn) +
                  " changes of the transaction there already published)";
    }
  } else if ((in.gtid_mode && !in.gtid.empty()) || !in.journal_name.empty()) {
    start.file = in.journal_name;
    start.position = in.position.value_or(4);
    start.gtid = in.gtid;
    start.use_gtid = in.gtid_mode && !in.gtid.empty();
    c.reason = "no checkpoint yet; starting at " + describe(start) +
               " (canal.instance.master.*)";
  } else {
    SLUICE_ASSIGN_OR_RETURN(const mysql::ServerPosition now,
                            ctl.current_position());
    start.file = now.file;
    start.position = now.position;
    start.gtid = now.gtid_set;
    if (start.use_gtid && start.gtid.empty()) {
      return make_error(Errc::kUsage,
                        "canal.instance.gtidon=true, but the server has no "
                        "GTIDs: enable gtid_mode, or set gtidon=false");
    }
    c.reason =
        "no checkpoint and no start position configured; starting at the "
        "server's current position " +
        describe(start);
  }
  if (!start.use_gtid) {
    SLUICE_RETURN_IF_ERROR(
        ctl.check_position_available(start.file, start.position));
  }
  return c;
}

}  // namespace sluice::app
