package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.channel.ChannelOption;
import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;

/**
 * A reader at 1 KB/s beside a full-speed one (issue 3, #6): the gateway holds a bounded amount for it (the bytes
 * queued on its connection stay under Netty's write-buffer high-water mark plus one event while megabytes flow past),
 * the fast reader gets everything, and the slow one, overtaken by the stream's history, is closed with an
 * {@code overflow} event and resumes from its last id.
 */
@TestPropertySource(properties = {
        "streamgate.stream.history-size=256KB",
        // One processor batch is one transaction, and its results reach the gateway at once: kept well under the
        // history (16 x 4 KB), so that only falling behind over time, not one burst, can overtake a reader.
        "streamgate.kafka.consumer.max.poll.records=16",
        "streamgate.kafka.requests-topic=it.slow.requests",
        "streamgate.kafka.results-topic=it.slow.results",
        "streamgate.kafka.processor-group=it-slow-processor"})
@Import(SlowReaderIT.SmallSocketBuffers.class)
class SlowReaderIT extends GatewayIT {

    private static final int CHUNKS = 600;
    private static final String CHUNK = "x".repeat(4096);
    /**
     * Per reader: Netty's default write-buffer high-water mark (64 KB) plus one batch of events handed over while the
     * connection was below it (at most 16 KB of data, here four 4 KB events) and their framing.
     */
    private static final long BOUND_PER_READER = 81 * 1024;
    private static final int READERS = 2;
    private static final Pattern OVERFLOW = Pattern.compile(
            "event:overflow\\ndata:\\{\"reason\":\"slow-reader\",\"last_event_id\":(\\d+),");

    /**
     * Without this the kernel's autotuned loopback buffers swallow megabytes for the slow reader, so it is never
     * overtaken; a real client on a real network has far smaller windows.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class SmallSocketBuffers {
        @Bean
        NettyServerCustomizer smallSendBuffers() {
            return server -> server.childOption(ChannelOption.SO_SNDBUF, 4096);
        }
    }

    @Test
    void shouldHoldABoundedBacklogForASlowReaderAndCloseItWithAReason() throws Exception {
        String id = client.start("slow-" + System.nanoTime());
        CompletableFuture<List<ServerSentEvent<String>>> fast = client.events(id).collectList().toFuture();
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", port));
            slow.getOutputStream().write(("GET /stream/" + id + "/results HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = slow.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();

            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int chunk = 0; chunk < CHUNKS; chunk++) {
                    client.send(id, CHUNK);
                }
                client.end(id);
            }, TestThreads.BLOCKING);
            long maxBacklog = 0;
            byte[] kilobyte = new byte[1024];
            slow.setSoTimeout(50);
            long nextReadAt = System.nanoTime();
            while (!sending.isDone()) {
                maxBacklog = Math.max(maxBacklog, backlog());
                if (System.nanoTime() >= nextReadAt) { // 1 KB per second
                    try {
                        int n = in.read(kilobyte);
                        received.write(kilobyte, 0, Math.max(n, 0));
                    } catch (SocketTimeoutException nothingYet) {
                        // the first bytes are not there yet
                    }
                    nextReadAt += 1_000_000_000L;
                }
            }
            sending.join();

            List<ServerSentEvent<String>> fastEvents = fast.get();
            assertThat(fastEvents).as("the fast reader got everything").hasSize(CHUNKS + 1);
            assertThat(fastEvents.get(CHUNKS).event()).isEqualTo("end");
            assertThat(maxBacklog).as("bytes the gateway held for its %d readers while %d KB went by", READERS,
                    CHUNKS * 4).isPositive().isLessThanOrEqualTo(READERS * BOUND_PER_READER);

            // Now read what is left at full speed: the reader finds it was overtaken and is closed with a reason.
            slow.setSoTimeout((int) StreamClient.TIMEOUT.toMillis());
            readToLastChunk(in, received);
            String slowStream = dechunk(received.toByteArray());
            Matcher overflow = OVERFLOW.matcher(slowStream);
            assertThat(overflow.find()).as("closed with a reason: %s",
                    slowStream.substring(Math.max(0, slowStream.length() - 300))).isTrue();
            assertThat(slowStream).as("nothing after the overflow event").endsWith("\n\n")
                    .doesNotContain("event:end");

            ServerSentEvent<String> resumed = client.events(id, overflow.group(1)).blockFirst(StreamClient.TIMEOUT);
            assertThat(resumed.event()).as("resuming with its last id says where the stream resumes").isEqualTo("gap");
            System.out.printf("SlowReaderIT: %d KB sent past a 1 KB/s reader; gateway backlog for %d readers peaked"
                    + " at %d bytes (bound %d); the slow reader was closed after event %s%n",
                    CHUNKS * 4, READERS, maxBacklog, READERS * BOUND_PER_READER, overflow.group(1));
        }
    }

    private long backlog() {
        return (long) client.exchange(client.http().get().uri("/actuator/metrics/streamgate.http.outbound.backlog"))
                .body().get("measurements").get(0).get("value").doubleValue();
    }

    /**
     * Reads until the response's terminating chunk. Not until end of stream: the connection is kept alive after the
     * response, and would only close when the server's idle timeout ends it.
     */
    private static void readToLastChunk(InputStream in, ByteArrayOutputStream received) throws Exception {
        byte[] lastChunk = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[8192];
        while (!endsWith(received.toByteArray(), lastChunk)) {
            int n = in.read(buffer);
            assertThat(n).as("the connection closed before the response ended").isNotNegative();
            received.write(buffer, 0, n);
        }
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length && Arrays.equals(bytes, bytes.length - suffix.length, bytes.length,
                suffix, 0, suffix.length);
    }

    /** The body of an HTTP/1.1 response in chunked transfer encoding, as text with plain newlines. */
    private static String dechunk(byte[] response) {
        String raw = new String(response, StandardCharsets.ISO_8859_1);
        int at = raw.indexOf("\r\n\r\n") + 4;
        assertThat(raw).as("a chunked event stream").startsWith("HTTP/1.1 200").containsIgnoringCase(
                "transfer-encoding: chunked");
        StringBuilder body = new StringBuilder();
        while (true) {
            int lineEnd = raw.indexOf("\r\n", at);
            int size = Integer.parseInt(raw.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(raw, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return new String(body.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
                .replace("\r\n", "\n");
    }
}
