#!/usr/bin/env bash
# Benchmarks that print figures; they never pass or fail on a number.
#
#   scripts/bench.sh decode   1,000,000-row test.commission binlog from a
#                             temporary MariaDB; `sluice decode --format flat`
#                             vs `mariadb-binlog -v`, alternating, 3 rounds
#                             each; then tests/bench/bench_decode if built
#   scripts/bench.sh tail     a ~1 GiB backlog on a temporary MariaDB streamed
#                             over loopback by `sluice tail` vs `mariadb-binlog
#                             --read-from-remote-server -v`, alternating
#
# As root on Debian 12, from any directory. Builds Release into build-release/.
# Knobs (environment): SLUICE_BENCH_TXNS (decode: default 1000 transactions
# of 1000 rows), SLUICE_BENCH_TAIL_MIB (tail: backlog size, default 1024),
# SLUICE_BENCH_ROUNDS (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=SCRIPTDIR/lib/packages.sh
source "$ROOT/scripts/lib/packages.sh"
# shellcheck source=SCRIPTDIR/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"

BUILD=$ROOT/build-release

usage() {
  cat <<'EOF'
usage: scripts/bench.sh COMMAND

commands:
  decode   generate a 1,000,000-row test.commission binlog (1000-row
           transactions) on a temporary MariaDB, then time
           `sluice decode --format flat` against `mariadb-binlog -v`
           (alternating, 3 rounds each) and run tests/bench/bench_decode
  tail     generate a ~1 GiB backlog of 1000-row transactions on a temporary
           MariaDB, then stream it over loopback with `sluice tail
           --stop-at-end` against `mariadb-binlog --read-from-remote-server
           -v` (alternating, 3 rounds each); rows/s and MB/s
  kafka    issue 5's figures, `sluice run` into a local mock Kafka cluster:
           G2 catch-up of a ~1 GiB backlog of 1000-row transactions and of
           one of single-row transactions, until the last row's Kafka
           transaction is committed (rows/s), with G5 peak and final RSS
           and G6 CPU microseconds per row, beside the Kafka client's own
           floor for as many messages (tests/bench/bench_produce); G3 60 s
           of live 1000-row transactions at 70 txn/s with commit->visible
           lag; G4 commit->visible latency at 4,000 single-row txn/s,
           transactional and not, and the mock broker's own floor
           (tests/bench/bench_live) and a Kafka transaction's own cost
           (tests/bench/bench_produce --batch 1); G7 encode and route time per row
           (tests/bench/bench_encode)
  ha       issue 6's figures: two `sluice run` nodes on conf/ and the
           summary consumer (examples/commission-summary) under steady
           single-row income load: write->summary latency p50/p99, then
           failover time after kill -9 of the leader and after freezing it
           (SIGSTOP) past sluice.ha.lock.timeout.s, SLUICE_BENCH_ROUNDS
           rounds each, and whether the summary still equals the GROUP BY

environment: SLUICE_BENCH_TAIL_MIB / SLUICE_BENCH_KAFKA_MIB (backlog size,
default 1024), SLUICE_BENCH_KAFKA_SINGLE_MIB (single-row backlog, default
SLUICE_BENCH_KAFKA_MIB), SLUICE_BENCH_LIVE_SECONDS (G3, default 60),
SLUICE_BENCH_ROUNDS (default 3)
EOF
}

step() { printf '==> %s\n' "$*"; }

now_ns() { date +%s%N; }

