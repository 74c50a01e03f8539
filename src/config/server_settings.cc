// canal.properties' server-wide settings (everything but the Kafka producer
// properties, which kafka_settings.cc reads).
#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>
#include <vector>

#include "common/text.h"
#include "config/config_sections.h"

namespace sluice::config {
namespace {

constexpr uint64_t kMaxBatchRows = 10'000'000;
constexpr uint64_t kMinBatchBytes = 1024;
constexpr uint64_t kMaxBatchBytes = 4ull << 30;
constexpr uint64_t kMinHaPollMs = 10;
constexpr uint64_t kMaxHaPollMs = 60'000;
// wait_timeout is whole seconds; below 2 a busy leader's pings would race
// it.
constexpr uint64_t kMinHaLockTimeoutS = 2;
constexpr uint64_t kMaxHaLockTimeoutS = 3'600;

// "(found: a, b)" naming the directories beside canal.properties that hold
// an instance.properties, or "".
std::string found_destinations(const std::string& canal_properties) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code ec;
  const fs::path dir = fs::path(canal_properties).parent_path();
  for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code exists_ec;
    if (fs::is_regular_file(it->path() / "instance.properties", exists_ec)) {
      names.push_back(it->path().filename().string());
    }
  }
  if (names.empty()) return "";
  std::sort(names.begin(), names.end());
  std::string out = " (found: ";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : ", ") + names[i];
  }
  return out + ")";
}

void read_destinations(SettingsReader& file, ServerConfig& out) {
  constexpr std::string_view kKey = "canal.destinations";
  auto list = file.text(kKey);
  if (!list) {
    out.destinations_origin = file.missing(kKey);
    file.diagnostics().error(
        out.destinations_origin,
        "no destination: list the directories under the conf directory that "
        "hold an instance.properties, e.g. canal.destinations=test" +
            found_destinations(file.path()));
    return;
  }
  out.destinations_origin = list->origin;
  for (std::string_view piece : split(list->value, ',')) {
    const std::string_view name = trim(piece);
    if (name.empty()) continue;
    if (name == "." || name == ".." ||
        name.find_first_of("/\\") != std::string_view::npos) {
      file.diagnostics().error(list->origin,
                               "`" + std::string(name) +
                                   "` is not a destination name: each names "
                                   "a directory directly under the conf "
                                   "directory");
      continue;
    }
    bool repeated = false;
    for (const std::string& d : out.destinations) repeated |= d == name;
    if (repeated) {
      file.diagnostics().warning(
          list->origin,
          "destination `" + std::string(name) + "` is listed twice");
      continue;
    }
    out.destinations.emplace_back(name);
  }
  if (out.destinations.empty()) {
    file.diagnostics().error(list->origin,
                             "no destination: e.g. canal.destinations=test" +
                                 found_destinations(file.path()));
  }
}

void read_server_mode(SettingsReader& file, ServerConfig& out) {
  auto mode = file.text("canal.serverMode");
  if (!mode) return;
  if (!iequals(mode->value, "kafka")) {
    file.diagnostics().error(
        mode->origin,
        "`" + mode->value +
            "`: sluice publishes to Kafka only; set canal.serverMode=kafka "
            "(canal's tcp, rocketMQ, rabbitMQ and pulsarMQ modes have no "
            "sluice counterpart)");
    return;
  }
  out.server_mode = "kafka";
}

void read_format(SettingsReader& file, ServerConfig& out) {
  out.format_origin = Origin{"", 0, "canal.mq.flatMessage"};
  if (auto flat = file.boolean("canal.mq.flatMessage")) {
    out.format =
        flat->value ? MessageFormat::kFlat : MessageFormat::kCanalProtobuf;
    out.format_origin = flat->origin;
  }
  auto format = file.text("sluice.mq.format");
  if (!format) return;
  if (format->value == "flat") {
    out.format = MessageFormat::kFlat;
  } else if (format->value == "canal-pb") {
    out.format = MessageFormat::kCanalProtobuf;
  } else if (format->value == "sluice") {
    out.format = MessageFormat::kSluice;
  } else {
    file.diagnostics().error(
        format->origin,
        "expected flat, canal-pb or sluice, got `" + format->value + "`");
    return;
  }
  out.format_origin = format->origin;
}

}  // namespace

bool is_kafka_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void read_server_settings(SettingsReader& file, ServerConfig& out) {
  out.path = file.path();
  read_destinations(file, out);
  read_server_mode(file, out);
  if (auto port = file.unsigned_integer("canal.metrics.pull.port", 1,
                                        std::numeric_limits<uint16_t>::max())) {
    out.metrics_port = static_cast<uint16_t>(port->value);
  }
  read_format(file, out);
  if (auto b = file.boolean("canal.mq.transaction")) {
    out.transactional = b->value;
  }
  if (auto b = file.boolean("canal.mq.database.hash")) {
    out.database_hash = b->value;
  }
  if (auto b = file.boolean("canal.instance.filter.transaction.entry")) {
    out.filter_transaction_entry = b->value;
  }
  if (auto topic = file.text("sluice.meta.topic")) {
    if (is_kafka_topic_name(topic->value)) {
      out.meta_topic = topic->value;
    } else {
      file.diagnostics().error(topic->origin,
                               "`" + topic->value +
                                   "` is not a Kafka topic name (1 to 249 of "
                                   "a-z A-Z 0-9 . _ -)");
    }
  }
  if (auto rows =
          file.unsigned_integer("sluice.batch.rows", 1, kMaxBatchRows)) {
    out.batch_rows = rows->value;
  }
  if (auto bytes = file.unsigned_integer("sluice.batch.bytes", kMinBatchBytes,
                                         kMaxBatchBytes)) {
    out.batch_bytes = bytes->value;
  }
  if (auto ms = file.unsigned_integer("sluice.ha.poll.ms", kMinHaPollMs,
                                      kMaxHaPollMs)) {
    out.ha_poll = std::chrono::milliseconds(static_cast<int64_t>(ms->value));
  }
  if (auto s = file.unsigned_integer("sluice.ha.lock.timeout.s",
                                     kMinHaLockTimeoutS, kMaxHaLockTimeoutS)) {
    out.ha_lock_timeout = std::chrono::seconds(static_cast<int64_t>(s->value));
  }
  if (auto tz = file.text("sluice.timezone")) out.timezone = tz->value;
  if (auto host = file.text("sluice.metrics.host"))
    out.metrics_host = host->value;
}

}  // namespace sluice::config
