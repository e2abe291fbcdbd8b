package io.streamgate.processing;

import io.streamgate.StreamgateApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.context.support.GenericApplicationContext;
import reactor.core.publisher.Flux;

/**
 * Streamgate with the probe processors: {@code hoard}, which keeps every chunk of its stream in the stream's state, as
 * a processor that keeps a conversation's history or an aggregate's inputs would, and answers with how much it holds
 * (what a processor's heap holds of its streams' states, load-tests/state-heap.sh), and {@link Inflater}'s
 * {@code inflate}. Registered by an initializer, not as a configuration class, so that the application's scan of this
 * package does not find them a second time.
 */
public final class StateHoarder {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(StreamgateApplication.class);
        application.addInitializers(context -> {
            GenericApplicationContext beans = (GenericApplicationContext) context;
            beans.registerBean("hoardProcessor", StreamProcessor.class, Hoard::new);
            beans.registerBean("inflateProcessor", StreamProcessor.class, Inflater::new);
        });
        application.run(args);
    }

    static final class Hoard implements StreamProcessor {

        @Override
        public String name() {
            return "hoard";
        }

        @Override
        public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
            String held = stream.state().get("held");
            stream.state().put("held", (held == null ? "" : held) + chunk.data());
            return Flux.just(Output.of("held " + stream.state().get("held").length()));
        }
    }
}
