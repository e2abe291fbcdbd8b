package streamgate;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.UUID;

import io.gatling.javaapi.core.ChainBuilder;

/**
 * A stream's life in the gateway's API, as steps of a scenario. Every request checks its status, so anything but
 * the documented success counts as a failed request.
 */
final class StreamSteps {

    /** How long a reader waits for an event before the step fails. */
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);
    private static final String CHUNK_BODY = "{\"data\":\"" + "x".repeat(LoadSettings.CHUNK_SIZE) + "\"}";

    private StreamSteps() {
    }

    /**
     * Whose ids the starts use: the client's ({@code -DstartIds=chosen}, the default, {@code POST /stream/{id}/start}),
     * or the gateway's ({@code -DstartIds=generated}, {@code POST /stream/start}), answered without waiting for a
     * processor's decision.
     */
    private static final boolean GENERATED_IDS = "generated".equals(System.getProperty("startIds", "chosen"));

    /** Starts a stream with a fresh id, kept in the session as {@code id}: the client's own, or the gateway's. */
    static ChainBuilder start(String prefix) {
        if (GENERATED_IDS) {
            return exec(http("start").post("/stream/start")
                    .check(status().is(201), jsonPath("$.stream_id").saveAs("id")));
        }
        return exec(session -> session.set("id", prefix + "-" + UUID.randomUUID())).exec(startSessionStream());
    }

    /** Starts the stream whose id the session holds as {@code id}. */
    static ChainBuilder startSessionStream() {
        return exec(http("start").post("/stream/#{id}/start").check(status().is(201)));
    }

    /** Opens the stream's SSE reader; its events are checked by the steps below. */
    static ChainBuilder openReader() {
        return exec(sse("results").get("/stream/#{id}/results").header("Accept", "text/event-stream"));
    }

    /** One durable send; its seq is kept in the session as {@code seq}. */
    static ChainBuilder send() {
        return exec(http("send").post("/stream/#{id}/send").body(StringBody(CHUNK_BODY))
                .check(status().is(200), jsonPath("$.seq").saveAs("seq")));
    }

    static ChainBuilder end() {
        return exec(http("end").post("/stream/#{id}/end").check(status().is(200)));
    }

    /**
     * Reads the stream over SSE from its beginning, on a second connection, until the end event (which comes after
     * every result). The check is set when connecting, so no event can pass before it; on the live reader the end
     * often arrives before the step after the end request could set a check, and the gateway then closes it.
     */
    static ChainBuilder readToEnd() {
        return readToEnd(EVENT_TIMEOUT);
    }

    static ChainBuilder readToEnd(Duration timeout) {
        return exec(sse("replay").sseName("replay").get("/stream/#{id}/results").header("Accept", "text/event-stream")
                .await(timeout).on(sse.checkMessage("end event").matching(jsonPath("$.event").is("end"))));
    }
}
