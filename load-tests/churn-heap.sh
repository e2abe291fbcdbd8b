#!/usr/bin/env bash
# Does a gateway that serves short streams for a long time hold what it held after the first rounds? Rounds of
# ShortStreams (100 clients: start, NDJSON batch, end, read to the end event) against one gateway whose ended streams
# are forgotten after 30 s; after each round, once that round's streams are forgotten, a full GC and what is left: heap
# in use, threads, open files, the embedded broker's data, and a class histogram. Then the classes that grew most from
# the second round to the last (the first warms the JIT and fills the pools).
#   load-tests/churn-heap.sh [rounds (6)] [seconds a round (180)] [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-6}
ROUND_SECONDS=${2:-180}
JAR=${3:-target/streamgate-0.1.0-SNAPSHOT.jar}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/churn-heap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
URL=http://127.0.0.1:${GATEWAY_PORT:-18080}
trap stop_app EXIT
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- --streamgate.stream.ended-retention=30s

for round in $(seq 1 "$ROUNDS"); do
  load-tests/short-streams.sh -DbaseUrl="$URL" -Dseconds="$ROUND_SECONDS" -DwarmupSeconds=0 > "$OUT/round-$round.txt"
  sleep 45 # the retention (30 s) and an expiry sweep (every 10 s): the round's streams are forgotten
  jcmd "$APP" GC.run > /dev/null
  jcmd "$APP" GC.class_histogram > "$OUT/histogram-$round.txt"
  used=$(jcmd "$APP" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9)
  echo "round $round: $(grep -o 'lifecycles_per_s=[0-9.]* failed=[0-9]*' "$OUT/round-$round.txt")," \
      "heap in use after a full GC $((used / 1024)) MB, threads $(ls "/proc/$APP/task" | wc -l)," \
      "open files $(ls "/proc/$APP/fd" | wc -l), broker data $(du -sm "$OUT/kafka" | cut -f1) MB" | tee -a "$OUT/summary.txt"
done

echo -n "from round 2 to round $ROUNDS: " | tee -a "$OUT/summary.txt"
python3 load-tests/histo-diff.py --grown "$OUT/histogram-2.txt" "$OUT/histogram-$ROUNDS.txt" | tee -a "$OUT/summary.txt"
echo "results in $OUT"