# seconds START_NS END_NS: elapsed seconds with 3 decimals.
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# build_release TARGET...: configures build-release/ (Release) and builds the
# targets that exist; output only on failure.
build_release() {
  local log=$WORK/build.log target
  local -a targets=()
  if ! cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    >"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
  for target in "$@"; do
    if ninja -C "$BUILD" -t query "$target" >/dev/null 2>&1; then
      targets+=("$target")
    fi
  done
  if ((${#targets[@]} == 0)); then
    echo "error: none of the targets $* exists in build-release/" >&2
    return 1
  fi
  if ! cmake --build "$BUILD" --target "${targets[@]}" >"$log" 2>&1; then
    grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" >&2
    return 1
  fi
}

# generate_commission TXNS: TXNS transactions, each one INSERT ... SELECT of
# 1000 rows from the SEQUENCE engine, with values that vary in every column
# (NULL remarks, multi-byte text, negative amounts, millisecond times).
generate_commission() {
  mariadb_sql "CREATE DATABASE test" \
    "CREATE TABLE test.commission (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, biz_type VARCHAR(32) NOT NULL, amount DECIMAL(18,2) NOT NULL, status TINYINT NOT NULL DEFAULT 0, remark VARCHAR(64) NULL, created_at DATETIME(3) NOT NULL) DEFAULT CHARSET=utf8mb4"
  generate_more_commission 0 "$1"
}

# generate_more_commission FIRST COUNT: transactions FIRST .. FIRST+COUNT-1.
generate_more_commission() {
  local first=$1 count=$2 i
  for ((i = first; i < first + count; i++)); do
    # n = i * 1000 + seq numbers the rows 1..TXNS*1000.
    printf '%s\n' "INSERT INTO test.commission (user_id, biz_type, amount, status, remark, created_at)
SELECT 1 + ($i * 1000 + seq) * 7919 % 200000,
       ELT(1 + ($i + seq) % 5, 'ORDER', 'REFUND', 'REWARD', 'ADJUST', 'WITHDRAW'),
       CAST((($i * 1000 + seq) * 104729 % 2000000) / 100 - 5000 AS DECIMAL(18,2)),
       ($i + seq) % 4,
       IF(seq % 10 = 0, NULL,
          CONCAT('order ', $i, '-', seq, IF(seq % 7 = 0, ' 感谢 🎉', ''))),
       TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (($i * 1000 + seq) * 3) SECOND
         + INTERVAL (seq * 7 % 1000) * 1000 MICROSECOND
FROM test.seq_1_to_1000;"
  done | mariadb_sql
}

# alternate_rounds ROUNDS SLUICE_LABEL PEER_LABEL: runs the caller's
# run_sluice and run_peer functions alternately ROUNDS times, output to
# /dev/null, and fills SLUICE_TIMES and PEER_TIMES with their seconds.
alternate_rounds() {
  local rounds=$1 r t0 t1 which
  local -a labels=("$2" "$3")
  SLUICE_TIMES=()
  PEER_TIMES=()
  for ((r = 1; r <= rounds; r++)); do
    for which in 0 1; do
      t0=$(now_ns)
      if ! { if ((which == 0)); then run_sluice; else run_peer; fi; } \
        >/dev/null 2>"$WORK/run.err"; then
        echo "error: ${labels[which]} failed:" >&2
        tail -n 20 "$WORK/run.err" >&2
        return 1
      fi
      t1=$(now_ns)
      if ((which == 0)); then
        SLUICE_TIMES+=("$(seconds "$t0" "$t1")")
      else
        PEER_TIMES+=("$(seconds "$t0" "$t1")")
      fi
    done
    printf '    round %d: %s %s s, %s %s s\n' "$r" "${labels[0]}" \
      "${SLUICE_TIMES[-1]}" "${labels[1]}" "${PEER_TIMES[-1]}"
  done
}

# median_and_best VALUES...: prints "MEDIAN BEST" of elapsed times.
median_and_best() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          print m, v[1] }'
}

bench_decode() {
  local txns=${SLUICE_BENCH_TXNS:-1000} rounds=${SLUICE_BENCH_ROUNDS:-3}
  if ! [[ $txns =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SLUICE_BENCH_TXNS and SLUICE_BENCH_ROUNDS must be positive integers" >&2
    return 1
  fi

  step "Debian packages"
  ensure_packages

  step "building build-release/ (Release)"
  build_release sluice bench_decode
  local sluice=$BUILD/src/app/sluice bench=$BUILD/tests/bench/bench_decode
  if [[ ! -x $sluice ]]; then
    echo "error: $sluice was not built (CMake target 'sluice' in src/app)" >&2
    return 1
  fi

  step "generating $((txns * 1000)) rows in $txns transactions on a temporary MariaDB"
  mariadb_start "$WORK/mariadb" --innodb-flush-log-at-trx-commit=2 \
    --innodb-buffer-pool-size=512M
  local t0 t1 rows
  t0=$(now_ns)
  generate_commission "$txns"
  mariadb_sql "FLUSH BINARY LOGS"
  t1=$(now_ns)
  rows=$(mariadb_sql "SELECT COUNT(*) FROM test.commission")
  mkdir -p "$WORK/binlogs"
  local f
  while read -r f; do cp "$f" "$WORK/binlogs/"; done < <(mariadb_binlogs)
  mariadb_stop
  local -a files
  mapfile -t files < <(find "$WORK/binlogs" -type f | sort)
  local bytes
  bytes=$(cat "${files[@]}" | wc -c)
  printf '    %s rows in %s s; %d binlog files, %s MiB\n' "$rows" \
    "$(seconds "$t0" "$t1")" "${#files[@]}" \
    "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"

  step "timing, $rounds rounds each, alternating (output to /dev/null)"
  run_sluice() { "$sluice" decode --format flat "${files[@]}"; }
  run_peer() { mariadb-binlog --no-defaults -v "${files[@]}"; }
  alternate_rounds "$rounds" "sluice" "mariadb-binlog"

  local s_med s_best m_med m_best
  read -r s_med s_best < <(median_and_best "${SLUICE_TIMES[@]}")
  read -r m_med m_best < <(median_and_best "${PEER_TIMES[@]}")
  awk -v n="$rows" -v sm="$s_med" -v sb="$s_best" -v mm="$m_med" -v mb="$m_best" '
    function rate(t) { return t > 0 ? n / t : 0 }
    BEGIN {
      printf "    %-32s %14s %14s\n", "rows/s", "best", "median"
      printf "    %-32s %14.0f %14.0f\n", "sluice decode --format flat", rate(sb), rate(sm)
      printf "    %-32s %14.0f %14.0f\n", "mariadb-binlog -v", rate(mb), rate(mm)
      printf "    %-32s %13.2fx %13.2fx\n", "ratio sluice / mariadb-binlog",
             (sb > 0 ? mb / sb : 0), (sm > 0 ? mm / sm : 0)
    }'

  if [[ -x $bench ]]; then
    step "tests/bench/bench_decode --benchmark_min_time=1"
    # bench_decode may read the generated binlog from SLUICE_BENCH_BINLOG.
    SLUICE_BENCH_BINLOG=${files[0]} "$bench" --benchmark_min_time=1
  else
    step "tests/bench/bench_decode: not built, skipped"
  fi
}

# binlog_bytes: total size of the server's binlog files.
binlog_bytes() {
  mariadb_sql "SHOW BINARY LOGS" | awk '{ s += $2 } END { print s + 0 }'
}

bench_tail() {
  local mib=${SLUICE_BENCH_TAIL_MIB:-1024} rounds=${SLUICE_BENCH_ROUNDS:-3}
  if ! [[ $mib =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SLUICE_BENCH_TAIL_MIB and SLUICE_BENCH_ROUNDS must be positive integers" >&2
    return 1
  fi

  step "Debian packages"
  ensure_packages

  step "building build-release/ (Release)"
  build_release sluice
  local sluice=$BUILD/src/app/sluice

  step "generating a ${mib} MiB backlog (1000-row transactions) on a temporary MariaDB"
  mariadb_start "$WORK/mariadb" --innodb-flush-log-at-trx-commit=2 \
    --innodb-buffer-pool-size=512M
  local password=bench-Repl-pw
  mariadb_sql "CREATE USER repl@'127.0.0.1' IDENTIFIED BY '$password'" \
    "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO repl@'127.0.0.1'"
  local first t0 t1 txns
  first=$(mariadb_sql "SHOW MASTER STATUS" | awk '{ print $1 }')
  t0=$(now_ns)
  generate_commission 500
  txns=500
  while (($(binlog_bytes) < mib * 1048576)); do
    generate_more_commission "$txns" 500
    txns=$((txns + 500))
  done
  mariadb_sql "FLUSH BINARY LOGS"
  t1=$(now_ns)
  local rows bytes
  rows=$(mariadb_sql "SELECT COUNT(*) FROM test.commission")
  bytes=$(binlog_bytes)
  printf '    %s rows in %s s; %s MiB of binlog from %s\n' "$rows" \
    "$(seconds "$t0" "$t1")" \
    "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')" "$first"
  local -a names
  mapfile -t names < <(mariadb_sql "SHOW BINARY LOGS" |
    awk -v f="$first" '$1 >= f { print $1 }')

  step "timing, $rounds rounds each, alternating (output to /dev/null)"
  run_sluice() {
    SLUICE_PASSWORD=$password "$sluice" tail --master "127.0.0.1:$MARIADB_PORT" \
      --user repl --file "$first" --pos 4 --stop-at-end --progress 0
  }
  run_peer() {
    mariadb-binlog --no-defaults --read-from-remote-server --host=127.0.0.1 \
      --port="$MARIADB_PORT" --user=repl --password="$password" -v "${names[@]}"
  }
  alternate_rounds "$rounds" "sluice tail" "mariadb-binlog -R"

  local s_med s_best m_med m_best
  read -r s_med s_best < <(median_and_best "${SLUICE_TIMES[@]}")
  read -r m_med m_best < <(median_and_best "${PEER_TIMES[@]}")
  awk -v n="$rows" -v b="$bytes" -v sm="$s_med" -v sb="$s_best" \
    -v mm="$m_med" -v mb="$m_best" '
    function rate(x, t) { return t > 0 ? x / t : 0 }
    BEGIN {
      printf "    %-32s %12s %12s %10s %10s\n", "", "rows/s best", "median",
             "MB/s best", "median"
      printf "    %-32s %12.0f %12.0f %10.1f %10.1f\n", "sluice tail (flat JSON)",
             rate(n, sb), rate(n, sm), rate(b / 1e6, sb), rate(b / 1e6, sm)
      printf "    %-32s %12.0f %12.0f %10.1f %10.1f\n", "mariadb-binlog -R -v",
             rate(n, mb), rate(n, mm), rate(b / 1e6, mb), rate(b / 1e6, mm)
      printf "    %-32s %11.2fx %11.2fx\n", "ratio sluice / mariadb-binlog",
             (sb > 0 ? mb / sb : 0), (sm > 0 ? mm / sm : 0)
    }'
}


# proc_kib PID FIELD: a "VmHWM:"-style line of /proc/PID/status, in KiB.
proc_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# proc_cpu_ticks PID: user + system clock ticks the process has used.
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# wait_checkpoint FILE POS: until a checkpoint names FILE:POS.
wait_checkpoint() {
  local want="\"file\":\"$1\",\"pos\":$2,"
  for ((;;)); do
    if "$SLUICE" consume --brokers "$BOOTSTRAP" --topic __sluice_positions \
      --until-end 2>/dev/null | grep -qF "$want"; then
      return 0
    fi
    kill -0 "$RUN_PID" 2>/dev/null || return 1
    sleep 0.2
  done
}

# start_broker: a fresh mock cluster (topics commission:3 and
# __sluice_positions:1) in BROKER_PID, its address in BOOTSTRAP.
start_broker() {
  stop_pid BROKER_PID
  rm -f "$WORK/bootstrap"
  "$BUILD/src/app/sluice-mock-broker" --topic commission:3 \
    --topic __sluice_positions:1 --bootstrap-file "$WORK/bootstrap" \
    >/dev/null 2>"$WORK/broker.err" &
  BROKER_PID=$!
  while [[ ! -s $WORK/bootstrap ]]; do sleep 0.1; done
  BOOTSTRAP=$(<"$WORK/bootstrap")
}

# stop_pid VAR: SIGTERM to the process whose pid VAR holds, then wait.
stop_pid() {
  local pid=${!1:-}
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  printf -v "$1" '%s' ''
}

# start_run FILE POS [KEY=VALUE...]: `sluice run` from FILE:POS (current
# end when FILE is empty) into BOOTSTRAP, with extra canal.properties keys;
# RUN_PID. Returns once it streams.
start_run() {
  local file=$1 pos=$2 kv
  shift 2
  mkdir -p "$WORK/conf/test"
  sed "s|^kafka.bootstrap.servers *=.*|kafka.bootstrap.servers = $BOOTSTRAP|" \
    "$ROOT/conf/canal.properties" >"$WORK/conf/canal.properties"
  for kv in "$@"; do printf '%s\n' "$kv" >>"$WORK/conf/canal.properties"; done
  sed -e "s|^canal.instance.master.address *=.*|canal.instance.master.address = 127.0.0.1:$MARIADB_PORT|" \
    -e "s|^canal.instance.master.journal.name *=.*|canal.instance.master.journal.name = $file|" \
    -e "s|^canal.instance.master.position *=.*|canal.instance.master.position = $pos|" \
    "$ROOT/conf/test/instance.properties" >"$WORK/conf/test/instance.properties"
  "$SLUICE" run --conf "$WORK/conf" --progress 0 2>"$WORK/run.err" &
  RUN_PID=$!
  until grep -q 'streaming at' "$WORK/run.err"; do
    if ! kill -0 "$RUN_PID" 2>/dev/null; then
      echo "error: sluice run stopped:" >&2
      tail -n 20 "$WORK/run.err" >&2
      return 1
    fi
    sleep 0.1
  done
}

# catch_up LABEL ROWS BYTES FILE POS END_FILE END_POS: G2, G5 and G6 for a
# backlog from FILE:POS to END_FILE:END_POS on a fresh broker.
catch_up() {
  local label=$1 rows=$2 bytes=$3 t0 t1 ticks hwm rss secs
  start_broker
  t0=$(now_ns)
  start_run "$4" "$5"
  if ! wait_checkpoint "$6" "$7"; then
    echo "error: sluice run stopped:" >&2
    tail -n 20 "$WORK/run.err" >&2
    return 1
  fi
  t1=$(now_ns)
  ticks=$(proc_cpu_ticks "$RUN_PID")
  hwm=$(proc_kib "$RUN_PID" VmHWM)
  rss=$(proc_kib "$RUN_PID" VmRSS)
  # Steady state: idle past one binlog heartbeat (5 s).
  sleep 6
  idle=$(proc_kib "$RUN_PID" VmRSS)
  stop_pid RUN_PID
  secs=$(seconds "$t0" "$t1")
  awk -v l="$label" -v n="$rows" -v s="$secs" -v b="$bytes" -v t="$ticks" \
    -v hz="$(getconf CLK_TCK)" -v hwm="$hwm" -v rss="$rss" -v idle="$idle" 'BEGIN {
      printf "    G2 catch-up, %s: %d rows (%.0f MiB of binlog) in %.1f s = %.0f rows/s, %.1f MB/s (start to last commit)\n", l, n, b / 1048576, s, n / s, b / 1e6 / s
      printf "    G5 RSS, %s: peak %.0f MiB, at the end %.0f MiB, idle 6 s later %.0f MiB\n", l, hwm / 1024, rss / 1024, idle / 1024
      printf "    G6 CPU, %s: %.2f us per row (user + system, sluice process)\n", l, t / hz * 1e6 / n
    }'
}

# generate_single_row TXNS: TXNS single-row INSERT transactions, from a
# stored procedure (each statement commits on its own).
generate_single_row() {
  mariadb_sql <<EOF
DELIMITER //
CREATE PROCEDURE IF NOT EXISTS test.single_rows(n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO test.commission (user_id, biz_type, amount, status, remark, created_at)
    VALUES (1 + i * 7919 % 200000, 'ORDER', (i % 100000) / 100, i % 4,
            CONCAT('single ', i), TIMESTAMP'2025-01-01 00:00:00' + INTERVAL i SECOND);
    SET i = i + 1;
  END WHILE;
END//
DELIMITER ;
CALL test.single_rows($1);
EOF
}

# master_status: "FILE POS" of the server's binlog end.
master_status() { mariadb_sql "SHOW MASTER STATUS" | awk '{ print $1, $2 }'; }

bench_kafka() {
  local mib=${SLUICE_BENCH_KAFKA_MIB:-1024}
  local single_mib=${SLUICE_BENCH_KAFKA_SINGLE_MIB:-$mib}
  local live_s=${SLUICE_BENCH_LIVE_SECONDS:-60}
  if ! [[ $mib =~ ^[1-9][0-9]*$ && $single_mib =~ ^[1-9][0-9]*$ &&
    $live_s =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SLUICE_BENCH_KAFKA_MIB, SLUICE_BENCH_KAFKA_SINGLE_MIB and SLUICE_BENCH_LIVE_SECONDS must be positive integers" >&2
    return 1
  fi
  step "Debian packages"
  ensure_packages

  step "building build-release/ (Release)"
  build_release sluice sluice-mock-broker bench_encode bench_live bench_produce
  SLUICE=$BUILD/src/app/sluice
  local live=$BUILD/tests/bench/bench_live

  step "generating a ${mib} MiB backlog (1000-row transactions) on a temporary MariaDB"
  mariadb_start "$WORK/mariadb" --innodb-flush-log-at-trx-commit=2 \
    --innodb-buffer-pool-size=512M --sync-binlog=0
  mariadb_sql "CREATE USER canal@'127.0.0.1' IDENTIFIED BY 'canal'" \
    "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO canal@'127.0.0.1'" \
    "GRANT INSERT ON test.* TO canal@'127.0.0.1'"
  local start_file start_pos txns=500 rows bytes0 bytes end_file end_pos
  read -r start_file start_pos < <(master_status)
  bytes0=$(binlog_bytes)
  generate_commission 500
  while (($(binlog_bytes) - bytes0 < mib * 1048576)); do
    generate_more_commission "$txns" 500
    txns=$((txns + 500))
  done
  rows=$(mariadb_sql "SELECT COUNT(*) FROM test.commission")
  bytes=$(($(binlog_bytes) - bytes0))
  read -r end_file end_pos < <(master_status)
  echo "    $rows rows in $((bytes / 1048576)) MiB of binlog"

  step "G2: catch-up of 1000-row transactions through sluice run into a mock Kafka cluster (transactional)"
  catch_up "1000-row txns" "$rows" "$bytes" "$start_file" 4 "$end_file" "$end_pos"

  step "G2 floor: the same number of messages of a row change's size through sluice's Kafka producer alone"
  start_broker
  printf '    '
  "$BUILD/tests/bench/bench_produce" --brokers "$BOOTSTRAP" --messages "$rows" || true
  stop_pid BROKER_PID

  step "generating a ${single_mib} MiB backlog of single-row transactions"
  local single_file single_pos single_txns single_bytes t0
  read -r single_file single_pos < <(master_status)
  bytes0=$(binlog_bytes)
  # ~270 bytes of binlog per single-row transaction (GTID, BEGIN, TABLE_MAP,
  # WRITE_ROWS, XID); measured with a first tenth.
  t0=$(now_ns)
  single_txns=$((single_mib * 1048576 / 270))
  generate_single_row $((single_txns / 10))
  local per_txn=$((($(binlog_bytes) - bytes0) / (single_txns / 10)))
  single_txns=$((single_mib * 1048576 / per_txn))
  generate_single_row $((single_txns - single_txns / 10))
  single_bytes=$(($(binlog_bytes) - bytes0))
  read -r end_file end_pos < <(master_status)
  echo "    $single_txns transactions, $((single_bytes / 1048576)) MiB of binlog ($per_txn bytes each) in $(seconds "$t0" "$(now_ns)") s"

  step "G2: catch-up of single-row transactions (transactional)"
  catch_up "single-row txns" "$single_txns" "$single_bytes" "$single_file" \
    "$single_pos" "$end_file" "$end_pos"

  step "G3: live load of 1000-row transactions at 70 txn/s for ${live_s} s (transactional)"
  start_broker
  start_run "" ""
  SLUICE_PASSWORD=canal "$live" --mysql "127.0.0.1:$MARIADB_PORT" --user canal \
    --brokers "$BOOTSTRAP" --rate 70 --rows 1000 --seconds "$live_s" \
    --visible checkpoint --label "    G3 live 1000-row txns" || true
  stop_pid RUN_PID

  step "G4: latency at 4,000 single-row txn/s for 30 s, both delivery modes"
  start_broker
  start_run "" ""
  SLUICE_PASSWORD=canal "$live" --mysql "127.0.0.1:$MARIADB_PORT" --user canal \
    --brokers "$BOOTSTRAP" --rate 4000 --rows 1 --seconds 30 \
    --visible checkpoint --label "    G4 transactional" || true
  stop_pid RUN_PID
  start_broker
  start_run "" "" "canal.mq.transaction = false"
  SLUICE_PASSWORD=canal "$live" --mysql "127.0.0.1:$MARIADB_PORT" --user canal \
    --brokers "$BOOTSTRAP" --rate 4000 --rows 1 --seconds 30 \
    --visible rows --label "    G4 non-transactional" || true
  stop_pid RUN_PID
  start_broker
  printf '    '
  "$live" --probe --brokers "$BOOTSTRAP" --rate 4000 --seconds 10 || true
  # One message per Kafka transaction, back to back: what a transaction
  # costs the client and the mock broker alone.
  printf '    '
  "$BUILD/tests/bench/bench_produce" --brokers "$BOOTSTRAP" --messages 2000 \
    --batch 1 || true
  stop_pid BROKER_PID

  step "G7: encode and route one test.commission row (tests/bench/bench_encode)"
  "$BUILD/tests/bench/bench_encode" 2>/dev/null | sed 's/^/    /'
}

# start_node N: `sluice run` node N of the HA benchmark on the shipped conf/
# (pointed at this server and broker) with metrics on a free port; its pid
# in NODE_PID[N], stderr in $WORK/node-N.err. Returns once it leads or
# stands by.
declare -A NODE_PID
start_node() {
  "$SLUICE" run --conf "$WORK/conf" --progress 0 --metrics-port 0 \
    2>"$WORK/node-$1.err" &
  NODE_PID[$1]=$!
  RUN_PIDS="${RUN_PIDS:-} ${NODE_PID[$1]}"
  until grep -q 'streaming at\|standing by' "$WORK/node-$1.err" 2>/dev/null; do
    if ! kill -0 "${NODE_PID[$1]}" 2>/dev/null; then
      echo "error: sluice run stopped:" >&2
      tail -n 20 "$WORK/node-$1.err" >&2
      return 1
    fi
    sleep 0.05
  done
}

# log_ms LINE: the milliseconds since the epoch of a sluice log line
# ("2026-12-03 13:55:36.249 info ...").
log_ms() {
  local stamp
  stamp=$(cut -c1-23 <<<"$1")
  echo $(($(date -d "${stamp% *} ${stamp#* }" +%s%N) / 1000000))
}

# await_streaming N SINCE_MS: until node N logs "streaming at" after
# SINCE_MS; prints the milliseconds from SINCE_MS to that line.
await_streaming() {
  local line
  for ((i = 0; i < 600; i++)); do
    while read -r line; do
      if (($(log_ms "$line") >= $2)); then
        echo $(($(log_ms "$line") - $2))
        return 0
      fi
    done < <(grep 'streaming at' "$WORK/node-$1.err" || true)
    sleep 0.05
  done
  echo "error: node $1 did not take over within 30 s" >&2
  tail -n 20 "$WORK/node-$1.err" >&2
  return 1
}

# start_consumer: the summary consumer (examples/commission-summary) in
# CONSUMER_PID, its output in $WORK/consumer.out; returns once assigned.
start_consumer() {
  : >"$WORK/consumer.out"
  SUMMARY_PASSWORD=summary /usr/bin/python3 \
    "$ROOT/examples/commission-summary/summary_consumer.py" \
    --brokers "$BOOTSTRAP" --mysql "127.0.0.1:$MARIADB_PORT" --user summary \
    --database test >"$WORK/consumer.out" 2>&1 &
  CONSUMER_PID=$!
  until grep -q 'assigned' "$WORK/consumer.out"; do
    if ! kill -0 "$CONSUMER_PID" 2>/dev/null; then
      cat "$WORK/consumer.out" >&2
      return 1
    fi
    sleep 0.1
  done
}

# steady_load SECONDS: single-row income INSERTs stamped with NOW(3), about
# 2 ms apart, for SECONDS, in the background (LOAD_PID).
steady_load() {
  mariadb_client -e "CALL test.steady_income($1)" &
  LOAD_PID=$!
}

bench_ha() {
  local rounds=${SLUICE_BENCH_ROUNDS:-3} seconds=${SLUICE_BENCH_LIVE_SECONDS:-30}
  if ! [[ $rounds =~ ^[1-9][0-9]*$ && $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SLUICE_BENCH_ROUNDS and SLUICE_BENCH_LIVE_SECONDS must be positive integers" >&2
    return 1
  fi
  step "Debian packages"
  ensure_packages
  step "building build-release/ (Release)"
  build_release sluice sluice-mock-broker
  SLUICE=$BUILD/src/app/sluice

  step "a temporary MariaDB, a mock Kafka cluster, two sluice nodes on conf/ and the summary consumer"
  mariadb_start "$WORK/mariadb"
  mariadb_sql "CREATE USER canal@'127.0.0.1' IDENTIFIED BY 'canal'" \
    "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO canal@'127.0.0.1'" \
    "CREATE USER summary@'127.0.0.1' IDENTIFIED BY 'summary'" \
    "GRANT ALL ON test.* TO summary@'127.0.0.1'" \
    "CREATE DATABASE test" \
    "CREATE TABLE test.commission (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, biz_type VARCHAR(32) NOT NULL, amount DECIMAL(18,2) NOT NULL, status TINYINT NOT NULL DEFAULT 0, remark VARCHAR(64) NULL, created_at DATETIME(3) NOT NULL) DEFAULT CHARSET=utf8mb4"
  mariadb_sql <<'EOF'
DELIMITER //
CREATE PROCEDURE test.steady_income(seconds INT)
BEGIN
  DECLARE until_t DATETIME(3) DEFAULT NOW(3) + INTERVAL seconds SECOND;
  DECLARE i INT DEFAULT 0;
  WHILE NOW(3) < until_t DO
    INSERT INTO test.commission (user_id, biz_type, amount, created_at)
    VALUES (1001 + i % 500, ELT(1 + i % 4, 'ORDER', 'REWARD', 'INVITE', 'REFUND'),
            (i % 20000) / 100, NOW(3));
    SET i = i + 1;
    DO SLEEP(0.002);
  END WHILE;
END//
DELIMITER ;
EOF
  start_broker
  mkdir -p "$WORK/conf/test"
  sed -e "s|^kafka.bootstrap.servers *=.*|kafka.bootstrap.servers = $BOOTSTRAP|" \
    -e "s|^sluice.metrics.host *=.*|sluice.metrics.host = 127.0.0.1|" \
    "$ROOT/conf/canal.properties" >"$WORK/conf/canal.properties"
  sed "s|^canal.instance.master.address *=.*|canal.instance.master.address = 127.0.0.1:$MARIADB_PORT|" \
    "$ROOT/conf/test/instance.properties" >"$WORK/conf/test/instance.properties"
  local timeout_s
  timeout_s=$(sed -n 's/^sluice.ha.lock.timeout.s *= *//p' "$WORK/conf/canal.properties")
  start_node 1
  start_node 2
  start_consumer

  step "write->summary latency: ${seconds} s of single-row income transactions"
  steady_load "$seconds"
  wait "$LOAD_PID"
  local rows
  rows=$(mariadb_sql "SELECT COUNT(*) FROM test.commission")
  sleep 1
  stop_pid CONSUMER_PID
  printf '    %s rows in %s s (%s txn/s); ' "$rows" "$seconds" "$((rows / seconds))"
  sed -n 's/^summary_consumer: \(.*\) (final)$/\1/p' "$WORK/consumer.out"

  step "failover under load: kill -9 of the leader, ${rounds} rounds"
  start_consumer
  steady_load $((rounds * 4 + (rounds + 1) * (timeout_s + 4) + 10))
  local leader=1 standby=2 t ms kills=() freezes=()
  for ((r = 1; r <= rounds; r++)); do
    sleep 2
    t=$(($(now_ns) / 1000000))
    kill -9 "${NODE_PID[$leader]}"
    wait "${NODE_PID[$leader]}" 2>/dev/null || true
    ms=$(await_streaming "$standby" "$t")
    kills+=("$ms")
    printf '    round %d: node %d publishing %d ms after node %d was killed\n' \
      "$r" "$standby" "$ms" "$leader"
    start_node "$leader"
    t=$leader leader=$standby standby=$t
  done

  step "failover under load: the leader frozen (SIGSTOP) past sluice.ha.lock.timeout.s = ${timeout_s}"
  for ((r = 1; r <= rounds; r++)); do
    sleep 2
    t=$(($(now_ns) / 1000000))
    kill -STOP "${NODE_PID[$leader]}"
    ms=$(await_streaming "$standby" "$t")
    freezes+=("$ms")
    sleep 1
    kill -CONT "${NODE_PID[$leader]}"
    until grep -q 'stepping down' "$WORK/node-$leader.err"; do sleep 0.05; done
    printf '    round %d: node %d publishing %d ms after node %d froze; node %d stepped down when woken\n' \
      "$r" "$standby" "$ms" "$leader" "$leader"
    # The woken node is a standby now; restart it so each round's log is
    # its own.
    stop_pid "NODE_PID[$leader]"
    start_node "$leader"
    t=$leader leader=$standby standby=$t
  done
  wait "$LOAD_PID"

  local want got
  want=$(mariadb_sql "SELECT user_id, biz_type, SUM(amount), COUNT(*) FROM test.commission GROUP BY 1, 2 ORDER BY 1, 2")
  for ((i = 0; i < 300; i++)); do
    got=$(mariadb_sql "SELECT user_id, biz_type, total_amount, row_count FROM test.commission_summary ORDER BY 1, 2")
    [[ $got == "$want" ]] && break
    sleep 0.1
  done
  stop_pid CONSUMER_PID
  local median
  read -r median _ < <(median_and_best "${kills[@]}")
  printf '    HA failover after kill -9: %s ms (median of %d: %s)\n' \
    "$median" "$rounds" "${kills[*]}"
  read -r median _ < <(median_and_best "${freezes[@]}")
  printf '    HA failover after SIGSTOP: %s ms (median of %d: %s; lock timeout %s s)\n' \
    "$median" "$rounds" "${freezes[*]}" "$timeout_s"
  if [[ $got == "$want" ]]; then
    echo "    commission_summary equals the GROUP BY of test.commission after every failover"
  else
    echo "    commission_summary DIFFERS from the GROUP BY of test.commission"
  fi
  printf '    consumer: '
  sed -n 's/^summary_consumer: \(.*\) (final)$/\1/p' "$WORK/consumer.out"
}

case ${1:-} in
  decode | tail | kafka | ha)
    cmd=$1
    shift
    if (($# > 0)); then
      usage >&2
      exit 2
    fi
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
    cleanup() {
      for pid in ${RUN_PID:-} ${RUN_PIDS:-} ${CONSUMER_PID:-} ${LOAD_PID:-} ${BROKER_PID:-}; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
      done
      mariadb_stop
      rm -rf "$WORK"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    "bench_$cmd"
    ;;

  -h | --help | help)
    usage
    ;;
  *)
    if [[ -n ${1:-} ]]; then echo "error: unknown command '$1'" >&2; fi
    usage >&2
    exit 2
    ;;
esac
