"""SOCKETS WebSockets, 50 to a stream (partial-0, partial-1, ...: under the readers' limit of one), each sending the
header of one text frame of SIZE bytes and all of its payload but the last byte, then holding it there, for
load-tests/partial-frames.sh: what a gateway holds for messages it is still reading. Prints the sockets that got that
far and, once told to stop (SIGTERM), how each stands: still open, or closed by the gateway (with its close code)."""
import asyncio, base64, collections, os, signal, struct, sys
port, sockets, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
# Masked with a zero key (the server cannot tell), so the payload is sent as is.
header = bytes([0x81, 0x80 | 127]) + struct.pack(">Q", size) + b"\0\0\0\0"
payload = b"x" * (size - 1)
outcomes = collections.Counter()
holding = 0

async def standing(r):
    """Whether the gateway has closed the socket, from what it sent (its frames unmasked): its close frame's code."""
    data = b""
    try:
        while chunk := await asyncio.wait_for(r.read(65536), 2):
            data += chunk
    except asyncio.TimeoutError:
        pass
    at = 0
    while at + 2 <= len(data):
        first, length = data[at], data[at + 1] & 0x7F
        at += 2
        if length == 126:
            length, at = struct.unpack(">H", data[at:at + 2])[0], at + 2
        elif length == 127:
            length, at = struct.unpack(">Q", data[at:at + 8])[0], at + 8
        if first == 0x88:
            return f"closed by the gateway with {struct.unpack('>H', data[at:at + 2])[0] if length >= 2 else ''}"
        at += length
    return "closed by the gateway" if r.at_eof() else "open to the end"

async def one(stop, stream):
    global holding
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        key = base64.b64encode(os.urandom(16)).decode()
        w.write((f"GET /stream/{stream}/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        status = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
        if b" 101 " not in status.split(b"\r\n")[0]:
            outcomes["handshake " + status.split(b" ")[1].decode()] += 1
            return
        w.write(header + payload)
        await asyncio.wait_for(w.drain(), 120)
        holding += 1
        await stop.wait()
        outcomes[await standing(r)] += 1
        w.close()
    except Exception as e:
        outcomes[type(e).__name__] += 1

async def main():
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    tasks = [asyncio.ensure_future(one(stop, f"partial-{i // 50}")) for i in range(sockets)]
    while holding + sum(outcomes.values()) < sockets and not stop.is_set():
        await asyncio.sleep(1)
    print(f"{holding} sockets holding a frame of {size} bytes but its last byte", flush=True)
    await asyncio.gather(*tasks)
    print(dict(outcomes), flush=True)

asyncio.run(main())
