#!/usr/bin/env bash
# Caseload benchmark: seeds N referrals (default 100000) straight into a fresh server's embedded Derby while it is
# stopped, restarts it, and times the console's caseload queries over HTTP after a warm-up.
# Usage: bench/caseload.sh [referrals (100000)] [warm-up seconds (60)] [requests per query (300)]
set -euo pipefail
N=${1:-100000}
WARMUP=${2:-60}
REQUESTS=${3:-300}
if [ "${WAYMARK_BENCH_DB:-derby}" != derby ]; then
  echo "bench/caseload.sh seeds embedded Derby's files: it runs on Derby only" >&2
  exit 1
fi
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/data/karaf"
boot "$WORK/data" >/dev/null   # creates the schema and the demo users
stop
echo "caseload benchmark on $(nproc) cores: seeding $N referrals"
seed_derby "$WORK/data/db" "$N"
boot "$WORK/data" >/dev/null
echo "server RSS after restart $(rss_mb) MB; warm-up ${WARMUP}s, then $REQUESTS requests per query"
java "$ROOT/bench/CaseloadBench.java" "http://127.0.0.1:$PORT" "$WARMUP" "$REQUESTS"
echo "server RSS at the end $(rss_mb) MB"
stop
