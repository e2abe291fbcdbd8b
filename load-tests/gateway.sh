# Sourced by ab.sh, ab-interleaved.sh, ab-pairs.sh, bench.sh, churn-heap.sh, framework-ladder.sh, history-heap.sh,
# http2-streams.sh, key-budget.sh, latency-breakdown.sh, operator-census.sh, processing.sh, processor-backlog.sh,
# profile.sh, reader-heap.sh, restart-idle.sh, restart-replay.sh, start-time.sh, starts.sh, state-growth.sh and
# thread-cpu.sh: the
# gateway jar as every short benchmark run starts it (embedded broker, tenant limits raised so that what is measured is
# the gateway), its JVM options, the streams the wrk scripts send to, and the warm-up they share (warm_up: until the JIT
# is done). With API_KEY set, the gateway has that one tenant key and the streams are started with it.

# The JVM options every benchmark gives the gateway (and bench.sh the trivial app beside it): a fixed 2 GB heap and the
# G1 options README's run command gives (BENCHMARKS.md sections 5 and 31). GATEWAY_JAVA_OPTS replaces them.
JVM_OPTIONS=${GATEWAY_JAVA_OPTS:-"-Xms2g -Xmx2g -XX:MaxGCPauseMillis=20 -XX:MaxTenuringThreshold=1"}

# start_gateway <out dir> <java command...> -- <gateway args...>: sets APP to its pid, stops it on exit ("trap stop_app
# EXIT", which replaces any EXIT trap of the caller's), waits for readiness; notes the machine and JDK in
# <out dir>/machine.txt unless the caller has (bench.sh notes more). Its embedded broker keeps its data in
# <out dir>/kafka until the gateway is stopped. It listens on GATEWAY_PORT (default 18080), its broker on
# GATEWAY_BROKER_PORT (default 19092), whose address it sets in BROKER for the caller's own Kafka clients.
start_gateway() {
  local out=$1 port=${GATEWAY_PORT:-18080} broker_port=${GATEWAY_BROKER_PORT:-19092}
  shift
  local java=()
  while [ "$1" != "--" ]; do java+=("$1"); shift; done
  shift
  [ -f "$out/machine.txt" ] \
      || echo "$(load-tests/machine.sh); $("${java[0]}" -version 2>&1 | head -1)" > "$out/machine.txt"
  BROKER_DATA="$out/kafka"
  BROKER="127.0.0.1:$broker_port"
  start_app "http://127.0.0.1:$port/actuator/health/readiness" "$out/gateway.log" \
      "${java[@]}" --server.port="$port" --streamgate.broker.port="$broker_port" \
      --streamgate.broker.data-dir="$out/kafka" \
      --streamgate.limits.sends-per-second-per-tenant=100000000 --streamgate.limits.open-streams-per-tenant=100000 \
      --streamgate.limits.max-sends-in-flight=65536 ${API_KEY:+"--streamgate.security.api-keys[0]=$API_KEY"} "$@"
}

# start_app <ready url> <log> <command...>: runs the command in the background, its output in <log>; sets APP to its
# pid, stops it on exit ("trap stop_app EXIT", replacing any EXIT trap of the caller's) and waits until it answers
# <ready url>. How every benchmark starts a JVM: the gateway (start_gateway), the trivial app, the ladder's steps.
start_app() {
  local url=$1 log=$2
  shift 2
  refuse_if_answered "$url"
  "$@" > "$log" 2>&1 &
  APP=$!
  trap stop_app EXIT
  await_ready "$url" "$log"
}

# refuse_if_answered <url>: exits if anything already answers <url>. A JVM left running on the port would answer the
# readiness check of the one started next, which fails to bind, and every figure measured would be the old JVM's
# (BENCHMARKS.md section 82 lost four short-stream A/Bs and a JFR recording to one).
refuse_if_answered() {
  if curl -s -o /dev/null "$1"; then
    echo "something already answers $1 (a JVM left running?): stop it first" >&2
    exit 1
  fi
}

# gateway_post <url> [curl args...]: a POST to the gateway, with the tenant key API_KEY when it is set; fails unless
# answered 2xx.
gateway_post() {
  curl -sf -o /dev/null -X POST ${API_KEY:+-H "X-API-Key: $API_KEY"} "$@"
}

