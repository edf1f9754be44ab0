#!/usr/bin/env bash
# Profile-check backlog benchmark: a burst of BaRS messages, then an idle node; prints how many referrals were
# profile-checked in each 10 s (from the node's log) and in all.
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
echo "referrals profile-checked per 10 s (UTC):"
grep -h "profile-validated" "$WORK"/data/karaf/log/karaf.log* | cut -c12-19 \
  | awk '{split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]; c[int(s / 10) * 10]++}
         END {for (k in c) printf "  %02d:%02d:%02d %5d\n", int(k / 3600), int(k % 3600 / 60), k % 60, c[k]}' | sort
echo "profile-checked in all: $(grep -h 'profile-validated' "$WORK"/data/karaf/log/karaf.log* | wc -l)"
