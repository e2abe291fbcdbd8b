package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

    @Test
    void shouldLearnTheStretchBeforeWhatItReadAndTellFromItsStartOn() {
        CopyIndex copies = new CopyIndex();
        copies.note(0, 1, 20, StreamCommand.chunk("t:job-1", "uppercase", "c", "key-c"));
        copies.note(0, 1, 21, CHUNK); // a retry's later copy
        assertThat(copies.knownFrom(0, 1, 22)).isEqualTo(20);

        copies.learn(0, 1, 22, new CopyIndex.Stretch(8, List.of(new CopyIndex.KeyedChunk(9, CHUNK),
                new CopyIndex.KeyedChunk(12, StreamCommand.chunk("t:job-2", "uppercase", "b", "key-b")))), 20);

        assertThat(copies.knownFrom(0, 1, 22)).isEqualTo(8);
        assertThat(copies.firstCopy(0, 1, CHUNK, 8, 22)).as("the learned copy first").isEqualTo(OptionalLong.of(9));
        assertThat(copies.firstCopy(0, 1, CHUNK, 10, 22)).as("from past it").isEqualTo(OptionalLong.of(21));
        assertThat(copies.firstCopy(0, 1, CHUNK, 7, 22)).as("from before the stretch").isEmpty();
        assertThat(copies.size()).isEqualTo(4);
    }

    @Test
    void shouldLearnAStretchOfAPartitionNotReadYetAndNoneThatDoesNotMeetWhatItRead() {
        CopyIndex copies = new CopyIndex(2);
        CopyIndex.Stretch stretch = new CopyIndex.Stretch(4, List.of(new CopyIndex.KeyedChunk(5, CHUNK)));
        copies.learn(1, 1, 10, stretch, 10); // partition 1 not read yet: its next record is at 10
        copies.learn(0, 1, 10, stretch, 7); // a stretch ending at 7, while partition 0 is known from 10
        assertThat(copies.firstCopy(1, 1, CHUNK, 4, 10)).isEqualTo(OptionalLong.of(5));
        assertThat(copies.firstCopy(0, 1, CHUNK, 4, 10)).isEmpty();

        copies.note(1, 1, 10, StreamCommand.chunk("t:job-1", "uppercase", "c", "key-c"));
        copies.note(1, 1, 11, StreamCommand.chunk("t:job-1", "uppercase", "d", "key-d"));
        assertThat(copies.firstCopy(1, 1, CHUNK, 4, 12)).as("past its bound the learned copies go first").isEmpty();
        assertThat(copies.knownFrom(1, 1, 12)).isEqualTo(6);
    }
}
