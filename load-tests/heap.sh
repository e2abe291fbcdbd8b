#!/usr/bin/env bash
# Heap one piece of Streamgate keeps, measured apart over the classes of a build (BENCHMARKS.md sections 69 and 71):
#   load-tests/heap.sh KeyHeap [key length (36)]   # a remembered Idempotency-Key
#   load-tests/heap.sh TenantHeap [tenants (100000)]   # what is kept of a tenant gone (counts, its send bucket)
#   load-tests/heap.sh CopyHeap   # a processor's index of chunks sent under a key, full (README's Guarantees)
# CLASSES=<dir> measures other classes than target/classes (the build's, compiled first). Compiles load-tests/heap's
# mains into the package beside those classes and the tests' (what they measure is package-private, and
# TenantHeap moves the tests' MutableClock) and runs one. SOURCES=<dir> takes the mains from another folder
# (load-tests/retry-read.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
MAIN=$1
shift
CLASSES=${CLASSES:-target/classes}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/classpath" >&2
CP="$CLASSES:target/test-classes:$(cat "$OUT/classpath")"
SOURCES=${SOURCES:-load-tests/heap}
SOURCE=$(find "$SOURCES" -name "$MAIN.java")
PACKAGE=$(dirname "${SOURCE#"$SOURCES"/}" | tr / .)
javac -d "$OUT" -cp "$CP" -sourcepath "$SOURCES" "$SOURCE"
java -Xmx2g -cp "$OUT:$CP" "$PACKAGE.$MAIN" "$@"
