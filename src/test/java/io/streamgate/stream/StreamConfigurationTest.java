package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.processing.engine.StreamResult;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What each role's registry keeps of the streams it reads from the results log. */
class StreamConfigurationTest {

    private static final StreamKey KEY = StreamKey.parse("tenant:stream-1");
    private static final int RESULTS = 3;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC);
    private final StreamgateProperties.Stream defaults = new StreamgateProperties.Stream(Duration.ofMinutes(5),
            Duration.ofSeconds(15), DataSize.ofMegabytes(1), 10_000, DataSize.ofMegabytes(4),
            DataSize.ofMegabytes(256), DataSize.ofMegabytes(128), Duration.ofHours(1), DataSize.ofMegabytes(256),
            "uppercase", 1000, DataSize.ofMegabytes(4));

    @Test
    void shouldKeepAGatewaysHistoriesAndEndedStreams() {
        StreamRegistry registry = StreamConfiguration.registryFor(Set.of(Role.GATEWAY, Role.PROCESSOR), defaults,
                clock);

        readAStream(registry);

        assertThat(held(registry)).as("results the open stream holds").isEqualTo(RESULTS);
        registry.apply(result(StreamResult.Kind.ENDED, RESULTS + 1, "{}"), RESULTS + 1, clock.millis());
        assertThat(registry.find(KEY)).as("the ended stream, readable for its retention").isPresent();
    }

    @Test
    void shouldKeepNoResultsTextOfAnOpenStreamAndForgetAnEndedOneOnAProcessorOnlyInstance() {
        StreamRegistry registry = StreamConfiguration.registryFor(Set.of(Role.PROCESSOR), defaults, clock);

        readAStream(registry);

        ResultLog log = registry.find(KEY).orElseThrow().log();
        assertThat(held(registry)).as("results the open stream holds, with no reader to serve").isEqualTo(1);
        assertThat(log.lastId()).as("the newest result's id").isEqualTo(RESULTS);
        assertThat(log.at(log.start()).json()).as("its text").isEqualTo("{}");
        assertThat(registry.find(KEY).map(StreamSession::lastActivityMillis)).as("when it was last active")
                .contains(clock.millis());
        registry.apply(result(StreamResult.Kind.ENDED, RESULTS + 1, "{}"), RESULTS + 1, clock.millis());
        assertThat(registry.find(KEY)).as("the ended stream, which no reader will ask for").isEmpty();
    }

    private void readAStream(StreamRegistry registry) {
        registry.apply(result(StreamResult.Kind.STARTED, 0, "{\"processor\":\"uppercase\"}"), 0, clock.millis());
        for (int seq = 1; seq <= RESULTS; seq++) {
            registry.apply(result(StreamResult.Kind.RESULT, seq, "{\"data\":\"chunk " + seq + "\"}"), seq,
                    clock.millis());
        }
    }

    private static long held(StreamRegistry registry) {
        ResultLog log = registry.find(KEY).orElseThrow().log();
        return log.end() - log.start();
    }

    private static StreamResult result(StreamResult.Kind kind, long seq, String json) {
        return new StreamResult(kind, KEY.toString(), seq, json, "uppercase",
                kind == StreamResult.Kind.ENDED ? "client" : null, null, "start-1", null);
    }
}
