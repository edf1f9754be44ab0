#!/usr/bin/env bash
# Profile-check backlog benchmark: a burst of BaRS messages, then an idle node; prints how many referrals were
# profile-checked in each 10 s (from the time each check was recorded in the database) and how many are left pending.
# Usage: bench/checks.sh [burst seconds (40): half warm-up, half measured] [idle seconds afterwards (90)] [clients (8)]
set -euo pipefail
BURST=${1:-40}
IDLE=${2:-90}
CLIENTS=${3:-8}
source "$(dirname "$0")/lib.sh"
FIXTURES=${WAYMARK_FIXTURES:-$ROOT/../shared/fixtures}

mkdir -p "$WORK/data/karaf"
JAVA_MAX_MEM=${JAVA_MAX_MEM:-768m} boot "$WORK/data" >/dev/null
echo "profile-check benchmark on $(nproc) cores: ${BURST} s of BaRS messages at $CLIENTS clients, then ${IDLE} s idle"
WAYMARK_BENCH_SERVER_PID=$(server_pids) java "$ROOT/bench/IntakeBench.java" "http://127.0.0.1:$PORT" demo-gp demo-gp-secret "$FIXTURES" \
  $((BURST / 2)) $((BURST - BURST / 2)) bars "$CLIENTS" | grep -E "req/s|acknowledged referrals"
echo "burst over at $(date -u +%T); idle for $IDLE s"
sleep "$IDLE"
stop
java -cp "$(derby_jar)" "$ROOT/bench/CheckedPerInterval.java" "$WORK/data/db"
