#!/usr/bin/env bash
# Sourced by split-idle.sh and processor-heap.sh: a gateway-only instance (port 18280) with the embedded broker on
# 127.0.0.1:19392, and a processor-only instance (port 18281) on that broker, from one jar; both stopped on exit
# ("trap stop_split_roles EXIT", which replaces any EXIT trap of the caller's). Their logs are <dir>/gateway.log and
# <dir>/processor.log; the processor's pid is PROCESSOR.
#   start_split_roles <jar> <dir> "<gateway args>" "<processor args>"
GATEWAY=
PROCESSOR=

stop_split_roles() {
  kill $GATEWAY $PROCESSOR 2>/dev/null || true
  sleep 2
  kill -9 $GATEWAY $PROCESSOR 2>/dev/null || true
}

await_ready() {
  for _ in $(seq 1 240); do
    grep -q 'Streamgate ready' "$1" && return
    sleep 0.5
  done
  echo "Not ready: $1" >&2
  exit 1
}

start_split_roles() {
  local jar=$1 dir=$2 gateway_args=$3 processor_args=$4
  for port in 18280 18281; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "Port $port already answers: stop that first" >&2; exit 1; fi
  done
  trap stop_split_roles EXIT
  # shellcheck disable=SC2086 # the args are word lists
  java -Xmx2g -jar "$jar" --server.port=18280 --streamgate.roles=gateway --streamgate.broker.port=19392 \
    --streamgate.broker.data-dir="$dir/kafka" $gateway_args > "$dir/gateway.log" 2>&1 &
  GATEWAY=$!
  await_ready "$dir/gateway.log"
  # shellcheck disable=SC2086
  java -Xmx2g -jar "$jar" --server.port=18281 --streamgate.roles=processor \
    --streamgate.kafka.bootstrap-servers=127.0.0.1:19392 $processor_args > "$dir/processor.log" 2>&1 &
  PROCESSOR=$!
  await_ready "$dir/processor.log"
}
