#!/usr/bin/env bash
# Heap per open SSE reader, the gateway's beside the framework's (the trivial app's GET /stream/{id}/results: WebFlux
# writing SSE the Spring way, no security), measured the same way in one run:
#   load-tests/reader-heap.sh [readers (10000)] [gateway jar (target/streamgate-0.1.0-SNAPSHOT.jar)]
#   API_KEY=some-tenant-key load-tests/reader-heap.sh ...   # the gateway with that one tenant key, readers sending it
# Each app alone on the box: 100 streams, then the heap after two full GCs (jcmd GC.run, GC.heap_info) before and
# after the readers connect (load-tests/sse-readers.py: one connection each, nothing sent to the streams);
# (after - before) / readers. Class histograms of both moments stay beside the result: load-tests/histo-diff.py diffs
# them, per reader, against the trivial app's or another run's.
set -euo pipefail
cd "$(dirname "$0")/.."
READERS=${1:-10000}
JAR=${2:-target/streamgate-0.1.0-SNAPSHOT.jar}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2206
JVM=(java $JVM_OPTIONS)
OUT=load-tests/results/reader-heap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
ulimit -n $((READERS + 1000))
./mvnw -q -B -ntp -f load-tests/trivial-app/pom.xml package -DskipTests


# measure <label> <pid> <port>: prints the label's line and keeps its histograms.
measure() {
  local label=$1 pid=$2 port=$3 before after readers
  before=$(used_kb "$pid")
  jcmd "$pid" GC.class_histogram > "$OUT/$label-before.histo"
  python3 load-tests/sse-readers.py "$port" "$READERS" 100 "${API_KEY:-}" > "$OUT/$label-readers.log" 2>&1 &
  readers=$!
  for _ in $(seq 300); do
    grep -q connected "$OUT/$label-readers.log" && break
    kill -0 $readers 2>/dev/null || { cat "$OUT/$label-readers.log" >&2; exit 1; }
    sleep 1
  done
  grep -q connected "$OUT/$label-readers.log" || { echo "$label: readers not connected in 300 s" >&2; exit 1; }
  sleep 5
  after=$(used_kb "$pid")
  jcmd "$pid" GC.class_histogram > "$OUT/$label-after.histo"
  kill $readers
  echo "$label readers=$READERS heap_before_kb=$before heap_after_kb=$after per_reader_bytes=$(( (after - before) * 1024 / READERS ))" \
      | tee -a "$OUT/result.txt"
}

start_app http://127.0.0.1:18081/ping "$OUT/trivial-app.log" \
    "${JVM[@]}" -jar load-tests/trivial-app/target/streamgate-trivial-app-0.1.0-SNAPSHOT.jar --server.port=18081
sleep 5
measure trivial "$APP" 18081
stop_app

start_gateway "$OUT" "${JVM[@]}" -jar "$JAR" --
start_streams 100
sleep 5
measure gateway $APP 18080
echo "results in $OUT"
