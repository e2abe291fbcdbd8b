package io.streamgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * An OpenTelemetry collector's OTLP/HTTP receiver on loopback, as far as an exporter can tell: it takes
 * {@code POST /v1/traces} and answers 200, and remembers what came (path, content type, size).
 */
public final class OtlpReceiverStub {

    public record Export(String path, String contentType, int bytes) {
    }

    private final HttpServer server;
    private final List<Export> exports = new CopyOnWriteArrayList<>();

    public OtlpReceiverStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                exports.add(new Export(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body.readAllBytes().length));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** Where an exporter sends spans: {@code management.opentelemetry.tracing.export.otlp.endpoint}. */
    public String tracesEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    public List<Export> exports() {
        return List.copyOf(exports);
    }

    public void stop() {
        server.stop(0);
    }
}
