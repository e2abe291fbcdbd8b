package streamgate;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The seeds' table shape: 100, 200, ..., 800 concurrent users, each starting a stream, connecting its live SSE
 * reader, sending chunks, ending it and reading it over SSE to its end event, again and again. Gate: not one failed
 * request at any step.
 *
 * <p>{@code -DmaxUsers=800 -Dstep=100 -DstepSeconds=30 -Dchunks=20}
 */
public class ConnectionsSimulation extends Simulation {

    private static final int MAX_USERS = LoadSettings.intProperty("maxUsers", 800);
    private static final int STEP = LoadSettings.intProperty("step", 100);
    private static final Duration STEP_DURATION = LoadSettings.seconds("stepSeconds", 30);
    private static final int CHUNKS = LoadSettings.intProperty("chunks", 20);

    private final ScenarioBuilder streams = scenario("stream lifecycle")
            .exec(StreamSteps.start("cx"))
            .exec(StreamSteps.openReader())
            .exec(repeat(CHUNKS).on(StreamSteps.send()))
            .exec(StreamSteps.end())
            .exec(StreamSteps.readToEnd());

    {
        setUp(streams.injectClosed(steps())).protocols(LoadSettings.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }

    private static ClosedInjectionStep[] steps() {
        List<ClosedInjectionStep> steps = new ArrayList<>();
        for (int users = STEP, previous = 0; users <= MAX_USERS; previous = users, users += STEP) {
            steps.add(rampConcurrentUsers(previous).to(users).during(Duration.ofSeconds(5)));
            steps.add(constantConcurrentUsers(users).during(STEP_DURATION));
        }
        return steps.toArray(ClosedInjectionStep[]::new);
    }
}
