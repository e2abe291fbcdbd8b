#!/usr/bin/env bash
# Whether a processor-only instance on a small heap works through a backlog of large chunks: a gateway-only instance
# (load-tests/split-roles.sh's, 2 GB, embedded broker) and a processor-only one (2 GB) start; STREAMS (20) streams are
# started; the processor is stopped; CHUNKS (400) sends of SIZE (1000000) characters are made, round robin; then a
# processor-only instance on HEAP (192m) starts on that backlog, with GC logging. Every 10 s for up to 3 minutes: its
# steps (streamgate_processing_steps_total) and resident size; then the heap it uses after a full collection, its
# OutOfMemoryErrors, full collections, and whether processing started over. PROCESSOR_JAVA_OPTS adds options to that
# JVM's. LINES (1) above 1 makes each send an NDJSON batch of that many chunks of SIZE characters (a backlog of many
# small chunks: CHUNKS=200 LINES=1000 SIZE=10). PROCESSOR_NAME starts the streams with that processor instead of the
# default, and WORD fills each chunk with that text repeated instead of x's (PROCESSOR_NAME=split WORD='a ': a result
# a word, 500,000 results for a chunk of 1,000,000 characters).
#   load-tests/processor-small-heap.sh [gateway jar] [processor args...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
shift || true
STREAMS=${STREAMS:-20}
CHUNKS=${CHUNKS:-400}
SIZE=${SIZE:-1000000}
LINES=${LINES:-1}
HEAP=${HEAP:-192m}
OUT=load-tests/results/processor-small-heap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1)" > "$OUT/machine.txt"
# shellcheck source=load-tests/split-roles.sh
source load-tests/split-roles.sh
# The tenant's sends per second raised, so that a backlog of batches is not refused with 429 as it is made.
start_split_roles "$JAR" "$OUT" "--streamgate.limits.sends-per-second-per-tenant=100000000" ""
START=()
[ -n "${PROCESSOR_NAME:-}" ] && START=(-H 'Content-Type: application/json' -d "{\"processor\":\"$PROCESSOR_NAME\"}")
for i in $(seq 0 $((STREAMS - 1))); do
  curl -sf -o /dev/null -X POST "${START[@]}" "http://127.0.0.1:18280/stream/heap-$i/start"
done
kill "$PROCESSOR"; wait "$PROCESSOR" 2>/dev/null || true
WORD=${WORD:-x}
python3 -c "import json,sys; sys.stdout.write('\\n'.join([json.dumps({'data': ('$WORD' * $SIZE)[:$SIZE]})] * $LINES))" \
    > "$OUT/chunk.json"
TYPE=application/json
[ "$LINES" -gt 1 ] && TYPE=application/x-ndjson
for i in $(seq 0 $((CHUNKS - 1))); do
  curl -sf -o /dev/null -H "Content-Type: $TYPE" --data-binary "@$OUT/chunk.json" \
      "http://127.0.0.1:18280/stream/heap-$((i % STREAMS))/send" || echo "send $i failed" >> "$OUT/sends.txt"
done
echo "sends failed: $(cat "$OUT/sends.txt" 2>/dev/null | wc -l) of $CHUNKS"
# shellcheck disable=SC2086,SC2048
java -Xmx"$HEAP" -Xlog:gc:file="$OUT/gc.log" -XX:+ExitOnOutOfMemoryError ${PROCESSOR_JAVA_OPTS:-} -jar "$JAR" \
    --server.port=18281 --streamgate.roles=processor --streamgate.kafka.bootstrap-servers=127.0.0.1:19392 "$@" \
    > "$OUT/small-processor.log" 2>&1 &
PROCESSOR=$!
await_ready "$OUT/small-processor.log"
echo "processor-only on -Xmx$HEAP, ready at $(date -u +%H:%M:%S)"
for _ in $(seq 18); do
  sleep 10
  if ! kill -0 "$PROCESSOR" 2>/dev/null; then echo "$(date -u +%H:%M:%S) the processor exited"; break; fi
  steps=$(curl -sf -m 5 http://127.0.0.1:18281/actuator/prometheus | grep -E '^streamgate_processing_steps_total' \
      | awk '{s += $2} END {print s + 0}' || echo unanswered)
  echo "$(date -u +%H:%M:%S) steps $steps, resident $(($(ps -o rss= -p "$PROCESSOR") / 1024)) MB"
  [ "$steps" != unanswered ] && [ "${steps%.*}" -ge $((CHUNKS * LINES)) ] && break
done
if kill -0 "$PROCESSOR" 2>/dev/null; then
  sleep 5 # the results feed reads the last results
  jcmd "$PROCESSOR" GC.run > /dev/null
  echo "heap used after a full collection: $(jcmd "$PROCESSOR" GC.heap_info | awk '/garbage-first heap/ {print $6}')"
fi
echo "OutOfMemoryErrors: $(grep -c OutOfMemoryError "$OUT/small-processor.log" || true)," \
    "full collections: $(grep -c 'Pause Full' "$OUT/gc.log" || true)," \
    "processing started over: $(grep -c 'Processing failed' "$OUT/small-processor.log" || true) time(s)"
echo "results: $OUT"
