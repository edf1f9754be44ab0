# Shared by the benchmark scripts: start and stop a Waymark server on a given data directory.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${WAYMARK_PORT:-18281}
PID=
# Each benchmark works in a fresh directory of its own, removed with the server stopped when the script exits;
# BENCH_KEEP=true keeps it (printed at the end) for a look at the server's data and logs.
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; if [ "${BENCH_KEEP:-}" = true ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi' EXIT

[ -x "$ROOT/karaf-assembly/target/assembly/bin/karaf" ] || "$ROOT/waymark" build

now_ms() { date +%s%3N; }

boot() { # $1 = data dir; prints ms to readiness; leaves the server running as $PID (call it directly, not in $(...))
  local start end
  start=$(now_ms)
  WAYMARK_DATA="$1" WAYMARK_PORT=$PORT WAYMARK_DEMO=true KARAF_DATA="$1/karaf" KARAF_EXEC=exec JAVA_MAX_MEM=${JAVA_MAX_MEM:-512m} \
    KARAF_SYSTEM_OPTS="-Dkaraf.instances=$1/karaf/instances" CHECK_ROOT_INSTANCE_RUNNING=false \
    EXTRA_JAVA_OPTS="-Dderby.stream.error.file=$1/derby.log -Dkaraf.startLocalConsole=false -Dkaraf.lock.dir=$1/karaf ${BENCH_JAVA_OPTS:-}" \
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

rss_mb() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$PID/status"; }
