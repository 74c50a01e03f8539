#include "app/replica_setup.h"

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

namespace sluice::app {

Status check_server(mysql::ControlConnection& ctl, const FindingLog& log) {
  SLUICE_ASSIGN_OR_RETURN(const auto problems, ctl.check_settings());
  bool fatal = false;
  for (const mysql::SettingProblem& p : problems) {
    const bool error = p.severity == mysql::SettingProblem::Severity::kError;
    fatal = fatal || error;
    log(error ? "error" : "note", p.message);
  }
  if (fatal) {
    return make_error(Errc::kRefused,
                      "the server's settings prevent row-based capture (see "
                      "above)");
  }
  SLUICE_ASSIGN_OR_RETURN(const auto missing, ctl.missing_replication_grants());
  for (const std::string& m : missing) log("warning", m);
  return {};
}

uint32_t derive_server_id(mysql::ControlConnection& ctl, uint32_t own_id) {
  std::random_device rd;
  std::uniform_int_distribution<uint32_t> dist(0x80000000u, 0xfffffffeu);
  std::vector<uint32_t> taken{own_id};
  if (auto hosts = ctl.query("SHOW SLAVE HOSTS")) {
    for (const auto& row : *hosts) {
      if (!row.empty() && row[0])
        taken.push_back(
            static_cast<uint32_t>(std::strtoul(row[0]->c_str(), nullptr, 10)));
    }
  }
  for (;;) {
    const uint32_t id = dist(rd);
    if (std::find(taken.begin(), taken.end(), id) == taken.end()) return id;
  }
}

}  // namespace sluice::app
