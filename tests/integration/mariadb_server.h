// A throwaway MariaDB server for integration tests: mariadb-install-db and
// mariadbd from the Debian package in a fresh /tmp directory, listening on a
// unix socket and a free port on 127.0.0.1, with the binlog in ROW format and
// FULL row metadata unless the extra options say otherwise. It starts exactly
// like scripts/lib/mariadb.sh's mariadb_start. Test code only: failures throw.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct st_mysql;  // MYSQL from libmariadb's <mysql.h>

namespace sluice::testing {

class MariaDbServer {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL

  // Starts the server and waits (up to 30 s) until it accepts a connection.
  // `extra_options` are appended to mariadbd's command line, so they override
  // the defaults, e.g. {"--binlog-row-metadata=MINIMAL",
  // "--binlog-row-image=MINIMAL"}. Throws std::runtime_error naming what to
  // install when mariadbd is missing, and quoting err.log when it fails to
  // start. mariadbd gets SIGKILL if the thread that created the server exits,
  // so a crashed or killed test leaves no server behind: create and destroy a
  // server on the same thread.
  explicit MariaDbServer(std::vector<std::string> extra_options = {});

  // Shuts the server down (SIGKILL after 10 s) and removes its directory,
  // unless the environment variable SLUICE_KEEP_MARIADB_DIR is set.
  ~MariaDbServer();

  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  // Runs SQL as root on the server's connection; several statements separated
  // by ';' are allowed. Result sets are discarded. Throws with the server's
  // error text and the SQL.
  void execute(std::string_view sql);

  // Runs one statement and returns the rows of its result set as text (empty
  // for a statement without one). Throws like execute.
  std::vector<Row> query(std::string_view sql);

  // Issues FLUSH BINARY LOGS (so every earlier file is complete and ends with
  // a ROTATE event) and returns the absolute paths of all binlog files, oldest
  // first. The last one is the new, nearly empty current file.
  std::vector<std::string> binlog_files();

  // Shuts the server down cleanly and starts it again on the same port and
  // data directory (clients see their connections drop). Throws when it
  // does not come back.
  void restart();

  int port() const { return port_; }
  std::string socket_path() const { return dir_ + "/sock"; }
  std::string dir() const { return dir_; }

 private:
  void start(const std::vector<std::string>& extra_options);
  // Starts mariadbd with mariadbd_args_ and waits until it accepts a
  // connection; false when it exited during start-up.
  bool launch();
  void shutdown() noexcept;  // the server only; the directory stays
  void stop() noexcept;
  std::string err_log_tail() const;

  std::string dir_;
  std::vector<std::string> mariadbd_args_;
  int port_ = 0;
  pid_t pid_ = -1;
  st_mysql* conn_ = nullptr;  // owned; closed by stop()
};

}  // namespace sluice::testing
