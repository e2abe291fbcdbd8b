#!/usr/bin/env bash
# What the management port (management.server.port) serves and what bounds it: the jar with its embedded broker, open
# (no keys), its API on 18080 (max-connections 50) and its actuator on 18081. Says where 18081 listens, what a stream
# start there gets, whether a health check there is answered while the API port is full (60 connections held), how
# many of 100 connections to 18081 are refused, and how long a request trickled to it is held.
#   load-tests/management-port.sh [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
OUT=load-tests/results/management-port-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
echo "$(load-tests/machine.sh); $(java -version 2>&1 | head -1)" > "$OUT/machine.txt"
BROKER_DATA="$OUT/kafka"
start_app "http://127.0.0.1:18081/actuator/health/readiness" "$OUT/gateway.log" java $JVM_OPTIONS -jar "$JAR" \
    --server.port=18080 --management.server.port=18081 --streamgate.broker.port=19092 \
    --streamgate.broker.data-dir="$OUT/kafka" --streamgate.limits.max-connections=50
{
  echo "jar: $JAR"
  echo "18081 listens on: $(ss -ltnH 'sport = :18081' | awk '{print $4}')"
  python3 - <<'PY'
import socket, time

def answer(port, request, timeout=5):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(timeout)
    s.sendall(request)
    try:
        return s.recv(4096).split(b"\r\n")[0].decode() or "closed"
    except socket.timeout:
        return "no answer in %d s" % timeout
    finally:
        s.close()

print("POST /stream/probe/start on 18081:",
      answer(18081, b"POST /stream/probe/start HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"))

def hold(port, n):
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    time.sleep(1)
    refused = 0
    for s in sockets:
        s.setblocking(False)
        try:
            refused += s.recv(64).startswith(b"HTTP/1.1 503")
        except BlockingIOError:
            pass
    return sockets, refused

api, refused = hold(18080, 60)
print("API port, 60 connections held: %d refused" % refused)
print("GET /actuator/health on 18081 meanwhile:",
      answer(18081, b"GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
for s in api:
    s.close()
management, refused = hold(18081, 100)
print("18081, 100 connections held: %d refused" % refused)
for s in management:
    s.close()
time.sleep(1)
start = time.time()
print("a head trickled to 18081 (no byte after the first line's part):",
      answer(18081, b"GET /actuator/health HTTP/1.1\r\nHost: local", 45),
      "after %.1f s" % (time.time() - start))
PY
} | tee "$OUT/summary.txt"
