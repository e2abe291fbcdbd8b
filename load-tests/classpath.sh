#!/usr/bin/env bash
# Compiles the load tests and prints their classpath (their classes and test-scope dependencies), for the scripts that
# run one of their Java mains: CP=$(load-tests/classpath.sh). Maven's output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -f load-tests/pom.xml test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/load-tests/target/load-tests.classpath" >&2
echo "load-tests/target/test-classes:$(cat load-tests/target/load-tests.classpath)"
