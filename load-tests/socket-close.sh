#!/usr/bin/env bash
# Whether a stream still ends after its WebSocket's client wrote its frames and its close frame at once (seventy-second
# session's note): the jar with its embedded broker; STREAMS (10) streams, each sent FRAMES (20) text frames and a
# close frame in one write over a raw socket, then ended; each line says the acks the client got, the gateway's close
# code, the end's status (000: no answer in 10 s) and, when it was not 200, the stream's state.
#   load-tests/socket-close.sh [gateway jar]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/streamgate-0.1.0-SNAPSHOT.jar}
STREAMS=${STREAMS:-10}
FRAMES=${FRAMES:-20}
OUT=load-tests/results/socket-close-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
PORT=${GATEWAY_PORT:-18080}
# shellcheck source=load-tests/gateway.sh
. load-tests/gateway.sh
start_gateway "$OUT" java -jar "$JAR" --
for s in $(seq "$STREAMS"); do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/stream/closed-$s/start"
  python3 - "$PORT" "closed-$s" "$FRAMES" <<'EOF' | tee -a "$OUT/summary.txt"
import asyncio, base64, os, struct, sys
port, stream, frames = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
async def main():
    r, w = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    w.write((f"GET /stream/{stream}/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    await r.readuntil(b"\r\n\r\n")
    sent = b""
    for i in range(frames):
        payload = f"frame {i + 1}".encode()
        sent += bytes([0x81, 0x80 | len(payload)]) + b"\0\0\0\0" + payload  # masked with a key of zeros
    w.write(sent + bytes([0x88, 0x82, 0, 0, 0, 0]) + struct.pack(">H", 1000))
    await w.drain()
    data = b""
    try:
        while chunk := await asyncio.wait_for(r.read(65536), 3):
            data += chunk
    except asyncio.TimeoutError:
        pass
    close = data.rfind(b"\x88\x02")
    acks = data.count(b'"type":"ack"')
    code = struct.unpack(">H", data[close + 2:close + 4])[0] if close >= 0 else "nothing"
    print(f"{stream}: {acks} acks, closed with {code}", end="; ")
asyncio.run(main())
EOF
  status=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/stream/closed-$s/end" || true)
  if [ "$status" = 200 ]; then state=; else
    state=$(curl -s -m 5 "http://127.0.0.1:$PORT/stream/closed-$s" | grep -o '"state":"[a-z]*"' || true); fi
  echo "end $status $state" | tee -a "$OUT/summary.txt"
done
echo "results in $OUT"
