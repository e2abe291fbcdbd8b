package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.streamgate.kafka.TestKafka;
import io.streamgate.support.RawHttp;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * On a gateway several tenants call, one tenant's connections cannot keep the others out. Its readers hold at most
 * half of what other tenants' readers leave of the node's connections unless {@code readers-per-tenant} says
 * otherwise: past it that tenant's next reader gets 429, while other tenants' readers still connect, a third's too
 * when two hold all they may. Its connections kept alive between requests, HTTP/1.1 or HTTP/2, give
 * way to the other's new ones at the cap (IdleConnections), as do connections that never send a whole request. Before,
 * each could take every connection (load-tests/tenant-readers.sh).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.security.api-keys[0]=" + TenantReadersIT.TENANT_A,
        "streamgate.security.api-keys[1]=" + TenantReadersIT.TENANT_B,
        "streamgate.security.api-keys[2]=" + TenantReadersIT.TENANT_C,
        "streamgate.limits.max-connections=" + TenantReadersIT.MAX_CONNECTIONS,
        "streamgate.kafka.requests-topic=it.tenant-readers.requests",
        "streamgate.kafka.results-topic=it.tenant-readers.results",
        "streamgate.kafka.processor-group=it-tenant-readers-processor"})
class TenantReadersIT {

    static final String TENANT_A = "tenant-readers-a-key-31c7e0";
    static final String TENANT_B = "tenant-readers-b-key-8d52fa";
    static final String TENANT_C = "tenant-readers-c-key-5e04b9";
    static final int MAX_CONNECTIONS = 12;
    /** Half of max-connections: a tenant's readers' share while no other tenant's are connected. */
    private static final int SHARE = 6;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldRefuseATenantsReaderPastHalfTheConnectionsWhileAnotherTenantsReadersConnect() {
        StreamClient a = new StreamClient(port, TENANT_A);
        StreamClient b = new StreamClient(port, TENANT_B);
        String own = a.start("readers-a");
        String other = b.start("readers-b");
        awaitNoReaders();
        List<RawHttp> readers = new ArrayList<>();
        try {
            for (int i = 0; i < SHARE; i++) {
                readers.add(reader(TENANT_A, own));
            }

            assertReaderPastTheShare(TENANT_A, own, SHARE);
            readers.add(reader(TENANT_B, other));
        } finally {
            readers.forEach(RawHttp::close);
        }
        a.end(own);
        b.end(other);
    }

    @Test
    void shouldLeaveAThirdTenantRoomWhileTwoHoldAllTheReadersTheyMay() {
        StreamClient a = new StreamClient(port, TENANT_A);
        StreamClient b = new StreamClient(port, TENANT_B);
        StreamClient c = new StreamClient(port, TENANT_C);
        String ofA = a.start("two-a");
        String ofB = b.start("two-b");
        awaitNoReaders(); // what the shares count: no other test's readers still being let go
        int shareOfB = (MAX_CONNECTIONS - SHARE) / 2; // half of what A's readers leave
        List<RawHttp> readers = new ArrayList<>();
        try {
            for (int i = 0; i < SHARE; i++) {
                readers.add(reader(TENANT_A, ofA));
            }
            for (int i = 0; i < shareOfB; i++) {
                readers.add(reader(TENANT_B, ofB));
            }

            assertReaderPastTheShare(TENANT_B, ofB, shareOfB); // half of what A leaves
            String ofC = c.start("two-c");
            readers.add(reader(TENANT_C, ofC));
            c.end(ofC);
        } finally {
            readers.forEach(RawHttp::close);
        }
        a.end(ofA);
        b.end(ofB);
    }

    @Test
    void shouldCloseTheConnectionKeptAliveLongestForAnotherTenantsNewOneAtTheCap() {
        List<RawHttp> kept = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                kept.add(keptAlive());
            }

