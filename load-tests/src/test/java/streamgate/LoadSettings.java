package streamgate;

import static io.gatling.javaapi.http.HttpDsl.http;

import java.time.Duration;

import io.gatling.javaapi.http.HttpProtocolBuilder;

/** What every simulation reads from system properties ({@code -DbaseUrl=... -Dusers=...}), with its default. */
final class LoadSettings {

    static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    /** Bytes of each chunk's {@code data}. */
    static final int CHUNK_SIZE = intProperty("chunkSize", 100);

    private LoadSettings() {
    }

    static int intProperty(String name, int defaultValue) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(defaultValue)));
    }

    static Duration seconds(String name, int defaultValue) {
        return Duration.ofSeconds(intProperty(name, defaultValue));
    }

    /** Each virtual user has its own connections, as separate clients would: one for requests, one for its reader. */
    static HttpProtocolBuilder protocol() {
        return http.baseUrl(BASE_URL)
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .disableWarmUp()
                .disableCaching();
    }
}
