package io.streamgate.stream;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.streamgate.processing.ProcessedChunk;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.StreamState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The processor's transform: one command in, one result out. Keeps each open stream's {@link StreamState}
 * between chunks and drops it at the stream's end, so memory follows the number of open streams.
 *
 * <p>One stream id, one start: a start of a stream that is open here is refused ({@code START_REFUSED}, nothing of
 * the open stream changes), so of two gateways starting the same id at once, or a start retried through another
 * gateway while the first was on its way, exactly one wins and the others answer 409.
 *
 * <p>Confined to one thread (the consume-transform-produce loop); not thread-safe.
 */
public final class CommandProcessor {

    private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

    private final ProcessorCatalog catalog;
    private final JsonMapper json;
    private final Map<String, OpenStream> open = new HashMap<>();
    private volatile boolean forgetRequested;

    public CommandProcessor(ProcessorCatalog catalog, JsonMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** The result of {@code command}, which sits at {@code seq} in the requests log. */
    public StreamResult process(StreamCommand command, long seq) {
        if (forgetRequested) {
            forgetRequested = false;
            open.clear();
        }
        String id = command.streamId();
        return switch (command.kind()) {
            case START -> start(command, seq);
            case CHUNK -> new StreamResult(StreamResult.Kind.RESULT, id, seq, encode(transform(command, seq)), null, null,
                    command.idempotencyKey(), null);
            case END -> {
                open.remove(id);
                yield new StreamResult(StreamResult.Kind.ENDED, id, seq,
                        encode(Map.of("reason", command.reason())), null, command.reason(), null, null);
            }
        };
    }

    private StreamResult start(StreamCommand command, long seq) {
        String id = command.streamId();
        OpenStream current = open.get(id);
        if (current != null && !Objects.equals(current.startId(), command.startId())) {
            return new StreamResult(StreamResult.Kind.START_REFUSED, id, seq, encode(Map.of("reason", "already-open")),
                    command.processor(), null, null, command.startId());
        }
        if (current == null) {
            open.put(id, new OpenStream(command.startId(), new StreamState()));
        }
        return new StreamResult(StreamResult.Kind.STARTED, id, seq,
                encode(Map.of("processor", String.valueOf(command.processor()))), command.processor(), null, null,
                command.startId());
    }

    /**
     * Drops every stream's state before the next command, for when partitions move to another processor. Safe to
     * call from any thread.
     */
    public void forgetStreams() {
        forgetRequested = true;
    }

    /** Streams whose state is held right now. */
    public int openStreams() {
        return open.size();
    }

    /** A stream this processor has started and not ended: the start that opened it, and its processor's state. */
    private record OpenStream(String startId, StreamState state) {
    }

    private Map<String, Object> transform(StreamCommand command, long seq) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("seq", seq);
        try {
            StreamProcessor processor = catalog.resolve(command.processor());
            StreamState state = open.computeIfAbsent(command.streamId(), ignored -> new OpenStream(null, new StreamState()))
                    .state();
            ProcessedChunk processed = processor.process(command.data(), state);
            result.put("data", processed.data());
            result.putAll(processed.fields());
        } catch (RuntimeException e) {
            // A failing plug-in must not stop the stream, nor every other stream on the partition: the reader
            // gets this chunk's result as an error and the stream goes on.
            log.warn("Processor '{}' failed on stream {} at seq {}", command.processor(), command.streamId(), seq, e);
            result.put("data", "");
            result.put("error", "processing failed: " + e.getClass().getSimpleName());
        }
        return result;
    }

    private String encode(Map<String, Object> value) {
        return json.writeValueAsString(value);
    }
}
