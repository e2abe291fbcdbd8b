#!/usr/bin/env bash
# Whether a gateway on a small heap stays up when its streams fill what the settings let them hold (BENCHMARKS.md
# section 94): the jar on HEAP (384m, the image's in a 512 MB container), first with the fixed figures the stream
# settings had before their defaults took a share of a small heap, then with the defaults. Each run: 1,000 streams of
# 500 KB of results (two NDJSON batches of 25 chunks of 10,000 bytes each, echo processor), all ended, 1,000 more;
# then the requests not answered 2xx, the OutOfMemoryErrors and full collections logged, and whether health answers.
#   load-tests/small-heap.sh [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
HEAP=${HEAP:-384m}
OUT=load-tests/results/small-heap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
FIXED=(--streamgate.stream.history-budget=256MB --streamgate.stream.ended-history-budget=256MB
    --streamgate.stream.idempotency-budget=128MB --streamgate.limits.open-streams=100000)

for run in fixed defaults; do
  export GATEWAY_JAVA_OPTS="-Xmx$HEAP -XX:MaxGCPauseMillis=20 -XX:MaxTenuringThreshold=1 -Xlog:gc:file=$OUT/$run-gc.log"
  # shellcheck source=load-tests/gateway.sh
  . load-tests/gateway.sh
  mkdir -p "$OUT/$run"
  if [ "$run" = fixed ]; then settings=("${FIXED[@]}"); else settings=(); fi
  # shellcheck disable=SC2086
  start_gateway "$OUT/$run" java $JVM_OPTIONS -jar "$JAR" -- "${settings[@]}"
  {
    echo "== $run (-Xmx$HEAP ${settings[*]})"
    python3 load-tests/small-heap.py "$PORT" first 1000 2 25 10000
    python3 load-tests/small-heap.py "$PORT" first 1000 --end
    python3 load-tests/small-heap.py "$PORT" second 1000 2 25 10000
    echo "OutOfMemoryErrors logged: $(grep -c OutOfMemoryError "$OUT/$run/gateway.log" || true)," \
        "full collections: $(grep -c 'Pause Full' "$OUT/$run-gc.log" || true)," \
        "health: $(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health" || true)"
  } | tee -a "$OUT/summary.txt"
  kill -9 "$APP" 2>/dev/null || true # a JVM out of memory may not stop on SIGTERM
  stop_app
done
echo "results in $OUT"
