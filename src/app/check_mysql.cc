// The MySQL probe of `sluice check` (check_probes.h): through the control
// connection, the server's settings, grants and server ids, the start
// position, and canal.instance.filter.regex and canal.mq.partitionHash
// against the server's tables.
#include <algorithm>
#include <chrono>

#include "app/check_probes.h"
#include "common/text.h"
#include "ha/leader_lock.h"
#include "kafka/checkpoint_reader.h"
#include "mysql/control_connection.h"

namespace sluice::app {
namespace {

constexpr std::chrono::milliseconds kKafkaTimeout{5'000};
constexpr unsigned kMySqlTimeoutS = 5;
constexpr size_t kListed = 5;  // tables named in one message

std::string qualified(const TableName& t) { return t.schema + "." + t.table; }

// "a.b, c.d and 3 more".
std::string name_tables(const std::vector<const TableName*>& tables) {
  std::string out;
  for (size_t i = 0; i < tables.size() && i < kListed; ++i) {
    if (i > 0) out += ", ";
    out += qualified(*tables[i]);
  }
  if (tables.size() > kListed)
    out += " and " + std::to_string(tables.size() - kListed) + " more";
  return out;
}

std::string address(const config::InstanceConfig& in) {
  return mysql::to_string({in.master_host, in.master_port});
}

std::string server_where(const config::InstanceConfig& in) {
  return "MySQL " + address(in) + " (destination " + in.destination + ")";
}

void check_settings(mysql::ControlConnection& ctl,
                    const config::InstanceConfig& in, Findings& f) {
  const std::string where = server_where(in);
  if (auto problems = ctl.check_settings(); !problems) {
    f.error(where,
            "cannot read the binlog settings: " + problems.error().message);
  } else {
    for (const mysql::SettingProblem& p : *problems) {
      switch (p.severity) {
        case mysql::SettingProblem::Severity::kError:
          f.error(where, p.message);
          break;
        case mysql::SettingProblem::Severity::kWarning:
          f.warning(where, p.message);
          break;
        case mysql::SettingProblem::Severity::kInfo:
          f.note(where, p.message);
          break;
      }
    }
  }
  if (auto missing = ctl.missing_replication_grants(); !missing) {
    f.warning(where, "cannot read the grants of " + in.user + ": " +
                         missing.error().message);
  } else {
    for (const std::string& m : *missing) f.warning(where, m);
  }
}

// A configured replica server id must differ from the server's own and
// from every connected replica's: the server drops one of two replicas
// with the same id whenever the other connects.
void check_server_id(mysql::ControlConnection& ctl,
                     const mysql::ServerInfo& info,
                     const config::InstanceConfig& in, Findings& f) {
  if (in.slave_id == 0) return;
  const std::string where = key_where(in, "canal.instance.mysql.slaveId");
  const std::string id = std::to_string(in.slave_id);
  if (in.slave_id == info.server_id) {
    f.error(where, id + " is the server_id of " + address(in) +
                       " itself, and the server refuses a replica with its "
                       "own id: pick an id no server or replica uses, or 0 "
                       "to let sluice choose one");
    return;
  }
  const char* sql = !info.mariadb() && info.at_least(8, 0, 22)
                        ? "SHOW REPLICAS"
                        : "SHOW SLAVE HOSTS";
  auto hosts = ctl.query(sql);
  if (!hosts) {
    f.note(where, "cannot list the replicas of " + address(in) + " (" +
                      hosts.error().message + "), so " + id +
                      " was compared with the server's own server_id only");
    return;
  }
  for (const auto& row : *hosts) {
    if (row.empty() || !row[0] || *row[0] != id) continue;
    const bool named = row.size() > 1 && row[1] && !row[1]->empty();
    f.error(where, "replica server id " + id +
                       " is already used by a replica of " + address(in) +
                       (named ? " on " + *row[1] : std::string()) +
                       ": two replicas with one id disconnect each other "
                       "over and over; pick an id no replica uses, or 0 to "
                       "let sluice choose one (unless that replica is this "
                       "destination's own running sluice)");
    return;
  }
}

void check_gtid(mysql::ControlConnection& ctl, const mysql::ServerInfo& info,
                const config::InstanceConfig& in, Findings& f) {
  if (!in.gtid_mode || info.mariadb()) return;
  auto now = ctl.current_position();
  if (!now) {
    f.error(server_where(in),
            "cannot read the binlog position: " + now.error().message);
    return;
  }
  if (now->gtid_set.empty()) {
    f.error(key_where(in, "canal.instance.gtidon"),
            "gtidon=true, but " + address(in) +
                " has no GTIDs (gtid_executed is empty): set gtid_mode=ON "
                "and enforce_gtid_consistency=ON on the server, or "
                "canal.instance.gtidon=false");
  }
}

// The position `sluice run` would start from must still be on the server:
// the destination's checkpoint when there is one, else the configured
// canal.instance.master.journal.name/position. GTID starts are not
// checked here.
void check_start(mysql::ControlConnection& ctl,
                 const config::ServerConfig& server,
                 const config::InstanceConfig& in, const KafkaView* kafka,
                 Findings& f) {
  if (kafka != nullptr && kafka->topics.contains(server.meta_topic)) {
    const std::string where = "checkpoint of destination " + in.destination +
                              " in topic " + server.meta_topic +
                              " (sluice.meta.topic)";
    kafka::CheckpointSource source;
    for (const config::KafkaProperty& p : server.kafka)
      source.properties.emplace_back(p.name, p.value);
    source.topic = server.meta_topic;
    source.destination = in.destination;
    auto cp = kafka::read_checkpoint(source, kKafkaTimeout);
    if (!cp) {
      f.warning(where, "cannot read it (" + cp.error().message +
                           "); the start position was checked as if there "
                           "were none");
    } else if (*cp) {
      const kafka::Checkpoint& at = **cp;
      if (in.gtid_mode && !at.gtid_set.empty()) return;
      if (auto s = ctl.check_position_available(at.file, at.pos); !s) {
        f.error(where, "sluice run would resume from " + at.file + ":" +
                           std::to_string(at.pos) + ": " + s.error().message);
      }
      return;
    }
  }
  if ((in.gtid_mode && !in.gtid.empty()) || in.journal_name.empty()) return;
  if (auto s = ctl.check_position_available(in.journal_name,
                                            in.position.value_or(4));
      !s) {
    f.error(key_where(in, "canal.instance.master.journal.name"),
            s.error().message);
  }
}

std::optional<std::vector<TableName>> server_tables(
    mysql::ControlConnection& ctl, const config::InstanceConfig& in,
    Findings& f) {
  auto rows = ctl.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE "
      "TABLE_TYPE NOT IN ('VIEW', 'SYSTEM VIEW') AND TABLE_SCHEMA NOT IN "
      "('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY "
      "TABLE_SCHEMA, TABLE_NAME");
  if (!rows) {
    f.error(server_where(in),
            "cannot list the tables: " + rows.error().message);
    return std::nullopt;
  }
  std::vector<TableName> tables;
  for (const auto& row : *rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    tables.push_back(TableName{*row[0], *row[1]});
  }
  return tables;
}

bool rule_matches(const pipeline::PartitionRule& rule, const TableName& t) {
  if (!rule.name.is_regex) return iequals(rule.name.text, qualified(t));
  return rule.name.matches(qualified(t));
}

// A rule that matches none of `accepted`: which tables it does match, and
// the rule rewritten for a table of the same name.
std::string unmatched_rule_message(const pipeline::PartitionRule& rule,
                                   const std::vector<TableName>& all,
                                   const std::vector<TableName>& accepted,
                                   const config::InstanceConfig& in) {
  std::vector<const TableName*> listed;
  for (const TableName& t : accepted) listed.push_back(&t);
  std::string m = "rule " + std::to_string(rule.index) + " `" + rule.text +
                  "` matches none of the " + plural(accepted.size(), "table") +
                  " " + std::string(pipeline::TableFilter::kWhiteKey) +
                  " accepts on " + address(in) + " (" + name_tables(listed) +
                  ")";
  std::vector<const TableName*> left_out;
  for (const TableName& t : all) {
    if (rule_matches(rule, t)) left_out.push_back(&t);
  }
  if (!left_out.empty())
    m += "; it matches only tables the filter leaves out: " +
         name_tables(left_out);
  if (!rule.name.is_regex && rule.text.starts_with(rule.name.text)) {
    const std::string& name = rule.name.text;
    const size_t dot = name.rfind('.');
    const std::string_view table =
        std::string_view(name).substr(dot == std::string::npos ? 0 : dot + 1);
    const std::string rest = rule.text.substr(name.size());
    std::string suggestions;
    for (const TableName& t : accepted) {
      if (!iequals(t.table, table)) continue;
      suggestions +=
          (suggestions.empty() ? "`" : " or `") + qualified(t) + rest + "`";
    }
    if (!suggestions.empty()) return m + "; did you mean " + suggestions + "?";
  }
  return m + "; correct the name or remove the rule";
}

// canal.instance.filter.regex and canal.mq.partitionHash against the
// server's tables.
void check_routing(const CompiledDestination& d,
                   const std::vector<TableName>& all,
                   const std::vector<TableName>& accepted, Findings& f) {
  const config::InstanceConfig& in = *d.instance;
  if (accepted.empty()) {
    f.warning(in.filter_origin.text(),
              "accepts none of the " + plural(all.size(), "table") + " " +
                  in.user + " can see on " + address(in) +
                  ": nothing is published until such a table exists (check "
                  "the regex, and that the user has SELECT on the tables)");
    return;
  }
  if (!d.rules || d.rules->empty()) return;
  const std::string where = in.partition_hash_origin.text();
  const auto rules = d.rules->rules();
  std::vector<bool> used(rules.size(), false);
  std::vector<const TableName*> unrouted;
  for (const TableName& t : accepted) {
    const pipeline::PartitionRule* r = d.rules->match(t.schema, t.table);
    if (r == nullptr) {
      unrouted.push_back(&t);
    } else {
      used[static_cast<size_t>(r - rules.data())] = true;
    }
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const pipeline::PartitionRule& rule = rules[i];
    if (used[i] || std::find(d.reported_rules.begin(), d.reported_rules.end(),
                             rule.index) != d.reported_rules.end()) {
      continue;
    }
    std::vector<const TableName*> shadowed;
    for (const TableName& t : accepted) {
      if (rule_matches(rule, t)) shadowed.push_back(&t);
    }
    if (!shadowed.empty()) {
      f.warning(where, "rule " + std::to_string(rule.index) + " `" + rule.text +
                           "` is never used: an earlier rule "
                           "takes every table it matches (" +
                           name_tables(shadowed) + ")");
      continue;
    }
    f.error(where, unmatched_rule_message(rule, all, accepted, in));
  }
  if (!unrouted.empty()) {
    f.warning(where, "no rule matches " + name_tables(unrouted) +
                         ", which the filter accepts: all " +
                         (unrouted.size() == 1 ? "its" : "their") +
                         " rows go to partition 0");
  }
}

// Who leads the destination now, as a note: a running node, or none.
void check_leader(mysql::ControlConnection& ctl,
                  const config::InstanceConfig& in, Findings& f) {
  const std::string name = ha::lock_name(in.destination);
  auto holder = ha::lock_holder(ctl, in.destination);
  if (!holder) {
    f.warning(server_where(in), "cannot ask who holds the leader lock " + name +
                                    ": " + holder.error().message);
    return;
  }
  if (holder->connection == 0) {
    f.note(server_where(in), "the leader lock " + name +
                                 " is free: the first `sluice run` of "
                                 "this destination will lead");
    return;
  }
  f.note(server_where(in),
         "the leader lock " + name + " is held by MySQL connection " +
             std::to_string(holder->connection) +
             (holder->host.empty() ? std::string() : " from " + holder->host) +
             ": a `sluice run` leads this destination; another one stands "
             "by until it stops");
}

}  // namespace

std::optional<std::vector<TableName>> check_mysql(
    const config::ServerConfig& server, const CompiledDestination& d,
    const KafkaView* kafka, Findings& f) {
  const config::InstanceConfig& in = *d.instance;
  mysql::ControlConnectionOptions o;
  o.user = in.user;
  o.password = in.password;
  o.connect_timeout_s = kMySqlTimeoutS;
  o.read_timeout_s = 2 * kMySqlTimeoutS;
  o.write_timeout_s = 2 * kMySqlTimeoutS;
  auto ctl =
      mysql::ControlConnection::connect({in.master_host, in.master_port}, o);
  if (!ctl) {
    f.error(in.master_origin.text(), ctl.error().message);
    return std::nullopt;
  }
  auto info = ctl->server_info();
  if (!info) {
    f.error(server_where(in), info.error().message);
    return std::nullopt;
  }
  check_settings(*ctl, in, f);
  check_server_id(*ctl, *info, in, f);
  check_gtid(*ctl, *info, in, f);
  check_start(*ctl, server, in, kafka, f);
  check_leader(*ctl, in, f);
  auto all = server_tables(*ctl, in, f);
  if (!all) return std::nullopt;
  std::vector<TableName> accepted;
  if (d.filter) {
    for (const TableName& t : *all) {
      if (d.filter->accepts(t.schema, t.table)) accepted.push_back(t);
    }
    check_routing(d, *all, accepted, f);
  }
  return accepted;
}

}  // namespace sluice::app
