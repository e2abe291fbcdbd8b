package io.streamgate.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a gateway for its health on a connection of its own, with another HTTP client, after a request of a test got
 * no answer: an answer here says the server still serves and the lost request was particular to its connection or
 * to the test client; none says the server itself stopped taking requests.
 */
final class ServerProbe {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private ServerProbe() {
    }

    static String onNewConnection(String baseUrl) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health")).timeout(WAIT).build();
        long startedAt = System.nanoTime();
        try {
            HttpResponse<String> answer = client.send(health, HttpResponse.BodyHandlers.ofString());
            return "=== Probe: GET " + health.uri() + " on a new connection answered " + answer.statusCode() + " in "
                    + (System.nanoTime() - startedAt) / 1_000_000 + " ms";
        } catch (IOException e) {
            return "=== Probe: GET " + health.uri() + " on a new connection failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "=== Probe: interrupted";
        }
    }
}
