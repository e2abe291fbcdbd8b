package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ApiResponsesTest {

    @Test
    void shouldCountABatchsChunksInItsMessageOneOrMany() {
        assertThat(new ApiResponses.SentBatch("job-1", List.of(7L)).message())
                .isEqualTo("1 chunk sent to stream job-1!");
        assertThat(new ApiResponses.SentBatch("job-1", List.of(7L, 9L)).message()).isEqualTo("2 chunks sent to stream job-1!");
    }
}
