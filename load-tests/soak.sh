#!/usr/bin/env bash
# Keep-alive soak against a gateway that is already running (KeepAliveSoak): many kept-alive connections pipelining a
# mix of every route and every error status; exits non-zero unless every request written was answered as expected.
#   load-tests/soak.sh -Dconnections=800 -Dduration=10m
# Settings (-D): baseUrl (http://127.0.0.1:8080), connections (800), duration (10m), answerTimeout (30s),
# reconnectEvery (50 cycles), apiKey (when the gateway has keys).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -f load-tests/pom.xml test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/load-tests/target/load-tests.classpath"
exec java -Xmx1g "$@" -cp "load-tests/target/test-classes:$(cat load-tests/target/load-tests.classpath)" streamgate.KeepAliveSoak
