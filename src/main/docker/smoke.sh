#!/usr/bin/env bash
# Drives a running stack (compose.yaml, or one gateway) through the API with curl and fails loudly:
# start a stream, read it over SSE, send chunks, end it, and check the reader got every result and the end.
#   src/main/docker/smoke.sh [base URL, default http://localhost:8080]
set -euo pipefail
base="${1:-http://localhost:8080}"
id="smoke-$(date +%s)-$$"
events="$(mktemp)"
trap 'rm -f "$events"; kill "${reader:-0}" 2>/dev/null || true' EXIT

fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
expect() { # expect <what> <expected substring> <actual>
  [[ "$3" == *"$2"* ]] || fail "$1: expected '$2' in: $3"
}

for _ in $(seq 60); do curl -fsS "$base/actuator/health" >/dev/null 2>&1 && break; sleep 2; done
expect "health" '"UP"' "$(curl -fsS "$base/actuator/health")"

expect "start" '"status":"success"' "$(curl -fsS -X POST "$base/stream/$id/start")"

curl -fsSN --max-time 60 "$base/stream/$id/results" > "$events" &
reader=$!

for n in 1 2 3; do
  expect "send $n" '"seq"' "$(curl -fsS -X POST "$base/stream/$id/send" -H 'Content-Type: application/json' \
    -d "{\"data\":\"hello $n\"}")"
done
expect "end" '"status":"success"' "$(curl -fsS -X POST "$base/stream/$id/end")"

wait "$reader" || fail "the SSE reader did not complete after the end (curl exit $?)"
for n in 1 2 3; do expect "result $n" "\"data\":\"HELLO $n\"" "$(cat "$events")"; done
expect "end event" "event:end" "$(cat "$events")"
echo "SMOKE OK: stream $id started, 3 chunks sent and read back over SSE, ended ($base)"
