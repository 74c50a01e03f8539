#!/usr/bin/env bash
# `sluice decode` as an operator meets it: exit codes, where errors point,
# that everything before a corrupt event is printed, and the help text.
# Usage: decode_cli_test.sh SLUICE_BINARY DATA_DIR
set -uo pipefail
SLUICE=$1
DATA=$2/binlogs
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

run() {  # run ARGS...: sets rc, out, err
  "$SLUICE" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

run decode "$DATA/mariadb1011_bulk_split_rows_multidomain.binlog"
check "a good file exits 0" test "$rc" -eq 0
check "one line per row change plus DDL" test "$(grep -c '"isDdl":false' "$tmp/out")" -eq 1021
check "nothing on stderr" test ! -s "$tmp/err"

check "every line is one JSON object" python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]:
    json.loads(line)
' "$tmp/out"

"$SLUICE" decode "$DATA/mysql55_sakila_rows_v1.binlog" >/dev/full 2>"$tmp/err"
rc=$?
check "a full disk exits 2" test "$rc" -eq 2
check "the write error is named" grep -q "cannot write output" "$tmp/err"

run decode "$DATA/mysql57_app_data_crc32.binlog" "$DATA/mysql57_app_data_checksum_none.binlog"
check "several files decode in order" test "$(grep -c '"isDdl":false' "$tmp/out")" -eq 99

run decode "$DATA/truncated_14_bytes_NEG.binlog"
check "a truncated file exits 1" test "$rc" -eq 1
check "the error names file and offset" grep -q "truncated_14_bytes_NEG.binlog: offset 4: " "$tmp/err"

# Cut a good file inside its last rows event: every earlier row is printed.
f="$DATA/mariadb1011_bulk_split_rows_multidomain.binlog"
head -c 19000 "$f" >"$tmp/cut.binlog"
run decode "$tmp/cut.binlog"
check "a file cut mid-event exits 1" test "$rc" -eq 1
check "the error names the event type" grep -qE "offset [0-9]+: .*(ROWS|event)" "$tmp/err"
check "rows before the cut were printed" test "$(grep -c '"isDdl":false' "$tmp/out")" -ge 1000

# Flip one byte inside an event of a CRC32 file.
cp "$f" "$tmp/bad.binlog"
printf '\x55' | dd of="$tmp/bad.binlog" bs=1 seek=5000 conv=notrunc status=none
run decode "$tmp/bad.binlog"
check "a checksum mismatch exits 1" test "$rc" -eq 1
check "the error says CRC32 mismatch" grep -q "CRC32 mismatch" "$tmp/err"

run decode "$DATA"
check "a directory exits 1 and says why" grep -q "not a regular file" "$tmp/err"

run decode "$DATA/MANIFEST.md"
check "a non-binlog exits 1" test "$rc" -eq 1
check "the error says bad magic" grep -q "bad magic" "$tmp/err"

run decode "$tmp/does-not-exist.binlog"
check "a missing file exits 1 and names it" test "$rc" -eq 1
check "missing file message" grep -q "does-not-exist.binlog: cannot open" "$tmp/err"

run decode --format canal-pb "$f"
check "an unknown format exits 1" test "$rc" -eq 1
run decode --bogus "$f"
check "an unknown option exits 1" test "$rc" -eq 1
run decode
check "no files exits 1" test "$rc" -eq 1
run decode --help
check "--help exits 0 and explains --format" grep -q -- "--format flat" "$tmp/out"
run help
check "help lists decode" grep -q "decode" "$tmp/out"
run version
check "version prints a version" grep -qE '^sluice [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out"

if ((fails > 0)); then
  echo "$fails check(s) failed"
  exit 1
fi
