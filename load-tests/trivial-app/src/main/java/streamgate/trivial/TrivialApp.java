package streamgate.trivial;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What WebFlux on Netty does on this machine with nothing of Streamgate's: no security, no Kafka, no limits. bench.sh
 * measures it beside the gateway, with the same load generator in the same run, as the HTTP limit of the box.
 *
 * <ul>
 *   <li>{@code GET /ping}: the cheapest route, a short JSON answer;</li>
 *   <li>{@code POST /stream/{id}/send}: parses the same JSON body as a send and answers the same shape, without
 *       Kafka;</li>
 *   <li>{@code GET /stream/{id}/results}: Server-Sent Events as Spring writes them, a heartbeat comment at once and
 *       every 15 s: what an open SSE reader costs the framework (load-tests/reader-heap.sh).</li>
 * </ul>
 */
@SpringBootApplication
public class TrivialApp {

    /** The body of a send. */
    record Chunk(String data) {
    }

    record Sent(String status, String message, long seq) {
    }

    record Pong(String status) {
    }

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(15);

    private final AtomicLong seq = new AtomicLong();

    public static void main(String[] args) {
        SpringApplication.run(TrivialApp.class, args);
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .GET("/ping", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new Pong("success")))
                .POST("/stream/{id}/send", request -> request.bodyToMono(Chunk.class)
                        .filter(chunk -> chunk.data() != null)
                        .switchIfEmpty(Mono.error(() -> new IllegalArgumentException("data is required")))
                        .flatMap(chunk -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(new Sent("success", "Data sent to stream " + request.pathVariable("id") + "!",
                                        seq.incrementAndGet()))))
                .GET("/stream/{id}/results", request -> ServerResponse.ok()
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(Flux.interval(Duration.ZERO, HEARTBEAT_INTERVAL)
                                .map(tick -> ServerSentEvent.builder().comment("heartbeat").build()),
                                ServerSentEvent.class))
                .build();
    }
}
