"""SOCKETS WebSockets, 50 to a stream (partial-0, partial-1, ...: under the readers' limit of one), each sending the
header of one text frame of SIZE bytes and all of its payload but the last byte, then holding it there, for
load-tests/partial-frames.sh: what a gateway holds for messages it is still reading. Prints the sockets that got that
far and, once told to stop (SIGTERM), how each stands: still open, or closed by the gateway (with its close code)."""
import asyncio, collections, signal, sys
from rawsocket import close_code, open_socket, read_frame, text_header
port, sockets, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
header = text_header(size)
payload = b"x" * (size - 1)
outcomes = collections.Counter()
holding = 0

async def standing(r):
    """Whether the gateway has closed the socket: its close frame's code, if any came within 2 s."""
    try:
        while (frame := await asyncio.wait_for(read_frame(r), 2)) is not None:
            if frame[0] == 0x8:
                return f"closed by the gateway with {close_code(frame[1])}"
    except asyncio.TimeoutError:
        return "open to the end"
    return "closed by the gateway"

async def one(stop, stream):
    global holding
    try:
        r, w, refused = await open_socket(port, stream)
        if refused:
            outcomes["handshake " + refused] += 1
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
