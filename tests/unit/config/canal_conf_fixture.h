// Test fixture for load_canal_config: a conf directory under a fresh
// temporary directory (removed at the end), a scoped environment variable,
// and lookups of problems, notes and Kafka properties by name.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "config/canal_config.h"

namespace sluice::config::testing {

// A conf directory under a fresh temporary directory, removed at the end.
class TempConf {
 public:
  TempConf() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sluice-conf-XXXXXX")
            .string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
  }
  ~TempConf() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempConf(const TempConf&) = delete;
  TempConf& operator=(const TempConf&) = delete;

  void write(const std::string& relative, std::string_view text) const {
    const std::filesystem::path p = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string path(const std::string& relative) const {
    return (std::filesystem::path(dir_) / relative).string();
  }
  [[nodiscard]] CanalConfig load(const std::string& only = "") const {
    auto config = load_canal_config(dir_, only);
    REQUIRE(config);
    return *config;
  }

 private:
  std::string dir_;
};

// An environment variable set for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) {
      old_ = old;
      had_old_ = true;
    }
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_old_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::string old_;
  bool had_old_ = false;
};

inline constexpr std::string_view kInstance =
    "canal.instance.master.address=127.0.0.1:3306\n"  // 1
    "canal.instance.dbUsername=canal\n"               // 2
    "canal.instance.dbPassword=canal\n"               // 3
    "canal.mq.topic=commission\n";                    // 4

// A conf dir with destination `test` and the given canal.properties body
// appended after `canal.destinations=test` (line 1).
inline void write_conf(const TempConf& conf, std::string_view server_rest,
                       std::string_view instance = kInstance) {
  conf.write("canal.properties",
             "canal.destinations=test\n" + std::string(server_rest));
  conf.write("test/instance.properties", instance);
}

inline std::string describe(const CanalConfig& c) {
  std::string out;
  for (const Problem& p : c.problems) {
    out += (p.severity == Problem::Severity::kError ? "error " : "warning ") +
           p.origin.text() + ": " + p.message + "\n";
  }
  for (const std::string& n : c.notes) out += "note " + n + "\n";
  return out;
}

// The one problem at `where` (an Origin::text()).
inline const Problem& problem_at(const CanalConfig& c,
                                 const std::string& where) {
  const Problem* found = nullptr;
  size_t count = 0;
  for (const Problem& p : c.problems) {
    if (p.origin.text() == where) {
      found = &p;
      ++count;
    }
  }
  INFO(describe(c));
  INFO("looking for " << where);
  REQUIRE(count == 1);
  return *found;
}

inline bool is_error(const Problem& p) {
  return p.severity == Problem::Severity::kError;
}

inline std::string kafka_value(const CanalConfig& c, std::string_view name) {
  const KafkaProperty* p = c.server.kafka_property(name);
  REQUIRE(p != nullptr);
  return p->value;
}

inline size_t notes_containing(const CanalConfig& c, std::string_view text) {
  size_t n = 0;
  for (const std::string& note : c.notes) {
    if (note.find(text) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace sluice::config::testing
