#!/usr/bin/env bash
# Side by side, in one run on one machine, with the same wrk (see BENCHMARKS.md):
#   1. the HTTP limit of this box: a trivial WebFlux app (load-tests/trivial-app: same Boot, Netty and JVM options, no
#      Streamgate), GET /ping and a POST that parses the same JSON body as a send, at each step;
#   2. the gateway, every route at each step: a stream's status, liveness, a durable send, an NDJSON batch of 10
#      durable chunks, results as JSON, and an unknown stream (404 after its catch-up check); sends spread over 500
#      streams started through the API first and ended through it after;
#   3. the Kafka limit: Kafka's own producer benchmark (ProducerPerformance) against the gateway's broker, same acks.
# Prints one table (every route as a ratio of the trivial app) and keeps it with the raw outputs under
# load-tests/results/<time>/; load-tests/chart.gp draws the chart from its table.csv.
#
#   load-tests/bench.sh                                     # every route at 100, 200, 400 and 800 connections
#   DURATION=10s CONNECTIONS="100 800" ROUTES="status send" load-tests/bench.sh
#   GATEWAY_JAVA_OPTS="-Xms2g -Xmx2g -XX:+UseZGC" JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java ...
#   GATEWAY_JAR=/tmp/other-build.jar ROUTES=send load-tests/bench.sh   # A/B: another build of the gateway, same wrk
#   GATEWAY_ARGS="--management.tracing.export.enabled=false" load-tests/bench.sh # A/B: the same build configured otherwise
#   API_KEY=a-tenant-key-of-16-chars load-tests/bench.sh   # a keyed gateway: that one tenant key, sent by every call
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
TRIVIAL_PORT=${TRIVIAL_PORT:-18081}
BROKER_PORT=${BROKER_PORT:-19092}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-"100 200 400 800"}
ROUTES=${ROUTES:-"status liveness send batch results-json not-found"}
# One wrk thread: on 2 cores every cycle wrk takes is one the gateway does not get.
THREADS=${THREADS:-1}
export WARMUP_THREADS=$THREADS
export STREAMS=${STREAMS:-500} CHUNK_SIZE=${CHUNK_SIZE:-100}
KAFKA_RECORDS=${KAFKA_RECORDS:-2000000}
JAVA=${JAVA:-java}
OUT=load-tests/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT/raw"
export WARMUP_LOG=$OUT/raw/warmup.txt

# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
command -v wrk >/dev/null || { echo "bench.sh needs wrk: sudo apt-get install wrk" >&2; exit 1; }
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 65536 2>/dev/null \
  || echo "warning: could not raise the open-files limit; 800 connections need it" >&2

echo "== building the gateway, the trivial app and Kafka's producer benchmark"
./mvnw -q -B -ntp package -DskipTests
./mvnw -q -B -ntp -f load-tests/trivial-app/pom.xml package -DskipTests
./mvnw -q -B -ntp -f load-tests/pom.xml dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/$OUT/kafka-tools.classpath"
# Copies: a build during the run must not change the classes a running JVM still loads lazily.
# GATEWAY_JAR: measure another build of the gateway (an A/B) beside the same trivial app and wrk.
cp "${GATEWAY_JAR:-$(ls target/streamgate-*.jar | grep -v '\.original$' | head -1)}" "$OUT/streamgate.jar"
cp load-tests/trivial-app/target/streamgate-trivial-app-*.jar "$OUT/trivial-app.jar"
git rev-parse --short HEAD > "$OUT/commit.txt" 2>/dev/null || true
{ echo "machine: $(load-tests/machine.sh)"; "$JAVA" -version 2>&1 | head -1;
  echo "JVM options: $JVM_OPTIONS"; echo "gateway arguments: ${GATEWAY_ARGS:-}"; wrk --version 2>&1 | head -1 || true; } > "$OUT/machine.txt"

APP=""
trap stop_app EXIT

# A gateway route's wrk script, and the environment it needs: an NDJSON batch is send.lua with 10 lines.
route_script() { if [ "$1" = batch ]; then echo send.lua; else echo "$1.lua"; fi; }
route_env() { if [ "$1" = batch ]; then echo LINES=10; fi; }

# run <target> <route> <connections> <url> <script> [env...]: one wrk run, its RESULT line kept as raw/<target>-<route>-<c>.txt
run() {
  local target=$1 route=$2 c=$3 url=$4 script=$5
  shift 5
  env "$@" wrk -t"$THREADS" -c"$c" -d"$DURATION" --timeout 10s --latency -s "load-tests/wrk/$script" "$url" \
      > "$OUT/raw/$target-$route-$c.txt"
  grep RESULT "$OUT/raw/$target-$route-$c.txt" | sed "s/^/  $target $route @$c: /"
}

