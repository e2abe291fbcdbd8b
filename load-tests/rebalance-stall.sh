#!/usr/bin/env bash
# Which streams' results stall, and for how long, when a processor joins the group and when one dies (BENCHMARKS.md
# section 118). A gateway-only instance (2 GB, embedded broker, 6 partitions) and two processor-only instances on HEAP
# (512m); STATE_STREAMS (24) hoard streams are sent STATE_CHUNKS (8) chunks of SIZE (262144) characters, so that every
# partition has states to restore; then load-tests/result-gaps.py sends to STREAMS (24) wordcount streams a chunk
# every INTERVAL_MS (100) each, times their results and counts those missing or repeated, while a third processor
# starts (join) and, 30 s after it is ready, is killed (SIGKILL). Prints, for each of the two, the streams whose
# results paused longer than GAP_MS (500) and the pauses' lengths, and what each processor did after it (partitions
# revoked, assigned, restored; transactions committed again under a new generation; processing started over).
# CLASSES=<dir> runs another build's classes; the processors' arguments follow.
#   load-tests/rebalance-stall.sh [processor args...]
set -euo pipefail
cd "$(dirname "$0")/.."
STREAMS=${STREAMS:-24}
INTERVAL_MS=${INTERVAL_MS:-100}
STATE_STREAMS=${STATE_STREAMS:-24}
STATE_CHUNKS=${STATE_CHUNKS:-8}
SIZE=${SIZE:-262144}
HEAP=${HEAP:-512m}
CLASSES=${CLASSES:-target/classes}
OUT=load-tests/results/rebalance-stall-$(date +%Y%m%d-%H%M%S)
# shellcheck source=load-tests/probe-instances.sh
. load-tests/probe-instances.sh
probe_setup "$OUT" "$CLASSES"
stop_instances_on_exit "$OUT"

# event <name>: notes when it happens, for the summary
event() {
  local lines=() p
  for p in 0 1 2; do
    if [ -f "$OUT/processor-$p.log" ]; then lines+=("$(wc -l < "$OUT/processor-$p.log")"); else lines+=(0); fi
  done
  echo "$1 $(date +%s.%N) ${lines[*]}" >> "$OUT/events.txt"
  echo "$(date -u +%H:%M:%S) $1"
}

start_gateway "$OUT"
start_processors "$OUT" 2 "$HEAP" "$@"
sleep 15 # the group's assignment settled
start_streams "$STATE_STREAMS" hoard
write_chunk "$OUT/chunk.json" "$SIZE" x
send_rounds "$STATE_CHUNKS" "$STATE_STREAMS" "$OUT/chunk.json" "$OUT/sends.txt"
sleep 10 # the hoard streams' chunks processed
python3 load-tests/result-gaps.py 18280 "$STREAMS" "$INTERVAL_MS" 600 steady > "$OUT/gaps.txt" &
CLIENT=$!
sleep 20
event join
launch_processor "$OUT/processor-2" 18283 "$HEAP" "$@"
PIDS+=("$LAUNCHED")
await_ready "$OUT/processor-2.log" "$LAUNCHED" || { echo "processor 2 did not start" >&2; exit 1; }
event ready
sleep 30 # its partitions assigned and restored
event kill
kill -9 "${PIDS[2]}"
sleep 40 # its death noticed (session.timeout.ms, 10 s) and its partitions restored by the others
kill "$CLIENT"
wait "$CLIENT"
event end
python3 - "$OUT" <<'EOF'
import sys
out = sys.argv[1]
events = {name: (float(at), [int(n) for n in lines]) for name, at, *lines in map(str.split, open(f"{out}/events.txt"))}
gaps = [(stream, float(start), float(ms)) for _, stream, start, ms in
        (line.split() for line in open(f"{out}/gaps.txt") if line.startswith("gap "))]
print(open(f"{out}/gaps.txt").read().splitlines()[-1])
print(f"processor 2 ready {events['ready'][0] - events['join'][0]:.1f} s after its launch")
# A pause is the change's whose stretch it begins in; a stream's last result before a kill comes just before it.
for name, until in (("join", "kill"), ("kill", "end")):
    start, stop = events[name][0] - 1, events[until][0] - 1
    stalled = sorted(ms for stream, at, ms in gaps if start <= at < stop)
    streams = {stream for stream, at, ms in gaps if start <= at < stop}
    print(f"{name}: {len(streams)} streams paused, {len(stalled)} pauses" +
          (f", {stalled[0]:.0f}-{stalled[-1]:.0f} ms, median {stalled[len(stalled) // 2]:.0f}" if stalled else ""))
    for p, (first, last) in enumerate(zip(events[name][1], events[until][1])):
        log = open(f"{out}/processor-{p}.log").read().splitlines()[first:last]
        count = lambda word: sum(word in line for line in log)
        print(f"  processor {p}: partitions revoked {count(' revoked (')}, assigned {count(' assigned (')}, "
              f"restored {count(' restored:')}; transactions committed again {count('committing again')}, "
              f"processing started over {count('Processing failed')}")
EOF
echo "results: $OUT"
