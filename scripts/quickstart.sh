#!/usr/bin/env bash
# See sluice work in a minute: install what is missing, build, start a
# throwaway MariaDB, write a few test.commission rows, decode its binlog with
# `sluice decode`, follow it with `sluice tail`; then the seed's business: a
# local Kafka-protocol broker, two `sluice run` nodes (active and standby),
# the commission-summary consumer, income rows written and summed, /metrics,
# and the leader killed while the standby takes over. As root on Debian 12,
# from any directory. Servers and files are removed on exit.
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
  for pid in ${RUN_PIDS:-} ${CONSUMER_PID:-} ${BROKER_PID:-}; do
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

step "the business: sluice run as canal's replacement, active and standby"
cat <<'TEXT'
    The seed's system: users' income rows in test.commission; sluice
    publishes every change to Kafka (topic commission, 3 partitions hashed by
    id, Kafka transactions on); a consumer keeps commission_summary, the
    per-user totals the app shows. Here the broker is librdkafka's mock
    cluster (Kafka's protocol, in memory), and two sluice nodes run the same
    shipped conf/: the one holding the MySQL lock GET_LOCK('sluice.test')
    publishes, the other stands by - no ZooKeeper.
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
# The earlier demos' rows go, before sluice starts: the summary starts from
# an empty table.
mariadb_sql "DELETE FROM test.commission" \
  "CREATE USER canal@'127.0.0.1' IDENTIFIED BY 'canal'" \
  "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO canal@'127.0.0.1'" \
  "CREATE USER summary@'127.0.0.1' IDENTIFIED BY 'summary-pw'" \
  "GRANT ALL ON test.* TO summary@'127.0.0.1'"
mkdir -p "$WORKDIR/conf/test"
sed -e "s|^kafka.bootstrap.servers *=.*|kafka.bootstrap.servers = $BOOTSTRAP|" \
  -e "s|^sluice.metrics.host *=.*|sluice.metrics.host = 127.0.0.1|" \
  "$ROOT/conf/canal.properties" >"$WORKDIR/conf/canal.properties"
sed "s|^canal.instance.master.address *=.*|canal.instance.master.address = 127.0.0.1:$MARIADB_PORT|" \
  "$ROOT/conf/test/instance.properties" >"$WORKDIR/conf/test/instance.properties"
echo
echo "    $SLUICE check --conf $WORKDIR/conf"
"$SLUICE" check --conf "$WORKDIR/conf" 2>&1 | grep -v '^note' | sed 's/^/      /' || true

# start_node N: `sluice run` node N (stderr in node-N.err, metrics on a free
# port in NODE_PORT[N]); waits until it leads or stands by.
declare -A NODE_PID NODE_PORT
start_node() {
  "$SLUICE" run --conf "$WORKDIR/conf" --progress 0 --metrics-port 0 \
    2>"$WORKDIR/node-$1.err" &
  NODE_PID[$1]=$!
  RUN_PIDS="${RUN_PIDS:-} ${NODE_PID[$1]}"
  for _ in $(seq 100); do
    grep -q 'streaming at\|standing by' "$WORKDIR/node-$1.err" 2>/dev/null && break
    sleep 0.1
  done
  NODE_PORT[$1]=$(sed -n 's|.*metrics on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORKDIR/node-$1.err")
}
# http_get PORT PATH: the response (status line, headers, body), by bash
# alone.
http_get() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\n\r\n' "$2" >&3
  cat <&3
  exec 3<&-
}
# show_node N: what node N logged, without the start-up notes.
show_node() { grep -v '^sluice run: note' "$WORKDIR/node-$1.err" | sed 's/^/      /'; }
start_node 1
start_node 2
echo
echo "    node 1 (metrics on port ${NODE_PORT[1]}):"
show_node 1
echo "    node 2 (metrics on port ${NODE_PORT[2]}):"
show_node 2

step "the summary consumer (examples/commission-summary)"
cat <<'TEXT'
    It reads topic commission (read_committed) and, in one MySQL transaction
    per batch, adds each change to commission_summary and stores the last
    sluice-pos header applied per partition: a change delivered twice is
    recognised by its position and skipped, so totals never double-count.
TEXT
SUMMARY_PASSWORD=summary-pw /usr/bin/python3 \
  "$ROOT/examples/commission-summary/summary_consumer.py" \
  --brokers "$BOOTSTRAP" --mysql "127.0.0.1:$MARIADB_PORT" --user summary \
  --database test >"$WORKDIR/consumer.out" 2>&1 &
CONSUMER_PID=$!
for _ in $(seq 300); do
  grep -q 'assigned' "$WORKDIR/consumer.out" 2>/dev/null && break
  sleep 0.1
done

# income N: N single-row INSERT transactions of users 1001-1005, each
# stamped with NOW(3) (the consumer measures write->summary latency from
# it), 20 ms apart.
income() {
  local i types=(ORDER REWARD INVITE REFUND)
  for ((i = 0; i < $1; i++)); do
    printf "INSERT INTO test.commission (user_id, biz_type, amount, created_at) VALUES (%d, '%s', %d.%02d, NOW(3));\nDO SLEEP(0.02);\n" \
      $((1001 + RANDOM % 5)) "${types[RANDOM % 4]}" $((RANDOM % 200)) $((RANDOM % 100))
  done | mariadb_client
}
# summary_matches: true once commission_summary equals the GROUP BY of the
# source; waits up to 10 s.
summary_matches() {
  local want got
  want=$(mariadb_sql "SELECT user_id, biz_type, SUM(amount), COUNT(*) FROM test.commission GROUP BY 1, 2 ORDER BY 1, 2")
  for _ in $(seq 100); do
    got=$(mariadb_sql "SELECT user_id, biz_type, total_amount, row_count FROM test.commission_summary ORDER BY 1, 2" 2>/dev/null || true)
    [[ $got == "$want" ]] && return 0
    sleep 0.1
  done
  return 1
}

echo "    writing 200 income rows, one transaction each, 20 ms apart, then"
echo "    moving the first to another user and type and deleting the last..."
income 200
mariadb_sql "UPDATE test.commission SET user_id = 1005, biz_type = 'REWARD' ORDER BY id LIMIT 1" \
  "DELETE FROM test.commission ORDER BY id DESC LIMIT 1"
if summary_matches; then
  echo "    commission_summary equals SELECT user_id, biz_type, SUM(amount), COUNT(*) ... GROUP BY:"
else
  echo "    warning: commission_summary differs from the source's GROUP BY:" >&2
fi
mariadb_client --table -e "SELECT * FROM test.commission_summary ORDER BY user_id, biz_type LIMIT 8"

step "what Prometheus sees: /metrics and /ready"
http_get "${NODE_PORT[1]}" /metrics |
  grep -E '^(canal_instance_transactions|canal_instance_traffic_delay|sluice_rows_published_total|sluice_leader|sluice_lag_seconds|sluice_kafka_commit_seconds_(count|sum))' |
  sed 's/^/    /' || true
for n in 1 2; do
  printf '    node %s /ready: %s\n' "$n" \
    "$(http_get "${NODE_PORT[$n]}" /ready | sed -n '1s/\r$//p;$p' | paste -sd ' ')"
done

step "failover: kill -9 the leader; the standby takes over"
kill -9 "${NODE_PID[1]}"
wait "${NODE_PID[1]}" 2>/dev/null || true
t0=$(date +%s%N)
for _ in $(seq 300); do
  grep -q 'streaming at' "$WORKDIR/node-2.err" && break
  sleep 0.01
done
echo "    node 2 streams $((($(date +%s%N) - t0) / 1000000)) ms after node 1 died:"
show_node 2
echo "    writing 100 more rows..."
income 100
if summary_matches; then
  echo "    commission_summary still equals the GROUP BY: no row lost, none counted twice."
else
  echo "    warning: commission_summary differs from the source's GROUP BY" >&2
fi
kill -TERM "$CONSUMER_PID"
wait "$CONSUMER_PID" || true
CONSUMER_PID=
sed 's/^/    /' "$WORKDIR/consumer.out"

cat <<EOF

    Decode any binlog file the same way:
      $SLUICE decode --format flat FILE...
    or follow a server live (sluice tail --help lists every option):
      SLUICE_PASSWORD=... $SLUICE tail --master HOST:PORT --user USER
    or run it as canal's replacement with canal's own files, on two hosts:
      $SLUICE check --conf DIR && $SLUICE run --conf DIR
EOF
