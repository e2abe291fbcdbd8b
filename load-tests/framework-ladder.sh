#!/usr/bin/env bash
# What the framework features the gateway keeps cost on their own (BENCHMARKS.md section 23). The trivial app of
# bench.sh is built again one feature at a time, and each step is measured beside the gateway, fresh, in turn, with
# the same wrk:
#   trivial         the trivial app as bench.sh measures it (WebFlux on Netty, nothing else);
#   metrics         + Spring Boot's actuator and Prometheus registry: every request timed (http.server.requests);
#   security        + Spring Security's stock chain for a stateless API, everything permitted (no CSRF, no login
#                     forms; the default headers, firewall, anonymous caller, authorization filter, and an
#                     observation around each filter, as Spring Security does by default);
#   quiet-security  the same without the per-filter observations, as the gateway runs its own chain;
#   gateway         the gateway (embedded broker, limits raised): its status route, or a durable send with ROUTE=post.
# Each step is warmed until the JIT is done with its route (warm_up, load-tests/gateway.sh), then measured RUNS times
# for DURATION; ROUNDS > 1 goes through the steps again in the reverse order, then forwards, so that no step is always
# measured first. Prints requests/s, the ratio to the trivial step's mean in the same run, latency, and the JVM's CPU
# per request (from /proc), and keeps them under load-tests/results/ladder-<time>/.
#
#   load-tests/framework-ladder.sh                             # GET /ping on each step, the gateway's status route
#   ROUTE=post load-tests/framework-ladder.sh                  # the POST that parses a send's JSON; a durable send
#   STEPS="trivial quiet-security gateway" ROUNDS=3 load-tests/framework-ladder.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUTE=${ROUTE:-get}
STEPS=${STEPS:-"trivial metrics security quiet-security gateway"}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20s}
RUNS=${RUNS:-2}
CONNECTIONS=${CONNECTIONS:-100}
OUT=load-tests/results/ladder-$(date +%Y%m%d-%H%M%S)
BUILD=load-tests/target/ladder
mkdir -p "$OUT" "$BUILD"
command -v wrk >/dev/null || { echo "framework-ladder.sh needs wrk: sudo apt-get install wrk" >&2; exit 1; }
export CHUNK_SIZE=100

# ladder_app <step> <dependencies...>: the trivial app's sources and pom, plus the given starters (groupId:artifactId)
# and, for the security steps, a permit-all chain; built into $BUILD/<step>.jar.
ladder_app() {
  local step=$1 dir=$BUILD/$1
  shift
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r load-tests/trivial-app/pom.xml load-tests/trivial-app/src "$dir"
  python3 - "$dir/pom.xml" "$step" "$@" <<'PY'
import sys
pom, step, deps = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(pom).read().replace("<artifactId>streamgate-trivial-app</artifactId>",
                                f"<artifactId>ladder-{step}</artifactId>", 1)
added = "".join(f"        <dependency>\n            <groupId>{d.split(':')[0]}</groupId>\n"
                f"            <artifactId>{d.split(':')[1]}</artifactId>\n        </dependency>\n" for d in deps)
open(pom, "w").write(text.replace("    </dependencies>", added + "    </dependencies>", 1))
PY
  printf 'management.endpoints.web.exposure.include: health,info,prometheus,metrics\n' \
      >> "$dir/src/main/resources/application.yaml"
  case $step in
    security|quiet-security) security_class "$step" > "$dir/src/main/java/streamgate/trivial/Security.java" ;;
  esac
  ./mvnw -q -B -ntp -f "$dir/pom.xml" package -DskipTests
  cp "$dir"/target/ladder-"$step"-*.jar "$BUILD/$step.jar"
}

security_class() { # <step>
  local quiet=""
  [ "$1" = quiet-security ] && quiet='
    @Bean
    org.springframework.security.config.observation.SecurityObservationSettings noObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }
'
  cat <<JAVA
package streamgate.trivial;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/** Spring Security's stock chain for a stateless API, everything permitted. */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class Security {
$quiet
    @Bean
    SecurityWebFilterChain chain(ServerHttpSecurity http) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .build();
    }
}
JAVA
}

