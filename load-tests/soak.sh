#!/usr/bin/env bash
# Keep-alive soak against a gateway that is already running (KeepAliveSoak): many kept-alive connections pipelining a
# mix of every route and every error status; exits non-zero unless every request written was answered as expected.
#   load-tests/soak.sh -Dconnections=800 -Dduration=10m
# Settings (-D): baseUrl (http://127.0.0.1:8080), connections (800), duration (10m), answerTimeout (30s),
# reconnectEvery (50 cycles), apiKey (when the gateway has keys).
set -euo pipefail
cd "$(dirname "$0")/.."
CP=$(load-tests/classpath.sh)
exec java -Xmx1g "$@" -cp "$CP" streamgate.KeepAliveSoak
