#!/usr/bin/env bash
# How many Reactor operators one request of a route assembles, and who assembles them (BENCHMARKS.md section 36). A
# profile spreads a reactive request's cost over Reactor's operators without saying whose they are; this counts them
# by the code that built each (the first frame outside Reactor and the JDK), which is exact and does not depend on the
# machine's speed. Each operator costs its assembly, its subscription and its signals, so fewer is cheaper; the count
# does not say by how much (an A/B does: load-tests/ab.sh).
#
# The jar (the gateway's, or the trivial app's: load-tests/trivial-app) runs with OperatorCensus
# (load-tests/operator-census/) loaded beside it; WARMUP requests (default 3,000) are sent one after another, the
# counts reset, REQUESTS more sent (default 1,000), and the counts divided by them. The stack walk per operator makes
# the app many times slower: this counts, it does not time.
#
#   load-tests/operator-census.sh target/streamgate-0.1.0-SNAPSHOT.jar status       # or send, or liveness
#   load-tests/operator-census.sh load-tests/trivial-app/target/streamgate-trivial-app-0.1.0-SNAPSHOT.jar ping
#   API_KEY=a-tenant-key-of-16-chars load-tests/operator-census.sh target/streamgate-0.1.0-SNAPSHOT.jar status   # keyed
#   load-tests/operator-census.py table load-tests/results/census-<run> load-tests/results/census-<another>   # side by side
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$1 ROUTE=$2
shift 2
WARMUP=${WARMUP:-3000}
REQUESTS=${REQUESTS:-1000}
OUT=$PWD/load-tests/results/census-$ROUTE-$(date +%Y%m%d-%H%M%S)
BUILD=$PWD/load-tests/target/operator-census
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh

# The census, compiled against the jar's own Spring and Reactor; Spring Boot finds it through spring.factories.
rm -rf "$BUILD"
mkdir -p "$OUT" "$BUILD/lib" "$BUILD/classes/META-INF"
unzip -q -o -j "$JAR" 'BOOT-INF/lib/spring-core-*' 'BOOT-INF/lib/spring-context-*' 'BOOT-INF/lib/reactor-core-*' \
    'BOOT-INF/lib/reactive-streams-*' -d "$BUILD/lib"
javac -d "$BUILD/classes" -cp "$BUILD/lib/*" load-tests/operator-census/OperatorCensus.java
echo "org.springframework.context.ApplicationContextInitializer=streamgate.census.OperatorCensus" \
    > "$BUILD/classes/META-INF/spring.factories"

# shellcheck disable=SC2206
JAVA_COMMAND=(${JAVA:-java} $JVM_OPTIONS -Dcensus.commands="$OUT/commands" -Dloader.path="$BUILD/classes"
    -cp "$JAR" org.springframework.boot.loader.launch.PropertiesLauncher)
if unzip -l "$JAR" BOOT-INF/classes/streamgate/trivial/TrivialApp.class > /dev/null 2>&1; then # the trivial app
  start_app http://127.0.0.1:18081/ping "$OUT/app.log" "${JAVA_COMMAND[@]}" --server.port=18081 "$@"
  URL=http://127.0.0.1:18081
else
  start_gateway "$OUT" "${JAVA_COMMAND[@]}" -- "$@"
  URL=http://127.0.0.1:18080
  start_streams 1
fi

# census <command>: hands the command to the app whole (a rename) and waits until it is done.
census() {
  echo "$1" > "$OUT/commands.next"
  mv "$OUT/commands.next" "$OUT/commands"
  while [ -e "$OUT/commands" ]; do
    kill -0 "$APP" 2>/dev/null || { echo "the app ended (pid $APP)" >&2; exit 1; }
    sleep 0.1
  done
}
python3 load-tests/operator-census.py drive "$URL" "$ROUTE" "$WARMUP"
sleep 1 # what the last requests started in the background (a send's processing) ends before the count starts
census reset
python3 load-tests/operator-census.py drive "$URL" "$ROUTE" "$REQUESTS"
sleep 1 # and is counted at its end
census "dump $OUT/sites.txt"
[ -s "$OUT/sites.txt" ] || { echo "no counts written; see the app's log in $OUT" >&2; exit 1; }
echo "$REQUESTS" > "$OUT/requests"
python3 load-tests/operator-census.py table "$OUT" | tee "$OUT/table.md"
echo "run: $OUT"
