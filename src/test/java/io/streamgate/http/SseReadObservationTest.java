package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class SseReadObservationTest {

    private static final String RESULTS = "/stream/s-1/results";

    /** The contexts of the server-request observations that stopped, as they were when they stopped. */
    private final List<String> stopped = new CopyOnWriteArrayList<>();
    private final ObservationRegistry registry = ObservationRegistry.create();

    SseReadObservationTest() {
        registry.observationConfig().observationHandler(new ObservationHandler<ServerRequestObservationContext>() {
            @Override
            public void onStop(ServerRequestObservationContext context) {
                stopped.add(context.getPathPattern() + " " + context.getResponse().getStatusCode());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof ServerRequestObservationContext;
            }
        });
    }

    private static MockServerWebExchange read(String accept) {
        return MockServerWebExchange.from(MockServerHttpRequest.get(RESULTS).header(HttpHeaders.ACCEPT, accept));
    }

    /** What the route's handler mapping does, then an SSE answer: its first event, and then nothing, for ever. */
    private static Mono<Void> routedAndAnswering(ServerWebExchange exchange) {
        ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .ifPresent(context -> context.setPathPattern(StreamRoutes.RESULTS));
        exchange.getResponse().setStatusCode(HttpStatus.OK);
        return exchange.getResponse().writeWith(Flux.concat(Mono.just(exchange.getResponse().bufferFactory()
                .wrap(":heartbeat\n\n".getBytes(StandardCharsets.UTF_8))), Flux.never()));
    }

    @Test
    void shouldStopAnSseReadsObservationWhenItsAnswerCommitsWhileTheReaderStays() {
        MockServerWebExchange exchange = read(MediaType.TEXT_EVENT_STREAM_VALUE);
        Object webFluxContext = new Object();
        exchange.getAttributes().put(ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE,
                webFluxContext);
        WebFilterChain route = SseReadObservationTest::routedAndAnswering;

        Disposable reader = new SseReadObservation(registry, new DefaultServerRequestObservationConvention())
                .filter(exchange, route).subscribe();
        try {
            exchange.getResponse().getBody().blockFirst(Duration.ofSeconds(1));

            assertThat(stopped).as("stopped observations, the reader still reading")
                    .containsExactly(StreamRoutes.RESULTS + " 200 OK");
            assertThat(exchange.<Object>getAttribute(
                    ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE))
                    .as("the current observation context once answered").isSameAs(webFluxContext);
        } finally {
            reader.dispose();
        }
        assertThat(stopped).as("stopped observations after the reader left").hasSize(1);
    }

    @Test
    void shouldLetTheRouteBeNamedWhenObservationsAreOff() {
        MockServerWebExchange exchange = read(MediaType.TEXT_EVENT_STREAM_VALUE);
        WebFilterChain route = SseReadObservationTest::routedAndAnswering;

        Disposable reader = new SseReadObservation(ObservationRegistry.NOOP,
                new DefaultServerRequestObservationConvention()).filter(exchange, route).subscribe();
        try {
            assertThat(exchange.getResponse().getBody().blockFirst(Duration.ofSeconds(1))).as("the first event")
                    .isNotNull();
        } finally {
            reader.dispose();
        }
    }

    @Test
    void shouldTurnOffWebFluxsObservationOfSseReadsOnly() {
        assertThat(webFluxObserves(read(MediaType.TEXT_EVENT_STREAM_VALUE))).as("an SSE read").isFalse();
        assertThat(webFluxObserves(read("*/*"))).as("a read accepting anything (SSE)").isFalse();
        assertThat(webFluxObserves(read(MediaType.APPLICATION_JSON_VALUE))).as("a read as JSON").isTrue();
        assertThat(webFluxObserves(read("text"))).as("a read with a malformed Accept (answered 400)").isTrue();
        assertThat(webFluxObserves(read("application/xml"))).as("a read accepting neither (answered 406)").isTrue();
        assertThat(webFluxObserves(MockServerWebExchange.from(MockServerHttpRequest.get("/stream/s-1"))))
                .as("a status request").isTrue();
    }

    private static boolean webFluxObserves(ServerWebExchange exchange) {
        return SseReadObservation.PREDICATE.test("http.server.requests", new ServerRequestObservationContext(
                exchange.getRequest(), exchange.getResponse(), exchange.getAttributes()));
    }
}
