package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.RawHttp;
import io.streamgate.support.SecuredGatewayIT;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * One tenant's send bodies and WebSocket frames hold at most its share of the node's bytes in flight: past it that
 * tenant's sends get 429 and its socket closes with 1013, while another tenant's sends and frames go on.
 */
@TestPropertySource(properties = {
        "streamgate.limits.max-bytes-in-flight=64KB",
        "streamgate.limits.max-bytes-in-flight-per-tenant=32KB",
        "streamgate.limits.request-read-timeout=20s",
        "streamgate.kafka.requests-topic=" + TenantSharesIT.REQUESTS,
        "streamgate.kafka.results-topic=it.tenant-shares.results",
        "streamgate.kafka.processor-group=it-tenant-shares-processor"})
class TenantSharesIT extends SecuredGatewayIT {

    static final String REQUESTS = "it.tenant-shares.requests";
    /** What the held upload declares: within the tenant's 32 KB, with less than a kilobyte of it left. */
    private static final int HELD = 32_000;
    private static final String KILOBYTE = "k".repeat(1000);

    @Test
    void shouldRefuseATenantPastItsShareWhileAnotherTenantsSendsAndFramesGoOn() {
        long run = System.nanoTime();
        String a = as(TENANT_A).start("share-a-" + run);
        String b = as(TENANT_B).start("share-b-" + run);
        try (RawHttp upload = new RawHttp(port)) {
            // Expect: 100-continue: the gateway reserves the body before it asks for it, so the 100 says it is held.
            upload.write("POST /stream/" + a + "/send HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TENANT_A
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + HELD + "\r\nExpect: 100-continue\r\n\r\n");
            assertThat(upload.readHead()).as("the held upload's interim answer").startsWith("HTTP/1.1 100 ");

            StreamClient.Answer refused = as(TENANT_A).trySend(a, KILOBYTE);
            StreamClient.Answer other = as(TENANT_B).trySend(b, KILOBYTE);
            String refusedFrame = socket(TENANT_A, a);
            String otherFrame = socket(TENANT_B, b);

            assertThat(refused.status()).as("answered %s", refused).isEqualTo(429);
            assertThat(refused.contentType()).as("answered %s", refused).isNotNull()
                    .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
            assertThat(refused.body().get("limit").stringValue()).as("answered %s", refused)
                    .isEqualTo("max-bytes-in-flight-per-tenant");
            assertThat(refused.headers().get("Retry-After")).as("answered %s", refused).isEqualTo("1");
            assertThat(other.status()).as("another tenant's send: %s", other).isEqualTo(200);
            assertThat(refusedFrame).as("the tenant's socket").contains("Frame 1 is past your share of this node's"
                    + " bytes in flight; nothing from it on was stored. Retry shortly.").doesNotContain("\"ack\"");
            assertThat(otherFrame).as("another tenant's socket").contains("{\"type\":\"ack\",\"frame\":1,");

            String body = "{\"data\":\"" + "u".repeat(HELD - 11) + "\"}";
            String answer = upload.write(body).readHead();
            assertThat(RawHttp.status(answer)).as("the held upload, sent whole: %s", answer).isEqualTo(200);
        }
        StreamClient.Answer after = as(TENANT_A).trySend(a, KILOBYTE);
        assertThat(after.status()).as("the tenant's share given back: %s", after).isEqualTo(200);
        assertThat(as(OPERATOR).scraped("streamgate_limit_rejections_total", "limit", "max-bytes-in-flight-per-tenant"))
                .isGreaterThanOrEqualTo(1);
        as(TENANT_A).end(a);
        as(TENANT_B).end(b);
        assertThat(TestKafka.readAll(REQUESTS).stream().filter(record -> "CHUNK".equals(record.kind())
                        && (record.key().endsWith(":" + a) || record.key().endsWith(":" + b)))
                .map(record -> record.key().substring(record.key().indexOf(':') + 1) + " " + record.value().length())
                .toList())
                .as("stored: each stream's chunks, by length; nothing refused")
                .containsExactlyInAnyOrder(b + " 1000", b + " 1000", a + " " + (HELD - 11), a + " 1000");
    }

    /** What a socket of {@code key}'s tenant to stream {@code id} gets for one frame of a kilobyte, until it closes. */
    private String socket(String key, String id) {
        try (RawHttp socket = new RawHttp(port)) {
            socket.write("GET /stream/" + id + "/ws HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertThat(socket.readHead()).as("the handshake's answer").startsWith("HTTP/1.1 101 ");
            socket.write(ClientFrames.frame(0x81, KILOBYTE)).write(ClientFrames.frame(0x88, "\u0003\u00e8")); // close, 1000
            return socket.readUntilClosed();
        }
    }
}
