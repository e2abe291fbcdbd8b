#!/usr/bin/env bash
# What a processor's streams' states take of its heap (BENCHMARKS.md section 113): a gateway-only instance (2 GB,
# embedded broker) and a processor-only one on HEAP (256m), both with the probe processor "hoard", which keeps every
# chunk of its stream in the stream's state (load-tests/probes/io/streamgate/processing/StateHoarder.java). STREAMS
# (40) hoard streams are sent CHUNKS (28) chunks of SIZE (262144) characters each, round robin (28 of 256 KB: 7 MB, a
# state under what one record takes). Then: whether the processor lives, the heap it uses after a full collection, its
# OutOfMemoryErrors, the streams' results (chunks held, steps failed); then a second processor-only instance on the
# same heap restores every partition (what a restart or a takeover does): whether it comes up. CLASSES=<dir> runs
# another build's classes; the processor's arguments follow. PROCESSOR_NAME (hoard) starts the streams with another
# processor: inflate (Inflater.java) answers each chunk with 16 outputs, each the chunk 16 times over (what a processor
# holds of outputs not yet written: PROCESSOR_NAME=inflate STREAMS=20 CHUNKS=4 SIZE=65536, outputs of 1 MB). BACKLOG=1
# stops the processor before the sends and starts it again after them, so that it begins on every stream's backlog.
#   load-tests/state-heap.sh [processor args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PROCESSOR_NAME=${PROCESSOR_NAME:-hoard}
STREAMS=${STREAMS:-40}
CHUNKS=${CHUNKS:-28}
SIZE=${SIZE:-262144}
HEAP=${HEAP:-256m}
CLASSES=${CLASSES:-target/classes}
OUT=load-tests/results/state-heap-$(date +%Y%m%d-%H%M%S)
# shellcheck source=load-tests/probe-instances.sh
. load-tests/probe-instances.sh
probe_setup "$OUT" "$CLASSES"
GATEWAY=
PROCESSOR=
trap 'kill $GATEWAY $PROCESSOR 2>/dev/null || true; sleep 2; kill -9 $GATEWAY $PROCESSOR 2>/dev/null || true;
      rm -rf "$OUT/kafka"' EXIT

# start_processor <log>: a processor-only instance on HEAP; sets PROCESSOR
start_processor() {
  launch_processor "$OUT/$1" 18281 "$HEAP" "${PROCESSOR_ARGS[@]}"
  PROCESSOR=$LAUNCHED
}

# steps: the processor's steps so far, or "unanswered"
steps() {
  metric 18281 streamgate_processing_steps_total
}

# report <log>: the processor's heap after a full collection (if it lives), its OutOfMemoryErrors and restarts
report() {
  if kill -0 "$PROCESSOR" 2>/dev/null; then
    echo "  alive; heap used after a full collection: $(heap_after_full_collection "$PROCESSOR")"
  else
    echo "  exited"
  fi
  echo "  OutOfMemoryErrors: $(grep -c OutOfMemoryError "$OUT/$1.log" || true)," \
      "processing started over: $(grep -c 'Processing failed' "$OUT/$1.log" || true) time(s)," \
      "partitions restored: $(grep -c 'restored:' "$OUT/$1.log" || true)"
}

PROCESSOR_ARGS=("$@")
start_gateway "$OUT"
start_processor processor
await_ready "$OUT/processor.log" "$PROCESSOR" || { echo "the processor did not start" >&2; exit 1; }
start_streams "$STREAMS" "$PROCESSOR_NAME"
write_chunk "$OUT/chunk.json" "$SIZE" x
if [ "${BACKLOG:-0}" = 1 ]; then
  sleep 5 # the starts processed
  kill "$PROCESSOR"
  wait "$PROCESSOR" 2>/dev/null || true
fi
echo "$(date -u +%H:%M:%S) sending $CHUNKS chunks of $SIZE characters to each of $STREAMS $PROCESSOR_NAME streams"
send_rounds "$CHUNKS" "$STREAMS" "$OUT/chunk.json" "$OUT/sends.txt"
if [ "${BACKLOG:-0}" = 1 ]; then
  start_processor processor
  await_ready "$OUT/processor.log" "$PROCESSOR" || echo "$(date -u +%H:%M:%S) the processor did not start on the backlog"
fi
last=-1
for _ in $(seq 60); do
  kill -0 "$PROCESSOR" 2>/dev/null || { echo "$(date -u +%H:%M:%S) the processor exited"; break; }
  now=$(steps)
  [ "$now" = "$last" ] && break
  last=$now
  sleep 10
done
echo "$(date -u +%H:%M:%S) processor on -Xmx$HEAP, steps $(steps):"
report processor
outputs=0 failed=0
for i in $(seq 0 $((STREAMS - 1))); do
  read -r o f < <(curl -sf -H 'Accept: application/json' "http://127.0.0.1:18280/stream/hoard-$i/results" \
      | python3 -c "import json,sys; d=json.load(sys.stdin)['data']; \
print(sum('error' not in r for r in d), sum('error' in r for r in d))")
  outputs=$((outputs + o)) failed=$((failed + f))
done
echo "  results read back (those the gateway's history keeps): $outputs outputs, $failed errors (failed steps)," \
    "of $((STREAMS * CHUNKS)) chunks"
grep -h -o 'attempts: [^0-9]*' "$OUT/processor.log" | sort | uniq -c | head -3 || true
kill "$PROCESSOR" 2>/dev/null || true
wait "$PROCESSOR" 2>/dev/null || true
start_processor restart
if await_ready "$OUT/restart.log" "$PROCESSOR"; then
  sleep 30 # its partitions assigned and restored
else
  sleep 1
fi
echo "$(date -u +%H:%M:%S) a second processor on the same data, -Xmx$HEAP:"
report restart
echo "results: $OUT"
