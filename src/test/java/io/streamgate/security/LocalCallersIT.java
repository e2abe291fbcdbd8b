package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.GatewayIT;
import io.streamgate.support.RawHttp;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;

/**
 * The tests' gateway is open (no keys) on loopback, as the two-command demo runs: what a web page could make a
 * browser of this machine send it is refused, and nothing of it is stored; programs and local pages are served.
 */
class LocalCallersIT extends GatewayIT {

    private static final String FOREIGN_PAGE = "https://evil.example";

    private final ReactorNettyWebSocketClient sockets = new ReactorNettyWebSocketClient();

    @Test
    void shouldRefuseWhatAPageOfAnotherOriginSendsAndServeLocalPages() {
        String id = client.start("origins-" + System.nanoTime());

        String foreignEnd = request("POST /stream/" + id + "/end", "localhost", "Origin: " + FOREIGN_PAGE + "\r\n");
        String nullOriginSend = request("POST /stream/" + id + "/send", "localhost", "Origin: null\r\n"
                + "Content-Type: application/json\r\n", "{\"data\":\"no\"}");
        String foreignSocket = socket(id, FOREIGN_PAGE, "from evil.example");
        String localPageSocket = socket(id, "http://localhost:5173", "from a local page");
        String ownPageSend = request("POST /stream/" + id + "/send", "localhost:" + port, "Origin: http://localhost:"
                + port + "\r\nContent-Type: application/json\r\n", "{\"data\":\"own page\"}");
        String state = client.status(id).get("state").asString();
        client.end(id);
        client.awaitEnded(id);

        assertThat(RawHttp.status(foreignEnd)).as(foreignEnd).isEqualTo(403);
        assertThat(foreignEnd).contains("application/problem+json").contains("allowed-origins");
        assertThat(state).as("the foreign page's end ended nothing").isEqualTo("open");
        assertThat(RawHttp.status(nullOriginSend)).as(nullOriginSend).isEqualTo(403);
        assertThat(foreignSocket).as("a foreign page's WebSocket").contains("403");
        assertThat(localPageSocket).as("a local page's WebSocket").startsWith("{\"type\":\"ack\"");
        assertThat(RawHttp.status(ownPageSend)).as(ownPageSend).isEqualTo(200);
        assertThat(TestKafka.readAll(REQUESTS_TOPIC))
                .filteredOn(record -> record.key().equals(id) && record.kind().equals("CHUNK"))
                .extracting(TestKafka.StoredRecord::value).as("the stream's chunks stored")
                .containsExactly("from a local page", "own page");
    }

    @Test
    void shouldAnswerRequestsAddressedToLoopbackNamesOnly() {
        String id = client.start("hosts-" + System.nanoTime());
        Map<String, String> answers = new LinkedHashMap<>();
        for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "127.1.2.3", "[::1]:" + port,
                "app.localhost:" + port, "0.0.0.0:" + port, "evil.example:" + port, "127.0.0.1.evil.example",
                "localhost.evil.example")) {
            answers.put(host, request("GET /stream/" + id, host, ""));
        }
        client.end(id);

        assertThat(answers).allSatisfy((host, answer) -> {
            boolean loopback = !host.contains("evil");
            assertThat(RawHttp.status(answer)).as("Host %s: %s", host, answer).isEqualTo(loopback ? 200 : 403);
            if (!loopback) {
                assertThat(answer).as("Host %s", host).contains("application/problem+json")
                        .contains("addressed to localhost, 127.0.0.1 or [::1] only");
            }
        });
    }

    private String request(String requestLine, String host, String headers) {
        return request(requestLine, host, headers, "");
    }

    private String request(String requestLine, String host, String headers, String body) {
        try (RawHttp raw = new RawHttp(port)) {
            return raw.write(requestLine + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Content-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n"
                    + body).readUntilClosed();
        }
    }

    /** Sends one frame over a WebSocket opened with this {@code Origin}: the first frame back, or the failure. */
    private String socket(String id, String origin, String frame) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.ORIGIN, origin);
        StringBuilder answer = new StringBuilder();
        sockets.execute(URI.create("ws://localhost:" + port + "/stream/" + id + "/ws"), headers,
                        socket -> socket.send(Mono.just(socket.textMessage(frame)))
                                .thenMany(socket.receive().map(WebSocketMessage::getPayloadAsText).take(1)
                                        .doOnNext(answer::append))
                                .then())
                .onErrorResume(error -> Mono.fromRunnable(() -> answer.append(error.getMessage())))
                .block(StreamClient.TIMEOUT);
        return answer.toString();
    }
}
