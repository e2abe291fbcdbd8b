package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.HeadlessChromium;
import io.streamgate.support.StreamClient;
import io.streamgate.support.TestCertificate;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway with {@code server.ssl.*} set: HTTP/2 chosen by ALPN (h2) for clients that offer it, HTTP/1.1 for those
 * that do not, the same API on both; and the demo page in a headless browser watching more streams at once than a
 * browser would open HTTP/1.1 connections to one origin (six), all on one HTTP/2 connection.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.ssl.key-store-type=PKCS12",
        "server.ssl.key-store-password=" + TestCertificate.PASSWORD,
        "streamgate.stream.heartbeat-interval=300ms",
        "streamgate.kafka.requests-topic=it.tls.requests",
        "streamgate.kafka.results-topic=it.tls.results",
        "streamgate.kafka.processor-group=it-tls-processor",
        "streamgate.kafka.partitions=2"})
class Http2TlsIT {

    /** One more than the HTTP/1.1 connections a browser opens to one origin. */
    private static final int WATCHED = 7;

    @LocalServerPort
    private int port;

    private final HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .sslContext(TestCertificate.trustingIt()).connectTimeout(StreamClient.TIMEOUT).build();

    @DynamicPropertySource
    static void tlsAndKafka(DynamicPropertyRegistry registry) {
        registry.add("server.ssl.key-store", () -> "file:" + TestCertificate.keyStore());
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldServeTheApiOverH2AndSseWithIt() throws Exception {
        String id = "tls-" + System.nanoTime();
        HttpResponse<String> started = call("POST", "/stream/" + id + "/start", "{\"processor\":\"uppercase\"}");
        assertThat(started.statusCode()).as("start answered %s", started.body()).isEqualTo(201);
        assertThat(started.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(started.body()).contains("\"status\":\"success\"");
        assertThat(started.headers().firstValue("strict-transport-security")).as("HSTS over TLS")
                .hasValue("max-age=31536000 ; includeSubDomains");

        CompletableFuture<List<String>> reader = h2.sendAsync(HttpRequest.newBuilder(uri("/stream/" + id + "/results"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines())
                .thenApplyAsync(response -> linesUntilTheEnd(response.body()), TestThreads.BLOCKING);
        await("the reader attached").atMost(StreamClient.TIMEOUT)
                .until(() -> call("GET", "/stream/" + id, null).body().contains("\"readers\":1"));

        HttpResponse<String> sent = call("POST", "/stream/" + id + "/send", "{\"data\":\"hello over h2\"}");
        assertThat(sent.statusCode()).as("send answered %s", sent.body()).isEqualTo(200);
        assertThat(sent.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(call("POST", "/stream/" + id + "/end", null).statusCode()).isEqualTo(200);

        List<String> lines = reader.get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(lines).as("the SSE stream over h2").contains("event:result", "event:end")
                .anyMatch(line -> line.startsWith("data:") && line.contains("HELLO OVER H2"));
    }

    @Test
    void shouldAnswerHttp11ClientsOnTheSamePort() throws Exception {
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestCertificate.trustingIt()).build();
        HttpResponse<String> answer = http11.send(HttpRequest.newBuilder(uri("/actuator/health/liveness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("liveness answered %s", answer.body()).isEqualTo(200);
        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    /**
     * A stream over a WebSocket over TLS (HTTP/1.1's upgrade; WebSockets over h2 are not offered), to its end and the
     * close that follows: the gateway's lingering close (it shuts its side after the close frame and waits for the
     * client's) sits below TLS in the connection, and the client still gets the close's code.
     */
    @Test
    void shouldServeAStreamOverAWebSocketOverTlsToItsEndAndClose() throws Exception {
        String id = "tls-ws-" + System.nanoTime();
        assertThat(call("POST", "/stream/" + id + "/start", "{\"processor\":\"uppercase\"}").statusCode())
                .isEqualTo(201);
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket socket = h2.newWebSocketBuilder().connectTimeout(StreamClient.TIMEOUT)
                .buildAsync(URI.create("wss://127.0.0.1:" + port + "/stream/" + id + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode + " " + reason); // the close is answered as this completes
                        return null;
                    }
                })
                .get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        socket.sendText("hello over wss", true).get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        await("its result").atMost(StreamClient.TIMEOUT)
                .until(() -> received.stream().anyMatch(frame -> frame.contains("HELLO OVER WSS")));
        assertThat(call("POST", "/stream/" + id + "/end", null).statusCode()).isEqualTo(200);

        assertThat(closed.get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("received: %s", received)
                .isEqualTo("1000 ");
        assertThat(received).as("the socket's frames: an ack, a result, the end").hasSize(3)
                .anyMatch(frame -> frame.startsWith("{\"type\":\"ack\",\"frame\":1,"))
                .last().asString().startsWith("{\"type\":\"end\"");
    }

    @Test
    void shouldLetTheDemoPageWatchSevenStreamsAtOnceOverOneConnection() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < WATCHED; i++) {
            String id = "watched-" + i + "-" + System.nanoTime();
            assertThat(call("POST", "/stream/" + id + "/start", "{\"processor\":\"uppercase\"}").statusCode())
                    .isEqualTo(201);
            ids.add(id);
        }
        WebDriver browser = HeadlessChromium.open("--ignore-certificate-errors");
        try {
            WebDriverWait wait = new WebDriverWait(browser, StreamClient.TIMEOUT);
            browser.get("https://127.0.0.1:" + port + "/");
            for (String id : ids) {
                browser.findElement(By.id("watch-id")).sendKeys(id);
                browser.findElement(By.id("watch")).click();
            }
            await("all seven readers attached at once").atMost(StreamClient.TIMEOUT).until(() -> ids.stream()
                    .allMatch(id -> status(id).contains("\"readers\":1")));

            IntStream.range(0, WATCHED).forEach(i -> call("POST", "/stream/" + ids.get(i) + "/send",
                    "{\"data\":\"hello " + i + "\"}"));
            for (int i = 0; i < WATCHED; i++) {
                wait.until(textToBePresentInElementLocated(
                        By.cssSelector("article[data-stream-id='" + ids.get(i) + "'] ol"), "HELLO " + i));
            }
            Object protocol = ((JavascriptExecutor) browser)
                    .executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol");
            assertThat(protocol).as("the protocol the page was loaded over").isEqualTo("h2");
        } finally {
            browser.quit();
            ids.forEach(id -> call("POST", "/stream/" + id + "/end", null));
        }
    }

    private String status(String id) {
        return call("GET", "/stream/" + id, null).body();
    }

    private HttpResponse<String> call(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(StreamClient.TIMEOUT);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            return h2.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException failure) {
            throw new IllegalStateException(method + " " + path + " failed", failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    private static List<String> linesUntilTheEnd(Stream<String> body) {
        List<String> lines = new ArrayList<>();
        Iterator<String> each = body.iterator();
        while (each.hasNext()) {
            String line = each.next();
            lines.add(line);
            if (line.equals("event:end")) {
                break;
            }
        }
        body.close();
        return lines;
    }
}
