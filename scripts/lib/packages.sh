# shellcheck shell=bash
# The Debian 12 packages sluice needs to build, test, fuzz and benchmark, and
# ensure_packages, which installs the missing ones. Sourced by scripts/test.sh,
# scripts/quickstart.sh and scripts/bench.sh; this is the only list.

SLUICE_PACKAGES=(
  # toolchain
  cmake ninja-build g++ pkg-config
  # clang + its runtime libraries: libFuzzer targets (scripts/test.sh)
  clang libclang-rt-14-dev
  # libraries
  libmariadb-dev libboost-dev libssl-dev librdkafka-dev libprotobuf-dev
  protobuf-compiler libspdlog-dev libexpected-dev libzstd-dev zlib1g-dev
  prometheus-cpp-dev
  # tests and benchmarks
  catch2 libbenchmark-dev
  # throwaway MariaDB servers for integration tests, quickstart and bench
  mariadb-server mariadb-client
  # examples/commission-summary (the summary consumer) and its tests
  python3 python3-confluent-kafka python3-pymysql
  # the .deb (cpack -G DEB, dpkg-shlibdeps)
  dpkg-dev
)

# ensure_packages: installs whichever of SLUICE_PACKAGES is not installed yet.
# Does nothing (and needs no network) when all are present; otherwise runs
# apt-get update + install quietly and prints apt's output only if it fails.
ensure_packages() {
  local pkg installed
  local -a missing=()
  # One dpkg-query for all: "name status" per known package (unknown ones only
  # make it complain on stderr).
  installed=" $(dpkg-query -W -f='${Package}:${db:Status-Status} ' \
    "${SLUICE_PACKAGES[@]}" 2>/dev/null || true) "
  for pkg in "${SLUICE_PACKAGES[@]}"; do
    [[ $installed == *" $pkg:installed "* ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0

  if ((EUID != 0)); then
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "       run as root, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  local log
  log=$(mktemp)
  if ! {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"
  } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "error: apt-get failed to install: ${missing[*]}" >&2
    return 1
  fi
  rm -f "$log"
}
