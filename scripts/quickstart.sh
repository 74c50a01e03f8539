#!/usr/bin/env bash
# See sluice work in a minute: install what is missing, build, start a
# throwaway MariaDB, write a few test.commission rows, and decode its binlog
# with `sluice decode`. As root on Debian 12, from any directory. The server
# and its files are removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=SCRIPTDIR/lib/packages.sh
source "$ROOT/scripts/lib/packages.sh"
# shellcheck source=SCRIPTDIR/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"

step() { printf '\n==> %s\n' "$*"; }

step "Debian packages"
ensure_packages

step "building sluice in build/"
log=$(mktemp)
# Same configuration as scripts/test.sh, so the two share build/.
if ! { cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build "$ROOT/build" --target sluice; } >"$log" 2>&1; then
  grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" >&2
  rm -f "$log"
  echo "error: the build failed" >&2
  exit 1
fi
rm -f "$log"
SLUICE=$ROOT/build/src/app/sluice

WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/sluice-quickstart.XXXXXX")
cleanup() {
  mariadb_stop
  rm -rf "$WORKDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "starting a temporary MariaDB (binlog_format=ROW, binlog_row_metadata=FULL)"
mariadb_start "$WORKDIR"
echo "    listening on 127.0.0.1:$MARIADB_PORT and $MARIADB_SOCKET"

step "writing to test.commission"
mariadb_sql <<'SQL'
CREATE DATABASE test;
CREATE TABLE test.commission (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, biz_type VARCHAR(32) NOT NULL, amount DECIMAL(18,2) NOT NULL, status TINYINT NOT NULL DEFAULT 0, remark VARCHAR(64) NULL, created_at DATETIME(3) NOT NULL) DEFAULT CHARSET=utf8mb4;
INSERT INTO test.commission (user_id, biz_type, amount, status, remark, created_at) VALUES
  (1001, 'ORDER',  129.90, 0, 'first order',  '2024-05-01 10:00:00.125'),
  (1002, 'ORDER',   15.00, 0, NULL,           '2024-05-01 10:00:01.250'),
  (1001, 'REWARD',   5.25, 1, 'weekly bonus', '2024-05-01 10:00:02.500'),
  (1003, 'REFUND', -20.00, 0, 'merci 🎉',     '2024-05-01 10:00:03.000');
UPDATE test.commission SET status = 1, remark = 'settled' WHERE id = 1;
DELETE FROM test.commission WHERE id = 2;
FLUSH BINARY LOGS;
SQL
mariadb_client --table -e "SELECT * FROM test.commission"
mapfile -t BINLOGS < <(mariadb_binlogs)

step "sluice decode --format flat ${BINLOGS[*]##*/}"
cat <<'EOF'
    Each line below is one canal FlatMessage, the JSON that canal publishes to
    Kafka with canal.mq.flatMessage=true, carrying one change: "type" is
    INSERT, UPDATE or DELETE ("data" holds the row, "old" the previous values
    of the columns an UPDATE changed, "pkNames" the primary key), or for DDL
    the statement's kind, with "isDdl": true and the statement in "sql".
    Column names come from the binlog's FULL row metadata.
EOF
echo
"$SLUICE" decode --format flat "${BINLOGS[@]}"

step "sluice tail: the same messages live, as a replica of the server"
mariadb_sql "CREATE USER repl@'127.0.0.1' IDENTIFIED BY 'quickstart-pw'" \
  "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO repl@'127.0.0.1'"
cat <<EOF
    SLUICE_PASSWORD=... $SLUICE tail --master 127.0.0.1:$MARIADB_PORT \\
        --user repl --filter 'test\.commission'
    (registers as a replica, starts at the server's current position, and
    prints each change as it is committed; progress goes to stderr)
EOF
echo
SLUICE_PASSWORD=quickstart-pw "$SLUICE" tail --master "127.0.0.1:$MARIADB_PORT" \
  --user repl --filter 'test\.commission' --progress 0 \
  >"$WORKDIR/tail.out" 2>"$WORKDIR/tail.err" &
tail_pid=$!
for _ in $(seq 100); do
  grep -q 'streaming from' "$WORKDIR/tail.err" 2>/dev/null && break
  sleep 0.1
done
mariadb_sql "INSERT INTO test.commission (user_id, biz_type, amount, created_at) VALUES (1004, 'INVITE', 8.80, NOW(3))" \
  "UPDATE test.commission SET amount = amount + 1 WHERE id = 3"
for _ in $(seq 100); do
  (($(wc -l <"$WORKDIR/tail.out") >= 2)) && break
  sleep 0.1
done
kill -TERM "$tail_pid"
wait "$tail_pid" || true
cat "$WORKDIR/tail.out"
echo
sed 's/^/    /' "$WORKDIR/tail.err"

cat <<EOF

    Decode any binlog file the same way:
      $SLUICE decode --format flat FILE...
    or follow a server live (sluice tail --help lists every option):
      SLUICE_PASSWORD=... $SLUICE tail --master HOST:PORT --user USER
    Later milestones extend this script to the full pipeline: the live
    stream published to Kafka.
EOF
