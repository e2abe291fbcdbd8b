package io.streamgate.http;

import static io.streamgate.http.ClientFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.streamgate.kafka.TestKafka;
import io.streamgate.support.GatewayIT;
import io.streamgate.support.KeepAliveConnection;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;

/**
 * A stream over one WebSocket ({@code GET /stream/{id}/ws}): frames in are chunks, each acknowledged with its seq once
 * durable; results and the end come back on the same socket, which then closes.
 */
class StreamSocketIT extends GatewayIT {

    private static final int FRAMES = 300;

    private final ReactorNettyWebSocketClient sockets = new ReactorNettyWebSocketClient();

    @Test
    void shouldAckEveryFrameWithItsSeqAndPushItsResultThenTheEnd() {
        String id = client.start("socket-" + System.nanoTime(), "uppercase");
        List<JsonNode> received = new CopyOnWriteArrayList<>();

        sockets.execute(uri(id), socket -> socket.send(Flux.range(1, FRAMES).map(i -> socket.textMessage("frame " + i)))
                        .and(socket.receive().map(WebSocketMessage::getPayloadAsText).map(StreamClient::json)
                                .doOnNext(received::add)
                                .doOnNext(frame -> endOnceAllAcked(id, received))))
                .block(StreamClient.TIMEOUT);

        List<JsonNode> acks = ofType(received, "ack");
        List<JsonNode> results = ofType(received, "result");
        assertThat(acks).extracting(ack -> ack.get("frame").asInt()).as("every frame acknowledged, in order")
                .isEqualTo(IntStream.rangeClosed(1, FRAMES).boxed().toList());
        assertThat(results).extracting(result -> result.get("data").get("data").asString())
                .as("every frame's result, in order; received: %s", summary(received))
                .isEqualTo(IntStream.rangeClosed(1, FRAMES).mapToObj(i -> "FRAME " + i).toList());
        assertThat(results).extracting(result -> result.get("data").get("seq").asLong())
                .as("each result says the seq its frame was acknowledged with")
                .isEqualTo(acks.stream().map(ack -> ack.get("seq").asLong()).toList());
        assertThat(results).extracting(result -> result.get("id").asLong()).as("event ids").isSorted()
                .doesNotHaveDuplicates();
        assertThat(received.get(received.size() - 1).get("type").asString()).as("the end, then the socket closed")
                .isEqualTo("end");
    }

    @Test
    void shouldAnswerAFrameOverTheChunkLimitWithAnErrorAndStoreNothingOfIt() {
        String id = client.start("socket-big-" + System.nanoTime());
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        String tooBig = "x".repeat(1024 * 1024 + 1);

        sockets.execute(uri(id), socket -> socket.send(Flux.just(socket.textMessage(tooBig), socket.textMessage("fits")))
                        .thenMany(socket.receive().map(WebSocketMessage::getPayloadAsText).map(StreamClient::json)
                                .doOnNext(received::add)
                                .takeUntil(frame -> frame.get("type").asString().equals("result")))
                        .then(socket.close(CloseStatus.NORMAL)))
                .block(StreamClient.TIMEOUT);

        JsonNode error = ofType(received, "error").get(0);
        assertThat(error.get("frame").asInt()).isEqualTo(1);
        assertThat(error.get("status").asInt()).isEqualTo(413);
        assertThat(ofType(received, "ack")).extracting(ack -> ack.get("frame").asInt()).containsExactly(2);
        assertThat(ofType(received, "result")).extracting(result -> result.get("data").get("data").asString())
                .as("only the frame that fits was stored").containsExactly("FITS");
        client.end(id);
    }

    @Test
    void shouldAnswerABinaryFrameWithA415AndCountItAmongTheFrames() {
        String id = client.start("socket-binary-" + System.nanoTime());
        List<JsonNode> received = new CopyOnWriteArrayList<>();

        sockets.execute(uri(id), socket -> socket.send(Flux.just(socket.binaryMessage(bytes -> bytes.wrap(new byte[]{1, 2})),
                                socket.textMessage("text")))
                        .thenMany(socket.receive().map(WebSocketMessage::getPayloadAsText).map(StreamClient::json)
                                .doOnNext(received::add)
                                .takeUntil(frame -> frame.get("type").asString().equals("result")))
                        .then(socket.close(CloseStatus.NORMAL)))
                .block(StreamClient.TIMEOUT);

        assertThat(ofType(received, "error")).as("received: %s", received)
                .extracting(error -> error.get("frame").asInt(), error -> error.get("status").asInt())
                .containsExactly(tuple(1, 415));
        assertThat(ofType(received, "ack")).extracting(ack -> ack.get("frame").asInt()).containsExactly(2);
        assertThat(chunksStored(id)).containsExactly("text");
    }

