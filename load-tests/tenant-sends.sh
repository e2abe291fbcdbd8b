#!/usr/bin/env bash
# Whether one tenant's sends can take every send slot of a keyed node (max-sends-in-flight: commands waiting for
# Kafka) while the broker stalls: one JVM runs the embedded broker (and a processor), a gateway-only JVM with two tenant
# keys and max-sends-in-flight at SLOTS (256; the default, 4,096, scaled down to what one wrk on this box holds) sends
# to it. Once the gateway's JIT is warm (warm_up), for DURATION (20 s) API_KEY's wrk sends single chunks to its 4
# streams from CONNECTIONS (400) connections while OTHER_KEY's sends to its own 4 streams from 4; 5 s in, the broker's
# JVM is frozen (SIGSTOP: its sockets open, nothing answered) for STALL (5) seconds, as a broker's pause or a leader's
# election would. Printed: each wrk's RESULT line (load-tests/wrk/report.lua; non2xx is what was refused) and the
# node's refusals by limit (streamgate_limit_rejections_total, read with an operator key).
#   load-tests/tenant-sends.sh [gateway jar] [gateway args...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "tenant-sends.sh needs wrk: sudo apt-get install wrk" >&2; exit 1; }
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
shift || true
SLOTS=${SLOTS:-256}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-400}
STALL=${STALL:-5}
export API_KEY=${API_KEY:-flooding-tenant-key-0123456789}
OTHER_KEY=${OTHER_KEY:-other-tenant-key-0123456789}
OPERATOR_KEY=operator-key-0123456789
OUT=load-tests/results/tenant-sends-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
BROKER_PORT=19192
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
load-tests/machine.sh > "$OUT/machine.txt"
java -Xmx1g -jar "$JAR" --server.port=18091 --streamgate.roles=processor --streamgate.broker.port=$BROKER_PORT \
    --streamgate.broker.data-dir="$OUT/broker-data" > "$OUT/broker.log" 2>&1 &
BROKER=$!
APP=$BROKER await_ready http://127.0.0.1:18091/actuator/health "$OUT/broker.log"
# Not start_gateway: it raises max-sends-in-flight out of reach, which is what this measures.
# shellcheck disable=SC2086
start_app "http://127.0.0.1:$PORT/actuator/health/readiness" "$OUT/gateway.log" java $JVM_OPTIONS -jar "$JAR" \
    --server.port="$PORT" --streamgate.roles=gateway --streamgate.kafka.bootstrap-servers=127.0.0.1:$BROKER_PORT \
    --streamgate.limits.sends-per-second-per-tenant=100000000 --streamgate.limits.max-sends-in-flight="$SLOTS" \
    --streamgate.security.api-keys[0]="$API_KEY" --streamgate.security.api-keys[1]="$OTHER_KEY" \
    --streamgate.security.operator-keys[0]="$OPERATOR_KEY" "$@"
trap 'kill -CONT "$BROKER" 2>/dev/null; kill "$BROKER" 2>/dev/null; stop_app' EXIT
start_streams 4 "http://127.0.0.1:$PORT"
WARMUP_LOG="$OUT/warmup.txt" warm_up "http://127.0.0.1:$PORT" send.lua
# After the warm-up, which may outlast the idle timeout (5 minutes) of streams nobody sends to.
API_KEY=$OTHER_KEY start_streams 4 "http://127.0.0.1:$PORT"
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s load-tests/wrk/send.lua "http://127.0.0.1:$PORT" > "$OUT/flooding.txt" &
FLOOD=$!
API_KEY=$OTHER_KEY wrk -t1 -c4 -d"${DURATION}s" -s load-tests/wrk/send.lua "http://127.0.0.1:$PORT" > "$OUT/other.txt" &
OTHER=$!
if [ "$STALL" -gt 0 ]; then
  sleep 5
  kill -STOP "$BROKER"
  sleep "$STALL"
  kill -CONT "$BROKER"
fi
wait "$FLOOD" "$OTHER"
{
  echo "jar: $JAR; max-sends-in-flight $SLOTS; the broker stalled ${STALL} s"
  echo "API_KEY's $CONNECTIONS connections: $(grep RESULT "$OUT/flooding.txt")"
  echo "OTHER_KEY's 4 connections: $(grep RESULT "$OUT/other.txt")"
  echo "refusals by limit:"
  curl -s -H "X-API-Key: $OPERATOR_KEY" "http://127.0.0.1:$PORT/actuator/prometheus" \
      | grep '^streamgate_limit_rejections_total' | sed 's/^/  /'
} | tee "$OUT/summary.txt"
