package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import io.streamgate.processing.engine.StreamCommand;
import org.junit.jupiter.api.Test;

class CopyIndexTest {

    private static final StreamCommand CHUNK = StreamCommand.chunk("t:job-1", "uppercase", "once", "key-1 digest");

    @Test
    void shouldFindTheFirstCopyFromTheLowerBoundUpToTheRetry() {
        CopyIndex copies = new CopyIndex();
        copies.note(0, 1, 10, StreamCommand.chunk("t:job-2", "uppercase", "once", "key-1 digest"));
        copies.note(0, 1, 11, StreamCommand.chunk("t:job-1", "uppercase", "other", "key-2 digest"));
        copies.note(0, 1, 12, CHUNK);
        copies.note(0, 1, 13, StreamCommand.end("t:job-1", "client"));
        copies.note(0, 1, 14, CHUNK);

        assertThat(copies.firstCopy(0, 1, CHUNK, 10, 15)).isEqualTo(OptionalLong.of(12));
        assertThat(copies.firstCopy(0, 1, CHUNK, 13, 15)).as("from past the first copy").isEqualTo(OptionalLong.of(14));
        assertThat(copies.firstCopy(0, 1, CHUNK, 10, 12)).as("none before the retry").isEqualTo(OptionalLong.of(12));
    }

    @Test
    void shouldNotTellCopiesItDidNotRead() {
        CopyIndex copies = new CopyIndex();
        copies.note(0, 1, 10, CHUNK);
        copies.note(1, 1, 3, CHUNK);

        assertThat(copies.firstCopy(0, 1, CHUNK, 9, 20)).as("from before its first record").isEmpty();
        assertThat(copies.firstCopy(0, 2, CHUNK, 10, 20)).as("another assignment of the partition").isEmpty();
        assertThat(copies.firstCopy(2, 1, CHUNK, 0, 20)).as("a partition it did not read").isEmpty();
        assertThat(copies.firstCopy(1, 1, CHUNK, 3, 20)).isEqualTo(OptionalLong.of(3));
    }

    @Test
    void shouldStartAPartitionOverWithItsNewAssignment() {
        CopyIndex copies = new CopyIndex();
        copies.note(0, 1, 10, CHUNK);
        copies.note(0, 2, 5, null);

        assertThat(copies.firstCopy(0, 2, CHUNK, 5, 20)).as("the earlier assignment's copy is not this one's")
                .isEqualTo(OptionalLong.of(20));
        assertThat(copies.firstCopy(0, 1, CHUNK, 10, 20)).isEmpty();
    }

    @Test
    void shouldForgetTheOldestCopiesPastItsBoundAndTellOnlyWhatItStillKnows() {
        CopyIndex copies = new CopyIndex(2);
        copies.note(0, 1, 10, CHUNK);
        copies.note(0, 1, 11, StreamCommand.chunk("t:job-1", "uppercase", "b", "key-b"));
        copies.note(0, 1, 12, StreamCommand.chunk("t:job-1", "uppercase", "c", "key-c"));

        assertThat(copies.size()).isEqualTo(2);
        assertThat(copies.firstCopy(0, 1, CHUNK, 10, 20)).as("from the forgotten copy on").isEmpty();
        assertThat(copies.firstCopy(0, 1, CHUNK, 11, 20)).as("past it").isEqualTo(OptionalLong.of(20));
    }
}
