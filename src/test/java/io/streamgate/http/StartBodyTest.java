package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.streamgate.stream.InvalidRequestException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StartBodyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldReadAProcessorAndItsOptions() {
        StartBody body = StartBody.of(json("{\"processor\":\"filter\",\"options\":{\"contains\":\"error\"}}"));

        assertThat(body).isEqualTo(new StartBody("filter", Map.of("contains", "error")));
    }

    @Test
    void shouldTakeAnEmptyObjectAsTheDefaultProcessor() {
        assertThat(StartBody.of(json("{}"))).isEqualTo(StartBody.NONE);
    }

    @Test
    void shouldRefuseAMemberItDoesNotKnowNamingIt() {
        assertThatThrownBy(() -> StartBody.of(json("{\"processr\":\"wordcount\"}")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("A start body takes only 'processor' and 'options', not 'processr'");
        assertThatThrownBy(() -> StartBody.of(json("{\"processor\":\"echo\",\"stream_id\":\"a\"}")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageEndingWith("not 'stream_id'");
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
