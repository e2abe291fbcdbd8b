# Holds keep-alive connections idle between requests until killed: each opens a connection, reads one stream's
# results as JSON (GET /stream/bench-<i % streams>/results, Accept: application/json), and then sends nothing more,
# as a client's pool keeps its connections. Prints "idle N, refused M" once every connection has had its answer, and
# then, each time connections are closed by the gateway, "closed K" (how many in all so far). With SILENT=1 each
# connection sends only the first line of that request and nothing more, slowloris-style, and waits for no answer:
#   python3 load-tests/idle-connections.py <port> <connections> <streams> [tenant key, sent as X-API-Key]
import asyncio
import os
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
KEY = sys.argv[4] if len(sys.argv) > 4 else ""
HEADERS = f"X-API-Key: {KEY}\r\n" if KEY else ""
SILENT = os.environ.get("SILENT") == "1"
refused = 0
closed = 0

async def connection(i, streams, answered):
    global refused, closed
    try:
        r, w = await asyncio.open_connection(HOST, PORT)
        request = (f"GET /stream/bench-{i % streams}/results HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
                   f"Accept: application/json\r\n{HEADERS}\r\n")
        w.write(request.split("\r\n")[0].encode() if SILENT else request.encode())
        await w.drain()
        head = b"HTTP/1.1 200 (silent)" if SILENT else await r.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        head = b"closed"
    if not head.startswith(b"HTTP/1.1 200"):
        refused += 1
        answered.release()
        return
    if not SILENT:
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        await r.readexactly(length)
    answered.release()
    try:
        while await r.read(65536):
            pass
    except ConnectionError:
        pass
    closed += 1
    print(f"closed {closed}", flush=True)

async def main(n, streams):
    answered = asyncio.Semaphore(0)
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(connection(i, streams, answered)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    for _ in range(n):
        await answered.acquire()
    print(f"{'silent' if SILENT else 'idle'} {n - refused}, refused {refused}", flush=True)
    await asyncio.gather(*tasks)

asyncio.run(main(int(sys.argv[2]), int(sys.argv[3])))
