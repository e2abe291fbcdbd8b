#!/usr/bin/env bash
# A CPU (or allocation) profile of a gateway build under one route's load: async-profiler (fetched from Maven
# Central), collapsed stacks, over 20 s of wrk at 100 connections once the JIT is done with the route (warm_up):
#   ROUTE=status load-tests/profile.sh target/streamgate-0.1.0-SNAPSHOT.jar [gateway args...]
#   EVENT=alloc ROUTE=status load-tests/profile.sh ...   # where the route's allocation is made, sampled by bytes
#   BY_THREAD=1 ROUTE=send load-tests/profile.sh ...     # each stack under its thread's name ("[name tid=N]")
#   ROUTE=ping load-tests/profile.sh load-tests/trivial-app/target/streamgate-trivial-app-0.1.0-SNAPSHOT.jar
#                                                   # the trivial app (bench.sh's HTTP limit), the gateway's yardstick
#   ROUTE=short load-tests/profile.sh ...           # short streams (ShortStreams at 100 clients) instead of wrk: a
#                                                   # lifecycle counts as a request
# load-tests/profile-libraries.py puts two or more such profiles side by side: CPU per request by library.
# Writes load-tests/results/profile-<route>-<time>/<event>.collapsed (feed it to a flame graph tool, or grep it) and
# the run's wrk RESULT line; API_KEY=<key> profiles a gateway with that tenant key, wrk sending it.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$1
shift
ROUTE=${ROUTE:-status}
EVENT=${EVENT:-cpu}
OUT=load-tests/results/profile-$ROUTE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
AP=load-tests/target/async-profiler
if [ ! -f "$AP/lib/libasyncProfiler.so" ]; then
  ./mvnw -q -B -ntp dependency:copy -Dartifact=tools.profiler:async-profiler:4.2 -DoutputDirectory="$AP"
  (cd "$AP" && unzip -q -o async-profiler-4.2.jar "linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')/*" \
      && mkdir -p lib && mv linux-*/libasyncProfiler.so lib/)
fi
LIB=$PWD/$AP/lib/libasyncProfiler.so
# CPU: a sample per ms of CPU time; allocation: a sample per 512 KB allocated (bytes = samples x 524,288).
if [ "$EVENT" = cpu ]; then SAMPLING=interval=1ms; else SAMPLING=interval=524288; fi
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
PROFILED="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
if [ "$ROUTE" = ping ]; then
  # shellcheck disable=SC2086
  start_app http://127.0.0.1:18080/ping "$OUT/app.log" java $JVM_OPTIONS $PROFILED -jar "$JAR" --server.port=18080 "$@"
else
  # shellcheck disable=SC2086
  start_gateway "$OUT" java $JVM_OPTIONS $PROFILED -jar "$JAR" -- "$@"
  [ "$ROUTE" = short ] || start_streams 100
fi
SHORT=(load-tests/short-streams.sh -DbaseUrl=http://127.0.0.1:18080 -Dclients=100)
if [ "$ROUTE" = short ]; then
  "${SHORT[@]}" -Dseconds=10 > "$OUT/warm-up.txt" # warms up until the JIT is quiet (ShortStreams' own rounds)
else
  warm_up http://127.0.0.1:18080 "$ROUTE.lua"
fi
OPTIONS="event=$EVENT,$SAMPLING,${BY_THREAD:+threads,}file=$PWD/$OUT/$EVENT.collapsed,collapsed"
if [ "$ROUTE" = short ]; then
  # A fresh client warms its own connections and JIT for 10 s, then measures 20 s, which the profile covers (give or
  # take its JVM's start); the lifecycles it completed in them are the requests.
  "${SHORT[@]}" -Dseconds=20 -DwarmupSeconds=10 > "$OUT/short.txt" &
  CLIENT=$!
  sleep 11
  jcmd $APP JVMTI.agent_load "$LIB" "\"start,$OPTIONS\"" > /dev/null
  wait $CLIENT
  grep RESULT "$OUT/short.txt"
  echo "RESULT requests=$(sed -n 's/^lifecycles.* (\([0-9,]*\) in .*/\1/p' "$OUT/short.txt" | tr -d ,)" \
      | tee "$OUT/result.txt"
else
  jcmd $APP JVMTI.agent_load "$LIB" "\"start,$OPTIONS\"" > /dev/null
  wrk -t1 -c100 -d20s -s "load-tests/wrk/$ROUTE.lua" http://127.0.0.1:18080 | grep RESULT | tee "$OUT/result.txt"
fi
jcmd $APP JVMTI.agent_load "$LIB" "\"stop,file=$PWD/$OUT/$EVENT.collapsed,collapsed\"" > /dev/null
echo "profile: $OUT/$EVENT.collapsed"
