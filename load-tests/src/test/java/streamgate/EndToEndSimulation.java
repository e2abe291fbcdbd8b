package streamgate;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * 1,000 concurrent streams, 100,000 chunks in all: each stream's user connects the stream's live SSE reader, sends
 * its chunks one after another (each answered once durable), ends the stream and reads it over SSE to its end event,
 * which comes after every result: the "drain" group is the time from the end request until every result of the
 * stream was readable. Gate: not one failed request.
 *
 * <p>Send-to-delivered latency per chunk is measured exactly by {@code load-tests/latency.sh} instead: Gatling's SSE
 * checks lose events that arrive before the check is set, and a check per result lost about 1 % of them here.
 *
 * <p>{@code -Dstreams=1000 -DchunksPerStream=100}; {@code -Drate=10000} paces the users to that many chunks/s in all
 * (0, the default: as fast as they go).
 */
public class EndToEndSimulation extends Simulation {

    private static final int STREAMS = LoadSettings.intProperty("streams", 1000);
    private static final int CHUNKS_PER_STREAM = LoadSettings.intProperty("chunksPerStream", 100);
    private static final int RATE = LoadSettings.intProperty("rate", 0);

    private final ScenarioBuilder streams = scenario("end to end")
            .exec(StreamSteps.start("e2e"))
            .exec(StreamSteps.openReader())
            .exec(repeat(CHUNKS_PER_STREAM).on(RATE > 0
                    ? pace(Duration.ofNanos(1_000_000_000L * STREAMS / RATE)).exec(StreamSteps.send())
                    : StreamSteps.send()))
            .exec(group("drain").on(StreamSteps.end().exec(StreamSteps.readToEnd())));

    {
        setUp(streams.injectOpen(atOnceUsers(STREAMS))).protocols(LoadSettings.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }
}
