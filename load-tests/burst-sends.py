"""N sends of SIZE bytes of data each to one stream at once, each on its own connection (asyncio, raw HTTP/1.1), for
load-tests/stalled-broker.sh. Prints how long until all were answered and how, by status or error."""
import asyncio, json, sys, time, collections
port, stream, n, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
body = json.dumps({"data": "x" * size}).encode()
head = (f"POST /stream/{stream}/send HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
outcomes = collections.Counter()
async def one():
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        w.write(head); w.write(body); await w.drain()
        line = await asyncio.wait_for(r.readline(), 150)
        outcomes[line.split(b" ")[1].decode() if line else "closed"] += 1
        w.close()
    except Exception as e:
        outcomes[type(e).__name__] += 1
async def main():
    t = time.time()
    await asyncio.gather(*(one() for _ in range(n)))
    print(f"{n} sends of {size} bytes in {time.time()-t:.1f} s: {dict(outcomes)}")
asyncio.run(main())
