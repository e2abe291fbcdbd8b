# Sends to streams steadily and times the results' arrivals, to see which streams stall while processors join or
# leave the group and for how long (load-tests/rebalance-stall.sh). Starts the streams <prefix>-0 .. <prefix>-<n-1>
# with wordcount, reads each one's results (SSE) and sends each a chunk every <interval ms> (the next once the last is
# answered), for <seconds> or until sent SIGTERM; then waits up to 20 s for the results of the chunks sent, and prints
# each pause between two results of a stream longer than GAP_MS (default 500) as "gap <stream> <start, epoch s> <ms>",
# a reading the server ended as "closed", and a line of totals: each result carries its stream's count of chunks, so a
# result missing, repeated or out of order is counted.
#   python3 load-tests/result-gaps.py <port> <streams> <interval ms> <seconds> <prefix>
import asyncio
import json
import os
import signal
import sys
import time

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
GAP_MS = int(os.environ.get("GAP_MS", "500"))
DRAIN_S = 20


class Stream:
    def __init__(self, name):
        self.name = name
        self.sent = 0
        self.refused = 0
        self.arrivals = []
        self.counted = 0  # the chunk count of the last result in order
        self.repeated = 0
        self.skipped = 0


async def request(r, w, method, path, body):
    data = json.dumps(body).encode()
    w.write((f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nContent-Type: application/json\r\n"
             f"Content-Length: {len(data)}\r\n\r\n").encode() + data)
    await w.drain()
    head = (await r.readuntil(b"\r\n\r\n")).decode()
    length = next((int(line.split(":", 1)[1]) for line in head.split("\r\n")
                   if line.lower().startswith("content-length:")), 0)
    await r.readexactly(length)
    return int(head.split(" ", 2)[1])


async def reader(stream):
    r, w = await asyncio.open_connection(HOST, PORT)
    w.write((f"GET /stream/{stream.name}/results HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
             "Accept: text/event-stream\r\n\r\n").encode())
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        sys.exit(f"reading {stream.name}: {head.decode(errors='replace')}")
    result = False
    while True:
        line = await r.readline()
        if not line:
            print(f"closed {stream.name} {time.time():.3f}: the server ended the results", flush=True)
            return
        if line.startswith(b"event:result"):
            stream.arrivals.append(time.time())
            result = True
        elif result and line.startswith(b"data:"):
            result = False
            chunks = json.loads(line[5:])["chunks"]
            if chunks <= stream.counted:
                stream.repeated += 1
            else:
                stream.skipped += chunks - stream.counted - 1
                stream.counted = chunks


async def sender(stream, interval, stop):
    r, w = await asyncio.open_connection(HOST, PORT)
    while not stop.is_set():
        status = await request(r, w, "POST", f"/stream/{stream.name}/send", {"data": "one more word"})
        if status == 200:
            stream.sent += 1
        else:
            stream.refused += 1
        await asyncio.sleep(interval)
    w.close()


async def main(count, interval_ms, seconds, prefix):
    streams = [Stream(f"{prefix}-{i}") for i in range(count)]
    r, w = await asyncio.open_connection(HOST, PORT)
    for stream in streams:
        status = await request(r, w, "POST", f"/stream/{stream.name}/start", {"processor": "wordcount"})
        if status not in (200, 201):
            sys.exit(f"starting {stream.name}: {status}")
    w.close()
    stop = asyncio.Event()
    readers = [asyncio.create_task(reader(stream)) for stream in streams]
    senders = [asyncio.create_task(sender(stream, interval_ms / 1000, stop)) for stream in streams]
    print(f"started {count} streams at {time.time():.3f}", flush=True)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        stop.set()
    await asyncio.gather(*senders)
    deadline = time.time() + DRAIN_S
    while time.time() < deadline and any(stream.counted < stream.sent for stream in streams):
        await asyncio.sleep(0.1)
    for task in readers:
        task.cancel()
    for stream in streams:
        for before, after in zip(stream.arrivals, stream.arrivals[1:]):
            if (after - before) * 1000 > GAP_MS:
                print(f"gap {stream.name} {before:.3f} {(after - before) * 1000:.0f}")
    total = lambda field: sum(getattr(stream, field) for stream in streams)
    missing = sum(max(0, stream.sent - stream.counted) for stream in streams)
    print(f"sent {total('sent')} refused {total('refused')} results {sum(len(s.arrivals) for s in streams)}"
          f" missing {missing + total('skipped')} repeated {total('repeated')}", flush=True)


asyncio.run(main(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
