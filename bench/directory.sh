#!/usr/bin/env bash
# Directory search benchmark: imports N invented services (10,000 by default) through the admin API, then measures
# search over HTTP (text, text near a postcode, filters only) after a warm-up, and prints p50/p95/p99 per kind.
# Usage: bench/directory.sh [services (10000)] [seconds per kind (20)] [warm-up seconds (60)] [clients (1)]
set -euo pipefail
SERVICES=${1:-10000}
SECONDS_PER_KIND=${2:-20}
WARMUP=${3:-60}
CLIENTS=${4:-1}
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/data/karaf"
boot "$WORK/data" >/dev/null
echo "directory benchmark on $(nproc) cores; server RSS at start $(rss_mb) MB"
java "$ROOT/bench/DirectoryBench.java" "http://127.0.0.1:$PORT" admin admin "$SERVICES" "$WARMUP" "$SECONDS_PER_KIND" "$CLIENTS"
echo "server RSS at the end $(rss_mb) MB"
stop
