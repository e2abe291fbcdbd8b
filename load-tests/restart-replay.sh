#!/usr/bin/env bash
# How long a restarted gateway takes to be ready as its results topic grows. A gateway reads the results topic from
# its beginning (ResultsFeed) before it reports ready, so what it reads is what the topic's retention keeps. One
# gateway on an embedded broker whose data is kept: started on empty data, then rounds of short streams
# (load-tests/short-streams.sh, 100 clients), each followed by a stop and a start on the same data. Per start: seconds
# from the JVM's launch to readiness, to the feed's "caught up" line, the results topic on disk, the streams the feed
# knew, and the heap in use after a full GC, at readiness and once an expiry sweep has forgotten what it forgets. Given a second jar, each round's data is also started with it, after the
# first (an A/B on the same data; a start writes nothing to the results topic).
# Arguments for every start of the gateway go in GATEWAY_ARGS (e.g. --streamgate.stream.ended-retention=30s).
#   load-tests/restart-replay.sh [rounds (3)] [seconds of load a round (120)] [gateway jar] [other gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
LOAD_SECONDS=${2:-120}
JARS=("${3:-target/streamgate-0.1.0-SNAPSHOT.jar}" ${4:+"$4"})
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/restart-replay-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
URL=http://127.0.0.1:$PORT
trap 'stop_app; rm -rf "$OUT/kafka"' EXIT # stop_app deletes only what BROKER_DATA names, which this script leaves unset

# start <n> <jar>: that gateway on the kept data, its output in gateway-<n>-<jar's name>.log; sets APP; prints the
# start's line.
start() {
  local launched ready caught
  refuse_if_answered "$URL/actuator/health/readiness"
  launched=$(date +%s%N)
  # shellcheck disable=SC2086
  java $JVM_OPTIONS -jar "$2" --server.port="$PORT" --streamgate.broker.port="${GATEWAY_BROKER_PORT:-19092}" \
      --streamgate.broker.data-dir="$OUT/kafka" --streamgate.limits.open-streams-per-tenant=100000 \
      --streamgate.limits.sends-per-second-per-tenant=100000000 --streamgate.limits.max-sends-in-flight=65536 \
      ${GATEWAY_ARGS:-} > "$OUT/gateway-$1-$(basename "$2").log" 2>&1 &
  APP=$!
  until curl -sf "$URL/actuator/health/readiness" > /dev/null; do
    kill -0 "$APP" 2>/dev/null || { echo "the gateway ended; see $OUT/gateway-$1-$(basename "$2").log" >&2; exit 1; }
    sleep 0.1
  done
  ready=$(date +%s%N)
  caught=$(grep -m1 'Results feed caught up' "$OUT/gateway-$1-$(basename "$2").log")
  echo "start $1 ($(basename "$2")): ready after $(( (ready - launched) / 1000000 )) ms;" \
      "results topic $(du -cm "$OUT"/kafka/kraft-combined-logs/streamgate.results-* | tail -1 | cut -f1) MB;" \
      "feed $(echo "$caught" | grep -o 'caught up.*') (at $(echo "$caught" | cut -c12-23));" \
      "heap in use after a full GC: at readiness $(heap_mb) MB, after an expiry sweep (12 s) $(sleep 12; heap_mb) MB" \
      | tee -a "$OUT/summary.txt"
}

# heap_mb: the megabytes of heap the JVM in APP uses after a full GC.
heap_mb() {
  jcmd "$APP" GC.run > /dev/null
  echo $(( $(jcmd "$APP" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9) / 1024 ))
}

echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1); ${JARS[*]} ${GATEWAY_ARGS:-}" > "$OUT/machine.txt"
start 0 "${JARS[0]}"
for round in $(seq 1 "$ROUNDS"); do
  load-tests/short-streams.sh -DbaseUrl="$URL" -Dseconds="$LOAD_SECONDS" -DwarmupSeconds=0 > "$OUT/load-$round.txt"
  grep -o 'lifecycles_per_s=[0-9.]* failed=[0-9]*' "$OUT/load-$round.txt" | sed "s/^/load $round: /" | tee -a "$OUT/summary.txt"
  for jar in "${JARS[@]}"; do
    stop_app
    start "$round" "$jar"
  done
done
echo "results in $OUT"
