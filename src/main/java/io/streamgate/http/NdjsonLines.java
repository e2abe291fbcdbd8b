package io.streamgate.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.Utf8;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/**
 * Splits a body into its newline-delimited lines as the bytes arrive (scanning for newlines, copying in runs), each decoded as strict UTF-8 and numbered from
 * 1; blank lines are skipped. A line longer than {@code maxLineBytes} is refused as soon as it gets that long.
 */
final class NdjsonLines {

    /** A line of the body and its number. */
    record Line(int number, String text) {
    }

    private final long maxLineBytes;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private int number;

    private NdjsonLines(long maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    static Flux<Line> split(Flux<DataBuffer> body, long maxLineBytes) {
        return Flux.defer(() -> {
            NdjsonLines lines = new NdjsonLines(maxLineBytes);
            return body.concatMapIterable(lines::feed).concatWith(Flux.defer(() -> Flux.fromIterable(lines.finish())));
        });
    }

    private List<Line> feed(DataBuffer buffer) {
        List<Line> complete = new ArrayList<>();
        try {
            while (buffer.readableByteCount() > 0) {
                int newline = buffer.indexOf(b -> b == '\n', buffer.readPosition());
                int run = (newline < 0 ? buffer.writePosition() : newline) - buffer.readPosition();
                if (current.size() + run > maxLineBytes) {
                    throw new BadLineException(number + 1, new PayloadTooLargeException(
                            PayloadTooLargeException.Limit.MAX_CHUNK_SIZE, "The line is longer than " + maxLineBytes + " bytes"));
                }
                byte[] bytes = new byte[run];
                buffer.read(bytes);
                current.write(bytes, 0, run);
                if (newline >= 0) {
                    buffer.read(); // the newline itself
                    completeLine(complete);
                }
            }
            return complete;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private List<Line> finish() {
        List<Line> last = new ArrayList<>();
        completeLine(last);
        return last;
    }

    private void completeLine(List<Line> complete) {
        number++;
        byte[] bytes = current.toByteArray();
        current.reset();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        String text = decode(bytes, length);
        if (!text.isBlank()) {
            complete.add(new Line(number, text));
        }
    }

    private String decode(byte[] bytes, int length) {
        try {
            return Utf8.decodeStrictly(ByteBuffer.wrap(bytes, 0, length));
        } catch (CharacterCodingException e) {
            throw new BadLineException(number, new InvalidRequestException("The line is not valid UTF-8"));
        }
    }
}
