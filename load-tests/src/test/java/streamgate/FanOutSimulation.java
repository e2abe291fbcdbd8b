package streamgate;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.sse;

import java.time.Duration;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * 10,000 SSE readers on one gateway while results flow: {@code streams} streams with {@code readers / streams}
 * readers each. The readers connect first, stay through the run and must each get the end event, which follows every
 * result; each stream's publisher sends a durable chunk every {@code paceMillis} meanwhile. The gate: no failed
 * request, no reader without its end event. Delivery latency to many readers is measured exactly by
 * {@code latency.sh -DreadersPerStream=10} instead (up to ~1,000 readers): Gatling's SSE checks lose events that
 * arrive before the check is set, which made about 1 % of results here time out. The gateway's heap per reader is
 * measured outside (jcmd). The default pace, a chunk per stream per second, is 10,000 events/s to readers: what
 * the gateway writes with Gatling beside it on 2 shared cores. At 100 ms (100,000 events/s) it does not keep up
 * there; the publishers fall behind and the readers' deadline passes (BENCHMARKS.md).
 *
 * <p>{@code -Dreaders=10000 -Dstreams=100 -DrampSeconds=60 -DpublishSeconds=60 -DpaceMillis=1000}
 */
public class FanOutSimulation extends Simulation {

    private static final int READERS = LoadSettings.intProperty("readers", 10_000);
    private static final int STREAMS = LoadSettings.intProperty("streams", 100);
    private static final Duration RAMP = LoadSettings.seconds("rampSeconds", 60);
    private static final Duration PUBLISH = LoadSettings.seconds("publishSeconds", 60);
    private static final int PACE_MILLIS = LoadSettings.intProperty("paceMillis", 1000);
    /** Streams are started first; readers then connect over the ramp; publishing starts once they all are. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private final ScenarioBuilder publishers = scenario("publisher")
            .exec(session -> session.set("id", streamId(session.userId())))
            .exec(StreamSteps.startSessionStream())
            .pause(RAMP.plus(SETTLE))
            .exec(repeat((int) (PUBLISH.toMillis() / PACE_MILLIS)).on(
                    pace(Duration.ofMillis(PACE_MILLIS)).exec(StreamSteps.send())))
            .exec(StreamSteps.end());

    /** Connects and waits for the end event, checked from the moment it connects, so it cannot miss it. */
    private final ScenarioBuilder readers = scenario("reader")
            .exec(session -> session.set("id", streamId(session.userId())))
            .exec(sse("results").get("/stream/#{id}/results").header("Accept", "text/event-stream")
                    .await(RAMP.plus(SETTLE).plus(PUBLISH).plus(Duration.ofSeconds(60)))
                    .on(sse.checkMessage("end event").matching(jsonPath("$.event").is("end"))));

    {
        setUp(publishers.injectOpen(atOnceUsers(STREAMS)),
                readers.injectOpen(nothingFor(SETTLE), rampUsers(READERS).during(RAMP)))
                .protocols(LoadSettings.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }

    /** Users are numbered from 1 across both scenarios; readers spread evenly over the streams. */
    private static String streamId(long userId) {
        return "fan-" + RUN + "-" + (userId % STREAMS);
    }

    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
}
