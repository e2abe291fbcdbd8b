package io.streamgate.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

/**
 * An identity provider's key set on loopback, as a resource server fetches it: {@code GET /jwks} answers the public
 * keys published so far. Publishing again is a key rotation.
 */
public final class JwksStub {

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String keySet = new JWKSet().toString();

    public JwksStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = keySet.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Serves the public halves of {@code keys} from now on. */
    public void publish(List<JWK> keys) {
        keySet = new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    public int fetches() {
        return fetches.get();
    }
}
