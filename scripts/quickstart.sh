#!/usr/bin/env bash
# See sluice work in a minute: install what is missing, build, start a
# throwaway MariaDB, write a few test.commission rows, decode its binlog with
# `sluice decode`, follow it with `sluice tail`, then publish it to a local
# Kafka-protocol broker with `sluice run` and read the rows back. As root
# on Debian 12, from any directory. Servers and files are removed on exit.
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
  cmake --build "$ROOT/build" --target sluice sluice-mock-broker; } >"$log" 2>&1; then
  grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" >&2
  rm -f "$log"
  echo "error: the build failed" >&2
  exit 1
fi
rm -f "$log"
SLUICE=$ROOT/build/src/app/sluice

WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/sluice-quickstart.XXXXXX")
cleanup() {
  for pid in ${RUN_PID:-} ${BROKER_PID:-}; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
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

step "sluice run: canal's job - the live stream published to Kafka"
cat <<'TEXT'
    A local Kafka-protocol broker (librdkafka's mock cluster, in memory) gets
    topic commission with 3 partitions. sluice run reads the shipped conf/
    (canal.properties + test/instance.properties: test.commission, hashed by
    id over 3 partitions, Kafka transactions on) with the server and broker
    addresses of this demo, and publishes every change of test.commission.
TEXT
"$ROOT/build/src/app/sluice-mock-broker" --topic commission:3 \
  --topic __sluice_positions:1 --bootstrap-file "$WORKDIR/bootstrap" \
  >/dev/null 2>"$WORKDIR/broker.err" &
BROKER_PID=$!
for _ in $(seq 100); do
  [[ -s $WORKDIR/bootstrap ]] && break
  sleep 0.1
done
BOOTSTRAP=$(<"$WORKDIR/bootstrap")
echo "    broker: $BOOTSTRAP"
mariadb_sql "CREATE USER canal@'127.0.0.1' IDENTIFIED BY 'canal'" \
  "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO canal@'127.0.0.1'"
mkdir -p "$WORKDIR/conf/test"
sed "s|^kafka.bootstrap.servers *=.*|kafka.bootstrap.servers = $BOOTSTRAP|" \
  "$ROOT/conf/canal.properties" >"$WORKDIR/conf/canal.properties"
sed "s|^canal.instance.master.address *=.*|canal.instance.master.address = 127.0.0.1:$MARIADB_PORT|" \
  "$ROOT/conf/test/instance.properties" >"$WORKDIR/conf/test/instance.properties"
echo
echo "    $SLUICE check --conf $WORKDIR/conf"
"$SLUICE" check --conf "$WORKDIR/conf" 2>&1 | grep -v '^note' | sed 's/^/      /' || true

"$SLUICE" run --conf "$WORKDIR/conf" --progress 5 2>"$WORKDIR/run.err" &
RUN_PID=$!
for _ in $(seq 100); do
  grep -q 'streaming at' "$WORKDIR/run.err" 2>/dev/null && break
  sleep 0.1
done
"$SLUICE" consume --brokers "$BOOTSTRAP" --topic commission --new --count 9 \
  >"$WORKDIR/consume.out" 2>"$WORKDIR/consume.err" &
consume_pid=$!
sleep 1
# One row per transaction; the server's clock when each COMMIT returned
# (the next statement of the same session).
declare -A committed
for id in 101 102 103 104 105 106 107 108 109; do
  committed[$id]=$(mariadb_sql "INSERT INTO test.commission (id, user_id, biz_type, amount, created_at) VALUES ($id, 2000, 'ORDER', $id.50, NOW(3))" \
    "SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS UNSIGNED)")
  sleep 0.2
done
for _ in $(seq 100); do
  kill -0 "$consume_pid" 2>/dev/null || break
  sleep 0.1
done
kill "$consume_pid" 2>/dev/null || true
echo
echo "    each row as a consumer receives it: partition (canal's hash of id),"
echo "    key, sluice-pos header, and COMMIT returned -> received by the"
echo "    consumer (through sluice and its Kafka transaction), in ms:"
while read -r part _ key pos _ at _; do
  id=${key#key=}
  printf '      %s  %-8s %-40s %4s ms\n' "$part" "$key" "$pos" \
    "$((${at#at=} - ${committed[$id]:-${at#at=}}))"
done <"$WORKDIR/consume.out"
echo
echo "    the first message in full (canal FlatMessage JSON):"
head -1 "$WORKDIR/consume.out" | cut -d' ' -f7- | sed 's/^/      /'
kill -TERM "$RUN_PID"
wait "$RUN_PID" || true
RUN_PID=
echo
grep -v '^sluice run: note\|Kafka' "$WORKDIR/run.err" | sed 's/^/    /'

cat <<EOF

    Decode any binlog file the same way:
      $SLUICE decode --format flat FILE...
    or follow a server live (sluice tail --help lists every option):
      SLUICE_PASSWORD=... $SLUICE tail --master HOST:PORT --user USER
    or run it as canal's replacement, with canal's own files:
      $SLUICE check --conf DIR && $SLUICE run --conf DIR
EOF
