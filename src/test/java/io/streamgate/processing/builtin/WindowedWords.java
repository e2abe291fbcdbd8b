package io.streamgate.processing.builtin;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.StreamState;
import reactor.core.publisher.Flux;

/** The README's "Writing a processor" example, word for word but for the {@code @Component}: kept compiling here. */
class WindowedWords implements StreamProcessor {

    private static final Pattern WORD = Pattern.compile("\\S+"); // a run of non-space

    @Override
    public String name() {
        return "windowed-words";
    }

    @Override // refuse a bad start with 400 before anything is stored
    public void checkOptions(Map<String, String> options) {
        if (!options.keySet().equals(Set.of("seconds")) || !options.get("seconds").matches("[1-9][0-9]{0,3}")) {
            throw new InvalidOptionsException("windowed-words takes option 'seconds': 1 to 9999");
        }
    }

    @Override
    public Flux<Output> onStart(StreamContext stream) {
        stream.setTimer(window(stream)); // durable: another processor fires it after a failover
        return Flux.empty();
    }

    @Override // zero results per chunk: only the stream's state changes
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        stream.state().add("chunks", 1);
        stream.state().add("words", WORD.matcher(chunk.data()).results().count());
        return Flux.empty();
    }

    @Override
    public Flux<Output> onTimer(StreamContext stream) {
        Output window = totals("window", stream.state());
        stream.state().put("chunks", "0");
        stream.state().put("words", "0");
        stream.setTimer(window(stream));
        return Flux.just(window);
    }

    @Override // delivered before the stream's end event
    public Flux<Output> onEnd(StreamContext stream) {
        return Flux.just(totals("last window", stream.state()));
    }

    private static Output totals(String label, StreamState state) {
        return new Output(label, Map.of("chunks", state.get("chunks", 0), "words", state.get("words", 0)));
    }

    private static Duration window(StreamContext stream) {
        return Duration.ofSeconds(Long.parseLong(stream.options().get("seconds")));
    }
}
