# Holds SSE readers open until killed, as small a client as can be: one connection and one GET .../results each,
# round robin over the streams bench-0 .. bench-<streams-1>, reading and dropping what arrives. Prints "connected N"
# once every reader has its first event (the server's first heartbeat). Used by reader-heap.sh:
#   python3 load-tests/sse-readers.py <port> <readers> <streams> [tenant key, sent as X-API-Key]
# A reader refused (not 200) ends the client, unless COUNT_REFUSED=1 (small-heap-readers.sh): then it is counted, the
# others stay open, its connection is closed, and the line says "connected N, refused M".
import asyncio
import os
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
KEY = sys.argv[4] if len(sys.argv) > 4 else ""
HEADERS = f"X-API-Key: {KEY}\r\n" if KEY else ""
COUNT_REFUSED = os.environ.get("COUNT_REFUSED") == "1"
refused = 0

async def reader(i, streams, ready):
    global refused
    try:
        r, w = await asyncio.open_connection(HOST, PORT)
        w.write((f"GET /stream/bench-{i % streams}/results HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
                 f"Accept: text/event-stream\r\n{HEADERS}\r\n").encode())
        await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError) as e:
        if not COUNT_REFUSED:
            raise
        head = b"closed"
    if not head.startswith(b"HTTP/1.1 200") and COUNT_REFUSED:
        refused += 1
        ready.release()
        if head != b"closed":
            w.close() # a refused reader lets its connection go, as a client that gave up would
        return
    if not head.startswith(b"HTTP/1.1 200"):
        print(head.decode(errors="replace"), file=sys.stderr)
        sys.exit(1)
    await r.readuntil(b"\n\n")
    ready.release()
    while await r.read(65536):
        pass

async def main(n, streams):
    ready = asyncio.Semaphore(0)
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(reader(i, streams, ready)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    for _ in range(n):
        await ready.acquire()
    print(f"connected {n - refused}, refused {refused}" if COUNT_REFUSED else f"connected {n}", flush=True)
    await asyncio.gather(*tasks)

asyncio.run(main(int(sys.argv[2]), int(sys.argv[3])))
