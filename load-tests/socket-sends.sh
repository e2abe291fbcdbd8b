#!/usr/bin/env bash
# Frames a second stored through WebSockets: the jar with the benchmarks' JVM options and its embedded broker, a
# stream a round, SOCKETS (16) WebSockets each writing FRAMES (5,000) text frames of SIZE (100) bytes as fast as its
# socket takes them (load-tests/burst-frames.py), every frame answered; ROUNDS (3) rounds, the first a warm-up.
#   load-tests/socket-sends.sh [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
SOCKETS=${SOCKETS:-16}
FRAMES=${FRAMES:-5000}
SIZE=${SIZE:-100}
ROUNDS=${ROUNDS:-3}
OUT=load-tests/results/socket-sends-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" --
for round in $(seq "$ROUNDS"); do
  gateway_post "http://127.0.0.1:$PORT/stream/frames-$round/start" # a new one: a socket reads its stream's results
  line=$(python3 load-tests/burst-frames.py "$PORT" "frames-$round" "$SOCKETS" "$FRAMES" "$SIZE")
  seconds=$(echo "$line" | grep -o 'in [0-9.]* s' | grep -o '[0-9.]*')
  echo "round $round: $line; $(python3 -c "print(round($SOCKETS * $FRAMES / $seconds))") frames/s" \
      | tee -a "$OUT/summary.txt"
done
echo "results in $OUT"