echo "== building the steps, log in $OUT/build.log"
{
  ./mvnw -q -B -ntp package -DskipTests
  ./mvnw -q -B -ntp -f load-tests/trivial-app/pom.xml package -DskipTests
  ACTUATOR="org.springframework.boot:spring-boot-starter-actuator io.micrometer:micrometer-registry-prometheus"
  SECURITY="org.springframework.boot:spring-boot-starter-security"
  # shellcheck disable=SC2086
  ladder_app metrics $ACTUATOR
  # shellcheck disable=SC2086
  ladder_app security $ACTUATOR $SECURITY
  # shellcheck disable=SC2086
  ladder_app quiet-security $ACTUATOR $SECURITY
} > "$OUT/build.log" 2>&1 || { echo "the build failed; see $OUT/build.log" >&2; exit 1; }
cp load-tests/trivial-app/target/streamgate-trivial-app-*.jar "$BUILD/trivial.jar"
cp "$(ls target/streamgate-*.jar | grep -v '\.original$' | head -1)" "$BUILD/gateway.jar"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
{ echo "machine: $(load-tests/machine.sh)"; java -version 2>&1 | head -1; echo "JVM options: $JVM_OPTIONS";
  echo "route: $ROUTE, $CONNECTIONS connections, wrk -t1, warmed until compiled, $RUNS x $DURATION";
  git rev-parse --short HEAD 2>/dev/null || true; } > "$OUT/machine.txt"

APP=""
trap stop_app EXIT

# measure <n> <step>: the step fresh, warmed, then RUNS runs; one line per run in results.txt
measure() {
  local n=$1 step=$2 log="$OUT/$1-$2.log" script
  if [ "$step" = gateway ]; then
    mkdir -p "$OUT/$n-gateway"
    # shellcheck disable=SC2086
    start_gateway "$OUT/$n-gateway" java $JVM_OPTIONS -jar "$BUILD/gateway.jar" --
    start_streams 500 # the streams status.lua and send.lua name
    script=$([ "$ROUTE" = post ] && echo send.lua || echo status.lua)
  else
    # shellcheck disable=SC2086
    start_app http://127.0.0.1:18080/ping "$log" java $JVM_OPTIONS -jar "$BUILD/$step.jar" --server.port=18080
    script=$([ "$ROUTE" = post ] && echo send.lua || echo ping.lua)
  fi
  WARMUP_CONNECTIONS=$CONNECTIONS WARMUP_LOG="$OUT/warmup.txt" warm_up http://127.0.0.1:18080 "$script" 2> /dev/null
  for run in $(seq "$RUNS"); do
    local ticks0 ticks1 start end result
    ticks0=$(cpu_ticks "/proc/$APP/stat")
    start=$(date +%s.%N)
    result=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "load-tests/wrk/$script" \
        http://127.0.0.1:18080 | grep RESULT)
    ticks1=$(cpu_ticks "/proc/$APP/stat")
    end=$(date +%s.%N)
    echo "$n $step $run cpu_ticks=$((ticks1 - ticks0)) hz=$(getconf CLK_TCK) start=$start end=$end $result" \
        >> "$OUT/results.txt"
  done
  stop_app
}

order=()
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order+=($STEPS); else order+=($(echo "$STEPS" | tr ' ' '\n' | tac)); fi
done
n=0
for step in "${order[@]}"; do
  n=$((n + 1))
  echo "== $n/${#order[@]}: $step"
  measure "$n" "$step"
done

python3 - "$OUT/results.txt" <<'PY' | tee "$OUT/table.md"
import re, sys
from collections import defaultdict
runs = defaultdict(list)  # step -> (requests/s, p50 ms, p99 ms, JVM cores, errors) per run
for line in open(sys.argv[1]):
    f = dict(re.findall(r"(\w+)=([\d.]+)", line))
    cores = int(f["cpu_ticks"]) / int(f["hz"]) / (float(f["end"]) - float(f["start"]))
    errors = sum(int(f[k]) for k in ("connect", "read", "write", "timeout", "non2xx"))
    runs[line.split()[1]].append((int(f["requests"]) / (int(f["duration_us"]) / 1e6), int(f["p50_us"]) / 1000,
                                  int(f["p99_us"]) / 1000, cores, errors))
mean = {step: sum(r[0] for r in rs) / len(rs) for step, rs in runs.items()}
span = lambda values, form: f"{form.format(min(values))}-{form.format(max(values))}"
print("| step | requests/s, each run | ratio to trivial (means) | p50 ms | p99 ms | JVM cores | JVM CPU us/request "
      "| errors |")
print("|---|---|---:|---|---|---|---|---:|")
for step, rs in runs.items():
    ratio = f"{mean[step] / mean['trivial']:.2f}" if "trivial" in mean else "-"
    print(f"| {step} | {' / '.join(f'{r[0]:,.0f}' for r in rs)} | {ratio} | {span([r[1] for r in rs], '{:.1f}')} | "
          f"{span([r[2] for r in rs], '{:.1f}')} | {span([r[3] for r in rs], '{:.2f}')} | "
          f"{span([r[3] / r[0] * 1e6 for r in rs], '{:.0f}')} | {sum(r[4] for r in rs)} |")
PY
