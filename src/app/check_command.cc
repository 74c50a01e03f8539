// `sluice check` (check_command.h): the command line, the offline half
// (the config loader's problems, and the filters and routing rules compiled
// as `sluice run` compiles them), and the report. The online probes are in
// check_mysql.cc and check_kafka.cc.
#include "app/check_command.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "app/check_probes.h"
#include "app/command_line.h"
#include "common/text.h"
#include "config/canal_config.h"
#include "pipeline/field_filter.h"

namespace sluice::app {
namespace {

void print_help() {
  std::fputs(
      "usage: sluice check [--conf DIR] [--destination NAME] [--offline]\n"
      "\n"
      "Checks canal's configuration as sluice reads it and, unless\n"
      "--offline, the MySQL servers and the Kafka cluster it names, and\n"
      "lists every problem at once, each with its fix:\n"
      "  files  values sluice cannot use, unknown or misplaced keys, filter\n"
      "         and routing rules that do not compile or can never match\n"
      "         (e.g. canal.mq.partitionHash=commission:id, which canal\n"
      "         compares with schema.table), Kafka on ZooKeeper's port 2181;\n"
      "  MySQL  each destination's canal.instance.master.address, as\n"
      "         canal.instance.dbUsername: reachable, log_bin, binlog_format\n"
      "         ROW, binlog_row_image FULL, REPLICATION SLAVE and CLIENT\n"
      "         grants, a canal.instance.mysql.slaveId no other replica uses,\n"
      "         GTIDs when gtidon=true, the start position (checkpoint or\n"
      "         canal.instance.master.*) still on the server, and every\n"
      "         partitionHash rule matching a table the filter accepts;\n"
      "  Kafka  bootstrap.servers reachable within 5 s, canal.mq.topic (or\n"
      "         the dynamicTopic topics) present with the partition count\n"
      "         of canal.mq.partitionsNum.\n"
      "\n"
      "  --conf DIR          canal's conf directory (default ./conf)\n"
      "  --destination NAME  check only this destination\n"
      "  --offline           check the files only; contact no server\n"
      "  --help              this text\n"
      "\n"
      "Output: one line per finding, `error: <where>: <message>`, then\n"
      "warnings, then notes (among them the canal keys sluice does not use,\n"
      "one line per file and reason), and a summary line.\n"
      "The MySQL password is canal.instance.dbPassword, else the\n"
      "SLUICE_PASSWORD environment variable; it is never printed.\n"
      "\n"
      "Exit status: 0 no error (warnings allowed), 1 errors found or bad\n"
      "usage.\n",
      stdout);
}

bool has_error_at(const config::CanalConfig& config, const std::string& where) {
  return std::any_of(config.problems.begin(), config.problems.end(),
                     [&](const config::Problem& p) {
                       return p.severity == config::Problem::Severity::kError &&
                              p.origin.text() == where;
                     });
}

// True when the config loader already reported `rule` (its own lint of
// canal.mq.partitionHash quotes each rule it rejects).
bool reported_by_loader(const config::CanalConfig& config,
                        const config::InstanceConfig& in,
                        const pipeline::PartitionRule& rule) {
  const std::string where = in.partition_hash_origin.text();
  const std::string quoted = "`" + std::string(trim(rule.text)) + "`";
  return std::any_of(config.problems.begin(), config.problems.end(),
                     [&](const config::Problem& p) {
                       return p.origin.text() == where &&
                              p.message.find(quoted) != std::string::npos;
                     });
}

// Compiles the destination's filters and routing rules with the calls
// `sluice run` makes (DestinationRunner::Session::run); what does not
// compile is an error whose message names the key.
CompiledDestination compile(const config::CanalConfig& config,
                            const config::InstanceConfig& in, Findings& f) {
  CompiledDestination d;
  d.instance = &in;
  d.skip_mysql = in.master_host.empty() || in.user.empty() ||
                 has_error_at(config, in.master_origin.text());
  if (auto filter = pipeline::TableFilter::create(
          in.filter_regex, in.black_regex, in.filter_origin.text(),
          in.black_origin.text())) {
    d.filter.emplace(std::move(*filter));
  } else {
    f.error("", filter.error().message);
  }
  if (auto fields = pipeline::FieldFilter::parse(
          in.field_filter, in.black_field_filter, in.field_origin.text(),
          in.black_field_origin.text());
      !fields) {
    f.error("", fields.error().message);
  }
  if (auto rules = pipeline::PartitionRules::parse(
          in.partition_hash, in.partition_hash_origin.text())) {
    for (const pipeline::PartitionRule& rule : rules->rules()) {
      const std::string why = pipeline::never_matching_reason(rule);
      if (why.empty()) continue;
      d.reported_rules.push_back(rule.index);
      if (!reported_by_loader(config, in, rule))
        f.error(in.partition_hash_origin.text(), why);
    }
    d.rules.emplace(std::move(*rules));
  } else {
    f.error("", rules.error().message);
  }
  auto dynamic = pipeline::DynamicTopics::parse(in.dynamic_topic,
                                                in.dynamic_topic_partition_num,
                                                in.dynamic_topic_origin.text());
  if (!dynamic &&
      has_error_at(config, in.dynamic_topic_partition_num_origin.text())) {
    // The loader already rejected a partition count; whether
    // canal.mq.dynamicTopic itself compiles is still worth knowing.
    dynamic = pipeline::DynamicTopics::parse(in.dynamic_topic, "",
                                             in.dynamic_topic_origin.text());
  }
  if (dynamic) {
    d.dynamic.emplace(std::move(*dynamic));
  } else {
    f.error("", dynamic.error().message);
  }
  return d;
}

void check_online(const config::CanalConfig& config,
                  const std::vector<CompiledDestination>& destinations,
                  Findings& f) {
  std::optional<KafkaView> kafka;
  const config::KafkaProperty* bootstrap =
      config.server.kafka_property("bootstrap.servers");
  if (bootstrap != nullptr && has_error_at(config, bootstrap->origin.text())) {
    f.note(bootstrap->origin.text(),
           "Kafka was not contacted: correct the error above first");
  } else {
    kafka = probe_kafka(config.server, f);
  }
  for (const CompiledDestination& d : destinations) {
    std::optional<std::vector<TableName>> tables;
    if (d.skip_mysql) {
      f.note(d.instance->master_origin.text(),
             "MySQL was not contacted: correct the error above first");
    } else {
      tables = check_mysql(config.server, d, kafka ? &*kafka : nullptr, f);
    }
    if (kafka) check_topics(d, tables ? &*tables : nullptr, *kafka, f);
  }
}

const char* label(Finding::Severity severity) {
  switch (severity) {
    case Finding::Severity::kError:
      return "error";
    case Finding::Severity::kWarning:
      return "warning";
    case Finding::Severity::kNote:
      return "note";
  }
  return "note";
}

// Errors, then warnings, then notes, each in the order found; then the
// summary. Returns the exit code.
int report(const Findings& findings, size_t destinations, bool offline) {
  std::vector<const Finding*> sorted;
  for (const Finding& x : findings.list()) sorted.push_back(&x);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Finding* a, const Finding* b) {
                     return a->severity < b->severity;
                   });
  for (const Finding* x : sorted) {
    std::printf("%s: %s%s%s\n", label(x->severity), x->where.c_str(),
                x->where.empty() ? "" : ": ", x->message.c_str());
  }
  const size_t errors = findings.count(Finding::Severity::kError);
  const std::string counts =
      plural(errors, "error") + ", " +
      plural(findings.count(Finding::Severity::kWarning), "warning");
  const std::string scope =
      offline ? "the files only (--offline)" : "the files, MySQL and Kafka";
  std::printf("sluice check: %s%s; checked %s of %s\n",
              errors == 0 ? "OK, " : "", counts.c_str(), scope.c_str(),
              plural(destinations, "destination").c_str());
  std::fflush(stdout);
  return errors == 0 ? 0 : 1;
}

}  // namespace

