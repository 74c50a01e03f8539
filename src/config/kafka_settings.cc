// The Kafka producer properties of canal.properties, from both key
// generations: canal 1.1.4's `canal.mq.<camelCase>` names and
// `canal.mq.properties.<x>` passthrough, and 1.1.5's `kafka.<x>`. canal
// 1.1.5 copies a non-empty legacy value over the kafka.* one
// (CanalKafkaProducer.doMoreCompatibleConvert) and 1.1.4 applies the
// passthrough last, so precedence is properties.* > legacy > kafka.*.
// Java client names are then translated to librdkafka's.
#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "common/text.h"
#include "config/config_sections.h"

namespace sluice::config {
namespace {

// How a key names a Java producer property, lowest precedence first.
enum class Generation { kKafkaPrefix, kLegacy, kPassthrough };

struct LegacyName {
  std::string_view key;
  std::string_view java;
};

constexpr std::array kLegacyNames{
    LegacyName{"canal.mq.servers", "bootstrap.servers"},
    LegacyName{"canal.mq.acks", "acks"},
    LegacyName{"canal.mq.compressionType", "compression.type"},
    LegacyName{"canal.mq.lingerMs", "linger.ms"},
    LegacyName{"canal.mq.batchSize", "batch.size"},
    LegacyName{"canal.mq.maxRequestSize", "max.request.size"},
    LegacyName{"canal.mq.bufferMemory", "buffer.memory"},
    LegacyName{"canal.mq.retries", "retries"},
    LegacyName{"canal.mq.kafka.kerberos.enable", "kerberos.enable"},
    LegacyName{"canal.mq.kafka.kerberos.krb5FilePath", "kerberos.krb5.file"},
    LegacyName{"canal.mq.kafka.kerberos.jaasFilePath", "kerberos.jaas.file"},
};

constexpr std::string_view kKafkaPrefix = "kafka.";
constexpr std::string_view kPassthroughPrefix = "canal.mq.properties.";
constexpr std::string_view kKerberosPrefix = "canal.mq.kafka.kerberos.";
constexpr std::string_view kDefaultServers = "127.0.0.1:9092";

constexpr std::string_view kOwned =
    "sluice sets it: an idempotent producer with transactional.id "
    "sluice-<destination>";
constexpr std::string_view kKerberos =
    "a Java Kerberos setting; with librdkafka set kafka.sasl.mechanism=GSSAPI, "
    "kafka.sasl.kerberos.keytab and kafka.sasl.kerberos.principal";

// A key that sets a Java producer property, its value expanded.
struct Candidate {
  SettingEntry* entry;
  std::string java;
  Generation generation;
  std::string value;
};

std::optional<std::pair<std::string, Generation>> java_name(
    std::string_view key) {
  for (const LegacyName& n : kLegacyNames) {
    if (key == n.key)
      return std::pair{std::string(n.java), Generation::kLegacy};
  }
  if (key.size() > kKerberosPrefix.size() && key.starts_with(kKerberosPrefix)) {
    return std::pair{
        "kerberos." + std::string(key.substr(kKerberosPrefix.size())),
        Generation::kLegacy};
  }
  if (key.size() > kPassthroughPrefix.size() &&
      key.starts_with(kPassthroughPrefix)) {
    return std::pair{std::string(key.substr(kPassthroughPrefix.size())),
                     Generation::kPassthrough};
  }
  if (key.size() > kKafkaPrefix.size() && key.starts_with(kKafkaPrefix)) {
    return std::pair{std::string(key.substr(kKafkaPrefix.size())),
                     Generation::kKafkaPrefix};
  }
  return std::nullopt;
}

class KafkaTranslator {
 public:
  KafkaTranslator(SettingsReader& file, ServerConfig& out)
      : file_(file), out_(out) {}

