package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Open streams share one history budget: each keeps at most an equal share of it, which shrinks as streams open. */
class HistoryBudgetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String CHUNK = "x".repeat(1000);

    /** Room for three results of {@link #CHUNK} (each a little over 1,000 bytes of JSON and 88 of heap), not four. */
    private final StreamFixture streams = new StreamFixture(100, StreamFixture.roomyLimits(), 3_500);
    private final StreamExpiry expiry = new StreamExpiry(streams.registry, streams.service, streams.visibility,
            Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, key -> true);

    @Test
    void shouldGiveTheOnlyOpenStreamTheWholeBudget() {
        StreamKey only = streams.started("only");

        sendChunks(only, 5);

        assertThat(heldResults(only)).as("results held of 5 sent").isEqualTo(3);
        assertThat(streams.session(only).log().heldBytes()).isLessThanOrEqualTo(3_500);
    }

    @Test
    void shouldCountWhatHoldingEachResultCostsNotOnlyItsText() {
        StreamKey only = streams.started("only");

        sendChunks(only, "x", 100);

        ResultLog log = streams.session(only).log();
        int resultText = log.snapshot().get(0).bytes();
        assertThat(100L * resultText).as("the text of 100 results").isLessThan(3_500);
        assertThat(heldResults(only)).as("results held of 100 sent").isLessThan(100);
        assertThat(log.heldBytes()).as("heap held: within the budget, and one result more would not fit")
                .isBetween(3_500L - resultText - ResultLog.HELD_BYTES_PER_EVENT, 3_500L);
    }

    @Test
    void shouldTrimAQuietStreamToItsShareOnceOthersOpen() {
        StreamKey quiet = streams.started("quiet");
        sendChunks(quiet, 3);
        streams.started("second");
        streams.started("third");

        expiry.sweep().block(TIMEOUT);

        assertThat(heldResults(quiet)).as("a third of the budget: its newest result only").isEqualTo(1);
    }

    @Test
    void shouldGiveTheShareBackWhenStreamsEnd() {
        StreamKey busy = streams.started("busy");
        StreamKey other = streams.started("other");
        sendChunks(busy, 3);
        assertThat(heldResults(busy)).as("half the budget").isEqualTo(1);

        streams.service.end(other, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        sendChunks(busy, 3);

        assertThat(heldResults(busy)).as("the whole budget again").isEqualTo(3);
    }

    private void sendChunks(StreamKey key, int count) {
        sendChunks(key, CHUNK, count);
    }

    private void sendChunks(StreamKey key, String chunk, int count) {
        for (int i = 0; i < count; i++) {
            streams.service.send(key, chunk).block(TIMEOUT);
        }
    }

    private long heldResults(StreamKey key) {
        return streams.session(key).log().snapshot().stream()
                .filter(event -> event.kind() == ResultEvent.Kind.RESULT)
                .count();
    }
}
