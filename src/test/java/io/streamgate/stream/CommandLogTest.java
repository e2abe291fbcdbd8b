package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;

import io.streamgate.processing.engine.StreamCommand;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** What {@link CommandLog#appendAll}'s default tells of a batch the log took in part, or not at all. */
class CommandLogTest {

    private static final CommandLogUnavailableException UNAVAILABLE =
            new CommandLogUnavailableException("no broker", null);

    /** Takes every command but those whose data is {@code refused}, numbering those it takes from 10. */
    private static final class RefusingLog implements CommandLog {

        final List<String> stored = new ArrayList<>();

        @Override
        public Mono<Long> append(StreamCommand command) {
            if (command.data().equals("refused")) {
                return Mono.error(UNAVAILABLE);
            }
            stored.add(command.data());
            return Mono.just(10L + stored.size() - 1);
        }

        @Override
        public Mono<Long> appendAnnounced(StreamCommand start) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Long> appendRetry(StreamCommand chunk, long since) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void shouldSayWhichCommandsWereStoredWhenOneAfterTheFirstFails() {
        RefusingLog log = new RefusingLog();

        PartlyStoredException partly = catchThrowableOfType(PartlyStoredException.class,
                () -> log.appendAll(chunks("a", "b", "refused", "d")).collectList().block());

        assertThat(partly.positions()).as("stored up to the failure, which stops the default")
                .containsExactly(10L, 11L, null, null);
        assertThat(partly.storedCount()).isEqualTo(2);
        assertThat(partly.failure()).isSameAs(UNAVAILABLE);
        assertThat(log.stored).containsExactly("a", "b");
    }

    @Test
    void shouldFailAsTheLogDidWhenTheFirstFails() {
        CommandLogUnavailableException failure = catchThrowableOfType(CommandLogUnavailableException.class,
                () -> new RefusingLog().appendAll(chunks("refused", "b")).collectList().block());

        assertThat(failure).as("nothing stored: the log's own failure").isSameAs(UNAVAILABLE);
    }

    @Test
    void shouldAnswerEveryPositionWhenAllAreStored() {
        assertThat(new RefusingLog().appendAll(chunks("a", "b")).collectList().block()).containsExactly(10L, 11L);
    }

    private static List<StreamCommand> chunks(String... data) {
        return List.of(data).stream().map(chunk -> StreamCommand.chunk("s", "uppercase", chunk, null)).toList();
    }
}
