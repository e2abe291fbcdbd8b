#!/usr/bin/env bash
# The gateway JVM's CPU by thread over one wrk run, read from /proc (no profiler attached): a fresh gateway of the jar,
# 500 streams, warmed until compiled, then SECONDS_MEASURED (default 30) seconds of the route at 100 connections. Prints
# the requests per second and each thread's CPU over the run, in ticks (1/100 s) and in µs per request, busiest first;
# threads are named by `jcmd Thread.print` (the kernel keeps only 15 characters of a name). For one thread's cost per
# request, e.g. a consumer that a change adds (BENCHMARKS.md section 53).
#   load-tests/thread-cpu.sh <jar> [send|status]
# GATEWAY_JAVA_OPTS replaces the JVM options (gateway.sh); LINES=n makes each send an NDJSON batch of n chunks.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(realpath "$1") ROUTE=${2:-send}
OUT=load-tests/results/thread-cpu-$ROUTE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
# shellcheck disable=SC2086 # JVM_OPTIONS is a list of options
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" --
start_streams 500
warm_up http://127.0.0.1:18080 "$ROUTE.lua" 2>> "$OUT/warmup.txt"
jcmd "$APP" Thread.print > "$OUT/threads.txt"

# "<nid> <ticks> <name>" of every thread jcmd named that is still alive, spaces in names turned to underscores.
threads_cpu() {
  sed -n 's/^"\([^"]*\)".* nid=0x\([0-9a-f]*\).*/\2 \1/p' "$OUT/threads.txt" | while read -r nid name; do
    local stat=/proc/$APP/task/$(( 16#$nid ))/stat
    [ -f "$stat" ] && echo "$nid $(cpu_ticks "$stat") ${name// /_}"
  done
  return 0
}

threads_cpu | sort > "$OUT/before.txt"
wrk -t1 -c100 -d"${SECONDS_MEASURED:-30}"s -s "load-tests/wrk/$ROUTE.lua" http://127.0.0.1:18080 > "$OUT/wrk.txt"
threads_cpu | sort > "$OUT/after.txt"
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$OUT/wrk.txt")
grep -E 'Requests/sec|Non-2xx|Socket errors' "$OUT/wrk.txt"
join "$OUT/before.txt" "$OUT/after.txt" | awk -v requests="$requests" '$4 > $2 {
      printf "%6d ticks %8.2f µs/request  %s\n", $4 - $2, ($4 - $2) * 10000 / requests, $3
    }' | sort -rn | tee "$OUT/by-thread.txt"
