"""SOCKETS WebSockets to one stream, each sending FRAMES text frames of SIZE bytes as fast as the socket takes them
(asyncio, raw RFC 6455 frames), for load-tests/stalled-broker.sh. Prints how long until every socket was answered or
closed, and the answers counted: acks, error frames by status, and close codes."""
import asyncio, base64, os, re, struct, sys, time, collections
port, stream, sockets, frames, size = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                       int(sys.argv[5]))
payload = b"x" * size
# Masked with a zero key (RFC 6455 5.3 asks for a random one; the server cannot tell), so the payload is sent as is.
# Its length in the shortest form, as RFC 6455 (5.2) requires: a longer one fails the socket with 1002.
length = (bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + struct.pack(">H", size) if size < 65536
          else bytes([0x80 | 127]) + struct.pack(">Q", size))
header = bytes([0x81]) + length + b"\0\0\0\0"
outcomes = collections.Counter()

async def answers(r, frames):
    """Reads the gateway's frames (unmasked, unfragmented) until every frame sent is answered or the socket closes."""
    answered = 0
    while answered < frames:
        try:
            first, second = await r.readexactly(2)
        except asyncio.IncompleteReadError:
            outcomes["connection closed"] += 1
            return
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", await r.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", await r.readexactly(8))[0]
        data = await r.readexactly(length)
        if first & 0x0F == 0x8:
            outcomes["closed " + (str(struct.unpack(">H", data[:2])[0]) if length >= 2 else "")] += 1
            return
        answer = re.match(rb'\{"type":"(ack|error)"(?:,"frame":\d+,"status":(\d+))?', data)
        if answer:
            outcomes["ack" if answer.group(1) == b"ack" else "error " + answer.group(2).decode()] += 1
            answered += 1

async def one():
    reading = None
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        key = base64.b64encode(os.urandom(16)).decode()
        w.write((f"GET /stream/{stream}/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        status = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
        if b" 101 " not in status.split(b"\r\n")[0]:
            outcomes["handshake " + status.split(b" ")[1].decode()] += 1
            return
        reading = asyncio.ensure_future(answers(r, frames))
        for _ in range(frames):
            w.write(header)
            w.write(payload)
            await w.drain()
        await asyncio.wait_for(reading, 150)  # every frame answered (or the socket closed), then a close of its own
        w.write(bytes([0x88, 0x82, 0, 0, 0, 0]) + struct.pack(">H", 1000))
        await w.drain()
        w.close()
    except Exception as e:
        outcomes[type(e).__name__] += 1
        if reading is not None:
            reading.cancel()

async def main():
    t = time.time()
    await asyncio.gather(*(one() for _ in range(sockets)))
    print(f"{sockets} sockets of {frames} frames of {size} bytes in {time.time() - t:.1f} s: {dict(outcomes)}")
asyncio.run(main())
