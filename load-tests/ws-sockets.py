"""Holds WebSockets open until killed, as small a client as can be: N sockets, round robin over the streams bench-0 ..
bench-<streams-1>, reading and dropping what arrives (pings unanswered). Prints "connected N, refused M" once every
handshake is answered. Used by small-heap-readers.sh (SOCKETS=ws):
  python3 load-tests/ws-sockets.py <port> <sockets> <streams>"""
import asyncio, base64, os, sys
port, n, streams = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
refused = [0]

async def one(i, ready):
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
    except ConnectionError:
        refused[0] += 1
        ready.release()
        return
    key = base64.b64encode(os.urandom(16)).decode()
    w.write((f"GET /stream/bench-{i % streams}/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    try:
        head = await r.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        head = b"closed"
    if b" 101 " not in head.split(b"\r\n")[0]:
        refused[0] += 1
        ready.release()
        return
    ready.release()
    try:
        while await r.read(65536):
            pass
    except ConnectionError:
        pass
async def main():
    ready = asyncio.Semaphore(0)
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(one(i, ready)))
        if i % 200 == 199: await asyncio.sleep(0.05)
    for _ in range(n): await ready.acquire()
    print(f"connected {n - refused[0]}, refused {refused[0]}", flush=True)
    await asyncio.gather(*tasks)
asyncio.run(main())
