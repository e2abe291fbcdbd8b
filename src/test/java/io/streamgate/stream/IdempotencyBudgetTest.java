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
    private final StreamExpiry expiry = new StreamExpiry(streams.registry, streams.service, streams.visibility,
            Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, key -> true);

    @Test
    void shouldTrimAQuietStreamsKeysToItsShareOnceAnotherRemembersKeysAndStoreAForgottenKeysRetryAgain() {
        StreamKey quiet = streams.started("quiet");
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seqs.add(send(quiet, "chunk " + i, "key-" + i));
        }
        assertThat(streams.session(quiet).idempotencyKeys().size()).as("the whole budget").isEqualTo(4);
        assertThat(streams.registry.idempotencyKeysShare()).isEqualTo(4);

        StreamKey second = streams.started("second");
        send(second, "other", "other-key");
        assertThat(streams.registry.idempotencyKeysShare()).as("what the share's gauge reads").isEqualTo(2);
        expiry.sweep().block(TIMEOUT);

        assertThat(streams.session(quiet).idempotencyKeys().size()).as("half the budget").isEqualTo(2);
        assertThat(send(quiet, "chunk 3", "key-3")).as("a remembered key's retry").isEqualTo(seqs.get(3));
        assertThat(send(quiet, "chunk 0", "key-0")).as("a forgotten key's retry, stored again")
                .isNotIn(seqs);
        assertThat(streams.log.appended).filteredOn(command -> command.kind() == StreamCommand.Kind.CHUNK)
                .extracting(StreamCommand::data)
                .containsExactly("chunk 0", "chunk 1", "chunk 2", "chunk 3", "other", "chunk 0");
    }

    @Test
    void shouldLeaveTheWholeBudgetToTheStreamsThatRememberKeys() {
        StreamKey keyed = streams.started("keyed");
        for (int i = 0; i < 4; i++) {
            send(keyed, "chunk " + i, "key-" + i);
        }

        StreamKey unkeyed = streams.started("unkeyed");
        streams.service.send(unkeyed, "no key").block(TIMEOUT);
        expiry.sweep().block(TIMEOUT);

        assertThat(streams.registry.idempotencyKeysShare()).as("a stream sending no keys takes no share")
                .isEqualTo(4);
        assertThat(streams.session(keyed).idempotencyKeys().size()).isEqualTo(4);
    }

    @Test
    void shouldGiveAnEndedStreamsShareBack() {
        StreamKey first = streams.started("first");
        StreamKey second = streams.started("second");
        send(first, "chunk", "first-key");
        send(second, "chunk", "second-key");
        assertThat(streams.registry.idempotencyKeysShare()).isEqualTo(2);

        streams.service.end(second, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);

        assertThat(streams.registry.idempotencyKeysShare()).as("the one stream with keys left open").isEqualTo(4);
    }

    @Test
    void shouldShareTheBudgetAmongTheSameStreamsOnceRestarted() {
        StreamKey open = streams.started("open");
        StreamKey ended = streams.started("ended");
        StreamKey unkeyed = streams.started("unkeyed");
        send(open, "chunk", "open-key");
        send(ended, "chunk", "ended-key");
        streams.service.send(unkeyed, "no key").block(TIMEOUT);
        streams.service.end(ended, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);

        StreamRegistry restarted = streams.replayedRegistry(4L * IdempotencyKeys.HELD_BYTES_PER_KEY);

        assertThat(restarted.idempotencyKeysShare()).as("one open stream remembers keys, here as before the restart")
                .isEqualTo(streams.registry.idempotencyKeysShare()).isEqualTo(4);
    }

    private long send(StreamKey key, String data, String idempotencyKey) {
        return streams.service.send(streams.session(key), data, idempotencyKey).block(TIMEOUT);
    }
}
