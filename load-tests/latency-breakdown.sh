#!/usr/bin/env bash
# Send-to-delivered latency at 10,000 chunks/s on a fresh gateway, and where it goes (BENCHMARKS section 28):
#   load-tests/latency-breakdown.sh target/streamgate-0.1.0-SNAPSHOT.jar [JVM options...]
# The jar on its embedded broker, warmed until compiled (warm_up with send.lua), then EndToEndLatency (NDJSON batches
# of 100 over 100 streams) once at 2,000 chunks/s and RUNS times (3) at RATE (10000), 20 s measured each. Beside each
# run at RATE: the gateway's CPU in cores, how busy the whole box was, the processor's commits (its commit timer's
# percentiles, from a histogram turned on for this run) and the broker's transactional requests, with how many of
# their answers were CONCURRENT_TRANSACTIONS (BrokerRequests, over JMX). Writes load-tests/results/latency-<time>/.
# GATEWAY_JAVA runs the gateway with another JDK (its path to `java`), the load generator keeping the one on PATH, so
# that an A/B of two JDKs changes only the gateway's.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$1
shift
RATE=${RATE:-10000}
RUNS=${RUNS:-3}
OUT=load-tests/results/latency-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
CP=$(load-tests/classpath.sh)
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" "${GATEWAY_JAVA:-java}" $JVM_OPTIONS -Xlog:gc:file="$OUT/gc.log":uptime \
    "$@" -jar "$JAR" -- \
    --management.metrics.distribution.percentiles-histogram.streamgate.processing.commits=true
start_streams 100
WARMUP_LOG=$OUT/warmup.log warm_up http://127.0.0.1:18080 send.lua

latency() { # <rate> <seconds measured> <output file>
  java -Xmx1g -DbaseUrl=http://127.0.0.1:18080 -Drate="$1" -Dbatch=100 -Dseconds="$2" -DwarmupSeconds=5 -cp "$CP" \
      streamgate.EndToEndLatency > "$3" 2>&1 || { cat "$3" >&2; exit 1; }
}
# snapshot <run> <before|after>: the gateway's metrics, the broker's request counters, the JVM's and the box's CPU.
snapshot() {
  curl -sf http://127.0.0.1:18080/actuator/prometheus > "$OUT/prometheus-$1-$2.txt"
  java -cp "$CP" streamgate.BrokerRequests "$APP" > "$OUT/broker-$1-$2.txt"
  echo "$(cpu_ticks /proc/"$APP"/stat) $(head -1 /proc/stat)" > "$OUT/cpu-$1-$2.txt"
}

latency 2000 30 "$OUT/latency-2000.txt"
for run in $(seq "$RUNS"); do
  snapshot "$run" before
  latency "$RATE" 20 "$OUT/latency-$RATE-$run.txt"
  snapshot "$run" after
  grep -E 'send-to-delivered|send-to-durable' "$OUT/latency-$RATE-$run.txt" | tee -a "$OUT/result.txt"
  python3 load-tests/latency-breakdown.py "$OUT" "$run" | tee -a "$OUT/result.txt"
done
echo "results: $OUT"
