package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.streamgate.support.GatewayIT;
import io.streamgate.support.KeepAliveConnection;
import io.streamgate.support.RawHttp;
import io.streamgate.support.StreamClient;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The API over HTTP/2 cleartext with prior knowledge (what {@code curl --http2-prior-knowledge} does), every request of
 * a test multiplexed on one connection: readers of many streams and the sends to them at once, each reader getting
 * its own stream's results in order, and a reader that resets its stream leaving the others flowing; and the switch
 * from HTTP/1.1 that curl {@code --http2} asks for, which a connection offers on its first request only.
 */
class Http2IT extends GatewayIT {

    private static final int STREAMS = 20;
    private static final int CHUNKS = 10;

    /** The TCP connections the client's HTTP/2 streams ran on, and the protocol version of every answer. */
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final Set<String> versions = ConcurrentHashMap.newKeySet();

    /** What curl {@code --http2} adds to a request to ask for the switch (its settings, base64url-encoded). */
    private static final String UPGRADE_HEADERS =
            "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n";

    private static final String LIVENESS = "GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n";

    private static final Duration NO_ANSWER = Duration.ofSeconds(10);

    private StreamClient h2c;

    @BeforeEach
    void connectOverH2c() {
        HttpClient oneConnection = HttpClient.create(ConnectionProvider.create("h2c-it", 1))
                .protocol(HttpProtocol.H2C)
                .doOnResponse((response, stream) -> {
                    versions.add(response.version().text());
                    connections.add(stream.channel().parent() == null ? stream.channel() : stream.channel().parent());
                });
        h2c = new StreamClient("http://127.0.0.1:" + port, oneConnection, null);
    }

    @Test
    void shouldServeManyReadersAndTheirSendsOnOneConnection() {
        List<String> ids = IntStream.range(0, STREAMS).mapToObj(i -> h2c.start("h2-" + i + "-" + System.nanoTime(),
                "uppercase")).toList();
        List<Mono<List<ServerSentEvent<String>>>> readers = ids.stream().map(id -> h2c.events(id)
                .takeUntil(event -> "end".equals(event.event())).collectList().cache()).toList();
        readers.forEach(Mono::subscribe);
        await("every reader attached").atMost(StreamClient.TIMEOUT).until(() ->
                ids.stream().allMatch(id -> h2c.status(id).get("readers").asInt() == 1));

        // Every stream's sends at once, each stream's in order, all on the same connection as the readers.
        Flux.fromIterable(ids)
                .flatMap(id -> Mono.fromRunnable(() -> {
                    IntStream.rangeClosed(1, CHUNKS).forEach(i -> h2c.send(id, id + " chunk " + i));
                    h2c.end(id);
                }).subscribeOn(TestThreads.CLIENTS), STREAMS)
                .blockLast(StreamClient.TIMEOUT);

        for (int i = 0; i < STREAMS; i++) {
            String id = ids.get(i);
            List<ServerSentEvent<String>> events = readers.get(i).block(StreamClient.TIMEOUT);
            assertThat(events).as("what the reader of %s received", id).hasSize(CHUNKS + 1);
            assertThat(events.subList(0, CHUNKS)).extracting(event -> StreamClient.json(event.data())
                            .get("data").stringValue())
                    .as("%s's own results, in order", id)
                    .isEqualTo(IntStream.rangeClosed(1, CHUNKS).mapToObj(n -> (id + " chunk " + n).toUpperCase())
                            .toList());
            assertThat(events.get(CHUNKS).event()).isEqualTo("end");
        }
        assertThat(versions).as("protocol of every answer").containsExactly("HTTP/2.0");
        assertThat(connections).as("connections used by %s requests", STREAMS * (CHUNKS + 4)).hasSize(1);
    }

