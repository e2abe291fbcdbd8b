#!/usr/bin/env bash
# What the open streams' remembered Idempotency-Keys hold against idempotency-budget: a fresh gateway with a small
# budget, streams each sent keyed single sends, one expiry sweep, then a full GC and a class histogram.
#   load-tests/key-budget.sh [budget (1MB)] [streams (100)] [keyed sends a stream (1024)] [gateway jar]
#   UNKEYED_STREAMS=1000 load-tests/key-budget.sh ...   (as many more streams open, each sent one chunk without a key)
# Prints the keys remembered in the heap (IdempotencyKeys$KeyHash instances) and what they take; each takes about 124
# bytes (load-tests/heap.sh KeyHeap), so the budget over that is how many may stay (BENCHMARKS.md section 70).
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-1MB}
STREAMS=${2:-100}
KEYS=${3:-1024}
JAR=${4:-target/streamgate-0.1.0-SNAPSHOT.jar}
UNKEYED=${UNKEYED_STREAMS:-0}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/key-budget-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
trap stop_app EXIT
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- --streamgate.stream.idempotency-budget="$BUDGET"

# Streams without keys first (a thread per 100), then the keyed sends (a thread per 10 streams), over keep-alive
# connections; every send must be answered 200.
python3 - "$PORT" "$STREAMS" "$KEYS" "$UNKEYED" <<'PY' | tee "$OUT/sends.txt"
import http.client, json, sys, threading
port, streams, keys, unkeyed = (int(a) for a in sys.argv[1:])
failed = []
def unkeyed_streams(first, last):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for s in range(first, last):
        conn.request("POST", f"/stream/u{s}/start")
        conn.getresponse().read()
        conn.request("POST", f"/stream/u{s}/send", json.dumps({"data": "no key"}), {"Content-Type": "application/json"})
        answer = conn.getresponse()
        body = answer.read()
        if answer.status != 200:
            failed.append((f"u{s}", None, answer.status, body[:200]))
threads = [threading.Thread(target=unkeyed_streams, args=(s, min(s + 100, unkeyed))) for s in range(0, unkeyed, 100)]
for t in threads: t.start()
for t in threads: t.join()
def run(first, last):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for s in range(first, last):
        conn.request("POST", f"/stream/k{s}/start")
        conn.getresponse().read()
        for k in range(keys):
            conn.request("POST", f"/stream/k{s}/send", json.dumps({"data": f"chunk {k}"}),
                         {"Content-Type": "application/json", "Idempotency-Key": f"stream-{s}-key-{k}"})
            answer = conn.getresponse()
            body = answer.read()
            if answer.status != 200:
                failed.append((s, k, answer.status, body[:200]))
threads = [threading.Thread(target=run, args=(s, min(s + 10, streams))) for s in range(0, streams, 10)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{unkeyed} streams sent no key; {streams * keys - len(failed)} keyed sends answered 200, {len(failed)} not",
      failed[:3])
sys.exit(1 if failed else 0)
PY
sleep 12 # one expiry sweep (every 10 s) trims each stream's keys to its share

jcmd "$APP" GC.run > /dev/null
jcmd "$APP" GC.class_histogram > "$OUT/histogram.txt"
grep -E 'IdempotencyKeys\$(KeyHash|Outcome|KeyedSend)$|IdempotencyKeys$' "$OUT/histogram.txt" \
    | awk '{printf "%s %s instances, %s bytes\n", $4, $2, $3}' | tee -a "$OUT/summary.txt"
echo "idempotency-budget $BUDGET over $STREAMS streams of $KEYS keyed sends and $UNKEYED without keys; results in $OUT"