    @Test
    void shouldAnswerTheFramesBeforeOneThatIsNotUtf8ThenCloseWith1007AndStoreNothingFromIt() {
        String id = client.start("socket-not-utf8-" + System.nanoTime());
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicReference<CloseStatus> closed = new AtomicReference<>();
        byte[] notUtf8 = {'a', (byte) 0xC0, (byte) 0xAF, 'b'}; // an overlong '/'

        sockets.execute(uri(id), socket -> socket.send(Flux.just(socket.textMessage("before"),
                                new WebSocketMessage(WebSocketMessage.Type.TEXT, socket.bufferFactory().wrap(notUtf8)),
                                socket.textMessage("after")))
                        .and(socket.receive().map(WebSocketMessage::getPayloadAsText).map(StreamClient::json)
                                .doOnNext(received::add))
                        .and(socket.closeStatus().doOnNext(closed::set)))
                .block(StreamClient.TIMEOUT);

        assertThat(closed.get()).as("received: %s", received).isNotNull();
        assertThat(closed.get().getCode()).as("closed with %s", closed.get()).isEqualTo(1007);
        assertThat(closed.get().getReason()).startsWith("Frame 2 is not valid UTF-8");
        assertThat(received).as("only the frame before it answered")
                .extracting(frame -> frame.get("type").asString() + " " + frame.get("frame").asInt())
                .containsExactly("ack 1");
        assertThat(chunksStored(id)).containsExactly("before");
    }

    @Test
    void shouldAnswerTheFramesBeforeOneWithAReservedBitThenCloseWith1002AndStoreNothingFromIt() {
        String id = client.start("socket-rsv-" + System.nanoTime());
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicReference<WebSocketCloseStatus> closed = new AtomicReference<>();

        HttpClient.create().websocket().uri(uri(id).toString())
                .handle((in, out) -> out.sendObject(Flux.just(new TextWebSocketFrame("before"),
                                new TextWebSocketFrame(true, 4, "as if compressed"), new TextWebSocketFrame("after")))
                        .then()
                        .and(in.receive().asString().map(StreamClient::json).doOnNext(received::add))
                        .and(in.receiveCloseStatus().doOnNext(closed::set)))
                .blockLast(StreamClient.TIMEOUT);

        assertThat(closed.get()).as("received: %s", received).isNotNull();
        assertThat(closed.get().code()).as("closed with %s", closed.get()).isEqualTo(1002);
        assertThat(closed.get().reasonText()).startsWith("Frame 2 sets a reserved bit");
        assertThat(received).as("only the frame before it answered")
                .extracting(frame -> frame.get("type").asString() + " " + frame.get("frame").asInt())
                .containsExactly("ack 1");
        assertThat(chunksStored(id)).containsExactly("before");
    }

