package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class StreamKeyTest {

    @Test
    void shouldReadTheTenantOfAKafkaKeyAsParsingItWould() {
        for (StreamKey key : List.of(new StreamKey("", new StreamId("job-1")), new StreamKey("t.1", new StreamId("a")))) {
            assertThat(StreamKey.tenantOf(key.value())).as(key.value()).isEqualTo(key.tenant())
                    .isEqualTo(StreamKey.parse(key.value()).tenant());
        }
    }
}
