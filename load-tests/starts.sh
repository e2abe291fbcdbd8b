#!/usr/bin/env bash
# Starts against sends, the HTTP-edge issue's check (a start's p99 no worse than 1.5x a send's): the Connections
# simulation (100 to 800 users, each starting a stream, sending 20 chunks, ending it and reading it to its end event)
# against a fresh gateway warmed until compiled (sends, then the simulation itself once with 5 s steps: BENCHMARKS.md
# section 48). Prints Gatling's start and send percentiles and their ratio, then what the gateway's own meters say:
# each route's time in the server (its mean since start-up, warm-ups included; its p50 and p99 over the last two
# minutes, the top steps, from Micrometer's percentiles, so that the gateway's own tail reads apart from the load
# generator's) and the ratio of their p99s there, the processor's transactions and backlog, which a start waits for
# and a send does not, and how often processing started over.
#   load-tests/starts.sh [gateway jar (target/streamgate-0.1.0-SNAPSHOT.jar)]
#   STEP_SECONDS=30 load-tests/starts.sh ...   (the simulation's time at each step; default 10)
#   START_IDS=generated load-tests/starts.sh ...   (starts under ids the gateway generates; default chosen: the client's)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
URL=http://127.0.0.1:18080
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
OUT=load-tests/results/starts-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
CP=$(load-tests/classpath.sh)
# shellcheck disable=SC2086
start_gateway "$OUT" java $JVM_OPTIONS -jar "$JAR" -- \
    --management.metrics.distribution.percentiles.http.server.requests=0.5,0.99
start_streams 100 "$URL"
WARMUP_LOG=$OUT/warmup.txt warm_up "$URL" send.lua
newest_report() { { ls -td load-tests/target/gatling/connectionssimulation-* 2>/dev/null || true; } | head -1; }
# The sends' warm-up leaves the simulation's other paths (starts, reads, ends) to be compiled during the measured run:
# the C2 compiler took a fifth of a core at its top steps (BENCHMARKS.md section 48). The simulation once, short, first.
./mvnw -B -q -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=streamgate.ConnectionsSimulation \
    -DstepSeconds=5 -DstartIds="${START_IDS:-chosen}" -DbaseUrl="$URL" > "$OUT/gatling-warmup.txt" 2>&1 \
    || echo "the warm-up simulation failed its gate; see $OUT/gatling-warmup.txt"
BEFORE=$(newest_report)
# The processors' backlog every 2 s while the simulation runs (ProcessorBacklog): the queue a start waits in.
java -cp "$CP" streamgate.ProcessorBacklog "$BROKER" > "$OUT/backlog.txt" 2>&1 &
BACKLOG=$!
trap 'kill "$BACKLOG" 2>/dev/null || true; stop_app' EXIT
./mvnw -B -q -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=streamgate.ConnectionsSimulation \
    -DstepSeconds="${STEP_SECONDS:-10}" -DstartIds="${START_IDS:-chosen}" -DbaseUrl="$URL" > "$OUT/gatling.txt" 2>&1 \
    || echo "the simulation failed its gate (a failed request) or did not run; see $OUT/gatling.txt"
kill "$BACKLOG" 2>/dev/null || true # it ends by itself if the broker stops answering
REPORT=$(newest_report)
[ -n "$REPORT" ] && [ "$REPORT" != "$BEFORE" ] || { echo "the simulation wrote no report; see $OUT/gatling.txt" >&2; exit 1; }
curl -sf "$URL/actuator/prometheus" > "$OUT/prometheus.txt"
load-tests/gatling-stats.py "$REPORT" "All Requests" start send | tee "$OUT/stats.txt"
awk '/^start / { split($5, s, "=") } /^send / { split($5, d, "=") }
     END { printf "start p99 / send p99: %.2fx (target <= 1.5x)\n", s[2] / d[2] }' "$OUT/stats.txt" | tee -a "$OUT/stats.txt"
# The server's side: http_server_requests_seconds_{count,sum} of the two routes (all statuses), and the processor's
# commit timer; the 100 starts and the warm-up's sends before the simulation are in them too.
awk '/^http_server_requests_seconds_(count|sum)\{/ && /uri="\/stream\/(\{[a-zA-Z]+\}\/)?(start|send)"/ {
       match($0, /uri="[^"]*"/); uri = substr($0, RSTART + 5, RLENGTH - 6)
       if ($0 ~ /_count\{/) count[uri] += $NF; else sum[uri] += $NF
     }
     /^http_server_requests_seconds\{/ && /outcome="SUCCESS"/ && /uri="\/stream\/(\{[a-zA-Z]+\}\/)?(start|send)"/ {
       match($0, /uri="[^"]*"/); uri = substr($0, RSTART + 5, RLENGTH - 6)
       match($0, /quantile="[^"]*"/); q = substr($0, RSTART + 10, RLENGTH - 11)
       quantile[uri] = quantile[uri] sprintf(" p%g %.1f ms", 100 * q, 1000 * $NF)
     }
     /^streamgate_processing_commits_seconds_(count|sum|max)/ { commits[$1] = $NF }
     END {
       for (uri in count) printf "server %s: %d requests, mean %.1f ms;%s (last 2 min)\n", uri, count[uri],
           1000 * sum[uri] / count[uri], quantile[uri]
       for (name in commits) printf "%s %s\n", name, commits[name]
     }' "$OUT/prometheus.txt" | sort | tee -a "$OUT/stats.txt"
# The same ratio in the server, where the load generator's own tail (which a start and a send both carry) is not in it.
# Under generated ids the simulation's starts are /stream/start's; the 100 starts before it are /stream/{id}/start's.
START_ROUTE='}/start:'
[ "${START_IDS:-chosen}" = generated ] && START_ROUTE='/stream/start:'
awk '/^server / && index($0, route) { match($0, /p99 [0-9.]+/); s = substr($0, RSTART + 4, RLENGTH - 4) }
     /^server .*\/send:/ { match($0, /p99 [0-9.]+/); d = substr($0, RSTART + 4, RLENGTH - 4) }
     END { if (s && d) printf "in the server: start p99 / send p99: %.2fx (last 2 min)\n", s / d }' route="$START_ROUTE" "$OUT/stats.txt" \
    | tee -a "$OUT/stats.txt"
# Samples with no backlog are the quiet seconds before and after the simulation (the gateway's sends are not
# transactional, so an idle processor's committed offsets are the requests log's end exactly); the rest are its load.
awk '/ backlog / { all++ } / backlog [1-9]/ { n++; sum += $3; if ($3 > most) most = $3; if ($5 > largest) largest = $5 }
     END {
       if (n) printf "processor backlog under load: %d of %d samples, mean %d commands, most %d (one partition %d)\n", n, all, sum / n, most, largest
       else print "processor backlog: none read; see backlog.txt"
     }' "$OUT/backlog.txt" | tee -a "$OUT/stats.txt"
# A start waits for the processor: had processing started over, the run measured its recovery too.
processing_restarts "$OUT/gateway.log" | tee -a "$OUT/stats.txt"
echo "report: $REPORT; results: $OUT"
