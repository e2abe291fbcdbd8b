package io.streamgate.http;

import java.util.List;

import io.streamgate.stream.InvalidRequestException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The chunks of an NDJSON batch ({@code Content-Type: application/x-ndjson}, one {@code {"data": ...}} per line), read
 * line by line as the body arrives, each line checked like a single send. All or nothing: the first bad line refuses
 * the batch (its number in the problem), and nothing is stored before every line has been read and checked.
 */
final class NdjsonBatches {

    private final JsonBodies bodies;
    private final Chunks chunks;
    private final int maxChunks;
    private final long maxBytes;

    NdjsonBatches(JsonBodies bodies, Chunks chunks, int maxChunks, long maxBytes) {
        this.bodies = bodies;
        this.chunks = chunks;
        this.maxChunks = maxChunks;
        this.maxBytes = maxBytes;
    }

    /** The largest batch body taken. */
    long maxBodyBytes() {
        return maxBytes;
    }

    /**
     * The batch's chunks in order, once every line has been read and checked. What the headers say is checked now, and
     * a refusal thrown; the body is read when the answer is subscribed to.
     */
    Mono<List<String>> read(ServerRequest request) {
        if (request.headers().firstHeader(RequestHeaders.IDEMPOTENCY_KEY) != null) {
            throw new InvalidRequestException("Idempotency-Key applies to single sends: send chunks one at a time"
                    + " where a retry must never store one twice");
        }
        if (request.headers().contentLength().orElse(-1) > maxBytes) {
            throw tooLarge();
        }
        RequestHeaders.requireReadableBody(request);
        return NdjsonLines.split(atMost(request.body(BodyExtractors.toDataBuffers())), chunks.maxBodyBytes())
                .index()
                .map(numbered -> {
                    if (numbered.getT1() >= maxChunks) {
                        throw new BadLineException(numbered.getT2().number(), new PayloadTooLargeException(
                                PayloadTooLargeException.Limit.MAX_BATCH_CHUNKS,
                                "A batch carries at most " + maxChunks + " chunks"));
                    }
                    return chunk(numbered.getT2());
                })
                .collectList()
                .map(batch -> {
                    if (batch.isEmpty()) {
                        throw new InvalidRequestException("The batch has no lines");
                    }
                    return batch;
                });
    }

    private String chunk(NdjsonLines.Line line) {
        try {
            return chunks.of(bodies.parseObject(line.text()));
        } catch (InvalidRequestException | PayloadTooLargeException refused) {
            throw new BadLineException(line.number(), refused);
        }
    }

    /** The body, failing with 413 as soon as it grows past the batch limit (a missing Content-Length included). */
    private Flux<DataBuffer> atMost(Flux<DataBuffer> body) {
        return Flux.defer(() -> {
            long[] seen = {0};
            return body.handle((buffer, sink) -> {
                seen[0] += buffer.readableByteCount();
                if (seen[0] > maxBytes) {
                    DataBufferUtils.release(buffer);
                    sink.error(tooLarge());
                } else {
                    sink.next(buffer);
                }
            });
        });
    }

    private PayloadTooLargeException tooLarge() {
        return new PayloadTooLargeException(PayloadTooLargeException.Limit.MAX_BATCH_SIZE,
                "The batch is larger than " + maxBytes + " bytes");
    }
}
