package io.streamgate.processing.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.streamgate.processing.ProcessingFailure;
import org.junit.jupiter.api.Test;

class StateRoomTest {

    private final StateRoom room = new StateRoom(1_000);

    @Test
    void shouldCountTwoBytesACharacterAndAnEntrysObjects() {
        assertThat(StateRoom.bytesOf(null)).as("a stream not yet stored").isZero();
        assertThat(StateRoom.bytesOf(stored(Map.of()))).isZero();
        assertThat(StateRoom.bytesOf(stored(Map.of("held", "x".repeat(100), "n", "7"))))
                .isEqualTo(128 + 2 * 104 + 128 + 2 * 2);
    }

    @Test
    void shouldRefuseOnlyGrowthPastTheBound() {
        room.changed(0, 900);

        assertThatCode(() -> room.check(50, 150)).as("to the bound").doesNotThrowAnyException();
        assertThatThrownBy(() -> room.check(50, 151)).isInstanceOf(ProcessingFailure.class)
                .hasMessage("the stream's state would take the processor's streams' states to 1001 bytes, more than"
                        + " the 1000 they may take (max-state-bytes)");
        assertThatCode(() -> room.check(500, 400)).as("a state that shrinks").doesNotThrowAnyException();
    }

    /** A restore or a takeover may leave more than the bound; a state that does not grow still fits then. */
    @Test
    void shouldLetAStateThatDoesNotGrowThroughPastTheBound() {
        room.changed(0, 1_500);

        assertThatCode(() -> room.check(300, 300)).doesNotThrowAnyException();
        assertThatThrownBy(() -> room.check(300, 301)).isInstanceOf(ProcessingFailure.class);
    }

    @Test
    void shouldHoldWhatIsCountedInPlaceOfWhatWas() {
        room.changed(0, 600);
        room.changed(600, 200);
        room.changed(0, 300);

        assertThat(room.held()).isEqualTo(500);
        room.changed(500, 0);
        assertThat(room.held()).isZero();
    }

    private static StoredStream stored(Map<String, String> state) {
        return new StoredStream("s", "hoard", Map.of(), state, 0, null, 0, false);
    }
}
