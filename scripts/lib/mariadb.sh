# shellcheck shell=bash
# A throwaway MariaDB server from the Debian package, for scripts: quickstart,
# bench, manual experiments. Listens on 127.0.0.1 and a unix socket only, runs
# as root, keeps everything under one directory. tests/integration/
# mariadb_server.cc starts servers the same way for the C++ tests.
#
#   source scripts/lib/mariadb.sh
#   dir=$(mktemp -d)
#   trap 'mariadb_stop; rm -rf "$dir"' EXIT
#   mariadb_start "$dir" [extra mariadbd options...]
#   mariadb_sql "CREATE DATABASE test" "SELECT 1"
#   mariadb_client -t -e "SELECT * FROM test.t"   # raw client, table output
#   mariadb_binlogs                                # binlog paths, in order
#   mariadb_stop
#
# One server per shell at a time. After mariadb_start: MARIADB_DIR,
# MARIADB_SOCKET, MARIADB_PORT (and MARIADB_PID) are exported.

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
_mariadb_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
    return
  fi
  # No python3: try random ports below the ephemeral range until a connect
  # is refused.
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "error: no free TCP port found on 127.0.0.1" >&2
  return 1
}

_mariadb_err_tail() {
  if [[ -s ${1}/err.log ]]; then
    echo "--- last lines of ${1}/err.log:" >&2
    tail -n 25 "${1}/err.log" >&2
  fi
}

# mariadb_start DIR [extra mariadbd options...]
# Creates DIR/data with mariadb-install-db, starts mariadbd in the background
# with the binlog in ROW format and FULL row metadata (extra options come last
# and so override these), and waits up to 30 s until it answers.
mariadb_start() {
  local dir=${1:?usage: mariadb_start DIR [mariadbd options...]}
  shift
  local tool
  for tool in mariadb-install-db mariadbd mariadb-admin mariadb; do
    if ! PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null 2>&1; then
      echo "error: $tool not found: install the Debian packages mariadb-server and mariadb-client" >&2
      return 1
    fi
  done
  if [[ -n ${MARIADB_PID:-} ]] && kill -0 "$MARIADB_PID" 2>/dev/null; then
    echo "error: a MariaDB started by this shell is still running (pid $MARIADB_PID)" >&2
    return 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)

  # A private TMPDIR: servers bootstrapped at the same time in one temporary
  # directory clash on their temporary table files.
  mkdir -p "$dir/tmp"
  if ! TMPDIR=$dir/tmp PATH=$PATH:/usr/sbin mariadb-install-db --no-defaults \
    --auth-root-authentication-method=normal --datadir="$dir/data" \
    --skip-test-db >"$dir/install.log" 2>&1; then
    echo "error: mariadb-install-db failed; its output:" >&2
    tail -n 25 "$dir/install.log" >&2
    return 1
  fi

  local attempt port pid deadline
  for attempt in 1 2 3; do
    port=$(_mariadb_free_port) || return 1
    rm -f "$dir/err.log"
    PATH=$PATH:/usr/sbin mariadbd --no-defaults --datadir="$dir/data" \
      --socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 \
      --pid-file="$dir/pid" --log-bin="$dir/data/mariadb-bin" --server-id=1 \
      --binlog-format=ROW --binlog-row-metadata=FULL --user=root \
      --log-error="$dir/err.log" --tmpdir="$dir/tmp" "$@" >"$dir/mariadbd.out" 2>&1 &
    pid=$!
    deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
      if mariadb-admin --no-defaults -S "$dir/sock" -uroot ping >/dev/null 2>&1; then
        export MARIADB_DIR=$dir MARIADB_SOCKET=$dir/sock MARIADB_PORT=$port
        export MARIADB_PID=$pid
        return 0
      fi
      if ! kill -0 "$pid" 2>/dev/null; then
        break
      fi
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      echo "error: mariadbd (pid $pid) did not answer on $dir/sock within 30 s" >&2
      _mariadb_err_tail "$dir"
      return 1
    fi
    wait "$pid" 2>/dev/null || true
    # Someone took the port between our check and mariadbd's bind: try another.
    if ((attempt < 3)) && grep -qiE 'address already in use|bind on tcp/ip port' \
      "$dir/err.log" 2>/dev/null; then
      continue
    fi
    echo "error: mariadbd exited during start-up" >&2
    _mariadb_err_tail "$dir"
    return 1
  done
}

# mariadb_client [mariadb client options...]: the mariadb client as root on the
# server's socket, in utf8mb4 whatever the locale.
mariadb_client() {
  : "${MARIADB_SOCKET:?mariadb_start has not run}"
  mariadb --no-defaults -S "$MARIADB_SOCKET" -uroot \
    --default-character-set=utf8mb4 "$@"
}

# mariadb_sql SQL...: runs each argument as one statement (a trailing ';' is
# optional), or the statements on stdin when there is no argument. Output is
# tab-separated without column names; stops at the first error (exit 1).
mariadb_sql() {
  if (($# == 0)); then
    mariadb_client --batch --skip-column-names
    return
  fi
  local stmt
  for stmt in "$@"; do
    while [[ $stmt == *';' || $stmt == *[[:space:]] ]]; do stmt=${stmt%?}; done
    printf '%s;\n' "$stmt"
  done | mariadb_client --batch --skip-column-names
}

# mariadb_binlogs: prints the absolute path of every binlog file the server
# has, oldest first (SHOW BINARY LOGS, in the directory of @@log_bin_basename).
mariadb_binlogs() {
  local base name rest
  base=$(mariadb_sql "SELECT @@log_bin_basename") || return 1
  [[ -n $base && $base != NULL ]] || {
    echo "error: binary logging is off" >&2
    return 1
  }
  mariadb_sql "SHOW BINARY LOGS" | while IFS=$'\t' read -r name rest; do
    printf '%s/%s\n' "$(dirname "$base")" "$name"
  done
}

# mariadb_stop: shuts the server down (SIGKILL after 10 s); no-op when none.
mariadb_stop() {
  local pid=${MARIADB_PID:-}
  [[ -n $pid ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    mariadb-admin --no-defaults -S "$MARIADB_SOCKET" -uroot shutdown \
      >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "warning: mariadbd (pid $pid) ignored shutdown for 10 s; killing it" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  unset MARIADB_PID MARIADB_SOCKET MARIADB_PORT MARIADB_DIR
}
