# Sourced by the scripts that run Streamgate's instances with the probe processors (load-tests/probes), from the
# repository's root: state-heap.sh, takeover-heap.sh, rebalance-stall.sh. The gateway-only instance answers on 18280 and runs the embedded
# broker on 19392; processor-only instances answer on ports of their own.

# probe_setup <out> <classes>: records the machine in <out>, compiles the build and the probe processors (into
# <out>/probe); sets CP, the classpath that runs <classes> with them
probe_setup() {
  mkdir -p "$1/probe"
  echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1)" > "$1/machine.txt"
  ./mvnw -q -B -ntp compile dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$1/classpath" >&2
  CP="$1/probe:$2:$(cat "$1/classpath")"
  javac -d "$1/probe" -cp "$CP" load-tests/probes/io/streamgate/processing/*.java
}

# stop_instances_on_exit <out>: sets GATEWAY and PIDS (empty), whose instances are killed when the script exits, and
# <out>/kafka (the embedded broker's data) removed then
stop_instances_on_exit() {
  GATEWAY=
  PIDS=()
  PROBE_OUT=$1
  trap 'kill $GATEWAY "${PIDS[@]}" 2>/dev/null || true; sleep 2; kill -9 $GATEWAY "${PIDS[@]}" 2>/dev/null || true;
        rm -rf "$PROBE_OUT/kafka"' EXIT
}

# await_ready <log> <pid>: whether the instance <pid>, logging to <log>, says it is ready within 120 s, alive
await_ready() {
  for _ in $(seq 240); do
    grep -q 'Streamgate ready' "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# start_gateway <out>: the gateway-only instance (2 GB, the embedded broker's data in <out>/kafka), ready; sets
# GATEWAY; exits if it does not start
start_gateway() {
  java -Xmx2g -cp "$CP" io.streamgate.processing.StateHoarder --server.port=18280 --streamgate.roles=gateway \
      --streamgate.broker.port=19392 --streamgate.broker.data-dir="$1/kafka" > "$1/gateway.log" 2>&1 &
  GATEWAY=$!
  await_ready "$1/gateway.log" "$GATEWAY" || { echo "the gateway did not start; see $1/gateway.log" >&2; exit 1; }
}

# launch_processor <log> <port> <heap> [args...]: a processor-only instance answering on <port>, on -Xmx<heap>,
# exiting on its first OutOfMemoryError, logging to <log>.log (its collections to <log>.gc.log); sets LAUNCHED, its pid
launch_processor() {
  local log=$1 port=$2 heap=$3
  shift 3
  java -Xmx"$heap" -Xlog:gc:file="$log.gc.log" -XX:+ExitOnOutOfMemoryError -cp "$CP" \
      io.streamgate.processing.StateHoarder --server.port="$port" --streamgate.roles=processor \
      --streamgate.kafka.bootstrap-servers=127.0.0.1:19392 "$@" > "$log.log" 2>&1 &
  LAUNCHED=$!
}

# start_processors <out> <count> <heap> [args...]: processors 0 to <count - 1> (launch_processor, logging to
# <out>/processor-<index>, answering on 18281 + <index>), each ready; appends their pids to PIDS; exits if one does not
# start
start_processors() {
  local out=$1 count=$2 heap=$3 p
  shift 3
  for p in $(seq 0 $((count - 1))); do
    launch_processor "$out/processor-$p" $((18281 + p)) "$heap" "$@"
    PIDS+=("$LAUNCHED")
  done
  for p in $(seq 0 $((count - 1))); do
    await_ready "$out/processor-$p.log" "${PIDS[$p]}" || { echo "processor $p did not start" >&2; exit 1; }
  done
}

# write_chunk <file> <size> <character>: a send's body, {"data": <size> times <character>}
write_chunk() {
  python3 -c "import json,sys; sys.stdout.write(json.dumps({'data': sys.argv[1] * $2}))" "$3" > "$1"
}

# start_streams <count> <processor>: starts the streams hoard-0 to hoard-<count - 1> with <processor>
start_streams() {
  local i
  for i in $(seq 0 $(($1 - 1))); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "{\"processor\":\"$2\"}" \
        "http://127.0.0.1:18280/stream/hoard-$i/start"
  done
}

# send_rounds <rounds> <count> <chunk file> <failures file>: sends the chunk to each of the <count> streams, round
# robin, <rounds> times; each send refused is a line of <failures file>
send_rounds() {
  local round i
  for round in $(seq "$1"); do
    for i in $(seq 0 $(($2 - 1))); do
      curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary "@$3" \
          "http://127.0.0.1:18280/stream/hoard-$i/send" || echo "send $round/$i failed" >> "$4"
    done
  done
  echo "$(date -u +%H:%M:%S) sends failed: $(cat "$4" 2>/dev/null | wc -l) of $(($1 * $2))"
}

# metric <port> <name>: the sum of a metric's series on the instance answering on <port>, or "unanswered"
metric() {
  local metrics
  metrics=$(curl -sf -m 5 "http://127.0.0.1:$1/actuator/prometheus") || { echo unanswered; return; }
  echo "$metrics" | awk -v name="$2" '$1 ~ ("^" name "([{]|$)") {s += $2} END {printf "%.0f\n", s}'
}

# heap_after_full_collection <pid>: the heap a JVM uses once collected whole
heap_after_full_collection() {
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | awk '/garbage-first heap/ {print $6}'
}
