#!/usr/bin/env bash
# Hot-deploy benchmark: boots the distribution, then N times (5 by default) drops a plugin into $WAYMARK_DATA/deploy/
# and times until its effect is visible over HTTP, then removes it and times until the effect is gone; prints
# median/min/max of both. One untimed cycle first warms the JIT and the JAX-RS host.
#
# Usage: bench/hotdeploy.sh [runs (5)] [plugin (itests/test-plugin jar)] [symbolic name]
#   - without a symbolic name the plugin must serve GET /api/hello-plugin (the itests test plugin does): live = 200,
#     gone = 404;
#   - with one (e.g. a .kar from the archetype), live = listed as "active" in GET /api/plugins (as admin), gone = not
#     listed. Either way the plugin is approved once (POST /api/plugins/{symbolicName}/approval) before the timed runs:
#     approval is kept per symbolic name and version.
# fileinstall polls deploy/ every felix.fileinstall.poll ms (etc/org.apache.felix.fileinstall-deploy.cfg, 250).
set -euo pipefail
RUNS=${1:-5}
source "$(dirname "$0")/lib.sh"
PLUGIN=${2:-$(ls "$ROOT"/itests/test-plugin/target/itests-test-plugin-*.jar 2>/dev/null | grep -v sources | head -1)}
SYMBOLIC_NAME=${3:-}
[ -f "${PLUGIN:-}" ] || { echo "no plugin to deploy: build itests/test-plugin (mvn install -pl itests/test-plugin) or name one" >&2; exit 2; }
DEADLINE_MS=30000
BASE="http://127.0.0.1:$PORT"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
summary() { printf '%s\n' "$@" | sort -n | awk -v med="$(printf '%s\n' "$@" | median)" \
  '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms", med, a[1], a[NR]}'; }

live() { # 0 when the plugin's effect is visible
  if [ -z "$SYMBOLIC_NAME" ]; then
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/hello-plugin")" = 200 ]
  else
    curl -s -u admin:admin "$BASE/api/plugins" | tr '{' '\n' | grep -F "\"id\":\"$SYMBOLIC_NAME\"" | grep -q '"state":"active"'
  fi
}
gone() {
  if [ -z "$SYMBOLIC_NAME" ]; then
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/hello-plugin")" = 404 ]
  else
    ! curl -s -u admin:admin "$BASE/api/plugins" | grep -qF "\"id\":\"$SYMBOLIC_NAME\""
  fi
}
await() { # $1 = live|gone, $2 = start ms; prints elapsed ms, fails after the deadline
  local now
  while true; do
    now=$(now_ms)
    if "$1"; then echo $((now - $2)); return; fi
    if [ $((now - $2)) -gt $DEADLINE_MS ]; then echo "plugin not $1 after $DEADLINE_MS ms" >&2; return 1; fi
    sleep 0.02
  done
}
NAME=$(basename "$PLUGIN")
drop() { cp "$PLUGIN" "$WORK/$NAME.part" && mv "$WORK/$NAME.part" "$WORK/data/deploy/$NAME"; }
remove() { rm "$WORK/data/deploy/$NAME"; }

mkdir -p "$WORK/data/karaf" "$WORK/data/deploy"
boot "$WORK/data" >/dev/null
gone || { echo "the plugin's effect is visible before it is deployed" >&2; exit 1; }
poll=$(awk -F= '/^felix.fileinstall.poll/ {gsub(/ /, "", $2); print $2}' "$ROOT/karaf-assembly/target/assembly/etc/org.apache.felix.fileinstall-deploy.cfg")
echo "hot-deploy benchmark: $NAME, $RUNS runs, $(nproc) cores, fileinstall poll ${poll} ms"

# Warm-up (untimed), and the admin's approval: the core uses no deployed plugin before it, and keeps it per version,
# so the timed runs measure the deploy itself.
drop
APPROVE_ID=${SYMBOLIC_NAME:-$(unzip -p "$PLUGIN" META-INF/MANIFEST.MF | awk -F': ' '/^Bundle-SymbolicName/ {print $2}' \
  | tr -d '\r' | cut -d';' -f1)}
start=$(now_ms)
until curl -s -u admin:admin "$BASE/api/plugins" | grep -qF "\"id\":\"$APPROVE_ID\""; do
  [ $(( $(now_ms) - start )) -lt $DEADLINE_MS ] || { echo "$APPROVE_ID never listed" >&2; exit 1; }
  sleep 0.1
done
code=$(curl -s -o /dev/null -w '%{http_code}' -u admin:admin -X POST -H 'Content-Type: application/json' -d '{}' \
  "$BASE/api/plugins/$APPROVE_ID/approval")
case "$code" in
  2*) echo "approved $APPROVE_ID once, before the timed runs" ;;
  *) echo "approval of $APPROVE_ID answered $code" >&2; exit 1 ;;
esac
await live "$(now_ms)" >/dev/null
remove
await gone "$(now_ms)" >/dev/null

deploy=(); undeploy=()
for i in $(seq 1 "$RUNS"); do
  start=$(now_ms); drop
  deploy+=("$(await live "$start")")
  start=$(now_ms); remove
  undeploy+=("$(await gone "$start")")
done
echo "drop into deploy/ to visible over HTTP: $(summary "${deploy[@]}")  [${deploy[*]}]"
echo "removal to gone:                        $(summary "${undeploy[@]}")  [${undeploy[*]}]"
echo "server RSS $(rss_mb) MB, CPU time used by the server while idle for 10 s: $(
  t0=$(awk '{print $14+$15}' /proc/$PID/stat); sleep 10; t1=$(awk '{print $14+$15}' /proc/$PID/stat)
  echo "$(( (t1 - t0) * 1000 / $(getconf CLK_TCK) )) ms")"
stop
