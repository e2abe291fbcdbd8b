package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;

class RequestHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"text/event-stream", "application/json", "*/*", "text/*", "application/*",
            "application/xml, */*;q=0.1", "text/event-stream;q=0, application/json", "image/png, application/json;q=0.2"})
    void shouldAcceptResultsReadAsSseOrJson(String accept) {
        assertThat(RequestHeaders.acceptsResults(MediaType.parseMediaTypes(accept))).as(accept).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html, application/xml;q=0.9", "image/*",
            "text/event-stream;q=0, application/json;q=0, image/png", "*/*;q=0", "text/*;q=0, application/json;q=0, */*"})
    void shouldRefuseResultsToAnAcceptThatAdmitsNeither(String accept) {
        assertThat(RequestHeaders.acceptsResults(MediaType.parseMediaTypes(accept))).as(accept).isFalse();
    }

    @Test
    void shouldAcceptResultsWithoutAnAcceptHeader() {
        assertThat(RequestHeaders.acceptsResults(MediaType.parseMediaTypes(""))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json, text/event-stream;q=0.5", "application/json;q=0.9",
            "application/*", "text/event-stream;q=0, */*", "*/*;q=0.5, application/json"})
    void shouldReadResultsAsJsonOnlyWhenJsonIsPreferred(String accept) {
        assertThat(RequestHeaders.prefersJson(MediaType.parseMediaTypes(accept))).as(accept).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/*", "text/event-stream", "application/json, text/event-stream", "text/event-stream;q=0.5,"
            + " application/json;q=0.5", "text/*", "application/json;q=0.5, */*", "", "application/json;q=0, */*"})
    void shouldReadResultsAsSseOtherwise(String accept) {
        assertThat(RequestHeaders.prefersJson(MediaType.parseMediaTypes(accept))).as(accept).isFalse();
    }
}
