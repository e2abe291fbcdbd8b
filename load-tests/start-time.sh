#!/usr/bin/env bash
# How long a gateway takes from launch to ready on empty data, started three ways in turn each round: the jar, the
# jar extracted (java -Djarmode=tools ... extract), and the extracted jar with a class data sharing archive written by
# one training start first (README, Starting faster). Each start gets the benchmarks' JVM options (load-tests/gateway.sh)
# and a fresh data directory, and is stopped once ready. BENCHMARKS.md section 89.
#   load-tests/start-time.sh [rounds (3)] [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
JAR=${2:-target/streamgate-0.1.0-SNAPSHOT.jar}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/start-time-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
URL=http://127.0.0.1:$PORT/actuator/health/readiness
trap 'stop_app; rm -rf "$OUT/data" "$OUT/app"' EXIT # stop_app deletes only what BROKER_DATA names, left unset here

java -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" > /dev/null
EXTRACTED=$OUT/app/$(basename "$JAR")
java -XX:ArchiveClassesAtExit="$OUT/app/streamgate.jsa" -Dspring.context.exit=onRefresh -jar "$EXTRACTED" \
    --server.port=0 --streamgate.broker.port=0 --streamgate.broker.data-dir="$OUT/data" > "$OUT/training.log" 2>&1
rm -rf "$OUT/data"

# timed <name> <java options and jar...>: one start on fresh data, its milliseconds to readiness added to LINE; then
# stopped.
timed() {
  local name=$1 launched
  shift
  refuse_if_answered "$URL"
  launched=$(date +%s%N)
  # shellcheck disable=SC2086
  java $JVM_OPTIONS "$@" --server.port="$PORT" --streamgate.broker.port="${GATEWAY_BROKER_PORT:-19092}" \
      --streamgate.broker.data-dir="$OUT/data" > "$OUT/$name.log" 2>&1 &
  APP=$!
  until curl -sf "$URL" > /dev/null; do
    kill -0 "$APP" 2>/dev/null || { echo "the gateway ended; see $OUT/$name.log" >&2; exit 1; }
    sleep 0.05
  done
  LINE="$LINE $name $(( ($(date +%s%N) - launched) / 1000000 )) ms"
  stop_app
  rm -rf "$OUT/data"
}

echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1); $JAR" > "$OUT/machine.txt"
for round in $(seq "$ROUNDS"); do
  LINE="round $round:"
  timed jar -jar "$JAR"
  timed extracted -jar "$EXTRACTED"
  timed archive -XX:SharedArchiveFile="$OUT/app/streamgate.jsa" -jar "$EXTRACTED"
  echo "$LINE" | tee -a "$OUT/summary.txt"
done
echo "results in $OUT"
