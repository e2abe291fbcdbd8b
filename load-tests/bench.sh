#!/usr/bin/env bash
# Side by side, in one run on one machine (see BENCHMARKS.md):
#   1. durable sends/s through the gateway at 100, 200, ..., 800 connections (wrk, POST /stream/{id}/send over 500
#      streams started through the API first, ended through it after);
#   2. the HTTP limit of this box: the same wrk against the gateway's cheapest route (a stream's status: security,
#      routing and JSON, no Kafka), at each step;
#   3. the Kafka limit: Kafka's own producer benchmark (ProducerPerformance) against the same broker, same acks.
# Prints one table and keeps it with the raw outputs under load-tests/results/<time>/.
#
#   load-tests/bench.sh                       # the full run, about 20 minutes
#   DURATION=10s CONNECTIONS="100 800" load-tests/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
BROKER_PORT=${BROKER_PORT:-19092}
DURATION=${DURATION:-30s}
# The JIT needs about a minute under load before figures settle (measured: 2.5k, 3.3k, 5k req/s in the first three
# 10 s runs of the same route).
WARMUP=${WARMUP:-60s}
CONNECTIONS=${CONNECTIONS:-"100 200 300 400 500 600 700 800"}
# One wrk thread: on 2 cores every cycle wrk takes is one the gateway does not get.
THREADS=${THREADS:-1}
export STREAMS=${STREAMS:-500} CHUNK_SIZE=${CHUNK_SIZE:-100}
KAFKA_RECORDS=${KAFKA_RECORDS:-2000000}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-"-Xms2g -Xmx2g -XX:MaxGCPauseMillis=20"}
OUT=load-tests/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT/raw"

command -v wrk >/dev/null || { echo "bench.sh needs wrk: sudo apt-get install wrk" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || echo "warning: could not raise the open-files limit; 800 connections need it" >&2

echo "== building the gateway and Kafka's producer benchmark"
./mvnw -q -B -ntp package -DskipTests
./mvnw -q -B -ntp -f load-tests/pom.xml dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/$OUT/kafka-tools.classpath"
JAR=$(ls target/streamgate-*.jar | grep -v '\.original$' | head -1)

echo "== starting the gateway (embedded Kafka on 127.0.0.1:$BROKER_PORT), log in $OUT/gateway.log"
# The tenant limits are raised so that what is measured is the gateway, not its (configurable) rate limits.
# shellcheck disable=SC2086
java $GATEWAY_JAVA_OPTS -jar "$JAR" --server.port="$PORT" \
    --streamgate.broker.port="$BROKER_PORT" --streamgate.broker.data-dir="$OUT/kafka" \
    --streamgate.limits.sends-per-second-per-tenant=100000000 \
    --streamgate.limits.open-streams-per-tenant=100000 > "$OUT/gateway.log" 2>&1 &
GATEWAY=$!
trap 'kill $GATEWAY 2>/dev/null; wait $GATEWAY 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break
  kill -0 $GATEWAY 2>/dev/null || { echo "the gateway did not start; see $OUT/gateway.log" >&2; exit 1; }
  sleep 1
done
URL="http://127.0.0.1:$PORT"

echo "== starting $STREAMS streams through the API"
for i in $(seq 0 $((STREAMS - 1))); do
  curl -sf -o /dev/null -X POST "$URL/stream/bench-$i/start" || { echo "start of bench-$i failed" >&2; exit 1; }
done

echo "== warming up ($WARMUP at 100 connections; not counted)"
wrk -t"$THREADS" -c100 -d"$WARMUP" -s load-tests/wrk/send.lua "$URL" > "$OUT/raw/warmup.txt"
wrk -t"$THREADS" -c100 -d20s -s load-tests/wrk/limit.lua "$URL" > /dev/null

for c in $CONNECTIONS; do
  echo "== $c connections: send, then the HTTP limit ($DURATION each)"
  wrk -t"$THREADS" -c"$c" -d"$DURATION" --timeout 10s --latency -s load-tests/wrk/send.lua "$URL" > "$OUT/raw/send-$c.txt"
  wrk -t"$THREADS" -c"$c" -d"$DURATION" --timeout 10s --latency -s load-tests/wrk/limit.lua "$URL" > "$OUT/raw/limit-$c.txt"
done

echo "== the Kafka limit: ProducerPerformance, $KAFKA_RECORDS records of $CHUNK_SIZE bytes, acks=all, idempotent"
KAFKA_CP="$(cat "$OUT/kafka-tools.classpath")"
java -cp "$KAFKA_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$BROKER_PORT" --create \
    --if-not-exists --topic bench.kafka-limit --partitions 6 > "$OUT/raw/kafka-topic.txt" 2>&1
java -cp "$KAFKA_CP" org.apache.kafka.tools.ProducerPerformance \
    --topic bench.kafka-limit --num-records "$KAFKA_RECORDS" --record-size "$CHUNK_SIZE" --throughput -1 \
    --producer-props bootstrap.servers="127.0.0.1:$BROKER_PORT" acks=all enable.idempotence=true linger.ms=1 \
    > "$OUT/raw/kafka.txt" 2>&1

echo "== ending the streams through the API"
ended=0
for i in $(seq 0 $((STREAMS - 1))); do
  curl -sf -o /dev/null -X POST "$URL/stream/bench-$i/end" && ended=$((ended + 1))
done
echo "$ended of $STREAMS streams ended" > "$OUT/raw/ended.txt"

python3 load-tests/table.py "$OUT" | tee "$OUT/table.md"
