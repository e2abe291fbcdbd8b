#!/usr/bin/env bash
# Whether a gateway on a small heap stays up when SSE readers take every connection its settings allow (BENCHMARKS.md
# section 97): the jar on HEAP (384m, the image's in a 512 MB container), 200 streams, then READERS (18,000: the
# default max-connections is 20,000, but a process here may open 20,000 files) readers connecting at once
# (load-tests/sse-readers.py, up to 100 per stream, nothing sent); with FILL=1, after the streams' histories are filled
# first as load-tests/small-heap.sh fills them (1,000 streams of 500 KB of results, ended, 1,000 more); with
# SOCKETS=ws, WebSockets instead of SSE readers (load-tests/ws-sockets.py);
# 60 s later the readers connected, the OutOfMemoryErrors and full collections logged, the heap after a full
# collection, and whether health and a start answer.
#   load-tests/small-heap-readers.sh [gateway jar] [gateway args...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
shift || true
HEAP=${HEAP:-384m}
READERS=${READERS:-18000}
OUT=load-tests/results/small-heap-readers-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
[ "$(ulimit -n)" -ge $((READERS + 1000)) ] || ulimit -n $((READERS + 1000)) # each JVM and the client need as many
export GATEWAY_JAVA_OPTS="-Xmx$HEAP -XX:MaxGCPauseMillis=20 -XX:MaxTenuringThreshold=1 -Xlog:gc:file=$OUT/gc.log"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- "$@"
start_streams 200 "http://127.0.0.1:$PORT"
if [ "${FILL:-0}" = 1 ]; then
  python3 load-tests/small-heap.py "$PORT" first 1000 2 25 10000 > "$OUT/fill.log" 2>&1
  python3 load-tests/small-heap.py "$PORT" first 1000 --end >> "$OUT/fill.log" 2>&1
  python3 load-tests/small-heap.py "$PORT" second 1000 2 25 10000 >> "$OUT/fill.log" 2>&1
fi
if [ "${SOCKETS:-sse}" = ws ]; then
  python3 load-tests/ws-sockets.py "$PORT" "$READERS" 200 > "$OUT/readers.log" 2>&1 &
else
  COUNT_REFUSED=1 python3 load-tests/sse-readers.py "$PORT" "$READERS" 200 > "$OUT/readers.log" 2>&1 &
fi
READING=$!
sleep 60
# The heap after a full collection, or "unanswered" from a JVM too busy collecting to answer jcmd in 20 s.
heap_after_gc() {
  timeout 20 jcmd "$APP" GC.run > /dev/null 2>&1 || true
  timeout 20 jcmd "$APP" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 || echo unanswered
}
{
  echo "== -Xmx$HEAP $*: $READERS ${SOCKETS:-sse} readers${FILL:+, histories filled first}"
  echo "the client: $(tail -1 "$OUT/readers.log" | cut -c1-200)"
  echo "established connections to the gateway: $(ss -Htn state established "( sport = :$PORT )" | wc -l)"
  echo "OutOfMemoryErrors logged: $(grep -c OutOfMemoryError "$OUT/gateway.log" || true)," \
      "full collections: $(grep -c 'Pause Full' "$OUT/gc.log" || true)," \
      "heap after a full collection: $(heap_after_gc)," \
      "health: $(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health" || true)," \
      "a start: $(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST \
          "http://127.0.0.1:$PORT/stream/after-$RANDOM/start" || true)"
} | tee -a "$OUT/summary.txt"
kill "$READING" 2>/dev/null || true
kill -9 "$APP" 2>/dev/null || true # a JVM out of memory may not stop on SIGTERM
stop_app
echo "results in $OUT"
