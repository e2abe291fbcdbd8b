#!/usr/bin/env bash
# Whether a gateway's heap holds the sends that wait for a stalled broker (BENCHMARKS.md section 95). One JVM runs the
# embedded broker (and a processor); a gateway-only JVM (-Xmx2g, the benchmarks' heap, delivery timeout 120 s) sends to
# it. Once a stream is started, the broker's JVM is frozen (SIGSTOP: its sockets open, nothing answered) and 4,096
# sends of 1 MB are made at once, max-sends-in-flight's default; 40 s later the gateway's OutOfMemoryErrors, full
# collections and health are read, the broker thawed, and the sends' answers counted. Run twice: with
# max-bytes-in-flight set out of reach (as before it existed), and with its default. With "ws", the sends are 16
# WebSockets' 256 text frames of 1 MB each instead (section 96), the default run only.
#   load-tests/stalled-broker.sh [gateway jar] [http|ws]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
SENDS=${2:-http}
OUT=load-tests/results/stalled-broker-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
BROKER_PORT=19192
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null; done' EXIT

# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh # await_ready

if [ "$SENDS" = ws ]; then RUNS=(default); else RUNS=(unbounded default); fi
for run in "${RUNS[@]}"; do
  if [ "$run" = unbounded ]; then bound=(--streamgate.limits.max-bytes-in-flight=100GB); else bound=(); fi
  rm -rf "$OUT/broker-data"
  java -Xmx1g -jar "$JAR" --server.port=18091 --streamgate.roles=processor --streamgate.broker.port=$BROKER_PORT \
      --streamgate.broker.data-dir="$OUT/broker-data" > "$OUT/$run-broker.log" 2>&1 &
  BROKER=$!
  PIDS+=("$BROKER")
  APP=$BROKER await_ready http://127.0.0.1:18091/actuator/health "$OUT/$run-broker.log"
  java -Xms2g -Xmx2g -XX:MaxGCPauseMillis=20 -XX:MaxTenuringThreshold=1 -Xlog:gc:file="$OUT/$run-gc.log" -jar "$JAR" \
      --server.port=18092 --streamgate.roles=gateway --streamgate.kafka.bootstrap-servers=127.0.0.1:$BROKER_PORT \
      --streamgate.kafka.delivery-timeout=120s --streamgate.limits.sends-per-second-per-tenant=100000000 \
      "${bound[@]}" > "$OUT/$run-gateway.log" 2>&1 &
  GATEWAY=$!
  PIDS+=("$GATEWAY")
  APP=$GATEWAY await_ready http://127.0.0.1:18092/actuator/health/readiness "$OUT/$run-gateway.log"
  curl -sf -X POST http://127.0.0.1:18092/stream/burst/start > /dev/null
  kill -STOP "$BROKER"
  if [ "$SENDS" = ws ]; then
    python3 load-tests/burst-frames.py 18092 burst 16 256 1000000 > "$OUT/$run-burst.txt" 2>&1 &
  else
    python3 load-tests/burst-sends.py 18092 burst 4096 1000000 > "$OUT/$run-burst.txt" 2>&1 &
  fi
  BURST=$!
  sleep 40
  stalled="after 40 s stalled: OutOfMemoryErrors $(grep -c OutOfMemoryError "$OUT/$run-gateway.log" || true),\
 full collections $(grep -c 'Pause Full' "$OUT/$run-gc.log" || true), heap after a collection at most\
 $(grep -o '[0-9]*M->[0-9]*M' "$OUT/$run-gc.log" | sed 's/.*->//; s/M//' | sort -n | tail -1) MB,\
 health $(curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:18092/actuator/health || true)"
  kill -CONT "$BROKER"
  wait "$BURST" || true
  after="after: health $(curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:18092/actuator/health || true),\
 a send $(curl -s -m 30 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      -d '{"data":"after"}' http://127.0.0.1:18092/stream/burst/send || true)"
  printf '== %s %s (%s)\n%s\nsends: %s\n%s\n' "$SENDS" "$run" "${bound[*]:-max-bytes-in-flight default}" "$stalled" \
      "$(cat "$OUT/$run-burst.txt")" "$after" | tee -a "$OUT/summary.txt"
  kill -9 "$GATEWAY" "$BROKER" 2>/dev/null || true
  wait "$GATEWAY" "$BROKER" 2>/dev/null || true
done
echo "results in $OUT"
