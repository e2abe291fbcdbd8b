#!/usr/bin/env bash
# One short, comparable run of a gateway build: status and durable send at 100 connections, 20 s each, after sends
# until the JIT is done with them (warm_up, load-tests/gateway.sh) and 10 s of status as warm-up; prints one line
# (requests/s, and the JVM's CPU per request in microseconds). For A/Bs, alternate the builds (A B B A ...) in one
# session, since this box's run-to-run spread is ±15% (BENCHMARKS.md section 11):
#   load-tests/ab.sh base /tmp/base.jar; load-tests/ab.sh new target/streamgate-0.1.0-SNAPSHOT.jar --some.property=x
# JAVA and GATEWAY_JAVA_OPTS choose the JVM (default: java, and gateway.sh's JVM_OPTIONS); its GC log is kept.
# API_KEY=<a key of 16+ characters> starts the gateway with that one tenant key and has wrk send it.
set -euo pipefail
cd "$(dirname "$0")/.."
LABEL=$1 JAR=$2
shift 2
command -v wrk >/dev/null || { echo "ab.sh needs wrk: sudo apt-get install wrk" >&2; exit 1; }
OUT=load-tests/results/ab-$LABEL-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086
start_gateway "$OUT" ${JAVA:-java} $JVM_OPTIONS -Xlog:gc:file="$OUT/gc.log" \
    -jar "$JAR" -- "$@"
warm_for_ab http://127.0.0.1:18080 "$OUT/warmup.txt"
# run <wrk script>: 20 s of it (measure, gateway.sh); prints "<requests/s> (<the JVM's CPU per request> us) | <wrk's
# RESULT line>". On this box both wander between runs of one jar (BENCHMARKS sections 26 and 27), so alternate the
# builds either way.
run() {
  local line rate us result
  line=$(measure "$APP" http://127.0.0.1:18080 "$1" 20) || exit 1
  read -r rate us result <<< "$line"
  echo "$rate ($us us) | $result"
}
STATUS=$(run status.lua)
SEND=$(run send.lua)
# "<requests/s> (<us>) | <wrk's line>" each: the summary's figures first, wrk's lines after them.
echo "$LABEL status/s ${STATUS%% | *} send/s ${SEND%% | *} | status: ${STATUS#* | } | send: ${SEND#* | }" \
    | sed 's/duration_us=[0-9]* //g' | tee "$OUT/result.txt"
