package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * What StrictFirewall leaves to Netty: a response header whose name or value carries CR or LF (a header injected
 * through something a handler echoes) is refused when it is set, so the response is an error and the injected header
 * never reaches the client. Reactor Netty's server with its header validation as the gateway has it (the default,
 * {@code server.netty.validate-headers}), Spring's adapter, a handler that echoes such a value, and a raw socket that
 * reads exactly what was sent.
 */
class ResponseHeaderValidationTest {

    private DisposableServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    @Test
    void aHeaderValueWithCrLfIsRefusedAndNothingIsInjected() throws IOException {
        String answer = answerTo("X-Echo", "a\r\nSet-Cookie: injected=1");

        assertThat(answer).as("what the server sent").startsWith("HTTP/1.1 500").doesNotContain("injected");
    }

    @Test
    void aHeaderNameWithCrLfIsRefusedAndNothingIsInjected() throws IOException {
        String answer = answerTo("X-Echo\r\nSet-Cookie: injected=1", "a");

        assertThat(answer).as("what the server sent").startsWith("HTTP/1.1 500").doesNotContain("injected");
    }

    private String answerTo(String headerName, String headerValue) throws IOException {
        ReactorHttpHandlerAdapter adapter = new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.webHandler(exchange -> {
            exchange.getResponse().getHeaders().set(headerName, headerValue);
            return exchange.getResponse().setComplete();
        }).codecConfigurer(ServerCodecConfigurer.create()).build()); // read from its jar here, not on an event loop
        server = HttpServer.create().host("127.0.0.1").port(0).handle(adapter).bindNow();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            String request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
