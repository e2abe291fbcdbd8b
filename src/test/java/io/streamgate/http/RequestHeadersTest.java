package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.http.RequestHeaders.ResultsForm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;

class RequestHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "*/*", "text/event-stream", "text/*", "application/json, text/event-stream",
            "text/event-stream;q=0.5, application/json;q=0.5", "application/json;q=0.5, */*",
            "application/json;q=0, */*", "application/xml, */*;q=0.1"})
    void shouldReadResultsAsSseWithoutAPreferenceForJson(String accept) {
        assertThat(form(accept)).as(accept).isEqualTo(ResultsForm.SSE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json, text/event-stream;q=0.5", "application/json;q=0.9",
            "application/*", "text/event-stream;q=0, */*", "*/*;q=0.5, application/json",
            "text/event-stream;q=0, application/json", "image/png, application/json;q=0.2"})
    void shouldReadResultsAsJsonWhenJsonRanksAboveSse(String accept) {
        assertThat(form(accept)).as(accept).isEqualTo(ResultsForm.JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html, application/xml;q=0.9", "image/*",
            "text/event-stream;q=0, application/json;q=0, image/png", "*/*;q=0",
            "text/*;q=0, application/json;q=0, */*"})
    void shouldReadResultsAsNeitherWhenTheAcceptRanksBothZero(String accept) {
        assertThat(form(accept)).as(accept).isEqualTo(ResultsForm.NEITHER);
    }

    private static ResultsForm form(String accept) {
        return RequestHeaders.resultsForm(MediaType.parseMediaTypes(accept));
    }
}
