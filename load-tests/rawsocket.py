"""A WebSocket client's raw frames over asyncio streams, shared by the probes that need frames no client library
writes (burst-frames.py, partial-frames.py): the handshake, a text frame's header, and the gateway's frames read one by
one (unmasked, as a server's are)."""
import asyncio, base64, os, struct


async def open_socket(port, stream):
    """The stream's socket on the gateway at 127.0.0.1:port, with the tenant key API_KEY when it is set: (reader,
    writer, None) once upgraded, or (reader, writer, status) with the status the handshake got instead of 101."""
    r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
    key = base64.b64encode(os.urandom(16)).decode()
    tenant = f"X-API-Key: {os.environ['API_KEY']}\r\n" if os.environ.get("API_KEY") else ""
    w.write((f"GET /stream/{stream}/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n{tenant}"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
    status = head.split(b" ")[1].decode()
    return r, w, None if status == "101" else status


def text_header(size):
    """A whole text frame's header for a payload of size bytes: its length in the shortest form, as RFC 6455 (5.2)
    requires (a longer one fails the socket with 1002), masked with a zero key (5.3 asks for a random one; the server
    cannot tell), so the payload is sent as is."""
    length = (bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + struct.pack(">H", size) if size < 65536
              else bytes([0x80 | 127]) + struct.pack(">Q", size))
    return bytes([0x81]) + length + b"\0\0\0\0"


CLOSE_1000 = bytes([0x88, 0x82, 0, 0, 0, 0]) + struct.pack(">H", 1000)


async def read_frame(r):
    """The gateway's next frame as (opcode, payload), or None once the connection has ended."""
    try:
        first, second = await r.readexactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", await r.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", await r.readexactly(8))[0]
        return first & 0x0F, await r.readexactly(length)
    except asyncio.IncompleteReadError:
        return None


def close_code(payload):
    """A close frame's code, as text ("" for one without)."""
    return str(struct.unpack(">H", payload[:2])[0]) if len(payload) >= 2 else ""
