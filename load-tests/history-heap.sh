#!/usr/bin/env bash
# What the open streams' result histories hold against history-budget: a gateway with a small budget, streams each
# sent one NDJSON batch of one-character chunks, one expiry sweep, then a full GC and a class histogram.
#   load-tests/history-heap.sh [budget (8MB)] [streams (100)] [results a stream (1000)] [gateway jar]
# Prints what the first stream holds and the ResultEvents in the heap; each holds about 88 bytes beside its text
# (BENCHMARKS.md sections 64 and 66), so the budget over that is what the histories may take.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-8MB}
STREAMS=${2:-100}
RESULTS=${3:-1000}
JAR=${4:-target/streamgate-0.1.0-SNAPSHOT.jar}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/history-heap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
URL=http://127.0.0.1:${GATEWAY_PORT:-18080}
trap stop_app EXIT
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- --streamgate.stream.history-budget="$BUDGET"

python3 -c "print('\n'.join(['{\"data\":\"x\"}'] * $RESULTS))" > "$OUT/batch.ndjson"
for i in $(seq 1 "$STREAMS"); do
  curl -sf -X POST "$URL/stream/h$i/start" > /dev/null
  curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$OUT/batch.ndjson" \
      "$URL/stream/h$i/send" > /dev/null
done
for i in $(seq 1 "$STREAMS"); do
  until curl -sf "$URL/stream/h$i" | grep -q "\"results\":$RESULTS"; do sleep 0.2; done
done
sleep 12 # one expiry sweep (every 10 s) trims each history to its share

curl -sf -H 'Accept: application/json' "$URL/stream/h1/results" | python3 -c '
import json, sys
held = json.load(sys.stdin)["data"]
print("h1 holds %d results, seq %d-%d" % (len(held), held[0]["seq"], held[-1]["seq"]))' | tee "$OUT/summary.txt"
jcmd "$APP" GC.run > /dev/null
jcmd "$APP" GC.class_histogram > "$OUT/histogram.txt"
grep -E 'ResultEvent$' "$OUT/histogram.txt" | awk '{print $2 " ResultEvents in the heap"}' | tee -a "$OUT/summary.txt"
echo "budget $BUDGET over $STREAMS streams; results in $OUT"
