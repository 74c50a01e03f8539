#include "config/canal_config.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "common/text.h"
#include "config/canal_keys.h"
#include "config/config_sections.h"
#include "config/properties.h"
#include "config/settings_reader.h"

namespace sluice::config {
namespace {

namespace fs = std::filesystem;

// A parse error of `path` ("<path>:<line>: <what>") as a Problem at that
// line.
void report_parse_error(Diagnostics& d, const std::string& path,
                        std::string message) {
  Origin where{path, 0, ""};
  if (message.rfind(path + ":", 0) == 0) {
    const size_t colon = message.find(": ", path.size() + 1);
    size_t line = 0;
    if (colon != std::string::npos &&
        parse_number(std::string_view(message).substr(path.size() + 1,
                                                      colon - path.size() - 1),
                     line)) {
      where.line = line;
      message.erase(0, colon + 2);
    }
  }
  d.error(std::move(where), std::move(message));
}

// Every entry no reader asked for: a setting of the other file, an unused
// canal key (a note, or a Problem when its value changes what canal
// publishes) or an unknown key (a warning, with the closest known key).
void classify_unread(SettingsReader& file, KeyScope scope) {
  Diagnostics& d = file.diagnostics();
  for (const SettingEntry& e : file.entries()) {
    if (e.read) continue;
    const std::string& key = e.property->key;
    const Origin where = file.origin(e);
    if (const auto read_scope = read_key_scope(key)) {
      if (*read_scope == KeyScope::kServer && scope == KeyScope::kInstance) {
        d.warning(where,
                  "sluice reads this key from canal.properties only; here it "
                  "has no effect");
      }
      continue;
    }
    if (const UnusedKey* unused = unused_key(key)) {
      const std::string_view value = trim(e.property->value);
      if (!unused->if_true.empty() && iequals(value, "true")) {
        d.add(unused->if_true_severity, where, std::string(unused->if_true));
      } else if (key == "canal.zkServers" && !value.empty()) {
        d.unused(where,
                 "HA uses the MySQL advisory lock GET_LOCK('sluice.<"
                 "destination>') instead of ZooKeeper");
      } else {
        d.unused(where, unused->reason);
      }
      continue;
    }
    const std::string suggestion = closest_key(key);
    d.warning(where,
              suggestion.empty()
                  ? "unknown key: neither canal nor sluice reads it; check "
                    "the spelling"
                  : "unknown key: did you mean " + suggestion + "?");
  }
}

}  // namespace

std::string Origin::text() const {
  if (file.empty()) return key;
  std::string out = file;
  if (line != 0) out += ":" + std::to_string(line);
  if (!key.empty()) out += ": " + key;
  return out;
}

const KafkaProperty* ServerConfig::kafka_property(std::string_view name) const {
  for (const KafkaProperty& p : kafka) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool CanalConfig::has_errors() const {
  return std::any_of(problems.begin(), problems.end(), [](const Problem& p) {
    return p.severity == Problem::Severity::kError;
  });
}

Result<CanalConfig> load_canal_config(const std::string& conf_dir,
                                      const std::string& only_destination) {
  const fs::path dir(conf_dir);
  const std::string server_path = (dir / "canal.properties").string();
  std::error_code ec;
  if (!fs::is_regular_file(server_path, ec)) {
    return make_error(Errc::kUsage,
                      server_path +
                          " not found: --conf DIR should point at canal's "
                          "conf directory, the one holding canal.properties "
                          "and a directory per destination");
  }
  auto server_file = read_properties(server_path);
  if (!server_file) {
    Error e = std::move(server_file.error());
    if (e.code == Errc::kIo) {
      e.message = "cannot read " + server_path +
                  ": --conf DIR should point at canal's conf directory, and "
                  "sluice needs permission to read it";
    }
    return tl::unexpected(std::move(e));
  }

  CanalConfig config;
  Diagnostics diagnostics;
  SettingsReader server(std::move(*server_file), nullptr, "", diagnostics);
  read_server_settings(server, config.server);
  read_kafka_settings(server, config.server);
  std::vector<std::string> selected = config.server.destinations;
  if (!only_destination.empty()) {
    const auto& all = config.server.destinations;
    if (std::find(all.begin(), all.end(), only_destination) == all.end()) {
      diagnostics.error(config.server.destinations_origin,
                        "destination `" + only_destination +
                            "` is not in canal.destinations; add it there "
                            "or pick one of the listed ones");
      selected.clear();
    } else {
      selected = {only_destination};
    }
  }

  for (const std::string& destination : selected) {
    const std::string path =
        (dir / destination / "instance.properties").string();
    std::error_code file_ec;
    if (!fs::is_regular_file(path, file_ec)) {
      diagnostics.error(config.server.destinations_origin,
                        "destination `" + destination + "`: " + path +
                            " not found; create it (canal's "
                            "example/instance.properties is a start) or "
                            "remove the destination");
      continue;
    }
    auto instance_file = read_properties(path);
    if (!instance_file) {
      report_parse_error(diagnostics, path,
                         std::move(instance_file.error().message));
      continue;
    }
    SettingsReader instance(std::move(*instance_file), &server, destination,
                            diagnostics);
    config.instances.push_back(read_instance_settings(instance, destination));
    classify_unread(instance, KeyScope::kInstance);
  }
  classify_unread(server, KeyScope::kServer);
  diagnostics.finish(config.problems, config.notes);
  return config;
}

}  // namespace sluice::config
