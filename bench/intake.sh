#!/usr/bin/env bash
# Referral intake benchmark: plain ServiceRequests, BaRS messages and transaction Bundles over HTTP at 1, 8 and 32
# clients for a fixed time each, after a warm-up; then checks that every acknowledged referral is stored.
# Usage: bench/intake.sh [seconds per run (20)] [warm-up seconds (60)] [kinds] [client counts]
set -euo pipefail
SECONDS_PER_RUN=${1:-20}
WARMUP=${2:-60}
KINDS=${3:-servicerequest,bars,transaction}
LEVELS=${4:-1,8,32}
source "$(dirname "$0")/lib.sh"
FIXTURES=${WAYMARK_FIXTURES:-$ROOT/../shared/fixtures}

mkdir -p "$WORK/data/karaf"
boot "$WORK/data" >/dev/null
echo "intake benchmark on $(nproc) cores; server RSS at start $(rss_mb) MB"
WAYMARK_BENCH_SERVER_PID=$(server_pids) java "$ROOT/bench/IntakeBench.java" "http://127.0.0.1:$PORT" demo-gp demo-gp-secret "$FIXTURES" "$WARMUP" \
  "$SECONDS_PER_RUN" "$KINDS" "$LEVELS"
echo "server RSS at the end $(rss_mb) MB"
stop
