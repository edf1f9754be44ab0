#!/usr/bin/env bash
# Startup benchmark: first boot on an empty data directory and restart on an existing one, each to readiness
# (GET /api/health answers 200), median of N runs, plus resident memory after boot.
# Usage: bench/startup.sh [runs]   (builds the distribution first if needed, via ./waymark build)
set -euo pipefail
RUNS=${1:-5}
source "$(dirname "$0")/lib.sh"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

first=(); restart=(); rss=()
for i in $(seq 1 "$RUNS"); do
  dir="$WORK/run$i"
  mkdir -p "$dir/karaf"
  # boot runs in this shell (not in $(...)) so that PID stays known here.
  boot "$dir" > "$WORK/ms"
  first+=("$(cat "$WORK/ms")")
  rss+=("$(rss_mb)")
  stop
  boot "$dir" > "$WORK/ms"
  restart+=("$(cat "$WORK/ms")")
  stop
done
echo "startup benchmark, $RUNS runs, $(nproc) cores"
echo "first boot to ready (empty data dir): median $(printf '%s\n' "${first[@]}" | median) ms  [${first[*]}]"
echo "restart to ready (existing data):     median $(printf '%s\n' "${restart[@]}" | median) ms  [${restart[*]}]"
echo "RSS after first boot:                 median $(printf '%s\n' "${rss[@]}" | median) MB  [${rss[*]}]"