    /**
     * A client that resets its whole connection (a browser tab closed mid-stream, a killed curl) is a client gone: its
     * reader leaves, and nothing is logged above DEBUG. The reset used to reach the end of the connection's pipeline,
     * which Netty logs as a warning, once per such connection.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldTakeAResetOfTheWholeConnectionAsAClientGone(CapturedOutput output) throws Exception {
        String id = client.start("h2-connection-reset-" + System.nanoTime());
        h2c.events(id).subscribe(event -> { }, cutOff -> { }); // its connection is reset under it
        await("the reader attached").atMost(StreamClient.TIMEOUT)
                .until(() -> !connections.isEmpty() && client.status(id).get("readers").asInt() == 1);

        Channel connection = connections.iterator().next();
        connection.config().setOption(ChannelOption.SO_LINGER, 0); // its close is a reset
        connection.close().sync();

        await("the reader gone").atMost(StreamClient.TIMEOUT)
                .until(() -> client.status(id).get("readers").asInt() == 0);
        assertThat(output.getOut()).as("the log").doesNotContain("reached at the tail of the pipeline");
        client.end(id);
    }

    @Test
    void shouldKeepOtherReadersFlowingWhenOneResetsItsStream() {
        List<String> ids = IntStream.range(0, 3).mapToObj(i -> h2c.start("h2-reset-" + i + "-" + System.nanoTime(),
                "uppercase")).toList();
        String resetting = ids.get(0);
        // Cancelled after its first result: the client resets that HTTP/2 stream, not the connection.
        Mono<List<ServerSentEvent<String>>> leaver = h2c.events(resetting).take(1).collectList().cache();
        List<Mono<List<ServerSentEvent<String>>>> stayers = ids.subList(1, 3).stream().map(id -> h2c.events(id)
                .takeUntil(event -> "end".equals(event.event())).collectList().cache()).toList();
        leaver.subscribe();
        stayers.forEach(Mono::subscribe);
        await("every reader attached").atMost(StreamClient.TIMEOUT).until(() ->
                ids.stream().allMatch(id -> h2c.status(id).get("readers").asInt() == 1));

        ids.forEach(id -> h2c.send(id, "first"));
        assertThat(leaver.block(StreamClient.TIMEOUT)).hasSize(1);
        await("the reset reader gone from its stream").atMost(StreamClient.TIMEOUT).until(() ->
                h2c.status(resetting).get("readers").asInt() == 0);

        ids.forEach(id -> {
            h2c.send(id, "second");
            h2c.end(id);
        });
        for (Mono<List<ServerSentEvent<String>>> stayer : stayers) {
            assertThat(stayer.block(StreamClient.TIMEOUT)).as("a reader beside the reset one")
                    .extracting(ServerSentEvent::event).containsExactly("result", "result", "end");
        }
        assertThat(connections).as("connections used").hasSize(1);
    }

    @Test
    void shouldSwitchAConnectionToHttp2WhenItsFirstRequestAsks() {
        try (KeepAliveConnection connection = new KeepAliveConnection(port, NO_ANSWER)) {
            connection.write(LIVENESS + UPGRADE_HEADERS + "\r\n");
            assertThat(connection.read().status()).as("answer to an upgrade on a new connection").isEqualTo(101);
        }
    }

    @Test
    void shouldSwitchOnASendWithItsBody() {
        String id = client.start("h2c-upgrade-" + System.nanoTime());
        Mono<ServerSentEvent<String>> result = client.events(id).next().cache();
        result.subscribe();
        await("the reader attached").atMost(StreamClient.TIMEOUT).until(() ->
                client.status(id).get("readers").asInt() == 1);
        String body = "{\"data\": \"switched\"}";
        try (KeepAliveConnection connection = new KeepAliveConnection(port, NO_ANSWER)) {
            connection.write("POST /stream/" + id + "/send HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE_HEADERS
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(connection.read().status()).as("answer to an upgrade carrying a send").isEqualTo(101);
            assertThat(StreamClient.json(result.block(StreamClient.TIMEOUT).data()).get("data").stringValue())
                    .isEqualTo("SWITCHED");
        }
    }

    @Test
    void shouldAnswerAnHttp10RequestAskingToSwitchOverHttp10() {
        String answer;
        try (RawHttp raw = new RawHttp(port)) {
            // RFC 9110: an HTTP/1.0 request's Upgrade is ignored (7.8), and no HTTP/1.0 client is sent a 101 (15.2).
            answer = raw.write(LIVENESS.replace("HTTP/1.1", "HTTP/1.0") + UPGRADE_HEADERS + "\r\n").readUntilClosed();
        }

        assertThat(answer).as("answer to an HTTP/1.0 request asking to switch").startsWith("HTTP/1.0 200 ")
                .contains("\"status\":\"UP\"");
    }

    @Test
    void shouldAnswerALaterRequestAskingToSwitchOverHttp11() {
        try (KeepAliveConnection connection = new KeepAliveConnection(port, NO_ANSWER)) {
            connection.write(LIVENESS + "\r\n");
            assertThat(connection.read().status()).isEqualTo(200);
            connection.write(LIVENESS + UPGRADE_HEADERS + "\r\n");
            assertThat(connection.read()).as("answer to an upgrade on a connection's second request")
                    .extracting(KeepAliveConnection.Response::status).isEqualTo(200);
        }
    }
}
