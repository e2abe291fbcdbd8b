#!/usr/bin/env bash
# Heap per remembered Idempotency-Key (BENCHMARKS.md sections 64 and 69), over the classes of a build:
#   load-tests/key-heap.sh [key length (36)] [classes (target/classes, from ./mvnw compile)]
# Compiles load-tests/key-heap's KeyHeap into the gateway's package beside those classes and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
LENGTH=${1:-36}
CLASSES=${2:-target/classes}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
javac -d "$OUT" -cp "$CLASSES" load-tests/key-heap/io/streamgate/stream/KeyHeap.java
java -Xmx2g -cp "$OUT:$CLASSES" io.streamgate.stream.KeyHeap "$LENGTH"
