#!/usr/bin/env bash
# How long a gateway takes from launch to ready on empty data, started five ways in turn each round: the jar, the jar
# extracted (java -Djarmode=tools ... extract), the extracted jar with a class data sharing archive written by one
# training start first (README, Starting faster), and the image's two layouts laid out here without Docker: its layers
# merged into one directory as the Dockerfile's COPY lines merge them, started by Spring Boot's launcher as the image
# was until section 93 ("launcher"), and as src/main/docker/Dockerfile does now, the archive written by its training
# command in that directory ("image"). Each start gets the benchmarks' JVM options (load-tests/gateway.sh) and a fresh
# data directory, and is stopped once ready. BENCHMARKS.md sections 89 and 93.
#   load-tests/start-time.sh [rounds (3)] [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
JAR=${2:-target/streamgate-0.1.0-SNAPSHOT.jar}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=$PWD/load-tests/results/start-time-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
URL=http://127.0.0.1:$PORT/actuator/health/readiness
trap 'stop_app; rm -rf "$OUT/data" "$OUT/app" "$OUT/launcher" "$OUT/image" "$OUT/layers"' EXIT # stop_app deletes only
# what BROKER_DATA names, left unset here

java -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" > /dev/null
EXTRACTED=$OUT/app/$(basename "$JAR")
java -XX:ArchiveClassesAtExit="$OUT/app/streamgate.jsa" -Dspring.context.exit=onRefresh -jar "$EXTRACTED" \
    --server.port=0 --streamgate.broker.port=0 --streamgate.broker.data-dir="$OUT/data" > "$OUT/training.log" 2>&1
rm -rf "$OUT/data"

# layout <dir> <extract options...>: the jar's layers extracted and merged into <dir>, as the Dockerfile's COPY lines
# merge them into /app.
layout() {
  local dir=$1
  shift
  rm -rf "$OUT/layers"
  java -Djarmode=tools -jar "$JAR" extract --layers --destination "$OUT/layers" "$@" > /dev/null
  mkdir -p "$dir"
  for layer in dependencies spring-boot-loader snapshot-dependencies application; do
    [ -d "$OUT/layers/$layer" ] && cp -a "$OUT/layers/$layer/." "$dir/"
  done
}
layout "$OUT/launcher" --launcher
layout "$OUT/image" --application-filename streamgate.jar
# The Dockerfile's training command, in the image's working directory
(cd "$OUT/image" && java -Xmx1g -XX:ArchiveClassesAtExit=streamgate.jsa -Dspring.context.exit=onRefresh -jar streamgate.jar \
    --server.port=0 --streamgate.broker.port=0 --streamgate.broker.data-dir="$OUT/data" > "$OUT/image-training.log" 2>&1)
rm -rf "$OUT/data"
echo "image archive: $(du -h "$OUT/image/streamgate.jsa" | cut -f1)" | tee "$OUT/summary.txt"

# timed <name> <java options and jar...>: one start on fresh data, its milliseconds to readiness added to LINE; then
# stopped.
timed() {
  local name=$1 launched
  shift
  refuse_if_answered "$URL"
  launched=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "${IN:-.}" && exec java $JVM_OPTIONS "$@" --server.port="$PORT" \
      --streamgate.broker.port="${GATEWAY_BROKER_PORT:-19092}" --streamgate.broker.data-dir="$OUT/data") \
      > "$OUT/$name.log" 2>&1 &
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
  timed launcher -cp "$OUT/launcher" org.springframework.boot.loader.launch.JarLauncher
  # in the image's working directory, as its entrypoint starts
  IN=$OUT/image timed image -XX:SharedArchiveFile=streamgate.jsa -jar streamgate.jar
  echo "$LINE" | tee -a "$OUT/summary.txt"
done
echo "results in $OUT"
