#!/usr/bin/env bash
# Whether one tenant's SSE readers can take every connection of a keyed node: the jar with its embedded broker and two
# tenant keys (API_KEY's readers, OTHER_KEY's requests), max-connections 200 unless given. API_KEY starts 4 streams and
# opens READERS (200) readers over them (load-tests/sse-readers.py, refused ones counted and closed); then OTHER_KEY
# starts a stream of its own and reads it, and the answers are printed. HOLD=idle holds idle keep-alive connections
# instead of readers, each after one JSON read (load-tests/idle-connections.py); HOLD=h2c the same over HTTP/2 (curl);
# HOLD=silent connections that send a request's first line and nothing more, for 3 s before the other tenant's calls.
# SECOND_KEY (readers only): a third tenant, which starts 4 streams and opens READERS readers after API_KEY's, so
# that two tenants hold readers together before OTHER_KEY calls.
#   load-tests/tenant-readers.sh [gateway jar] [gateway args...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
shift || true
READERS=${READERS:-200}
export API_KEY=${API_KEY:-reader-tenant-key-0123456789}
OTHER_KEY=${OTHER_KEY:-other-tenant-key-0123456789}
OUT=load-tests/results/tenant-readers-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- --streamgate.security.api-keys[1]="$OTHER_KEY" \
    ${SECOND_KEY:+"--streamgate.security.api-keys[2]=$SECOND_KEY"} --streamgate.limits.max-connections=200 "$@"
start_streams 4 "http://127.0.0.1:$PORT"
established() { ss -Htn state established "( dport = :$PORT )" | wc -l; }
HOLDING=()
if [ "${HOLD:-readers}" = h2c ]; then
  # Each curl reads once over HTTP/2 by prior knowledge, then waits an hour (--rate) for its second read with its
  # connection open.
  for i in $(seq 0 $((READERS - 1))); do
    url="http://127.0.0.1:$PORT/stream/bench-$((i % 4))/results"
    curl -s -o /dev/null --http2-prior-knowledge --rate 1/h -H "X-API-Key: $API_KEY" -H 'Accept: application/json' \
        "$url" "$url" &
    HOLDING+=($!)
  done
  sleep 3
  echo "idle $(established) (HTTP/2 connections open)" > "$OUT/readers.log"
else
  HOLDER=load-tests/sse-readers.py
  case "${HOLD:-readers}" in idle | silent) HOLDER=load-tests/idle-connections.py ;; esac
  SILENT=$([ "${HOLD:-readers}" = silent ] && echo 1 || true) COUNT_REFUSED=1 \
      python3 "$HOLDER" "$PORT" "$READERS" 4 "$API_KEY" > "$OUT/readers.log" 2>&1 &
  HOLDING+=($!)
  for _ in $(seq 60); do grep -q -E '^(connected|idle|silent)' "$OUT/readers.log" && break; sleep 0.5; done
  if [ -n "${SECOND_KEY:-}" ]; then
    API_KEY=$SECOND_KEY start_streams 4 "http://127.0.0.1:$PORT"
    COUNT_REFUSED=1 python3 load-tests/sse-readers.py "$PORT" "$READERS" 4 "$SECOND_KEY" > "$OUT/second.log" 2>&1 &
    HOLDING+=($!)
    for _ in $(seq 60); do grep -q '^connected' "$OUT/second.log" && break; sleep 0.5; done
  fi
fi
sleep "$([ "${HOLD:-readers}" = silent ] && echo 3 || echo 1)"
{
  echo "jar: $JAR"
  echo "API_KEY's ${HOLD:-readers}: $(head -1 "$OUT/readers.log")"
  [ -z "${SECOND_KEY:-}" ] || echo "SECOND_KEY's readers: $(head -1 "$OUT/second.log")"
  other() {
    curl -s -m 5 -o /dev/null -w '%{http_code}' -H "X-API-Key: $OTHER_KEY" "$@" || true
  }
  echo "OTHER_KEY's start: $(other -X POST "http://127.0.0.1:$PORT/stream/other/start")"
  echo "OTHER_KEY's read (JSON): $(other -H 'Accept: application/json' "http://127.0.0.1:$PORT/stream/other/results")"
  echo "OTHER_KEY's send: $(other -X POST -H 'Content-Type: application/json' -d '{"data":"x"}' \
      "http://127.0.0.1:$PORT/stream/other/send")"
  echo "API_KEY's connections the gateway closed: $(grep -c '^closed' "$OUT/readers.log" || true)"
  echo "connections to the gateway still open: $(established)"
} | tee "$OUT/summary.txt"
kill "${HOLDING[@]}" 2>/dev/null || true
