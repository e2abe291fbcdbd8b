package io.streamgate.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamState;
import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.processing.engine.StreamResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * The processing stage as the stream logic's unit tests need it: each command's results at once, on the calling
 * thread, with the real processors and the engine's rules for starts (one per open stream). No failover, no timers:
 * the engine's own tests cover those.
 */
final class SynchronousProcessing {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ProcessorCatalog catalog;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Open> open = new HashMap<>();

    private record Open(String startId, String processor, Map<String, String> options, StreamState state) {
    }

    SynchronousProcessing(ProcessorCatalog catalog) {
        this.catalog = catalog;
    }

    List<StreamResult> process(StreamCommand command, long seq) {
        String id = command.streamId();
        return switch (command.kind()) {
            case START -> {
                Open current = open.get(id);
                if (current != null && !Objects.equals(current.startId(), command.startId())) {
                    yield List.of(new StreamResult(StreamResult.Kind.START_REFUSED, id, seq, "{\"reason\":\"already-open\"}",
                            command.processor(), null, null, command.startId()));
                }
                open.put(id, new Open(command.startId(), command.processor(), command.options(), new StreamState()));
                yield List.of(new StreamResult(StreamResult.Kind.STARTED, id, seq,
                        json.writeValueAsString(Map.of("processor", command.processor())), command.processor(), null,
                        null, command.startId()));
            }
            case CHUNK -> {
                Open stream = open.computeIfAbsent(id, key -> new Open(null, command.processor(), Map.of(), new StreamState()));
                List<Output> outputs = catalog.resolve(stream.processor())
                        .onChunk(new Chunk(seq, command.data()), context(id, stream)).collectList().block(WAIT);
                List<StreamResult> results = new ArrayList<>();
                for (Output output : outputs) {
                    Map<String, Object> value = new LinkedHashMap<>();
                    value.put("seq", seq);
                    value.put("data", output.data());
                    value.putAll(output.fields());
                    results.add(new StreamResult(StreamResult.Kind.RESULT, id, seq, json.writeValueAsString(value), null,
                            null, command.idempotencyKey(), null));
                }
                yield results;
            }
            case END -> {
                open.remove(id);
                yield List.of(new StreamResult(StreamResult.Kind.ENDED, id, seq,
                        json.writeValueAsString(Map.of("reason", command.reason())), null, command.reason(), null, null));
            }
        };
    }

    private static StreamContext context(String id, Open stream) {
        return new StreamContext() {
            @Override
            public String streamId() {
                return id;
            }

            @Override
            public Map<String, String> options() {
                return stream.options();
            }

            @Override
            public StreamState state() {
                return stream.state();
            }

            @Override
            public void setTimer(Duration delay) {
                throw new UnsupportedOperationException("no timers in these tests");
            }

            @Override
            public void cancelTimer() {
            }
        };
    }
}
