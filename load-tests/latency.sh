#!/usr/bin/env bash
# Send-to-delivered latency and end-to-end throughput against a gateway that is already running (EndToEndLatency):
#   load-tests/latency.sh -Drate=10000 -Dseconds=30          # p50/p95/p99 at 10,000 chunks/s
#   load-tests/latency.sh -Drate=40000 -Dbatch=100           # the most it delivers end to end
# Settings (-D): baseUrl (http://127.0.0.1:8080), streams (100), rate (chunks/s, 10000), batch (chunks per NDJSON
# request, 10), seconds (30), warmupSeconds (10), inFlight (64), chunkSize (100), processor (the default),
# readersPerStream (1; each reader times every result; keep readers to ~1,000: the JDK client reads every response on
# one thread).
set -euo pipefail
cd "$(dirname "$0")/.."
CP=$(load-tests/classpath.sh)
exec java -Xmx1g "$@" -cp "$CP" streamgate.EndToEndLatency
