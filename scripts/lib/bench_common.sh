# What scripts/bench and scripts/bench-read share: binaries, work directories, the namespace, the emulator.
# Sourced after common.sh.
source "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

BENCH_TOKEN=bench-token
BENCH_EMULATOR_PORT=8080   # inside the namespace, so it can't clash with anything

# bench_prepare NAME: check tools and binaries, make the work directory, bring up the namespace.
bench_prepare() {
  local name=$1 root
  root=$(repo_root)
  ensure_packages
  ensure_fuse
  for tool in fio rclone stunnel4 nsenter unshare; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/lib/common.sh lists the packages)"
  done
  BENCH_BIN=${BENCH_BIN_DIR:-$root/.build/release}
  for b in boxfs box-emulator; do
    [ -x "$BENCH_BIN/$b" ] || die "$BENCH_BIN/$b is missing: swift build -c release --product $b"
  done
  BENCH_RESULTS=$root/bench-results
  BENCH_WORK=${BENCH_WORKDIR:-$(mktemp -d "/var/tmp/boxfs-$name.XXXXXX")}
  mkdir -p "$BENCH_WORK" "$BENCH_RESULTS"
  BENCH_MOUNTS=$BENCH_WORK/mnt
  export BENCH_TOKEN BENCH_EMULATOR_URL="http://127.0.0.1:$BENCH_EMULATOR_PORT"
  say "work directory $BENCH_WORK (logs in $BENCH_WORK/logs)"
  netns_up "$BENCH_WORK"
  netns_share_dir "$BENCH_MOUNTS"
}

# bench_start_emulator ARGS...: the emulator on its plain port in the namespace, with stunnel on 443 in front.
# Handed-out URLs (downloads, upload sessions) start with https://dl.boxcloud.com, as Box's own do.
bench_start_emulator() {
  local data=$BENCH_WORK/emulator-data logs=$BENCH_WORK/logs
  mkdir -p "$data" "$logs"
  say "starting the emulator (seeding: $*)"
  nsenter --net="/var/run/netns/$NETNS_NAME" -- "$BENCH_BIN/box-emulator" \
    --port "$BENCH_EMULATOR_PORT" --data "$data" --token "$BENCH_TOKEN" \
    --public-url https://dl.boxcloud.com "$@" >"$logs/emulator.out" 2>"$logs/emulator.log" & disown
  bench_wait_for_line "$logs/emulator.out" "listening on" 900 || die "the emulator did not start; see $logs/emulator.log"
  netns_tls_proxy "$BENCH_EMULATOR_PORT"
}

# bench_wait_for_line FILE TEXT SECONDS: until FILE contains TEXT.
bench_wait_for_line() {
  local i
  for i in $(seq $(($3 * 10))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# bench_python SCRIPT ARGS...: a driver from scripts/lib, inside the namespace.
bench_python() {
  local lib
  lib=$(repo_root)/scripts/lib
  netns_exec env PYTHONPATH="$lib" PYTHONUNBUFFERED=1 python3 "$lib/$1" "${@:2}"
}

# bench_report: BENCHMARKS.md and the chart, from every bench-results/*.json there is.
bench_report() {
  python3 "$(repo_root)/scripts/lib/bench_report.py" "$BENCH_RESULTS" "$(repo_root)/BENCHMARKS.md"
}
