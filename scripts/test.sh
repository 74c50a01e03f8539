#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run): install missing Debian packages,
# build and run every test, run the unit tests again under ASan+UBSan, and run
# each libFuzzer target briefly. Quiet unless something fails.
#
#   scripts/test.sh                       as root on Debian 12, from any directory
#   SLUICE_SKIP_FUZZ=1 scripts/test.sh    skip the fuzzing phase
#   SLUICE_FUZZ_SECONDS=60 scripts/test.sh  fuzz each target longer (default 20)
#
# Build trees: build/ (RelWithDebInfo), build-asan/, build-fuzz/ (clang).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=SCRIPTDIR/lib/packages.sh
source "$ROOT/scripts/lib/packages.sh"

FUZZ_SECONDS=${SLUICE_FUZZ_SECONDS:-20}
if ! [[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]]; then
  echo "error: SLUICE_FUZZ_SECONDS must be a positive integer, not '$FUZZ_SECONDS'" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-test.XXXXXX")
on_exit() {
  local rc=$?
  rm -rf "$WORK"
  local t=$((SECONDS - START))
  if ((rc == 0)); then
    printf '==> all checks passed in %dm%02ds\n' $((t / 60)) $((t % 60))
  else
    printf '==> FAILED (exit %d) after %dm%02ds\n' "$rc" $((t / 60)) $((t % 60)) >&2
  fi
}
START=$SECONDS
trap on_exit EXIT

phase() { printf '==> %s\n' "$*"; }

# quiet LOG CMD...: runs CMD with all output in LOG; if it fails, prints LOG
# (without ninja's progress lines) and returns CMD's status.
quiet() {
  local log=$1 rc=0
  shift
  "$@" >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "--- failed: $*" >&2
    grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" >&2 || true
  fi
  return "$rc"
}

# configure_and_build DIR TARGET [cmake options...]: configures DIR and
# builds TARGET ("all", "unit_tests", "fuzzers").
configure_and_build() {
  local dir=$1 target=$2
  shift 2
  quiet "$WORK/configure.log" cmake -S "$ROOT" -B "$ROOT/$dir" -G Ninja "$@"
  quiet "$WORK/build.log" cmake --build "$ROOT/$dir" --target "$target"
}

# Line tables are all the debug information tests and sanitizer reports
# need, and full -g makes every build a third slower.
FAST_DEBUG=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

# run_ctest DIR [ctest options...]: prints ctest's summary; on failure, the
# output of the failed tests and the list of failures.
run_ctest() {
  local dir=$1 rc=0
  shift
  ctest --test-dir "$ROOT/$dir" --output-on-failure --no-tests=error -j2 "$@" \
    >"$WORK/ctest.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    grep -vE '^ *Start +[0-9]+: |Test +#[0-9]+: .* Passed +[0-9.]+ sec$' \
      "$WORK/ctest.log" >&2 || true
    return "$rc"
  fi
  grep -E 'tests passed|Total Test time' "$WORK/ctest.log" | sed 's/^/    /'
}

# Sanitizer reports must stop the test and say where.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1}

phase "Debian packages"
ensure_packages

phase "build/ (RelWithDebInfo): build, all tests"
configure_and_build build all "${FAST_DEBUG[@]}"
run_ctest build

phase "build-asan/ (ASan+UBSan): build, unit tests"
configure_and_build build-asan unit_tests "${FAST_DEBUG[@]}" \
  -DSLUICE_SANITIZE=ON -DSLUICE_BENCH=OFF
run_ctest build-asan -L unit

if [[ -n ${SLUICE_SKIP_FUZZ:-} ]]; then
  phase "fuzzers: skipped (SLUICE_SKIP_FUZZ is set)"
  exit 0
fi

phase "build-fuzz/ (clang, libFuzzer): build, ${FUZZ_SECONDS} s per fuzzer"
CC=clang CXX=clang++ configure_and_build build-fuzz fuzzers \
  "${FAST_DEBUG[@]}" -DSLUICE_FUZZ=ON -DSLUICE_TESTS=OFF -DSLUICE_BENCH=OFF

mapfile -t fuzzers < <(find "$ROOT/build-fuzz/tests/fuzz" -maxdepth 1 -type f \
  -name 'fuzz_*' -executable 2>/dev/null | sort)
if ((${#fuzzers[@]} == 0)); then
  echo "error: no fuzz_* executables in build-fuzz/tests/fuzz/" >&2
  echo "       (tests/fuzz/CMakeLists.txt must build them; SLUICE_SKIP_FUZZ=1 skips this phase)" >&2
  exit 1
fi

total_execs=0
failed=()
for fuzzer in "${fuzzers[@]}"; do
  name=$(basename "$fuzzer")
  corpus=$WORK/corpus/$name
  artifacts=$ROOT/build-fuzz/artifacts/$name/
  mkdir -p "$corpus" "$artifacts"
  # Seeds: the target's own corpus, if any, then the configuration files for
  # the .properties reader and every binlog fixture for the others (64 KiB
  # binlog inputs would slow the .properties target a hundredfold). The copy
  # is what libFuzzer grows, so the source tree stays untouched.
  if [[ -d $ROOT/tests/fuzz/corpus/${name#fuzz_} ]]; then
    cp -r "$ROOT/tests/fuzz/corpus/${name#fuzz_}/." "$corpus/"
  fi
  if [[ $name == fuzz_properties ]]; then
    find "$ROOT/conf" "$ROOT/tests/data/seed-conf" -type f -name '*.properties' \
      -exec cp --backup=numbered -t "$corpus" {} +
  elif [[ -d $ROOT/tests/data ]]; then
    find "$ROOT/tests/data" -type f ! -name '*.md' -exec cp -t "$corpus" {} +
  fi
  log=$WORK/$name.log
  rc=0
  # The outer timeout only guards against a fuzzer that ignores its own limit.
  timeout --signal=KILL $((FUZZ_SECONDS + 300)) "$fuzzer" \
    -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  execs=${execs:-0}
  total_execs=$((total_execs + execs))
  if ((rc == 0)); then
    printf '    %-32s %12d executions  ok\n' "$name" "$execs"
  else
    printf '    %-32s %12d executions  FAILED (exit %d)\n' "$name" "$execs" "$rc" >&2
    echo "--- last lines of $name's output:" >&2
    tail -n 60 "$log" >&2
    echo "--- the failing input is saved in ${artifacts}" >&2
    failed+=("$name")
  fi
done
printf '    %-32s %12d executions in %d fuzzers\n' "total" "$total_execs" "${#fuzzers[@]}"
if ((${#failed[@]} > 0)); then
  echo "error: fuzzers failed: ${failed[*]}" >&2
  exit 1
fi