    /**
     * A reserved bit fails the socket on whatever frame it comes (RFC 6455, 5.2), not only on a message's first: a
     * later fragment's message was stored as if it were clear, a ping answered, a close frame echoed with the bit set.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("framesWithAReservedBit")
    void shouldFailTheSocketWith1002OnAnyFrameWithAReservedBit(String frame, byte[] frames, String reason)
            throws IOException {
        String id = client.start("socket-rsv-any-" + System.nanoTime());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(frame(0x81, "before"));
        sent.writeBytes(frames);
        sent.writeBytes(frame(0x81, "after"));

        List<String> received = rawSocket(id, sent.toByteArray());

        assertThat(received).as("the gateway's frames, each as its first byte and its payload")
                .containsExactly("0x81 {\"type\":\"ack\",\"frame\":1,\"seq\":" + seqOf(received.get(0)) + "}",
                        "0x88 1002 " + reason + " sets a reserved bit and no extension is in use; nothing from it on "
                                + "was stored");
        assertThat(chunksStored(id)).containsExactly("before");
    }

    static Stream<Arguments> framesWithAReservedBit() {
        ByteArrayOutputStream fragments = new ByteArrayOutputStream();
        fragments.writeBytes(frame(0x01, "ab"));
        fragments.writeBytes(frame(0xC0, "cd")); // the last fragment, RSV1
        return Stream.of(Arguments.of("a later fragment", fragments.toByteArray(), "Frame 2"),
                Arguments.of("a ping", frame(0xC9, "p"), "A ping after frame 1"),
                Arguments.of("a pong", frame(0xCA, ""), "A pong after frame 1"),
                Arguments.of("a close frame", frame(0xC8, "\u0003\u00e8"), "A close frame after frame 1"));
    }

    private static String seqOf(String ack) {
        return ack.replaceAll(".*\"seq\":(\\d+).*", "$1");
    }

    private static byte[] handshake(String id) {
        return ("GET /stream/" + id + "/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The answer's head, read to its blank line and no further. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int next; head.indexOf("\r\n\r\n") < 0 && (next = in.read()) >= 0; ) {
            head.append((char) next);
        }
        return head.toString();
    }

    /**
     * Opens the stream's socket over a plain TCP connection, sends {@code frames} once the handshake is answered (as a
     * client must, RFC 6455 4.1), and reads to the end of the gateway's side, for {@link StreamClient#TIMEOUT} at most
     * (its pings would keep a read timeout from ever firing): its frames, each as its first byte in hex and its
     * payload (a close frame's as its code and reason), pings left out.
     */
    private List<String> rawSocket(String id, byte[] frames) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) StreamClient.TIMEOUT.toMillis());
            long deadline = System.nanoTime() + StreamClient.TIMEOUT.toNanos();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(handshake(id));
            assertThat(readHead(in)).as("the handshake's answer").startsWith("HTTP/1.1 101 ");
            out.write(frames);
            byte[] buffer = new byte[8192];
            for (int read; System.nanoTime() < deadline && (read = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, read);
            }
        }
        byte[] bytes = received.toByteArray();
        List<String> parsed = new ArrayList<>();
        for (int at = 0; at < bytes.length; ) {
            int first = bytes[at] & 0xFF;
            int length = bytes[at + 1] & 0x7F;
            at += 2;
            if (length == 126) {
                length = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
                at += 2;
            }
            boolean closing = first == 0x88 && length >= 2;
            String payload = closing
                    ? (((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF)) + " "
                            + new String(bytes, at + 2, length - 2, StandardCharsets.UTF_8)
                    : new String(bytes, at, length, StandardCharsets.UTF_8);
            at += length;
            if (first != 0x89) {
                parsed.add(String.format("0x%02X ", first) + payload);
            }
        }
        return parsed;
    }

    /**
     * A client that writes its frames and its close frame at once gets every frame answered before its close is echoed
     * (RFC 6455, 5.5.1, lets the gateway finish first), and the stream still ends. Reactor Netty echoed the close and
     * closed the connection at once: of 20 frames, the ones read and not yet stored got no answer. A batch made as the
     * socket closed then, and never sent, held the stream's end back for ever (two streams in ten from a Python client);
     * that race did not come up here in twenty rounds with the fault put back, so {@code StreamServiceTest} holds its
     * cause (a send admitted before it is subscribed to).
     */
    @Test
    void shouldAnswerEveryFrameBeforeTheClientsCloseThenEchoItAndEndTheStream() throws IOException {
        for (int round = 1; round <= 3; round++) {
            String id = client.start("socket-closed-at-once-" + round + "-" + System.nanoTime());
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            IntStream.rangeClosed(1, 20).forEach(frame -> sent.writeBytes(frame(0x81, "frame " + frame)));
            sent.writeBytes(frame(0x88, "\u0003\u00e9going away"));

            List<String> received = rawSocket(id, sent.toByteArray());
            List<String> answered = received.stream().filter(frame -> frame.contains("\"ack\""))
                    .map(ack -> "frame " + ack.replaceAll(".*\"frame\":(\\d+).*", "$1")).toList();

            assertThat(answered).as("round %d: the frames acknowledged, of %s", round, received)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 20).mapToObj(frame -> "frame " + frame)
                            .toList());
            assertThat(received.get(received.size() - 1)).as("round %d: the last frame", round)
                    .isEqualTo("0x88 1001 going away");
            StreamClient.Answer end = client.exchange(client.http().post().uri("/stream/{id}/end", id));
            assertThat(end.status()).as("round %d: the end's answer: %s", round, end.body()).isEqualTo(200);
            assertThat(chunksStored(id)).as("round %d: every frame stored", round).containsExactlyElementsOf(answered);
        }
    }

    /** A client that vanishes (its connection reset, no close frame) is no failure of the gateway's to log. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldLetAClientResetItsConnectionWithoutLoggingAnError(CapturedOutput output) throws IOException {
        String id = client.start("socket-reset-" + System.nanoTime());
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) StreamClient.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(handshake(id));
            String head = readHead(socket.getInputStream());
            assertThat(head).as("the handshake's answer").startsWith("HTTP/1.1 101 ");
            await("the socket reading its stream").atMost(StreamClient.TIMEOUT)
                    .until(() -> client.status(id).get("readers").intValue() == 1);
            socket.setSoLinger(true, 0); // the close resets the connection
        }

        await("the socket gone").atMost(StreamClient.TIMEOUT)
                .until(() -> client.status(id).get("readers").intValue() == 0);
        assertThat(output.getOut()).as("the log").doesNotContain("Unexpected failure serving /stream/{streamId}/ws");
        client.end(id);
    }

    /**
     * After its close frame the gateway shuts its side and reads what the client still sends until the client closes
     * (RFC 6455, 7.1.1). It used to close the connection at once, so the client's next bytes (a pong, the rest of a
     * message, its own close frame) met a reset, and a client that had not yet read the close frame lost its code.
     */
    @Test
    void shouldReadWhatTheClientStillSendsAfterItsCloseFrame() throws IOException, InterruptedException {
        String unknown = "socket-linger-" + System.nanoTime(); // its socket opens, then closes with 4404
        byte[] closeReply = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        String afterwards;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) StreamClient.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(handshake(unknown));
            socket.getInputStream().transferTo(received); // to the end of the gateway's side
            try {
                out.write(closeReply); // masked with zeros, as a client may
                Thread.sleep(200); // a reset, had the gateway closed, is back by now
                out.write(new byte[] {(byte) 0x8A, (byte) 0x80, 0, 0, 0, 0}); // an unasked pong
                afterwards = "written";
            } catch (IOException reset) {
                afterwards = reset.toString();
            }
        }

        String text = received.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).as("what the gateway sent").startsWith("HTTP/1.1 101 ").contains("\u0088");
        assertThat(text.substring(text.indexOf('\u0088') + 2)).as("the close frame's code, 4404")
                .startsWith("\u0011\u0034");
        assertThat(afterwards).as("the client's writes after the close frame").isEqualTo("written");
    }

    @Test
    void shouldAnswerTheFramesBeforeAMessageOverTheLimitSentInFragmentsThenCloseWith1009() {
        String id = client.start("socket-fragments-" + System.nanoTime());
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicReference<WebSocketCloseStatus> closed = new AtomicReference<>();
        String half = "x".repeat(1024 * 1024 + 1); // each fragment fits a frame; the message is over twice the chunk

        HttpClient.create().websocket(WebsocketClientSpec.builder().maxFramePayloadLength(4 * 1024 * 1024).build())
                .uri(uri(id).toString())
                .handle((in, out) -> out.sendObject(Flux.just(new TextWebSocketFrame("before"),
                                new TextWebSocketFrame(false, 0, half), new ContinuationWebSocketFrame(true, 0, half)))
                        .then()
                        .and(in.receive().asString().map(StreamClient::json).doOnNext(received::add))
                        .and(in.receiveCloseStatus().doOnNext(closed::set)))
                .blockLast(StreamClient.TIMEOUT);

        assertThat(closed.get()).as("received: %s", received).isNotNull();
        assertThat(closed.get().code()).as("closed with %s", closed.get()).isEqualTo(1009);
        assertThat(received).as("only the frame before it answered (its result may come too)")
                .filteredOn(frame -> !frame.get("type").asString().equals("result"))
                .extracting(frame -> frame.get("type").asString() + " " + frame.get("frame").asInt())
                .containsExactly("ack 1");
        assertThat(chunksStored(id)).containsExactly("before");
    }

    @Test
    void shouldCloseWithTheStatusOfTheProblemForAnUnknownStream() {
        CloseStatus[] closed = new CloseStatus[1];

        sockets.execute(uri("no-such-stream-" + System.nanoTime()), socket -> socket.receive().then()
                        .and(socket.closeStatus().doOnNext(status -> closed[0] = status)))
                .block(StreamClient.TIMEOUT);

        assertThat(closed[0].getCode()).isEqualTo(4404);
    }

    @Test
    void shouldResumeAfterTheEventIdItsHandshakeNames() {
        String id = client.start("socket-resume-" + System.nanoTime(), "uppercase");
        client.send(id, "one");
        client.send(id, "two");
        List<String> ids = client.events(id).take(2).map(event -> event.id()).collectList().block(StreamClient.TIMEOUT);
        List<JsonNode> received = new CopyOnWriteArrayList<>();

        receive(URI.create(uri(id) + "?lastEventId=" + ids.get(0)), received, 1);
        client.end(id);
        String endId = client.events(id).last().map(event -> event.id()).block(StreamClient.TIMEOUT);
        List<JsonNode> afterTheEnd = new CopyOnWriteArrayList<>();
        CloseStatus closedAtOnce = receive(URI.create(uri(id) + "?lastEventId=" + endId), afterTheEnd, 1);
        CloseStatus refused = receive(URI.create(uri(id) + "?lastEventId=abc"), new CopyOnWriteArrayList<>(), 1);

        assertThat(received).as("frames after event %s", ids.get(0)).hasSize(1);
        assertThat(received.get(0).get("id").asString()).as("the frame after event %s: %s", ids.get(0), received)
                .isEqualTo(ids.get(1));
        assertThat(received.get(0).get("data").get("data").asString()).as("the frame after event %s: %s", ids.get(0),
                received).isEqualTo("TWO");
        assertThat(afterTheEnd).as("frames after the end event").isEmpty();
        assertThat(closedAtOnce).as("resumed after the end").isEqualTo(CloseStatus.NORMAL);
        assertThat(refused.getCode()).as("resumed after an id that is none: %s", refused).isEqualTo(4400);
    }

    /** Reads up to {@code frames} text frames of the socket at {@code uri} into {@code received}; how it closed. */
    private CloseStatus receive(URI uri, List<JsonNode> received, int frames) {
        AtomicReference<CloseStatus> closed = new AtomicReference<>(CloseStatus.NORMAL);
        sockets.execute(uri, socket -> socket.receive().map(WebSocketMessage::getPayloadAsText).map(StreamClient::json)
                        .doOnNext(received::add).take(frames).then()
                        .and(socket.closeStatus().doOnNext(closed::set)))
                .block(StreamClient.TIMEOUT);
        return closed.get();
    }

    @Test
    void shouldPingAtOnceAndTakeNoPongForAChunk() {
        String id = client.start("socket-ping-" + System.nanoTime(), "uppercase");
        List<String> received = new CopyOnWriteArrayList<>();
        // A client that sees pings: by default Reactor Netty answers them and hands on none.
        ReactorNettyWebSocketClient seesPings = new ReactorNettyWebSocketClient(HttpClient.create(),
                () -> WebsocketClientSpec.builder().handlePing(true));

        seesPings.execute(uri(id), socket -> socket.receive()
                        .map(message -> message.getType() + " " + message.getPayloadAsText())
                        .doOnNext(received::add)
                        .concatMap(frame -> !frame.startsWith("PING") ? Mono.just(frame)
                                : socket.send(Flux.just(socket.pongMessage(buffers -> buffers.wrap(new byte[0])),
                                        socket.textMessage("after the pong"))).thenReturn(frame))
                        .takeUntil(frame -> frame.contains("\"ack\""))
                        .take(StreamClient.TIMEOUT.dividedBy(2)) // then the assertions say what came
                        .then())
                .block(StreamClient.TIMEOUT);
        client.end(id);

        assertThat(received).as("frames the client got, in order: %s", received).first().isEqualTo("PING ");
        assertThat(received).as("the pong is not a chunk: the text after it is frame 1; got %s", received)
                .last().asString().startsWith("TEXT {\"type\":\"ack\",\"frame\":1,");
    }

    /**
     * Handshakes RFC 6455 (4.1, 4.2.1, 4.4) does not allow, each refused with a problem, and no socket opened: a plain
     * GET got a 400 about an Upgrade it had not asked for, Netty closed the connection on a handshake without a version
     * without a word, and opened a socket for the others.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedHandshakes")
    void shouldRefuseAHandshakeTheProtocolDoesNotAllowWithItsProblem(String what, String version, String headers,
                                                                     int status, String type, String detail) {
        String id = client.start("handshake-" + System.nanoTime());
        KeepAliveConnection.Response answer;
        try (KeepAliveConnection connection = new KeepAliveConnection(port, StreamClient.TIMEOUT)) {
            answer = connection.write("GET /stream/" + id + "/ws " + version + "\r\nHost: 127.0.0.1\r\n"
                    + headers + "\r\n").read();
        }
        client.end(id);

        assertThat(answer.status()).as("status of %s, answered %s", what, answer).isEqualTo(status);
        assertThat(answer.header("content-type")).as("answered %s", answer).isEqualTo("application/problem+json");
        assertThat(StreamClient.json(answer.body()).get("type").asString()).isEqualTo("/problems/" + type);
        assertThat(answer.body()).contains(detail);
        if (status == 426) {
            assertThat(answer.headers()).as("426's headers (RFC 6455 4.4, RFC 9110 7.8)")
                    .containsEntry("sec-websocket-version", "13").containsEntry("upgrade", "websocket")
                    .containsEntry("connection", "Upgrade");
        }
    }

    static Stream<Arguments> refusedHandshakes() {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        String key = upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        return Stream.of(
                Arguments.of("a plain GET, asking for no protocol", "HTTP/1.1", "", 426, "upgrade-required",
                        "This path opens a WebSocket"),
                Arguments.of("no version", "HTTP/1.1", key, 426, "upgrade-required", "named no Sec-WebSocket-Version"),
                Arguments.of("a draft's version, its page's origin where the origin check does not look", "HTTP/1.1",
                        key + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Origin: http://elsewhere.example\r\n",
                        426, "upgrade-required", "asked for '8'"),
                Arguments.of("a key that is not 16 bytes in base64", "HTTP/1.1",
                        upgrade + "Sec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n", 400, "bad-request",
                        "Sec-WebSocket-Key must be 16 random bytes in base64"),
                Arguments.of("HTTP/1.0", "HTTP/1.0", key + "Sec-WebSocket-Version: 13\r\n", 400, "bad-request",
                        "A WebSocket opens over HTTP/1.1"));
    }

    private void endOnceAllAcked(String id, List<JsonNode> received) {
        if (received.get(received.size() - 1).get("type").asString().equals("ack")
                && ofType(received, "ack").size() == FRAMES) {
            client.http().post().uri("/stream/{id}/end", id).retrieve().toBodilessEntity().subscribe();
        }
    }

    /** The chunks Kafka holds for stream {@code id}, in order. */
    private static List<String> chunksStored(String id) {
        return TestKafka.readAll(REQUESTS_TOPIC).stream()
                .filter(record -> record.key().equals(id) && record.kind().equals("CHUNK"))
                .map(TestKafka.StoredRecord::value)
                .toList();
    }

    private URI uri(String id) {
        return URI.create("ws://127.0.0.1:" + port + "/stream/" + id + "/ws");
    }

    /** What came back, short enough to read in a failure message: the frames' types, runs counted, and the end. */
    private static String summary(List<JsonNode> frames) {
        StringBuilder summary = new StringBuilder();
        String runType = null;
        int run = 0;
        for (JsonNode frame : frames) {
            String type = frame.get("type").asString();
            if (!type.equals(runType) && runType != null) {
                summary.append(run).append(' ').append(runType).append(", ");
                run = 0;
            }
            runType = type;
            run++;
        }
        summary.append(run).append(' ').append(runType);
        List<JsonNode> results = ofType(frames, "result");
        if (!results.isEmpty()) {
            summary.append("; results from ").append(results.get(0).get("data"))
                    .append(" to ").append(results.get(results.size() - 1).get("data"));
        }
        return summary.toString();
    }

    private static List<JsonNode> ofType(List<JsonNode> frames, String type) {
        return frames.stream().filter(frame -> frame.get("type").asString().equals(type)).toList();
    }
}
