package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.processing.engine.StreamCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Open streams' remembered Idempotency-Keys share one budget: each keeps its newest keys within an equal share. */
class IdempotencyBudgetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Room for four remembered keys in all. */
    private final StreamFixture streams = new StreamFixture(100, StreamFixture.roomyLimits(), Long.MAX_VALUE,
            4L * IdempotencyKeys.HELD_BYTES_PER_KEY);
    private final StreamExpiry expiry = new StreamExpiry(streams.registry, streams.service, Duration.ofMinutes(5),
            Duration.ofHours(1), Long.MAX_VALUE, streams.clock, key -> true);

    @Test
    void shouldTrimAQuietStreamsKeysToItsShareOnceAnotherOpensAndStoreAForgottenKeysRetryAgain() {
        StreamKey quiet = streams.started("quiet");
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seqs.add(send(quiet, "chunk " + i, "key-" + i));
        }
        assertThat(streams.session(quiet).idempotencyKeys().size()).as("the whole budget").isEqualTo(4);
        assertThat(streams.registry.idempotencyKeysShare()).isEqualTo(4);

        streams.started("second");
        assertThat(streams.registry.idempotencyKeysShare()).as("what the share's gauge reads").isEqualTo(2);
        expiry.sweep().block(TIMEOUT);

        assertThat(streams.session(quiet).idempotencyKeys().size()).as("half the budget").isEqualTo(2);
        assertThat(send(quiet, "chunk 3", "key-3")).as("a remembered key's retry").isEqualTo(seqs.get(3));
        assertThat(send(quiet, "chunk 0", "key-0")).as("a forgotten key's retry, stored again")
                .isNotIn(seqs);
        assertThat(streams.log.appended).filteredOn(command -> command.kind() == StreamCommand.Kind.CHUNK)
                .extracting(StreamCommand::data)
                .containsExactly("chunk 0", "chunk 1", "chunk 2", "chunk 3", "chunk 0");
    }

    private long send(StreamKey key, String data, String idempotencyKey) {
        return streams.service.send(streams.session(key), data, idempotencyKey).block(TIMEOUT);
    }
}
