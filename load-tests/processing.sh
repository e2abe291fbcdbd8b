#!/usr/bin/env bash
# The http processor's throughput, in one run on one machine: a model server that answers each chunk in 50 ms
# (SlowModelServer), the gateway with its embedded broker and a processor calling it, and EndToEndLatency offering
# chunks over 1,000 streams (processor http) with a reader each. Reports delivered chunks/s: with a sequential loop per
# partition the engine could not pass partitions x 20 chunks/s (120/s on the default 6 partitions).
#   load-tests/processing.sh                              # 1,000 streams, 6,000 chunks/s offered, 60 s warm-up, 30 s measured
#   RATE=8000 STREAMS=1000 DELAY_MILLIS=50 load-tests/processing.sh
#   GATEWAY_ARGS="--streamgate.processing.max-concurrent-streams=32" load-tests/processing.sh   # an A/B of a setting
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
MODEL_PORT=${MODEL_PORT:-18090}
STREAMS=${STREAMS:-1000}
RATE=${RATE:-6000}
SECONDS_MEASURED=${SECONDS_MEASURED:-30}
WARMUP_SECONDS=${WARMUP_SECONDS:-60}
BATCH=${BATCH:-100}
DELAY_MILLIS=${DELAY_MILLIS:-50}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/processing-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

echo "== building the gateway and the load tests"
./mvnw -q -B -ntp package -DskipTests
CP=$(load-tests/classpath.sh)
cp "$(ls target/streamgate-*.jar | grep -v '\.original$' | head -1)" "$OUT/streamgate.jar"

PIDS=()
# The embedded broker's data goes with the run (up to GBs; nothing reads it after), its log stays.
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$OUT/kafka"' EXIT

echo "== the model server on :$MODEL_PORT ($DELAY_MILLIS ms a call), log in $OUT/model-server.log"
java -Dport="$MODEL_PORT" -DdelayMillis="$DELAY_MILLIS" -cp "$CP" streamgate.SlowModelServer > "$OUT/model-server.log" 2>&1 &
PIDS+=($!)

echo "== the gateway and processor on :$PORT, log in $OUT/gateway.log"
# shellcheck disable=SC2086
java $JVM_OPTIONS -jar "$OUT/streamgate.jar" --server.port="$PORT" --streamgate.broker.data-dir="$OUT/kafka" \
    --streamgate.processing.http.url="http://127.0.0.1:$MODEL_PORT/" \
    --streamgate.limits.sends-per-second-per-tenant=100000000 \
    --streamgate.limits.open-streams-per-tenant=100000 ${GATEWAY_ARGS:-} > "$OUT/gateway.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break
  sleep 1
done

echo "== $STREAMS streams of processor http, $RATE chunks/s offered"
java -Xmx1g -DbaseUrl="http://127.0.0.1:$PORT" -Dprocessor=http -Dstreams="$STREAMS" -Drate="$RATE" -Dbatch="$BATCH" \
    -DinFlight=256 -Dseconds="$SECONDS_MEASURED" -DwarmupSeconds="$WARMUP_SECONDS" -cp "$CP" streamgate.EndToEndLatency \
    | tee "$OUT/result.txt"
