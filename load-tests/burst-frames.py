"""SOCKETS WebSockets to one stream, each sending FRAMES text frames of SIZE bytes as fast as the socket takes them
(asyncio, raw RFC 6455 frames), for load-tests/stalled-broker.sh. Prints how long until every socket was answered or
closed, and the answers counted: acks, error frames by status, and close codes."""
import asyncio, collections, re, sys, time
from rawsocket import CLOSE_1000, close_code, open_socket, read_frame, text_header
port, stream, sockets, frames, size = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                       int(sys.argv[5]))
payload = b"x" * size
header = text_header(size)
outcomes = collections.Counter()

async def answers(r, frames):
    """Reads the gateway's frames until every frame sent is answered or the socket closes."""
    answered = 0
    while answered < frames:
        frame = await read_frame(r)
        if frame is None:
            outcomes["connection closed"] += 1
            return
        opcode, data = frame
        if opcode == 0x8:
            outcomes["closed " + close_code(data)] += 1
            return
        answer = re.match(rb'\{"type":"(ack|error)"(?:,"frame":\d+,"status":(\d+))?', data)
        if answer:
            outcomes["ack" if answer.group(1) == b"ack" else "error " + answer.group(2).decode()] += 1
            answered += 1

async def one():
    reading = None
    try:
        r, w, refused = await open_socket(port, stream)
        if refused:
            outcomes["handshake " + refused] += 1
            return
        reading = asyncio.ensure_future(answers(r, frames))
        for _ in range(frames):
            w.write(header)
            w.write(payload)
            await w.drain()
        await asyncio.wait_for(reading, 150)  # every frame answered (or the socket closed), then a close of its own
        w.write(CLOSE_1000)
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
