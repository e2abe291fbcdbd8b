package io.streamgate.http;

import java.security.Principal;

import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Who is asking, and for which stream: the one place a request's or a WebSocket's tenant is resolved. The tenant is
 * the authenticated principal's name (an API key's tenant, or a token's tenant claim). Streams are scoped by it, so
 * another tenant's stream of the same id simply does not exist for this caller.
 *
 * <p>An open gateway (no keys, no tokens) has one tenant, the empty one, so it does not look it up: the principal's
 * lookup in Spring Security's context, with the filter that puts that lookup on the exchange (an open gateway's chain
 * leaves it out), cost every request nine Reactor operators to learn it (BENCHMARKS.md section 37).
 */
final class Callers {

    private static final String OPEN_TENANT = "";
    private static final Mono<String> THE_OPEN_TENANT = Mono.just(OPEN_TENANT);

    private final boolean open;

    private Callers(boolean open) {
        this.open = open;
    }

    /** {@code open}: the gateway requires no credentials, so every caller is the one empty tenant. */
    static Callers of(boolean open) {
        return new Callers(open);
    }

    Mono<String> tenant(ServerRequest request) {
        return tenant(request.principal());
    }

    /** The tenant of a caller with this principal: a request's, or a WebSocket handshake's. */
    Mono<String> tenant(Mono<? extends Principal> principal) {
        return open ? THE_OPEN_TENANT : principal.map(Principal::getName).defaultIfEmpty(OPEN_TENANT);
    }

    /** The stream the path names, as this caller's. */
    Mono<StreamKey> key(ServerRequest request) {
        return open
                ? Mono.fromCallable(() -> new StreamKey(OPEN_TENANT, streamId(request)))
                : tenant(request).map(tenant -> new StreamKey(tenant, streamId(request)));
    }

    static StreamId streamId(ServerRequest request) {
        return new StreamId(request.pathVariable("streamId"));
    }
}
