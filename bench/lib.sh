# Shared by the benchmark scripts: start and stop a Waymark server on a given data directory.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${WAYMARK_PORT:-18281}
PID=
# Each benchmark works in a fresh directory of its own, removed with the server stopped when the script exits;
# BENCH_KEEP=true keeps it (printed at the end) for a look at the server's data and logs.
WORK=$(mktemp -d)

[ -x "$ROOT/karaf-assembly/target/assembly/bin/karaf" ] || "$ROOT/waymark" build

# WAYMARK_BENCH_DB=postgresql runs the server on a PostgreSQL server of its own (Debian's postgresql package, as the
# integration tests use; fsync on, so durable like Derby) instead of embedded Derby. The cluster lives in /tmp when
# running as root: PostgreSQL refuses root, and the postgres user must reach its folder.
PG_DIR=
PG_BIN=
ETC=
# PostgreSQL's commands run as the postgres user when this script runs as root.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
use_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$PG_BIN/initdb" ] || { echo "WAYMARK_BENCH_DB=postgresql needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 1; }
  PG_DIR=$(mktemp -d /tmp/waymark-bench-pg.XXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  local pg_port=$((PORT + 1000))
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -l "$PG_DIR/postgres.log" \
    -o "-p $pg_port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE USER waymark PASSWORD 'waymark'" -c "CREATE DATABASE waymark OWNER waymark"
  # A private etc/ (KARAF_ETC): the data source points at this server and the driver joins the boot features.
  ETC="$WORK/etc"
  cp -r "$ROOT/karaf-assembly/target/assembly/etc" "$ETC"
  printf '%s\n' "osgi.jdbc.driver.name = PostgreSQL JDBC Driver" "dataSourceName = waymark" \
    "url = jdbc:postgresql://127.0.0.1:$pg_port/waymark" "user = waymark" "password = waymark" "pool = dbcp2" \
    "xa = false" "pool.maxTotal = 16" "pool.maxWaitMillis = 5000" > "$ETC/org.ops4j.datasource-waymark.cfg"
  sed -i 's/featuresBoot = \\/featuresBoot = waymark-thirdparty-postgresql, \\/' "$ETC/org.apache.karaf.features.cfg"
  grep -q 'featuresBoot = waymark-thirdparty-postgresql' "$ETC/org.apache.karaf.features.cfg" || { echo "unexpected featuresBoot" >&2; exit 1; }
}
stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; stop_postgres; if [ "${BENCH_KEEP:-}" = true ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi' EXIT
case "${WAYMARK_BENCH_DB:-derby}" in
  derby) ;;
  postgresql) use_postgres ;;
  *) echo "WAYMARK_BENCH_DB is derby or postgresql" >&2; exit 1 ;;
esac

now_ms() { date +%s%3N; }

boot() { # $1 = data dir; prints ms to readiness; leaves the server running as $PID (call it directly, not in $(...))
  local start end
  start=$(now_ms)
  WAYMARK_DATA="$1" WAYMARK_PORT=$PORT WAYMARK_DEMO=true KARAF_DATA="$1/karaf" KARAF_EXEC=exec JAVA_MAX_MEM=${JAVA_MAX_MEM:-512m} \
    KARAF_SYSTEM_OPTS="-Dkaraf.instances=$1/karaf/instances" CHECK_ROOT_INSTANCE_RUNNING=false \
    KARAF_ETC="${ETC:-$ROOT/karaf-assembly/target/assembly/etc}" EXTRA_JAVA_OPTS="-Dderby.stream.error.file=$1/derby.log -Dkaraf.startLocalConsole=false -Dkaraf.lock.dir=$1/karaf ${BENCH_JAVA_OPTS:-}" \
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

# The processes whose CPU time is the server's: Waymark, and PostgreSQL's postmaster (with its children) if it runs on one.
server_pids() {
  if [ -n "$PG_DIR" ]; then echo "$PID,$(head -1 "$PG_DIR/data/postmaster.pid")"; else echo "$PID"; fi
}

rss_mb() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$PID/status"; }

# Derby's jar as the distribution ships it, for the single-file programs that read or write a stopped node's files.
derby_jar() {
  ls "$ROOT"/karaf-assembly/target/assembly/system/org/waymark/thirdparty-derby/*/thirdparty-derby-*.jar | head -1
}

# Seeds a stopped server's embedded Derby (in $1) with $2 invented people and referrals (bench/CaseloadSeed.java).
seed_derby() {
  java -cp "$(derby_jar)" "$ROOT/bench/CaseloadSeed.java" "$1" "$2"
}
