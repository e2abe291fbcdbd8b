package io.streamgate.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.streamgate.stream.InvalidRequestException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/**
 * Splits a body into its newline-delimited lines as the bytes arrive, each decoded as strict UTF-8 and numbered from
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
                byte next = buffer.read();
                if (next == '\n') {
                    completeLine(complete);
                } else if (current.size() < maxLineBytes) {
                    current.write(next);
                } else {
                    throw new BadLineException(number + 1, new PayloadTooLargeException(
                            "The line is longer than " + maxLineBytes + " bytes"));
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
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadLineException(number, new InvalidRequestException("The line is not valid UTF-8"));
        }
    }
}
