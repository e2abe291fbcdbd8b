#!/usr/bin/env bash
# Heap per open WebSocket on the gateway (BENCHMARKS.md section 97), measured as reader-heap.sh measures an SSE
# reader's: the jar with the benchmarks' JVM options, 100 streams, the heap after two full GCs (jcmd GC.run,
# GC.heap_info) before and after SOCKETS (4,000) WebSockets connect (load-tests/ws-sockets.py, nothing sent);
# (after - before) / sockets. The class histograms of both moments stay beside the result: what a socket holds, by
# class, is python3 load-tests/histo-diff.py --grown <out>/before.histo <out>/after.histo, divided by the sockets.
#   load-tests/socket-heap.sh [gateway jar] [sockets]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
SOCKETS=${2:-4000}
OUT=load-tests/results/socket-heap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" --
start_streams 100
used_kb() {
  jcmd "$1" GC.run > /dev/null; sleep 1; jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'
}
before=$(used_kb "$APP")
jcmd "$APP" GC.class_histogram > "$OUT/before.histo"
python3 load-tests/ws-sockets.py "${GATEWAY_PORT:-18080}" "$SOCKETS" 100 > "$OUT/sockets.log" 2>&1 &
CLIENT=$!
for _ in $(seq 120); do grep -q connected "$OUT/sockets.log" && break; sleep 1; done
sleep 5
after=$(used_kb "$APP")
jcmd "$APP" GC.class_histogram > "$OUT/after.histo"
echo "$(tail -1 "$OUT/sockets.log"); heap before $before KB, after $after KB:" \
    "$(( (after - before) * 1024 / SOCKETS )) bytes a socket" | tee "$OUT/summary.txt"
kill "$CLIENT"
echo "results in $OUT"
