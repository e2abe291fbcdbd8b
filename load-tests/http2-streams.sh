#!/usr/bin/env bash
# Heap an HTTP/2 stream holds while its body is slow to come, and whether the streams of a gateway's connections are
# bounded: the jar with its embedded broker (JVM options as gateway.sh's, GATEWAY_JAVA_OPTS to change them: say
# "-Xmx384m -XX:+ExitOnOutOfMemoryError", the image's heap) and one stream; then CONNECTIONS (100) h2c connections
# each open PER_CONNECTION (100) sends whose bodies start and never end (load-tests/probes/.../Http2Streams.java); the
# heap after two full collections before and HOLD seconds (20) after they are opened, and what the probe saw. The
# accepted ones are answered 408 once request-read-timeout (30 s) has passed without their bodies.
#   load-tests/http2-streams.sh [gateway jar] [gateway args...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
shift || true
CONNECTIONS=${CONNECTIONS:-100} PER_CONNECTION=${PER_CONNECTION:-100} HOLD=${HOLD:-20}
OUT=load-tests/results/http2-streams-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- "$@"
start_streams 1 "http://127.0.0.1:$PORT"
before=$(used_kb "$APP")
SOURCES=load-tests/probes load-tests/heap.sh Http2Streams "$PORT" "$CONNECTIONS" "$PER_CONNECTION" bench-0 \
    "${API_KEY:-}" > "$OUT/probe.log" 2>&1 &
PROBE=$!
trap 'pkill -P $PROBE; kill $PROBE 2>/dev/null; stop_app' EXIT
for _ in $(seq 120); do grep -q opened "$OUT/probe.log" && break; sleep 1; done # compiled and running
sleep "$HOLD"
after=$(used_kb "$APP" 2>/dev/null || echo 0)
{
  echo "jar: $JAR; $CONNECTIONS connections x $PER_CONNECTION streams"
  echo "probe: $(grep opened "$OUT/probe.log" | tail -1)"
  kill -0 "$APP" 2>/dev/null \
      || echo "the gateway ended: $(grep -c OutOfMemoryError "$OUT/gateway.log") OutOfMemoryError lines"
  echo "connections open: $(ss -Htn state established "( sport = :$PORT )" | wc -l)"
  open=$(grep opened "$OUT/probe.log" | tail -1 | sed -E 's/.*, open ([0-9]+),.*/\1/')
  open=${open:-0}
  echo "heap before ${before} KB, after ${after} KB: $(( (after - before) * 1024 / (open > 0 ? open : 1) )) bytes" \
      "a stream open"
} | tee "$OUT/summary.txt"
jcmd "$APP" GC.class_histogram > "$OUT/after.histo" 2>/dev/null || true
