package io.streamgate.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** WebSocket frames as a client writes them, byte by byte, for frames no well-behaved client library would send. */
final class ClientFrames {

    private ClientFrames() {
    }

    /**
     * A client's frame of under 64 KB: {@code firstByte} (FIN, RSV1-3 and opcode) as given, the payload masked with a
     * key of zeros, so that it reads as sent.
     */
    static byte[] frame(int firstByte, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        if (data.length < 126) {
            frame.write(0x80 | data.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(data.length >> 8);
            frame.write(data.length & 0xFF);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(data);
        return frame.toByteArray();
    }
}