# start_streams <n> [gateway url]: bench-0 .. bench-<n-1>, as load-tests/wrk/send.lua expects (it reads STREAMS); with
# the tenant key API_KEY when it is set. The gateway at http://127.0.0.1:18080 unless another url is given.
start_streams() {
  export STREAMS=$1
  local url=${2:-http://127.0.0.1:18080}
  for i in $(seq 0 $((STREAMS - 1))); do
    gateway_post "$url/stream/bench-$i/start" || { echo "start of bench-$i failed" >&2; return 1; }
  done
}

# processing_restarts <gateway log>: "processing started over <n> time(s)", from the processor's log line for each
# time it started again from the logs; a run with any measured the recovery too.
processing_restarts() {
  echo "processing started over $(grep -c 'Processing failed' "$1") time(s)"
}

# stop_app: stops the JVM whose pid is in APP, if any, and waits for it to end (so that the next one can bind the same
# ports); the EXIT trap of start_app, and of scripts that run several JVMs one after another (bench.sh,
# framework-ladder.sh). Then deletes the directory BROKER_DATA names, if any: an embedded broker's data, which nothing
# reads after its run, is 0.5-3.6 GB a run, and results kept it until 78 GB of it filled the disk.
stop_app() {
  if [ -n "${APP:-}" ]; then
    kill "$APP" 2>/dev/null || true
    wait "$APP" 2>/dev/null || true
    APP=""
  fi
  if [ -n "${BROKER_DATA:-}" ]; then
    rm -rf "$BROKER_DATA"
    BROKER_DATA=""
  fi
}

# await_ready <url> <log>: waits up to 120 s for the JVM in APP to answer <url>; exits, pointing at <log>, if it ends or
# does not answer by then.
await_ready() {
  for _ in $(seq 120); do
    curl -sf "$1" >/dev/null && return 0
    kill -0 "$APP" 2>/dev/null || { echo "it did not start; see $2" >&2; exit 1; }
    sleep 1
  done
  echo "not ready after 120 s; see $2" >&2
  exit 1
}

# warm_up <url> <wrk script>: the script's load in 20 s rounds (wrk with WARMUP_THREADS threads, default 1, and
# WARMUP_CONNECTIONS connections, default 100: a caller that measures at other values warms at them), until the JIT is
# done with it: a round in which the JVM in APP spent under 5% of its CPU in its compiler threads (read from /proc),
# or after WARMUP_ROUNDS rounds (default 30: 10 minutes), with a warning. One line per round on stderr, appended to
# the file WARMUP_LOG names if set. A fixed warm-up does not fit both JVMs: the trivial app is compiled within a
# minute, the gateway's send path (HTTP, producer, broker and processor, one JVM) takes minutes (BENCHMARKS section 25).
warm_up() {
  local url=$1 script=$2 round requests jit0 all0 jit1 all1 jit total
  # Without wrk every round would end at once, compiling nothing, and the caller would measure a cold JVM.
  command -v wrk >/dev/null || { echo "the warm-up needs wrk: sudo apt-get install wrk" >&2; exit 1; }
  read -r jit0 all0 < <(jvm_cpu_ticks)
  for round in $(seq "${WARMUP_ROUNDS:-30}"); do
    requests=$(wrk -t"${WARMUP_THREADS:-1}" -c"${WARMUP_CONNECTIONS:-100}" -d20s -s "load-tests/wrk/$script" "$url" \
        | grep -o 'requests=[0-9]*' || true)
    kill -0 "$APP" 2>/dev/null || { echo "the JVM under warm-up ended (pid $APP)" >&2; exit 1; }
    read -r jit1 all1 < <(jvm_cpu_ticks)
    jit=$(( jit1 - jit0 )) total=$(( all1 - all0 ))
    jit0=$jit1 all0=$all1
    echo "warm-up $script round $round: $requests, compiler threads $jit of $total ticks of CPU" \
        | tee -a "${WARMUP_LOG:-/dev/null}" >&2
    [ $(( jit * 20 )) -ge "$total" ] || return 0
  done
  echo "warning: the JIT was still compiling after ${WARMUP_ROUNDS:-30} warm-up rounds of $script" >&2
}

# warm_for_ab <url> <warm-up log>: how ab.sh and ab-interleaved.sh make a started gateway ready to measure, the same
# for both so that their figures compare: its 100 streams, sends until the JIT is done with them, then 10 s of status.
warm_for_ab() {
  start_streams 100 "$1"
  WARMUP_LOG=$2 warm_up "$1" send.lua 2> /dev/null
  wrk -t1 -c100 -d10s -s load-tests/wrk/status.lua "$1" > /dev/null
}

# used_kb <pid>: the KB of heap that JVM uses after two full collections: what it holds, for the heap probes
# (reader-heap.sh, http2-streams.sh).
used_kb() {
  jcmd "$1" GC.run > /dev/null; sleep 1; jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'
}

# measure <pid> <url> <wrk script> <seconds>: that long of the script with wrk (1 thread, 100 connections); prints
# "<requests/s> <the JVM's CPU per request in us> <wrk's RESULT line>" (the CPU of the JVM <pid> from /proc, in clock
# ticks of 1/CLK_TCK s): what a request costs, beside how many were answered. Exits if none was. For ab.sh's runs and
# ab-interleaved.sh's turns.
measure() {
  local ticks0 ticks1 result requests
  ticks0=$(cpu_ticks "/proc/$1/stat")
  result=$(wrk -t1 -c100 -d"$4s" -s "load-tests/wrk/$3" "$2" | grep RESULT || true)
  ticks1=$(cpu_ticks "/proc/$1/stat")
  requests=$(echo "$result" | grep -o 'requests=[0-9]*' | cut -d= -f2)
  [ "${requests:-0}" -gt 0 ] || { echo "no requests answered by $2: ${result:-wrk printed no RESULT}" >&2; exit 1; }
  echo "$(( requests / $4 )) $(( (ticks1 - ticks0) * 1000000 / $(getconf CLK_TCK) / requests )) $result"
}

# median_of: "<median> <lowest> <highest> <count>" of the numbers on stdin, one a line; fails on none. For the ratios
# of ab-interleaved.sh's rounds and ab-pairs.sh's pairs.
median_of() {
  sort -g | awk '{ r[++n] = $1 }
      END {
        if (n == 0) exit 1
        print (n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2), r[1], r[n], n
      }'
}

# jvm_cpu_ticks: "<compiler threads' CPU> <whole JVM's CPU>" of the JVM in APP, in clock ticks (user + system).
jvm_cpu_ticks() {
  local jit=0 task
  for task in /proc/"$APP"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*) jit=$(( jit + $(cpu_ticks "$task/stat") )) ;;
    esac
  done
  echo "$jit $(cpu_ticks /proc/"$APP"/stat)"
}

# cpu_ticks <a /proc stat file>: its user + system time; the name in parentheses may hold spaces ("C2 CompilerThre"),
# so fields are counted after it.
cpu_ticks() {
  sed 's/.*) //' "$1" 2>/dev/null | awk '{print $12 + $13} END {if (NR == 0) print 0}'
}
