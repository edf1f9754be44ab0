#!/usr/bin/env bash
# Startup benchmark: first boot on an empty data directory and restart on an existing one, each to readiness
# (GET /api/health answers 200), median of N runs, plus resident memory after boot.
# Usage: bench/startup.sh [runs]   (builds the distribution first if needed, via ./waymark build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
PORT=${WAYMARK_PORT:-18281}
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PID=

[ -x "$ROOT/karaf-assembly/target/assembly/bin/karaf" ] || "$ROOT/waymark" build

now_ms() { date +%s%3N; }

boot() { # $1 = data dir; prints ms to readiness; leaves the server running as $PID (call it directly, not in $(...))
  local start end
  start=$(now_ms)
  WAYMARK_DATA="$1" WAYMARK_PORT=$PORT WAYMARK_DEMO=true KARAF_DATA="$1/karaf" KARAF_EXEC=exec JAVA_MAX_MEM=512m \
    KARAF_SYSTEM_OPTS="-Dkaraf.instances=$1/karaf/instances" CHECK_ROOT_INSTANCE_RUNNING=false \
    EXTRA_JAVA_OPTS="-Dderby.stream.error.file=$1/derby.log -Dkaraf.startLocalConsole=false -Dkaraf.lock.dir=$1/karaf" \
    "$ROOT/karaf-assembly/target/assembly/bin/karaf" server </dev/null >"$1/console.log" 2>&1 &
  PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/health")" = 200 ]; do
    kill -0 "$PID" 2>/dev/null || { echo "server died:" >&2; tail -5 "$1/console.log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(now_ms)
  echo $((end - start))
}

stop() {
  kill "$PID"
  wait "$PID" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

first=(); restart=(); rss=()
for i in $(seq 1 "$RUNS"); do
  dir="$WORK/run$i"
  mkdir -p "$dir/karaf"
  # boot runs in this shell (not in $(...)) so that PID stays known here.
  boot "$dir" > "$WORK/ms"
  first+=("$(cat "$WORK/ms")")
  rss+=("$(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status)")
  stop
  boot "$dir" > "$WORK/ms"
  restart+=("$(cat "$WORK/ms")")
  stop
done
echo "startup benchmark, $RUNS runs, $(nproc) cores"
echo "first boot to ready (empty data dir): median $(printf '%s\n' "${first[@]}" | median) ms  [${first[*]}]"
echo "restart to ready (existing data):     median $(printf '%s\n' "${restart[@]}" | median) ms  [${restart[*]}]"
echo "RSS after first boot:                 median $(printf '%s\n' "${rss[@]}" | median) MB  [${rss[*]}]"
