package io.streamgate.processing.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import io.streamgate.processing.ProcessingFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class StateLimitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LIMIT = 4_096;
    private final StateLimit limit = new StateLimit(JSON, () -> LIMIT);

    /** Plain text, text JSON escapes six bytes a character, and text of three bytes a character in UTF-8. */
    @ParameterizedTest
    @ValueSource(strings = {"a", "\u0001", "\u20AC"})
    void shouldTakeEveryStateUpToTheLimitAsStoredWhileAStepRunsAndRefuseAnyLarger(String character) {
        for (int length = 0; length < LIMIT; length++) {
            StoredStream stored = stored(Map.of("held", character.repeat(length)));
            int bytes = storedWhileAStepRuns(stored);
            if (bytes <= LIMIT) {
                assertThatCode(() -> limit.check(stored)).as("%d bytes", bytes).doesNotThrowAnyException();
            } else {
                assertThatThrownBy(() -> limit.check(stored)).isInstanceOf(ProcessingFailure.class)
                        .hasMessage("the stream's state would take %d bytes, more than the %d the state log takes",
                                bytes, LIMIT);
                return;
            }
        }
    }

    @Test
    void shouldCountWhatEachEntryTakesBesidesItsCharacters() {
        Map<String, String> state = new HashMap<>();
        for (char name = 'A'; storedWhileAStepRuns(stored(state)) <= LIMIT; name++) {
            state.put(String.valueOf(name), "");
        }

        assertThatThrownBy(() -> limit.check(stored(state))).isInstanceOf(ProcessingFailure.class);
    }

    private static StoredStream stored(Map<String, String> state) {
        return new StoredStream("start-1", "hoarder", Map.of("option", "value"), state, 41, null, 0, false);
    }

    /** The stored state's size with the widest progress it may carry, as it is stored while a step runs. */
    private static int storedWhileAStepRuns(StoredStream stored) {
        return JSON.writeValueAsBytes(stored.withProgress(new StoredStream.Progress("chunk", Long.MIN_VALUE,
                Integer.MIN_VALUE))).length;
    }
}
