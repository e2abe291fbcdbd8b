package streamgate.trivial;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * What WebFlux on Netty does on this machine with nothing of Streamgate's: no security, no Kafka, no limits. bench.sh
 * measures it beside the gateway, with the same load generator in the same run, as the HTTP limit of the box.
 *
 * <ul>
 *   <li>{@code GET /ping}: the cheapest route, a short JSON answer;</li>
 *   <li>{@code POST /stream/{id}/send}: parses the same JSON body as a send and answers the same shape, without
 *       Kafka.</li>
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
                .build();
    }
}