void Findings::add(Finding::Severity severity, std::string where,
                   std::string message) {
  const bool seen =
      std::any_of(list_.begin(), list_.end(), [&](const Finding& x) {
        return x.severity == severity && x.where == where &&
               x.message == message;
      });
  if (!seen)
    list_.push_back(Finding{severity, std::move(where), std::move(message)});
}

size_t Findings::count(Finding::Severity severity) const {
  return static_cast<size_t>(
      std::count_if(list_.begin(), list_.end(),
                    [&](const Finding& x) { return x.severity == severity; }));
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string key_where(const config::InstanceConfig& in, std::string_view key) {
  return config::Origin{in.path, 0, std::string(key)}.text();
}

int run_check(std::span<const std::string> args) {
  std::string conf = "conf";
  std::string only;
  bool offline = false;
  CommandLine cli("sluice check", print_help);
  cli.text("--conf", conf);
  cli.text("--destination", only);
  cli.flag("--offline", [&] { offline = true; });
  if (cli.parse(args) == CommandLine::Outcome::kExit) return cli.exit_code();
  auto config = config::load_canal_config(conf, only);
  if (!config) {
    std::printf("error: %s\nsluice check: 1 error\n",
                config.error().message.c_str());
    return 1;
  }

  Findings findings;
  for (const config::Problem& p : config->problems) {
    findings.add(p.severity == config::Problem::Severity::kError
                     ? Finding::Severity::kError
                     : Finding::Severity::kWarning,
                 p.origin.text(), p.message);
  }
  std::vector<CompiledDestination> destinations;
  for (const config::InstanceConfig& in : config->instances)
    destinations.push_back(compile(*config, in, findings));
  if (!offline) check_online(*config, destinations, findings);
  for (const std::string& note : config->notes) findings.note("", note);
  return report(findings, destinations.size(), offline);
}

}  // namespace sluice::app
