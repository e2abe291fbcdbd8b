package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.streamgate.config.TenantShare;
import io.streamgate.processing.engine.StreamCommand;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class BoundedCommandLogTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final StreamFixture streams = new StreamFixture();
    private final BoundedCommandLog bounded = new BoundedCommandLog(streams.log, 2, TenantShare.fixed(2),
            Long.MAX_VALUE);

    @Test
    void shouldRefuseAtOnceWhatWouldExceedTheBoundAndWriteNothingOfIt() {
        StreamKey id = streams.started("job-1");
        streams.log.holdChunks();
        Mono<Long> first = bounded.append(chunk(id, "first")).cache();
        Mono<Long> second = bounded.append(chunk(id, "second")).cache();
        first.subscribe();
        second.subscribe();
        assertThat(bounded.inFlight()).isEqualTo(2);

        StepVerifier.create(bounded.append(chunk(id, "third")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CommandLogBusyException.class)
                        .hasMessageContaining("2 commands are already waiting")
                        .extracting(busy -> ((CommandLogBusyException) busy).limit()).isEqualTo("max-sends-in-flight"))
                .verify(TIMEOUT);

        streams.log.releaseChunks();
        first.block(TIMEOUT);
        second.block(TIMEOUT);
        assertThat(bounded.inFlight()).isZero();
        StepVerifier.create(bounded.append(chunk(id, "fourth"))).expectNextCount(1).expectComplete().verify(TIMEOUT);
        assertThat(streams.log.appended).extracting(StreamCommand::kind).containsExactly(StreamCommand.Kind.START,
                StreamCommand.Kind.CHUNK, StreamCommand.Kind.CHUNK, StreamCommand.Kind.CHUNK);
    }

    @Test
    void shouldTellWhetherThereIsRoomWithoutTakingAny() {
        StreamKey id = streams.started("job-4");
        bounded.requireRoom("");
        assertThat(bounded.inFlight()).as("asking takes nothing").isZero();
        streams.log.holdChunks();
        Mono<Long> first = bounded.append(chunk(id, "first")).cache();
        Mono<Long> second = bounded.append(chunk(id, "second")).cache();
        first.subscribe();
        second.subscribe();

        assertThatThrownBy(() -> bounded.requireRoom("")).isInstanceOf(CommandLogBusyException.class)
                .hasMessageContaining("2 commands are already waiting");

        streams.log.releaseChunks();
        first.block(TIMEOUT);
        second.block(TIMEOUT);
        bounded.requireRoom("");
    }

    @Test
    void shouldFreeTheSlotOfAFailedAppend() {
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));
        for (int attempt = 0; attempt < 3; attempt++) {
            StepVerifier.create(bounded.append(StreamCommand.end("job-2", "client")))
                    .expectErrorMessage("broker down").verify(TIMEOUT);
        }
        assertThat(bounded.inFlight()).isZero();
    }

    @Test
    void shouldGiveTheSlotBackBeforeTheAnswerReachesTheClient() {
        StreamKey id = streams.started("job-3");
        List<Integer> inFlightWhenAnswered = new ArrayList<>();

        bounded.append(chunk(id, "single")).doOnNext(seq -> inFlightWhenAnswered.add(bounded.inFlight()))
                .block(TIMEOUT);
        bounded.appendAll(List.of(chunk(id, "a"), chunk(id, "b"))).collectList()
                .doOnNext(seqs -> inFlightWhenAnswered.add(bounded.inFlight())).block(TIMEOUT);
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));
        bounded.append(chunk(id, "failing")).doOnError(e -> inFlightWhenAnswered.add(bounded.inFlight()))
                .onErrorResume(e -> Mono.empty()).block(TIMEOUT);

        assertThat(inFlightWhenAnswered).as("in flight as each answer went on: a single send, a batch, a failure")
                .containsExactly(0, 0, 0);
    }

    @Test
    void shouldRefuseWhatWouldExceedTheBytesWaitingAndGiveThemBackWhenAnswered() {
        StreamKey id = streams.started("job-5");
        BoundedCommandLog bySize = new BoundedCommandLog(streams.log, 100, TenantShare.fixed(100), 10);
        streams.log.holdChunks();
        Mono<Long> six = bySize.append(chunk(id, "x".repeat(6))).cache();
        six.subscribe();
        assertThat(bySize.bytesInFlight()).isEqualTo(6);

        StepVerifier.create(bySize.append(chunk(id, "y".repeat(5))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CommandLogBusyException.class)
                        .hasMessage("Chunks of 0 KB are already waiting for Kafka; nothing was stored. Retry shortly.")
                        .extracting(busy -> ((CommandLogBusyException) busy).limit()).isEqualTo("max-bytes-in-flight"))
                .verify(TIMEOUT);
        StepVerifier.create(bySize.appendAll(List.of(chunk(id, "ab"), chunk(id, "cde"))).collectList())
                .as("a batch over what is left, refused whole").expectError(CommandLogBusyException.class)
                .verify(TIMEOUT);
        Mono<Long> four = bySize.append(chunk(id, "z".repeat(4))).cache();
        four.subscribe();
        assertThat(bySize.bytesInFlight()).as("up to the bound exactly").isEqualTo(10);
        assertThatThrownBy(() -> bySize.requireRoom("")).isInstanceOf(CommandLogBusyException.class);

        streams.log.releaseChunks();
        six.block(TIMEOUT);
        four.block(TIMEOUT);
        assertThat(bySize.bytesInFlight()).isZero();
        assertThat(bySize.inFlight()).isZero();
        streams.log.holdChunks();
        Mono<Long> alone = bySize.append(chunk(id, "w".repeat(50))).cache();
        alone.subscribe();
        assertThat(bySize.bytesInFlight()).as("larger than the bound, alone: admitted").isEqualTo(50);
        assertThat(bySize.append(StreamCommand.end(id.value(), "client")).block(TIMEOUT))
                .as("an end has no chunk: not refused by size").isNotNull();
        streams.log.releaseChunks();
        alone.block(TIMEOUT);
        assertThat(streams.log.appended).filteredOn(command -> command.kind() == StreamCommand.Kind.CHUNK)
                .extracting(StreamCommand::data).containsExactly("x".repeat(6), "z".repeat(4), "w".repeat(50));
    }

    @Test
    void shouldHoldEachTenantToHalfOfWhatTheOthersLeaveWith429() {
        BoundedCommandLog shared = new BoundedCommandLog(streams.log, 8, TenantShare.halfOfWhatOthersLeave(8),
                Long.MAX_VALUE);
        StreamKey a = streams.started("a", "job-a");
        StreamKey b = streams.started("b", "job-b");
        streams.log.holdChunks();
        List<Mono<Long>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(shared.append(chunk(a, "a" + i)).cache());
        }
        held.forEach(Mono::subscribe);

        StepVerifier.create(shared.append(chunk(a, "past")))
                .expectErrorSatisfies(e -> assertThat(e).as("alone, half of the node")
                        .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                            assertThat(refused.limit()).isEqualTo("max-sends-in-flight-per-tenant");
                            assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                        })
                        .hasMessage("Your 4 commands are already waiting for Kafka on this node; nothing was stored."
                                + " Retry shortly."))
                .verify(TIMEOUT);
        assertThatThrownBy(() -> shared.requireRoom("a")).as("asked before a body is read")
                .isInstanceOf(LimitExceededException.class);
        shared.requireRoom("b");
        Mono<List<Long>> two = shared.appendAll(List.of(chunk(b, "b0"), chunk(b, "b1"))).collectList().cache();
        two.subscribe();
        StepVerifier.create(shared.append(chunk(b, "b2"))).as("past half of the 4 that a leaves")
                .expectError(LimitExceededException.class).verify(TIMEOUT);
        assertThat(shared.inFlight()).as("nothing of the refused counted; two places left free").isEqualTo(6);
        assertThatThrownBy(() -> shared.requireRoom("b")).isInstanceOf(LimitExceededException.class);

        streams.log.releaseChunks();
        held.forEach(chunk -> chunk.block(TIMEOUT));
        two.block(TIMEOUT);
        assertThat(shared.inFlight()).isZero();
        shared.requireRoom("a");
        shared.requireRoom("b");
    }

    private static StreamCommand chunk(StreamKey id, String data) {
        return StreamCommand.chunk(id.value(), "uppercase", data, null);
    }
}