echo "== the HTTP limit: the trivial app alone, log in $OUT/trivial-app.log"
# shellcheck disable=SC2086
start_app "http://127.0.0.1:$TRIVIAL_PORT/ping" "$OUT/trivial-app.log" \
    "$JAVA" $JVM_OPTIONS -jar "$OUT/trivial-app.jar" --server.port="$TRIVIAL_PORT"
TRIVIAL="http://127.0.0.1:$TRIVIAL_PORT"
warm_up "$TRIVIAL" ping.lua
warm_up "$TRIVIAL" send.lua
for c in $CONNECTIONS; do
  run trivial get "$c" "$TRIVIAL" ping.lua
  run trivial post "$c" "$TRIVIAL" send.lua
done
stop_app

echo "== the gateway (embedded Kafka on 127.0.0.1:$BROKER_PORT), log in $OUT/gateway.log"
# As every benchmark starts it (gateway.sh): tenant limits raised, so that what is measured is the gateway, not its
# (configurable) rate limits; the broker's data in $OUT/kafka, deleted by stop_app.
# shellcheck disable=SC2086
GATEWAY_PORT=$PORT GATEWAY_BROKER_PORT=$BROKER_PORT \
    start_gateway "$OUT" "$JAVA" $JVM_OPTIONS -jar "$OUT/streamgate.jar" -- ${GATEWAY_ARGS:-}
URL="http://127.0.0.1:$PORT"

echo "== starting $STREAMS streams through the API, and bench-results with 10 results"
start_streams "$STREAMS" "$URL" # with API_KEY, every call sends it (the wrk scripts read it themselves)
gateway_post "$URL/stream/bench-results/start"
for i in $(seq 10); do
  gateway_post "$URL/stream/bench-results/send" -H 'Content-Type: application/json' -d "{\"data\":\"result $i\"}"
done

echo "== warming up (sends until the JIT is done with them, 20 s of status, 10 s of each other route; not counted)"
warm_up "$URL" send.lua
wrk -t"$THREADS" -c100 -d20s -s load-tests/wrk/status.lua "$URL" > /dev/null
# Without this, each other route's first step (100 connections) was also its first exercise: JIT warm-up halved it.
for route in $ROUTES; do
  case $route in
    send|status) ;;
    # shellcheck disable=SC2046
    *) env $(route_env "$route") wrk -t"$THREADS" -c100 -d10s -s "load-tests/wrk/$(route_script "$route")" "$URL" \
           > /dev/null ;;
  esac
done

for c in $CONNECTIONS; do
  echo "== $c connections, $DURATION per route"
  for route in $ROUTES; do
    # shellcheck disable=SC2046
    run gateway "$route" "$c" "$URL" "$(route_script "$route")" $(route_env "$route")
  done
done

echo "== the Kafka limit: ProducerPerformance, $KAFKA_RECORDS records of $CHUNK_SIZE bytes, acks=all, idempotent"
KAFKA_CP="$(cat "$OUT/kafka-tools.classpath")"
"$JAVA" -cp "$KAFKA_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$BROKER_PORT" --create \
    --if-not-exists --topic bench.kafka-limit --partitions 6 > "$OUT/raw/kafka-topic.txt" 2>&1
"$JAVA" -cp "$KAFKA_CP" org.apache.kafka.tools.ProducerPerformance \
    --topic bench.kafka-limit --num-records "$KAFKA_RECORDS" --record-size "$CHUNK_SIZE" --throughput -1 \
    --producer-props bootstrap.servers="127.0.0.1:$BROKER_PORT" acks=all enable.idempotence=true linger.ms=1 \
    > "$OUT/raw/kafka.txt" 2>&1

echo "== ending the streams through the API"
ended=0
for i in $(seq 0 $((STREAMS - 1))); do
  gateway_post "$URL/stream/bench-$i/end" && ended=$((ended + 1))
done
echo "$ended of $STREAMS streams ended" > "$OUT/raw/ended.txt"
stop_app

python3 load-tests/table.py "$OUT" | tee "$OUT/table.md"
if command -v gnuplot >/dev/null; then
  gnuplot -e "csv='$OUT/table.csv'; out='$OUT/chart.png'" load-tests/chart.gp && echo "chart: $OUT/chart.png"
fi
