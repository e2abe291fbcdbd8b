#!/usr/bin/env bash
# What a gateway holds for WebSocket messages it is still reading: the jar with the benchmarks' JVM options (2 GB heap)
# and its embedded broker, SOCKETS (1,500) WebSockets, 50 to a stream, each sending the header of one text frame of SIZE
# bytes (2 MB, the largest message a socket takes at the default max-chunk-size) and all of its payload but the last
# byte (load-tests/partial-frames.py), then holding it. 5 s and 35 s after all have (or 120 s), the gateway's
# OutOfMemoryErrors (heap or direct), its resident memory, and whether health and a small send answer; then how the
# sockets stand (open, or closed by the gateway with a code) as they let go. With API_KEY and OTHER_KEY set, the
# gateway has those two tenant keys: the sockets are API_KEY's, the small send OTHER_KEY's (what one tenant's frames
# leave another). SECOND_KEY: a third tenant, whose SOCKETS sockets do the same once API_KEY's hold (what two tenants'
# frames leave a third).
#   load-tests/partial-frames.sh [gateway jar] [gateway args...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
shift || true
SOCKETS=${SOCKETS:-1500}
SIZE=${SIZE:-2097152}
OUT=load-tests/results/partial-frames-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -Xlog:gc:file="$OUT/gc.log" -jar "$JAR" -- \
    ${OTHER_KEY:+"--streamgate.security.api-keys[1]=$OTHER_KEY"} \
    ${SECOND_KEY:+"--streamgate.security.api-keys[2]=$SECOND_KEY"} "$@"
for s in $(seq 0 $(( (SOCKETS - 1) / 50 ))); do
  gateway_post "http://127.0.0.1:$PORT/stream/partial-$s/start"
  [ -z "${SECOND_KEY:-}" ] || API_KEY=$SECOND_KEY gateway_post "http://127.0.0.1:$PORT/stream/partial-$s/start"
done
OTHER=(${OTHER_KEY:+-H "X-API-Key: $OTHER_KEY"})
curl -sf -o /dev/null -X POST "${OTHER[@]}" "http://127.0.0.1:$PORT/stream/other/start"
rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$APP/status") / 1024 )); }
echo "before: resident $(rss_mb) MB" | tee "$OUT/summary.txt"
python3 load-tests/partial-frames.py "$PORT" "$SOCKETS" "$SIZE" > "$OUT/sockets.log" 2>&1 &
CLIENT=$!
for _ in $(seq 120); do grep -q holding "$OUT/sockets.log" && break; sleep 1; done
CLIENTS=("$CLIENT")
if [ -n "${SECOND_KEY:-}" ]; then
  API_KEY=$SECOND_KEY python3 load-tests/partial-frames.py "$PORT" "$SOCKETS" "$SIZE" > "$OUT/second.log" 2>&1 &
  CLIENTS+=($!)
  for _ in $(seq 120); do grep -q holding "$OUT/second.log" && break; sleep 1; done
fi
state() {
  echo "$1: resident $(rss_mb) MB, OutOfMemoryErrors $(grep -c 'OutOfMemoryError\|OutOfDirectMemoryError' \
      "$OUT/gateway.log" || true), full collections $(grep -c 'Pause Full' "$OUT/gc.log" || true),\
 health $(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health" || true),\
 a send to another stream $(curl -s -m 30 -o /dev/null -w '%{http_code}' -X POST "${OTHER[@]}" \
      -H 'Content-Type: application/json' \
      -d '{"data":"small"}' "http://127.0.0.1:$PORT/stream/other/send" || true)" | tee -a "$OUT/summary.txt"
}
sleep 5
head -1 "$OUT/sockets.log" | tee -a "$OUT/summary.txt"
[ -z "${SECOND_KEY:-}" ] || sed 's/^/the second tenant: /;q' "$OUT/second.log" | tee -a "$OUT/summary.txt"
state "5 s after"
sleep 30
state "35 s after"
kill -TERM "${CLIENTS[@]}"
wait "${CLIENTS[@]}" || true
tail -1 "$OUT/sockets.log" | tee -a "$OUT/summary.txt"
[ -z "${SECOND_KEY:-}" ] || sed -n '$s/^/the second tenant: /p' "$OUT/second.log" | tee -a "$OUT/summary.txt"
echo "results in $OUT"
