#!/usr/bin/env bash
# Does a restart end a busy stream as idle? One gateway (embedded broker, data kept) with a short idle timeout; stream
# "long-lived" gets a chunk every 2 s while short streams (load-tests/short-streams.sh, 100 clients) fill the results
# topic; then the gateway is stopped and started on the same data, and the script tells whether the restart ended
# "long-lived" (its log's "Ending stream long-lived" line) and how its next send is answered. A restarted gateway
# reads the results topic from its beginning: an expiry sweep that judged idleness partway through saw only the
# stream's early sends (BENCHMARKS.md section 83).
#   load-tests/restart-idle.sh [seconds of load (240)] [idle timeout (40s)] [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_SECONDS=${1:-240}
IDLE_TIMEOUT=${2:-40s}
JAR=${3:-target/streamgate-0.1.0-SNAPSHOT.jar}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/restart-idle-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
URL=http://127.0.0.1:$PORT
SENDER=""
cleanup() {
  if [ -n "$SENDER" ]; then kill "$SENDER"; fi
  stop_app
  rm -rf "$OUT/kafka"
}

# launch <n>: the gateway on the kept data, its output in gateway-<n>.log; sets APP.
launch() {
  # shellcheck disable=SC2086
  start_app "$URL/actuator/health/readiness" "$OUT/gateway-$1.log" java $JVM_OPTIONS -jar "$JAR" \
      --server.port="$PORT" --streamgate.broker.port="${GATEWAY_BROKER_PORT:-19092}" \
      --streamgate.broker.data-dir="$OUT/kafka" --streamgate.stream.idle-timeout="$IDLE_TIMEOUT" \
      --streamgate.limits.open-streams-per-tenant=100000 --streamgate.limits.sends-per-second-per-tenant=100000000 \
      --streamgate.limits.max-sends-in-flight=65536
  trap cleanup EXIT # start_app's own trap stops only the JVM
  echo "$(date +%T) gateway $1 ready" | tee -a "$OUT/summary.txt"
}

send() {
  curl -s -w ' %{http_code}\n' -X POST "$URL/stream/long-lived/send" -H 'Content-Type: application/json' \
      -d "{\"data\":\"$1\"}"
}

echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1); $JAR; idle timeout $IDLE_TIMEOUT" > "$OUT/machine.txt"
launch 1
gateway_post "$URL/stream/long-lived/start"
( while true; do send tick | grep -o '[0-9]*$' >> "$OUT/long-lived-sends.txt"; sleep 2; done ) &
SENDER=$!
load-tests/short-streams.sh -DbaseUrl="$URL" -Dseconds="$LOAD_SECONDS" -DwarmupSeconds=0 > "$OUT/load.txt"
kill "$SENDER"
SENDER=""
{
  echo "load: $(grep -o 'lifecycles_per_s=[0-9.]* failed=[0-9]*' "$OUT/load.txt")"
  echo "sends to long-lived, by status: $(sort "$OUT/long-lived-sends.txt" | uniq -c | tr -s ' \n' ' ')"
  echo "$(date +%T) sends stopped; gateway stopped"
} | tee -a "$OUT/summary.txt"
stop_app
echo "results topic: $(du -cm "$OUT"/kafka/kraft-combined-logs/streamgate.results-* | tail -1 | cut -f1) MB" \
    | tee -a "$OUT/summary.txt"
launch 2
{
  grep -a -E 'Results feed caught up|Ending stream long-lived|Streamgate ready' "$OUT/gateway-2.log" \
      | sed -E 's/^[0-9-]+T([0-9:.]+)Z.* : /\1 /' | cut -c1-140
  echo "streams the restart ended as idle: $(grep -a -c 'without a send' "$OUT/gateway-2.log" || true)"
  echo "a send to long-lived after the restart: $(send after)"
} | tee -a "$OUT/summary.txt"
echo "results in $OUT"
