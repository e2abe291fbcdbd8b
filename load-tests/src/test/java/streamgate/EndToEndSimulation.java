package streamgate;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * 1,000 concurrent streams, 100,000 chunks in all: each stream's user sends its chunks one after another and waits
 * for each result on the stream's own SSE reader. Reports chunks/s and send-to-delivered latency (the
 * "send-to-delivered" group: from the send to its result arriving).
 *
 * <p>{@code -Dstreams=1000 -DchunksPerStream=100}; {@code -Drate=10000} paces the users to that many chunks/s in all
 * (0, the default: as fast as they go); {@code -Dp99Millis=50} is the gate on the group's p99 when a rate is set.
 */
public class EndToEndSimulation extends Simulation {

    private static final int STREAMS = LoadSettings.intProperty("streams", 1000);
    private static final int CHUNKS_PER_STREAM = LoadSettings.intProperty("chunksPerStream", 100);
    private static final int RATE = LoadSettings.intProperty("rate", 0);
    private static final int P99_MILLIS = LoadSettings.intProperty("p99Millis", 50);

    private final ScenarioBuilder streams = scenario("end to end")
            .exec(StreamSteps.start("e2e"))
            .exec(StreamSteps.openReader())
            .exec(repeat(CHUNKS_PER_STREAM).on(RATE > 0
                    ? pace(Duration.ofNanos(1_000_000_000L * STREAMS / RATE)).exec(StreamSteps.sendAndAwaitResult())
                    : StreamSteps.sendAndAwaitResult()))
            .exec(StreamSteps.end())
            .exec(StreamSteps.readToEnd());

    {
        var setUp = setUp(streams.injectOpen(atOnceUsers(STREAMS))).protocols(LoadSettings.protocol());
        if (RATE > 0) {
            setUp.assertions(global().failedRequests().count().is(0L),
                    details("send-to-delivered").responseTime().percentile(99.0).lt(P99_MILLIS));
        } else {
            setUp.assertions(global().failedRequests().count().is(0L));
        }
    }
}