            try (RawHttp start = new RawHttp(port)) {
                String answer = start.write("POST /stream/idle-b/start HTTP/1.1\r\nHost: localhost\r\nX-API-Key: "
                        + TENANT_B + "\r\nConnection: close\r\n\r\n").readUntilClosed();
                assertThat(RawHttp.status(answer)).as("the other tenant's start at the cap: %s", answer).isEqualTo(201);
            }
            assertThat(kept.get(0).readUntilClosed()).as("what the connection kept alive longest got").isEmpty();
            String newest = kept.get(MAX_CONNECTIONS - 1).write(idleRead()).readAnswer();
            assertThat(RawHttp.status(newest)).as("the newest kept alive, asked again: %s", newest).isEqualTo(404);
        } finally {
            kept.forEach(RawHttp::close);
        }
        new StreamClient(port, TENANT_B).end("idle-b");
    }

    @Test
    void shouldCloseAConnectionWhoseHeadNeverEndsPastItsGraceForANewOneAtTheCap() throws InterruptedException {
        List<RawHttp> silent = new ArrayList<>();
        try {
            int before = connectionsOpen();
            RawHttp trickling = new RawHttp(port).write("GET /stream/idle-a/results HTTP/1.1\r\nHost: localhost\r\n");
            silent.add(trickling);
            // The grace runs from when the server lets a connection in, which a cold event loop may do later than the
            // client's connect: the rule is a time, so let it pass from there.
            awaitConnectionsOpen(before + 1);
            Thread.sleep(IdleConnections.FIRST_REQUEST_GRACE.toMillis() + 200);
            for (int i = 1; i < MAX_CONNECTIONS; i++) {
                silent.add(new RawHttp(port)); // within their grace
            }
            awaitConnectionsOpen(MAX_CONNECTIONS); // all let in, on whichever event loop, before the start comes

            try (RawHttp start = new RawHttp(port)) {
                String answer = start.write("POST /stream/silent-b/start HTTP/1.1\r\nHost: localhost\r\nX-API-Key: "
                        + TENANT_B + "\r\nConnection: close\r\n\r\n").readUntilClosed();
                assertThat(RawHttp.status(answer)).as("the other tenant's start at the cap: %s", answer).isEqualTo(201);
            }
            assertThat(trickling.readUntilClosed()).as("what the connection past its grace got").isEmpty();
        } finally {
            silent.forEach(RawHttp::close);
        }
        new StreamClient(port, TENANT_B).end("silent-b");
    }

    @Test
    void shouldCloseTheHttp2ConnectionIdleLongestForANewOneAtTheCap() {
        List<ConnectionProvider> clients = new ArrayList<>();
        List<Channel> connections = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                ConnectionProvider client = ConnectionProvider.create("idle-h2c-" + i, 1);
                clients.add(client);
                connections.add(h2cConnection(client));
            }

            try (RawHttp other = new RawHttp(port)) {
                String answer = other.write("GET /stream/idle-h2c/results HTTP/1.1\r\nHost: localhost\r\nX-API-Key: "
                        + TENANT_B + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n").readUntilClosed();
                assertThat(RawHttp.status(answer)).as("the other tenant's read at the cap: %s", answer).isEqualTo(404);
            }
            await("the HTTP/2 connection idle longest closed").atMost(StreamClient.TIMEOUT)
                    .until(() -> !connections.get(0).isActive());
            assertThat(connections.get(MAX_CONNECTIONS - 1).isActive()).as("the newest").isTrue();
        } finally {
            clients.forEach(ConnectionProvider::dispose);
        }
    }

    @Test
    void shouldAnswer503ToHttp2StreamsBeyondTheCapWhileTheStreamsWithinItAreServed() {
        StreamClient b = new StreamClient(port, TENANT_B);
        String id = b.start("streams-b");
        ConnectionProvider client = ConnectionProvider.builder("h2c-streams").maxConnections(1)
                .pendingAcquireMaxCount(-1).build();
        Queue<String> answers = new ConcurrentLinkedQueue<>();
        List<Disposable> sends = new ArrayList<>();
        try {
            HttpClient h2c = HttpClient.create(client).protocol(HttpProtocol.H2C).headers(headers -> headers
                    .set("X-API-Key", TENANT_B).set("Content-Type", "application/json").set("Content-Length", "100"));
            for (int i = 0; i < 2 * MAX_CONNECTIONS; i++) { // on one connection; each body begins, and never ends
                Flux<ByteBuf> body = Flux.<ByteBuf>just(Unpooled.copiedBuffer("{\"data\":\"", StandardCharsets.UTF_8))
                        .concatWith(Flux.never());
                sends.add(h2c.post().uri("http://127.0.0.1:" + port + "/stream/" + id + "/send").send(body)
                        .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
                                .map(text -> response.status().code() + " " + text))
                        .subscribe(answers::add, error -> answers.add(error.toString())));
            }

            await("the streams beyond the cap answered").atMost(StreamClient.TIMEOUT)
                    .until(() -> answers.size() >= MAX_CONNECTIONS);
            assertThat(answers).as("what the streams beyond the cap got").allSatisfy(answer -> assertThat(answer)
                    .startsWith("503 ").contains("\"limit\":\"max-connections\""));
        } finally {
            sends.forEach(Disposable::dispose);
            client.dispose();
        }
        await("the places given back").atMost(StreamClient.TIMEOUT)
                .until(() -> b.exchange(b.http().get().uri("/stream/{id}", id)).status() == 200);
        b.end(id);
    }

    /** An h2c connection (by prior knowledge) of a client of its own, after one answer. */
    private Channel h2cConnection(ConnectionProvider client) {
        AtomicReference<Channel> connection = new AtomicReference<>();
        Integer status = HttpClient.create(client).protocol(HttpProtocol.H2C)
                .doOnResponse((response, stream) -> connection.set(stream.channel().parent()))
                .get().uri("http://127.0.0.1:" + port + "/actuator/health/liveness")
                .responseSingle((response, body) -> Mono.just(response.status().code()))
                .block(StreamClient.TIMEOUT);
        assertThat(status).as("an h2c client's liveness").isEqualTo(200);
        return connection.get();
    }

    /** What the server's connection cap counts now ({@code streamgate.http.connections}). */
    private int connectionsOpen() {
        return (int) meters.get("streamgate.http.connections").tag("limit", ConnectionLimits.API_LIMIT).gauge().value();
    }

    /** A reader of {@code key}'s tenant past its share, which {@code readers} of its readers hold: 429. */
    private void assertReaderPastTheShare(String key, String id, int readers) {
        try (RawHttp past = new RawHttp(port)) {
            String head = past.write(readerRequest(key, id) + "Connection: close\r\n\r\n").readHead();
            assertThat(RawHttp.status(head)).as("the tenant's reader past its share: %s", head).isEqualTo(429);
            assertThat(past.readUntilClosed()).as("its problem").contains("\"limit\":\"readers-per-tenant\"")
                    .contains("Your streams already have " + readers + " readers");
        }
    }

    /** Waits until the readers of earlier tests have been let go, their places in the tenants' shares with them. */
    private void awaitNoReaders() {
        await("no readers connected").atMost(StreamClient.TIMEOUT)
                .until(() -> meters.get("streamgate.sse.readers").gauge().value(), readers -> readers == 0);
    }

    private void awaitConnectionsOpen(int atLeast) {
        await("the server letting in " + atLeast + " connections").atMost(StreamClient.TIMEOUT)
                .until(this::connectionsOpen, open -> open >= atLeast);
    }

    /** A connection of tenant A's that has had one answer (its stream is not found) and waits for its next request. */
    private RawHttp keptAlive() {
        RawHttp connection = new RawHttp(port);
        String answer = connection.write(idleRead()).readAnswer();
        assertThat(RawHttp.status(answer)).as("a read kept alive: %s", answer).isEqualTo(404);
        return connection;
    }

    private static String idleRead() {
        return "GET /stream/idle-a/results HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + TENANT_A
                + "\r\nAccept: application/json\r\n\r\n";
    }

    /** An SSE reader of {@code key}'s tenant to stream {@code id}, connected: its head says 200. */
    private RawHttp reader(String key, String id) {
        RawHttp reader = new RawHttp(port);
        String head = reader.write(readerRequest(key, id) + "\r\n").readHead();
        assertThat(RawHttp.status(head)).as("a reader of %s: %s", id, head).isEqualTo(200);
        return reader;
    }

    /** A reader's request of {@code key}'s tenant to stream {@code id}, its head's last line still to come. */
    private static String readerRequest(String key, String id) {
        return "GET /stream/" + id + "/results HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + key
                + "\r\nAccept: text/event-stream\r\n";
    }
}
