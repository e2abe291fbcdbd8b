#!/usr/bin/env bash
# How the processors' state topic grows under short streams, and how long a processor's restore of it takes. One
# gateway (with its processor) on an embedded broker whose data is kept: short streams (load-tests/short-streams.sh,
# 100 clients) for the given seconds, the state topic's size on disk every minute, then a stop and a start on the same
# data: the seconds from the first partition assigned to the last restored (BENCHMARKS.md section 86). Given a second
# jar, the same data (copied as it was at the stop) is also started with it, after the first: an A/B of the restore.
#   load-tests/state-growth.sh [seconds of load (420)] [gateway jar] [other gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_SECONDS=${1:-420}
JARS=("${2:-target/streamgate-0.1.0-SNAPSHOT.jar}" ${3:+"$3"})
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/state-growth-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
URL=http://127.0.0.1:$PORT
trap 'stop_app; rm -rf "$OUT/kafka" "$OUT/kafka-at-stop"' EXIT

# start <name> <jar> <data dir>: that gateway on the data, its output in <name>.log; sets APP
start() {
  refuse_if_answered "$URL/actuator/health/readiness"
  # shellcheck disable=SC2086
  java $JVM_OPTIONS -jar "$2" --server.port="$PORT" --streamgate.broker.port="${GATEWAY_BROKER_PORT:-19092}" \
      --streamgate.broker.data-dir="$3" --streamgate.limits.open-streams-per-tenant=100000 \
      --streamgate.limits.sends-per-second-per-tenant=100000000 --streamgate.limits.max-sends-in-flight=65536 \
      > "$OUT/$1.log" 2>&1 &
  APP=$!
  until curl -sf "$URL/actuator/health/readiness" > /dev/null; do
    kill -0 "$APP" 2>/dev/null || { echo "the gateway ended; see $OUT/$1.log" >&2; exit 1; }
    sleep 0.2
  done
}

state_mb() {
  du -cm "$1"/kraft-combined-logs/streamgate.processor-state-* | tail -1 | cut -f1
}

# restored <log>: the seconds from its first "Partition N assigned" to the last of six "restored" lines
restored() {
  for _ in $(seq 1 240); do
    [ "$(grep -c 'restored:' "$1")" -ge 6 ] && break
    sleep 0.5
  done
  python3 - "$1" <<'EOF'
import re, sys
from datetime import datetime
lines = open(sys.argv[1]).read().splitlines()
stamp = lambda line: datetime.strptime(line[11:23], '%H:%M:%S.%f')
assigned = [stamp(l) for l in lines if re.search(r'Partition \d+ assigned', l)]
done = [stamp(l) for l in lines if 'restored:' in l]
print('%.2f s' % (max(done) - min(assigned)).total_seconds() if assigned and done else 'not restored')
EOF
}

echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1); ${JARS[*]}" > "$OUT/machine.txt"
start load "${JARS[0]}" "$OUT/kafka"
load-tests/short-streams.sh -DbaseUrl="$URL" -Dseconds="$LOAD_SECONDS" -DwarmupSeconds=0 > "$OUT/load.txt" &
LOAD=$!
for minute in $(seq 1 $(( LOAD_SECONDS / 60 ))); do
  sleep 60
  echo "after $minute min: state topic $(state_mb "$OUT/kafka") MB" | tee -a "$OUT/summary.txt"
done
wait "$LOAD"
grep -o 'lifecycles_per_s=[0-9.]* failed=[0-9]*' "$OUT/load.txt" | sed 's/^/load: /' | tee -a "$OUT/summary.txt"
stop_app
echo "at the stop: state topic $(state_mb "$OUT/kafka") MB" | tee -a "$OUT/summary.txt"
[ ${#JARS[@]} -gt 1 ] && cp -a "$OUT/kafka" "$OUT/kafka-at-stop"
for i in "${!JARS[@]}"; do
  data=$OUT/kafka
  if [ "$i" -gt 0 ]; then
    rm -rf "$OUT/kafka-again"
    cp -a "$OUT/kafka-at-stop" "$OUT/kafka-again"
    data=$OUT/kafka-again
  fi
  start "restart-$i" "${JARS[$i]}" "$data"
  echo "restart with $(basename "${JARS[$i]}"): restored in $(restored "$OUT/restart-$i.log")" | tee -a "$OUT/summary.txt"
  stop_app
done
rm -rf "$OUT/kafka-again"
echo "results in $OUT"
