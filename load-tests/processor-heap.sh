#!/usr/bin/env bash
# What a processor-only instance holds of the streams it owns: a gateway-only instance (embedded broker on
# 127.0.0.1:19392) and a processor-only instance on that broker; short streams (load-tests/short-streams.sh, 50
# clients, no warm-up) through the gateway for the given seconds; then the processor-only JVM's heap after two full
# GCs and its registry's objects (StreamSession, ResultLog, ResultEvent) from a class histogram (needs jcmd).
#   load-tests/processor-heap.sh [seconds of load (60)] [gateway jar (target/streamgate-*.jar)]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_LOAD=${1:-60}
JAR=${2:-$(ls target/streamgate-*.jar | grep -v original | head -1)}
DIR=$(mktemp -d /tmp/processor-heap.XXXX)
# shellcheck source=load-tests/split-roles.sh
source load-tests/split-roles.sh
start_split_roles "$JAR" "$DIR" --streamgate.limits.open-streams-per-tenant=1000 ""

load-tests/short-streams.sh -DbaseUrl=http://127.0.0.1:18280 -Dclients=50 -Dseconds="$SECONDS_OF_LOAD" \
  -DwarmupSeconds=0 > "$DIR/load.log" 2>&1
grep -E '^RESULT|lifecycles/s' "$DIR/load.log" | tail -2
jcmd $PROCESSOR GC.run > /dev/null; sleep 1; jcmd $PROCESSOR GC.run > /dev/null
echo "processor-only heap after full GCs: $(jcmd $PROCESSOR GC.heap_info | grep -E 'heap +total' | sed 's/^ *//')"
jcmd $PROCESSOR GC.class_histogram | awk '$4 ~ /io\.streamgate\.stream\.(StreamSession|ResultLog|ResultEvent)$/ {
  print "  " $4 ": " $2 " instances, " $3 " bytes" }'
