# Sourced by ab.sh, bench.sh, framework-ladder.sh, profile.sh and reader-heap.sh: the gateway jar as every short
# benchmark run starts it (embedded broker, tenant limits raised so that what is measured is the gateway), and the
# streams the wrk scripts send to.
# With API_KEY set, the gateway has that one tenant key and the streams are started with it.

# start_gateway <out dir> <java command...> -- <gateway args...>: sets APP to its pid, stops it on exit ("trap stop_app
# EXIT", which replaces any EXIT trap of the caller's), waits for readiness; notes the machine and JDK in
# <out dir>/machine.txt.
start_gateway() {
  local out=$1
  shift
  local java=()
  while [ "$1" != "--" ]; do java+=("$1"); shift; done
  shift
  echo "$(load-tests/machine.sh); $("${java[0]}" -version 2>&1 | head -1)" > "$out/machine.txt"
  "${java[@]}" --server.port=18080 --streamgate.broker.port=19092 --streamgate.broker.data-dir="$out/kafka" \
      --streamgate.limits.sends-per-second-per-tenant=100000000 --streamgate.limits.open-streams-per-tenant=100000 \
      --streamgate.limits.max-sends-in-flight=65536 ${API_KEY:+"--streamgate.security.api-keys[0]=$API_KEY"} "$@" \
      > "$out/gateway.log" 2>&1 &
  APP=$!
  trap stop_app EXIT
  await_ready http://127.0.0.1:18080/actuator/health/readiness "$out/gateway.log"
}

# start_streams <n>: bench-0 .. bench-<n-1>, as load-tests/wrk/send.lua expects (it reads STREAMS); with the tenant
# key API_KEY when it is set.
start_streams() {
  export STREAMS=$1
  for i in $(seq 0 $((STREAMS - 1))); do
    curl -sf -o /dev/null -X POST ${API_KEY:+-H "X-API-Key: $API_KEY"} "http://127.0.0.1:18080/stream/bench-$i/start"
  done
}

# stop_app: stops the JVM whose pid is in APP, if any, and waits for it to end (so that the next one can bind the same
# ports); the EXIT trap of start_gateway, and of scripts that run several JVMs one after another (bench.sh,
# framework-ladder.sh).
stop_app() {
  if [ -n "${APP:-}" ]; then
    kill "$APP" 2>/dev/null || true
    wait "$APP" 2>/dev/null || true
    APP=""
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
