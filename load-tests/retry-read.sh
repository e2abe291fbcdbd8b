#!/usr/bin/env bash
# How fast a gateway's retry of a send Kafka may have taken reads the stream's partition (README's Guarantees,
# BENCHMARKS.md section 90): RetriedSends' read over a partition of the tests' embedded broker holding [records]
# chunks of [bytes] each, no copy among them (the read goes to the end), three times.
#   load-tests/retry-read.sh [records (1000000)] [bytes (100)]
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCES=load-tests/probes exec load-tests/heap.sh RetryRead "$@"