  void translate(const Candidate& c) {
    const std::string_view java = c.java;
    if (java == "bootstrap.servers") {
      bootstrap_servers(c);
    } else if (java == "acks") {
      acks(c);
    } else if (java == "compression.type") {
      compression(c);
    } else if (java == "linger.ms") {
      number(c, "linger.ms", 0, 900'000);
    } else if (java == "batch.size") {
      number(c, "batch.size", 1, 2'147'483'647);
    } else if (java == "max.request.size") {
      number(c, "message.max.bytes", 1000, 1'000'000'000);
    } else if (java == "buffer.memory") {
      buffer_memory(c);
    } else if (java == "queue.buffering.max.kbytes") {
      queue_kbytes(c);
    } else if (java == "retries") {
      unused(c, "sluice retries until delivered; `retries` ignored");
    } else if (java == "key.serializer" || java == "value.serializer") {
      unused(c, "a Java client class; sluice serializes messages itself");
    } else if (java == "enable.idempotence" || java == "transactional.id" ||
               java == "max.in.flight.requests.per.connection") {
      unused(c, kOwned);
    } else if (java == "sasl.jaas.config") {
      error(c,
            "a Java JAAS login line, which librdkafka does not read: set "
            "kafka.sasl.username and kafka.sasl.password (with "
            "kafka.sasl.mechanism and kafka.security.protocol) instead");
    } else if (java == "kerberos.enable") {
      kerberos(c);
    } else if (java.starts_with("kerberos.")) {
      unused(c, kKerberos);
    } else {
      out_.kafka.push_back(KafkaProperty{c.java, c.value, origin(c)});
    }
  }

 private:
  Origin origin(const Candidate& c) const { return file_.origin(*c.entry); }
  void unused(const Candidate& c, std::string_view reason) {
    file_.diagnostics().unused(origin(c), reason);
  }
  void error(const Candidate& c, std::string message) {
    file_.diagnostics().error(origin(c), std::move(message));
  }

  void bootstrap_servers(const Candidate& c) {
    for (std::string_view server : split(c.value, ',')) {
      server = trim(server);
      if (const size_t scheme = server.find("://");
          scheme != std::string_view::npos) {
        server.remove_prefix(scheme + 3);
      }
      const size_t colon = server.rfind(':');
      if (colon != std::string_view::npos &&
          server.substr(colon + 1) == "2181") {
        error(c,
              "port 2181 is ZooKeeper's; Kafka listens on 9092 by default: "
              "set canal.mq.servers (or kafka.bootstrap.servers) to the "
              "Kafka brokers");
        break;
      }
    }
    out_.kafka.push_back(
        KafkaProperty{"bootstrap.servers", c.value, origin(c)});
  }

  void acks(const Candidate& c) {
    if (iequals(c.value, "all") || c.value == "-1") {
      out_.kafka.push_back(KafkaProperty{"acks", c.value, origin(c)});
    } else if (c.value == "0" || c.value == "1") {
      file_.diagnostics().warning(
          origin(c), "sluice's idempotent producer needs acks=all; `" +
                         c.value + "` is ignored and all is used");
    } else {
      error(c, "expected all, -1, 0 or 1, got `" + c.value + "`");
    }
  }

  void compression(const Candidate& c) {
    const std::string codec = ascii_lower(c.value);
    constexpr std::array kCodecs{"none", "gzip", "snappy", "lz4", "zstd"};
    if (std::find(kCodecs.begin(), kCodecs.end(), codec) == kCodecs.end()) {
      error(c,
            "expected none, gzip, snappy, lz4 or zstd, got `" + c.value + "`");
      return;
    }
    out_.kafka.push_back(KafkaProperty{"compression.type", codec, origin(c)});
  }

  void number(const Candidate& c, std::string name, uint64_t min,
              uint64_t max) {
    uint64_t v = 0;
    if (!parse_number(c.value, v) || v < min || v > max) {
      error(c, range_message(c.value, min, max));
      return;
    }
    out_.kafka.push_back(
        KafkaProperty{std::move(name), std::to_string(v), origin(c)});
  }

  // librdkafka bounds its queue in kilobytes (queue.buffering.max.kbytes).
  void buffer_memory(const Candidate& c) {
    constexpr uint64_t kMaxBytes = 2'147'483'647ull * 1024;
    uint64_t bytes = 0;
    if (!parse_number(c.value, bytes) || bytes < 1 || bytes > kMaxBytes) {
      error(c, range_message(c.value, uint64_t{1}, kMaxBytes));
      return;
    }
    out_.queue_kbytes = std::max<uint64_t>(1, bytes / 1024);
  }

  // librdkafka's own name for the same bound.
  void queue_kbytes(const Candidate& c) {
    constexpr uint64_t kMaxKbytes = 2'147'483'647;
    uint64_t kbytes = 0;
    if (!parse_number(c.value, kbytes) || kbytes < 1 || kbytes > kMaxKbytes) {
      error(c, range_message(c.value, uint64_t{1}, kMaxKbytes));
      return;
    }
    out_.queue_kbytes = kbytes;
  }

  void kerberos(const Candidate& c) {
    if (iequals(c.value, "true")) {
      error(c,
            "Java's Kerberos switch, which librdkafka does not read: set "
            "kafka.security.protocol=SASL_PLAINTEXT (or SASL_SSL), "
            "kafka.sasl.mechanism=GSSAPI, kafka.sasl.kerberos.keytab and "
            "kafka.sasl.kerberos.principal instead");
    } else {
      unused(c, kKerberos);
    }
  }

  SettingsReader& file_;
  ServerConfig& out_;
};

}  // namespace

void read_kafka_settings(SettingsReader& file, ServerConfig& out) {
  std::vector<Candidate> candidates;
  for (SettingEntry& e : file.entries()) {
    auto name = java_name(e.property->key);
    if (!name) continue;
    e.read = true;
    std::optional<std::string> value = file.expand(e);
    if (!value || value->empty()) continue;
    candidates.push_back(
        Candidate{&e, std::move(name->first), name->second, std::move(*value)});
  }

  // The winner for each Java name: the highest generation, then the last.
  std::vector<const Candidate*> winners;
  for (const Candidate& c : candidates) {
    auto same =
        std::find_if(winners.begin(), winners.end(),
                     [&](const Candidate* w) { return w->java == c.java; });
    if (same == winners.end()) {
      winners.push_back(&c);
      continue;
    }
    const Candidate* loser = &c;
    if (c.generation >= (*same)->generation) std::swap(loser, *same);
    const Candidate* winner = *same;
    file.diagnostics().unused(
        file.origin(*loser->entry),
        winner->entry->property->key + " on line " +
            std::to_string(winner->entry->property->line) +
            " takes precedence, as in canal");
  }
  std::stable_sort(winners.begin(), winners.end(),
                   [](const Candidate* a, const Candidate* b) {
                     return a->entry->property->line < b->entry->property->line;
                   });

  KafkaTranslator translator(file, out);
  auto servers = std::find_if(
      winners.begin(), winners.end(),
      [](const Candidate* w) { return w->java == "bootstrap.servers"; });
  if (servers == winners.end()) {
    out.kafka.push_back(
        KafkaProperty{"bootstrap.servers", std::string(kDefaultServers),
                      Origin{"", 0, "kafka.bootstrap.servers"}});
  } else {
    translator.translate(**servers);
  }
  for (const Candidate* w : winners) {
    if (w->java != "bootstrap.servers") translator.translate(*w);
  }
}

}  // namespace sluice::config
