#!/usr/bin/env bash
# Does the owner of a stream end it as idle while it is sent to? A gateway-only instance (embedded broker on
# 127.0.0.1:19392) and a processor-only instance on that broker, the stream's owner, both with a 20 s idle timeout.
# A filter stream gets a chunk that matches nothing every 2 s for 50 s through the gateway, so no result is ever
# written; then it is left alone for 32 s. Prints every send's status and whether the stream has ended, before and
# after the silence, and the instances' "Ending stream" lines.
#   load-tests/split-idle.sh [gateway jar (target/streamgate-*.jar)]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-$(ls target/streamgate-*.jar | grep -v original | head -1)}
DIR=$(mktemp -d /tmp/split-idle.XXXX)
# shellcheck source=load-tests/split-roles.sh
source load-tests/split-roles.sh
start_split_roles "$JAR" "$DIR" --streamgate.stream.idle-timeout=20s --streamgate.stream.idle-timeout=20s

id=$(curl -s -X POST localhost:18280/stream/start -H 'Content-Type: application/json' \
  -d '{"processor":"filter","options":{"contains":"zzz"}}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["stream_id"])')
codes=""
for _ in $(seq 1 25); do
  codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:18280/stream/$id/send" \
    -H 'Content-Type: application/json' -d '{"data":"nothing to see"}')"
  sleep 2
done
echo "sends, one every 2 s:$codes"
echo "after the last send: $(curl -s "localhost:18280/stream/$id/results" -H 'Accept: application/json')"
sleep 32
echo "32 s later: $(curl -s "localhost:18280/stream/$id/results" -H 'Accept: application/json')"
grep -h 'Ending stream' "$DIR/gateway.log" "$DIR/processor.log" || true
