package io.streamgate.stream;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * <p>Confined to one thread (the consume-transform-produce loop); not thread-safe.
 */
public final class CommandProcessor {

    private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

    private final ProcessorCatalog catalog;
    private final JsonMapper json;
    private final Map<String, StreamState> states = new HashMap<>();
    private volatile boolean forgetRequested;

    public CommandProcessor(ProcessorCatalog catalog, JsonMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** The result of {@code command}, which sits at {@code seq} in the requests log. */
    public StreamResult process(StreamCommand command, long seq) {
        if (forgetRequested) {
            forgetRequested = false;
            states.clear();
        }
        String id = command.streamId();
        return switch (command.kind()) {
            case START -> {
                states.put(id, new StreamState());
                yield new StreamResult(StreamResult.Kind.STARTED, id, seq,
                        encode(Map.of("processor", String.valueOf(command.processor()))), command.processor(), null, null);
            }
            case CHUNK -> new StreamResult(StreamResult.Kind.RESULT, id, seq, encode(transform(command, seq)), null, null,
                    command.idempotencyKey());
            case END -> {
                states.remove(id);
                yield new StreamResult(StreamResult.Kind.ENDED, id, seq,
                        encode(Map.of("reason", command.reason())), null, command.reason(), null);
            }
        };
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
        return states.size();
    }

    private Map<String, Object> transform(StreamCommand command, long seq) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("seq", seq);
        try {
            StreamProcessor processor = catalog.resolve(command.processor());
            StreamState state = states.computeIfAbsent(command.streamId(), ignored -> new StreamState());
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
