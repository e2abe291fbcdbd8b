#!/usr/bin/env bash
# The processor under more chunks than it can commit: NDJSON batches of 10 (bench.sh's batch route) at 400 connections
# for 90 s against a fresh gateway (embedded broker, built-in processor), its transactions read from its metrics every
# 10 s until 60 s after the load, and every time processing started over taken from its log:
#   load-tests/processor-backlog.sh [gateway jar (target/streamgate-0.1.0-SNAPSHOT.jar)]
#   CONNECTIONS=800 LOAD_SECONDS=60 load-tests/processor-backlog.sh ...
# What to read (BENCHMARKS.md section 41): no "Processing failed" line; the largest transaction
# (streamgate_processing_commit_results_max) bounded by streamgate.processing.max-pending-commands; the steps
# (streamgate_processing_steps_total) equal to the chunks answered, i.e. nothing redone; every result committed
# (commit_results_sum reaches the steps) soon after the load ends.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
CONNECTIONS=${CONNECTIONS:-400}
LOAD_SECONDS=${LOAD_SECONDS:-90}
URL=http://127.0.0.1:18080 # start_gateway's default port
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/processor-backlog-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" --
start_streams 500 "$URL"
LINES=10 wrk -t1 -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" -s load-tests/wrk/send.lua "$URL" \
    > "$OUT/wrk.txt" &
WRK=$!
for _ in $(seq $((LOAD_SECONDS / 10 + 6))); do
  sleep 10
  # shellcheck disable=SC2046 # one line of meters a sample
  echo "$(date -u +%H:%M:%S)" $(curl -sf "$URL/actuator/prometheus" \
      | grep -E '^streamgate_processing_(commit_results_(max|sum)|commits_seconds_max|steps_total)' \
      | sed 's/^streamgate_processing_//') | tee -a "$OUT/commits.txt"
done
wait $WRK
grep RESULT "$OUT/wrk.txt" | sed 's/^/batches of 10: /'
processing_restarts "$OUT/gateway.log"
grep -A2 'Processing failed' "$OUT/gateway.log" | grep -v '^--$' || true
echo "results: $OUT"
