#!/usr/bin/env bash
# Two gateway builds compared over several fresh pairs of JVMs: ab-interleaved.sh run PAIRS times (default 3), the
# builds' places swapped in every second pair (B on 18080 and A on 18081), each pair's median ratio turned back into
# B/A. One pair is one draw of two JITs, and the same two builds gave B/A 1.32 and 1.12 in two pairs (BENCHMARKS.md
# section 37): the spread of the pairs' medians says how far one pair can be trusted, and the median of the medians is
# the figure to quote. An A/A series (the same jar twice) sizes that spread with no change at all.
#   PAIRS=3 load-tests/ab-pairs.sh <jar A> <jar B> [status|send]
# ROUNDS, TURN_SECONDS, API_KEY, JAVA and GATEWAY_JAVA_OPTS go to ab-interleaved.sh as they are; GATEWAY_JAVA_OPTS_A and
# GATEWAY_JAVA_OPTS_B (JVM options compared, the same jar given twice) go with their build when places are swapped.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR_A=$1 JAR_B=$2 ROUTE=${3:-status} PAIRS=${PAIRS:-3}
OUT=load-tests/results/abp-$ROUTE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
echo "# A $JAR_A ${GATEWAY_JAVA_OPTS_A:+($GATEWAY_JAVA_OPTS_A)}, B $JAR_B ${GATEWAY_JAVA_OPTS_B:+($GATEWAY_JAVA_OPTS_B)}, $ROUTE, $PAIRS pairs" | tee "$OUT/pairs.txt"
for pair in $(seq "$PAIRS"); do
  if [ $(( pair % 2 )) -eq 1 ]; then
    places="A B" first=$JAR_A second=$JAR_B opts_first=${GATEWAY_JAVA_OPTS_A:-} opts_second=${GATEWAY_JAVA_OPTS_B:-}
  else
    places="B A" first=$JAR_B second=$JAR_A opts_first=${GATEWAY_JAVA_OPTS_B:-} opts_second=${GATEWAY_JAVA_OPTS_A:-}
  fi
  GATEWAY_JAVA_OPTS_A=$opts_first GATEWAY_JAVA_OPTS_B=$opts_second \
      load-tests/ab-interleaved.sh "$first" "$second" "$ROUTE" > "$OUT/pair-$pair.txt"
  # "B/A median <m> (range <lo>-<hi> over <n> rounds); ..." and "errors over all turns: <n> ...", of the second over
  # the first: a swapped pair's figures are inverted (and its range with them).
  read -r median lo hi <<< "$(sed -n 's#^B/A median \([0-9.]*\) (range \([0-9.]*\)-\([0-9.]*\) .*#\1 \2 \3#p' "$OUT/pair-$pair.txt")"
  errors=$(sed -n 's/^errors over all turns: \([0-9]*\).*/\1/p' "$OUT/pair-$pair.txt")
  awk -v pair="$pair" -v places="$places" -v m="$median" -v lo="$lo" -v hi="$hi" -v errors="$errors" 'BEGIN {
        if (places == "B A") { m = 1 / m; t = 1 / hi; hi = 1 / lo; lo = t }
        printf "pair %d: B/A %.3f (rounds %.3f-%.3f), %s on 18080 and 18081, errors %d\n", pair, m, lo, hi, places, errors
      }' | tee -a "$OUT/pairs.txt"
done
read -r median lo hi n <<< "$(awk '/^pair / { print $4 }' "$OUT/pairs.txt" | median_of)"
printf 'B/A over %d pairs: median of the pairs %.3f, pairs %.3f-%.3f\n' "$n" "$median" "$lo" "$hi" | tee "$OUT/result.txt"
