#!/usr/bin/env bash
# Two gateway builds measured in turns, for changes smaller than this box's wander between runs (one build's status
# 20.8-27.5k requests/s in one A/B series, BENCHMARKS.md section 37): A and B run at once (A on 18080, B on 18081, each
# with its embedded broker), each warmed with sends until its JIT is done (warm_up, load-tests/gateway.sh), then they
# take turns under the same wrk load, ROUNDS rounds (default 12) of TURN_SECONDS seconds (default 10) each, A B in odd
# rounds and B A in even ones. A pair of turns sees the machine as it is for those seconds, so its ratio B/A compares
# where separate runs minutes apart do not. Prints each round's requests/s and the JVMs' CPU per request, then the
# median and range of the ratios and wrk's errors over all turns; one idle gateway beside the measured one is the
# price (its broker's idle threads). One run is one pair of JVMs, and two JVMs of one jar can differ for their whole
# lives (each JIT compiles from its own profiles: the same two builds gave B/A 1.32 and 1.12 in two pairs, section 37),
# so repeat it with fresh pairs, the builds' places swapped, before reading a size from it.
#   load-tests/ab-interleaved.sh <jar A> <jar B> [status|send]
# API_KEY as in ab.sh (both gateways get the key); JAVA and GATEWAY_JAVA_OPTS as there; GATEWAY_ARGS, more arguments
# for both gateways (a second key, say, so that the gateway has several tenants). Streams stay open for 2 h: A sits idle
# while B warms up, and once that took over 5 minutes (the default idle-timeout) A's streams had ended and every one of
# its sends was refused, measured as the faster build (BENCHMARKS.md section 103). To compare JVM options instead
# of builds, give the same jar twice and one side its own: GATEWAY_JAVA_OPTS_A, GATEWAY_JAVA_OPTS_B (each defaults to
# GATEWAY_JAVA_OPTS, else gateway.sh's options).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR_A=$1 JAR_B=$2 ROUTE=${3:-status}
ROUNDS=${ROUNDS:-12} TURN_SECONDS=${TURN_SECONDS:-10}
command -v wrk >/dev/null || { echo "ab-interleaved.sh needs wrk: sudo apt-get install wrk" >&2; exit 1; }
OUT=load-tests/results/abi-$ROUTE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT/a" "$OUT/b"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh

PIDS=() DATA=()
# Both JVMs stopped and their brokers' data deleted, also when the second one fails to start: start_app's EXIT trap
# calls stop_app, which here stops both.
stop_app() {
  for pid in "${PIDS[@]}" ${APP:-}; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}" ${APP:-}; do wait "$pid" 2>/dev/null || true; done
  rm -rf "${DATA[@]}" ${BROKER_DATA:+"$BROKER_DATA"}
}

# start <a|b> <jar> <port> <broker port> <JVM options>: the gateway, its streams, and its warm-up.
start() {
  # shellcheck disable=SC2086
  GATEWAY_PORT=$3 GATEWAY_BROKER_PORT=$4 start_gateway "$OUT/$1" ${JAVA:-java} $5 -jar "$2" -- \
      --streamgate.stream.idle-timeout=2h ${GATEWAY_ARGS:-}
  warm_for_ab "http://127.0.0.1:$3" "$OUT/$1/warmup.txt"
  PIDS+=("$APP") DATA+=("$BROKER_DATA")
  APP="" BROKER_DATA=""
}
OPTS_A=${GATEWAY_JAVA_OPTS_A:-$JVM_OPTIONS} OPTS_B=${GATEWAY_JAVA_OPTS_B:-$JVM_OPTIONS}
start a "$JAR_A" 18080 19092 "$OPTS_A"
start b "$JAR_B" 18081 19093 "$OPTS_B"

{
  echo "# A $JAR_A ($OPTS_A), B $JAR_B ($OPTS_B), $ROUTE, $ROUNDS rounds of ${TURN_SECONDS} s turns; $(cat "$OUT/a/machine.txt")"
  echo "round A/s A_us B/s B_us B/A"
  for round in $(seq "$ROUNDS"); do
    # A turn: TURN_SECONDS of the route (measure, gateway.sh), "<requests/s> <us a request> <wrk's RESULT line>".
    if [ $(( round % 2 )) -eq 1 ]; then
      a_turn=$(measure "${PIDS[0]}" http://127.0.0.1:18080 "$ROUTE.lua" "$TURN_SECONDS")
      b_turn=$(measure "${PIDS[1]}" http://127.0.0.1:18081 "$ROUTE.lua" "$TURN_SECONDS")
    else
      b_turn=$(measure "${PIDS[1]}" http://127.0.0.1:18081 "$ROUTE.lua" "$TURN_SECONDS")
      a_turn=$(measure "${PIDS[0]}" http://127.0.0.1:18080 "$ROUTE.lua" "$TURN_SECONDS")
    fi
    read -r a a_us a_wrk <<< "$a_turn"
    read -r b b_us b_wrk <<< "$b_turn"
    printf 'round %s A %s\nround %s B %s\n' "$round" "$a_wrk" "$round" "$b_wrk" >> "$OUT/wrk.txt"
    echo "$round $a $a_us $b $b_us $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
  done
} | tee "$OUT/rounds.txt"
# The median of the ratios, their range, and each build's mean.
read -r median lo hi _ <<< "$(awk 'NR > 2 { print $6 }' "$OUT/rounds.txt" | median_of)"
awk -v median="$median" -v lo="$lo" -v hi="$hi" 'NR > 2 { a += $2; b += $4; n++ }
     END {
       printf "B/A median %.3f (range %.3f-%.3f over %d rounds); means A %d/s, B %d/s\n", median, lo, hi, n, a / n, b / n
     }' "$OUT/rounds.txt" | tee "$OUT/result.txt"
# A turn's errors (wrk's socket errors, timeouts, and answers other than 2xx) make its rate mean something else.
errors=$(grep -o -E '(connect|read|write|timeout|non2xx)=[0-9]+' "$OUT/wrk.txt" \
    | awk -F= '{ n += $2 } END { print n + 0 }')
echo "errors over all turns: $errors (wrk's lines in $OUT/wrk.txt)" | tee -a "$OUT/result.txt"
if [ "$errors" -gt 0 ]; then
  echo "WARNING: the ratios above count failed requests as answered ones; read wrk.txt before any of them" \
      | tee -a "$OUT/result.txt" >&2
fi
