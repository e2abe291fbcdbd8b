#!/usr/bin/env bash
# What a storm of retries after an outage costs a gateway's lookups (README's Guarantees, BENCHMARKS.md section 91):
# [retries] lookups of RetriedSends at once over a partition of the tests' embedded broker holding [records] chunks,
# half of the retried sends among them, three storms; [at once] 1 makes them one after the other with a read each, as a
# processor after a restart did; "1 learn" as it does now (the first reads the stretch into its index, the rest use it).
# Then [retries] lower bounds at once, a question each against shared (LowerBounds), in turns (section 91).
# CLASSES=<dir> runs another build's classes (A/B).
#   load-tests/retry-storm.sh [retries (1000)] [records (10000)] [at once (all)] [learn]
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCES=load-tests/probes exec load-tests/heap.sh RetryStorm "$@"
