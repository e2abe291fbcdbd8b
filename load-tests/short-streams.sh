#!/usr/bin/env bash
# Short streams, one per task (ShortStreams), against a gateway that is already running: clients in a closed loop each
# start a stream, send one NDJSON batch, end it and read its results to the end event, then start the next.
#   load-tests/short-streams.sh -Dclients=100 -Dseconds=30
# Settings (-D): baseUrl (http://127.0.0.1:8080), clients (100), chunks (per batch, 10), seconds (30), warmupSeconds
# (unset: 20 s rounds of load until the gateway's JIT is quiet, read from its actuator metrics, at most warmupRounds,
# 45; the gateway compiles for minutes under this load). Raise the gateway's open-streams-per-tenant limit to at least
# the clients.
set -euo pipefail
cd "$(dirname "$0")/.."
CP=$(load-tests/classpath.sh)
exec java -Xmx1g "$@" -cp "$CP" streamgate.ShortStreams
