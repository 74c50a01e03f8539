// Steps `sluice tail` and `sluice run` share before streaming: checking
// the server's replication settings and grants, and choosing a replica
// server id no other replica uses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.h"
#include "mysql/control_connection.h"
#include "schema/schema_cache.h"

namespace sluice::app {

// Receives one line per finding: severity ("error", "note", "warning") and
// the message.
using FindingLog =
    std::function<void(const char* severity, const std::string& message)>;

// Logs every problem with binlog settings (binlog_format, row image, ...)
// and every missing replication grant; kRefused when a setting makes
// replication impossible. SHOW GRANTS does not show privileges that come
// through a role, so a missing grant is a warning; the server refuses what
// it must.
[[nodiscard]] Status check_server(mysql::ControlConnection& ctl,
                                  const FindingLog& log);

// A server id no other replica of this server uses and not the server's
// own: random in the upper half of the range, checked against SHOW SLAVE
// HOSTS when the user may run it.
[[nodiscard]] uint32_t derive_server_id(mysql::ControlConnection& ctl,
                                        uint32_t own_id);

// information_schema through the control connection, which is renewed
// once when it was lost (server restart, wait_timeout): a schema lookup
// then costs a reconnect of that connection only, not of the stream.
class RenewingSchemaSource final : public schema::SchemaSource {
 public:
  // `renew` reconnects the control connection; `lost` is told why first.
  RenewingSchemaSource(schema::SchemaSource& inner,
                       std::function<Status()> renew,
                       std::function<void(const std::string&)> lost)
      : inner_(inner), renew_(std::move(renew)), lost_(std::move(lost)) {}

  Result<std::optional<schema::TableSchema>> load(
      std::string_view schema, std::string_view table) override {
    auto loaded = inner_.load(schema, table);
    if (loaded || loaded.error().code != Errc::kIo) return loaded;
    lost_(loaded.error().message);
    SLUICE_RETURN_IF_ERROR(renew_());
    return inner_.load(schema, table);
  }

 private:
  schema::SchemaSource& inner_;
  std::function<Status()> renew_;
  std::function<void(const std::string&)> lost_;
};

}  // namespace sluice::app
