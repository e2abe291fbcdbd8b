#!/usr/bin/env bash
# What one processor restores when it takes over its peers' partitions (BENCHMARKS.md section 117): a gateway-only
# instance (2 GB, embedded broker) and PROCESSORS (3) processor-only instances on HEAP (256m) each, with the probe
# processor "hoard" (load-tests/probes/io/streamgate/processing/StateHoarder.java), which keeps every chunk of its
# stream in the stream's state. STREAMS (40) hoard streams are sent CHUNKS (14) chunks of SIZE (262144) characters
# CHAR (ā, past Latin-1, so that the heap holds two bytes a character, as max-state-bytes counts them), round robin,
# so that each processor fills its room for states. Then every processor but the first is killed (SIGKILL), and the
# first takes their partitions over: whether it lives, the states it holds as counted, its heap after a full
# collection, and whether a new stream is still answered. CLASSES=<dir> runs another build's classes; the
# processors' arguments follow.
#   load-tests/takeover-heap.sh [processor args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PROCESSORS=${PROCESSORS:-3}
STREAMS=${STREAMS:-40}
CHUNKS=${CHUNKS:-14}
SIZE=${SIZE:-262144}
CHAR=${CHAR:-ā}
HEAP=${HEAP:-256m}
CLASSES=${CLASSES:-target/classes}
OUT=load-tests/results/takeover-heap-$(date +%Y%m%d-%H%M%S)
# shellcheck source=load-tests/probe-instances.sh
. load-tests/probe-instances.sh
probe_setup "$OUT" "$CLASSES"
stop_instances_on_exit "$OUT"

# processor_metric <processor index> <name>: the sum of a metric's series on that processor, or "unanswered"
processor_metric() {
  metric $((18281 + $1)) "$2"
}

# total_steps: the steps of every processor that answers
total_steps() {
  local sum=0 n
  for p in $(seq 0 $((PROCESSORS - 1))); do
    n=$(processor_metric "$p" streamgate_processing_steps_total)
    [ "$n" = unanswered ] || sum=$((sum + n))
  done
  echo "$sum"
}

# report <processor index>: alive or not, the states it holds as counted, its heap after a full collection, its
# OutOfMemoryErrors and partitions restored
report() {
  local pid=${PIDS[$1]}
  if kill -0 "$pid" 2>/dev/null; then
    echo "  processor $1: alive; states $(processor_metric "$1" streamgate_processing_state_bytes) bytes as counted;" \
        "heap used after a full collection: $(heap_after_full_collection "$pid")"
  else
    echo "  processor $1: exited"
  fi
  echo "    OutOfMemoryErrors: $(grep -c OutOfMemoryError "$OUT/processor-$1.log" || true)," \
      "partitions restored: $(grep -c 'restored:' "$OUT/processor-$1.log" || true)"
}

start_gateway "$OUT"
start_processors "$OUT" "$PROCESSORS" "$HEAP" "$@"
sleep 15 # the group's assignment settled
start_streams "$STREAMS" hoard
write_chunk "$OUT/chunk.json" "$SIZE" "$CHAR"
echo "$(date -u +%H:%M:%S) sending $CHUNKS chunks of $SIZE characters '$CHAR' to each of $STREAMS hoard streams" \
    "over $PROCESSORS processors on -Xmx$HEAP"
send_rounds "$CHUNKS" "$STREAMS" "$OUT/chunk.json" "$OUT/sends.txt"
last=-1
for _ in $(seq 60); do
  now=$(total_steps)
  [ "$now" = "$last" ] && break
  last=$now
  sleep 10
done
echo "$(date -u +%H:%M:%S) steps $(total_steps) (starts and chunks: $((STREAMS + STREAMS * CHUNKS))):"
for p in $(seq 0 $((PROCESSORS - 1))); do report "$p"; done
echo "$(date -u +%H:%M:%S) killing processors 1-$((PROCESSORS - 1)) (SIGKILL)"
for p in $(seq 1 $((PROCESSORS - 1))); do kill -9 "${PIDS[$p]}"; done
for p in $(seq 1 $((PROCESSORS - 1))); do wait "${PIDS[$p]}" 2>/dev/null || true; done
before=$(grep -c 'restored:' "$OUT/processor-0.log" || true)
lines=$(wc -l < "$OUT/processor-0.log")
last=
for _ in $(seq 40); do
  sleep 5
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "$(date -u +%H:%M:%S) processor 0 exited"; break; }
  [ "$(grep -c 'restored:' "$OUT/processor-0.log" || true)" -gt "$before" ] || continue
  now=$(processor_metric 0 streamgate_processing_state_bytes)
  [ "$now" = "$last" ] && break # what it restored settled
  last=$now
done
echo "$(date -u +%H:%M:%S) after the takeover:"
report 0
# the takeover's restores: from the first partition assigned after the kill to the last restored
tail -n +"$((lines + 1))" "$OUT/processor-0.log" | python3 -c "
import sys
from datetime import datetime
times = {'assigned': [], 'restored:': []}
for line in sys.stdin:
    for word in times:
        if ' ' + word in line and 'Partition' in line:
            times[word].append(datetime.fromisoformat(line.split()[0].replace('Z', '+00:00')))
if times['assigned'] and times['restored:']:
    print('  restores: %d partitions in %.2f s from the first assigned' % (len(times['restored:']),
          (max(times['restored:']) - min(times['assigned'])).total_seconds()))"
if kill -0 "${PIDS[0]}" 2>/dev/null; then
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
      "http://127.0.0.1:18280/stream/after-takeover/start" \
      && curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"data":"still here"}' \
          "http://127.0.0.1:18280/stream/after-takeover/send" \
      && sleep 3 \
      && echo "  a new stream's results: $(curl -sf -H 'Accept: application/json' \
          "http://127.0.0.1:18280/stream/after-takeover/results")" \
      || echo "  a new stream was not answered"
fi
echo "results: $OUT"
