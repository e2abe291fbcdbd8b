package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.streamgate.http.RequestHeaders.ResultsForm;
import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.ResultEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

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

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF8",
            "application/json; charset=\"UTF-8\"", "application/json; charset=us-ascii",
            "application/x-ndjson; charset=utf-8"})
    void shouldReadABodyInUtf8(String contentType) {
        assertThatCode(() -> RequestHeaders.requireReadableBody(post(contentType))).as(contentType)
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=ISO-8859-1", "application/json; charset=utf-16",
            "application/x-ndjson; charset=windows-1252"})
    void shouldRefuseABodyInAnotherCharsetWith415NamingIt(String contentType) {
        assertThatThrownBy(() -> RequestHeaders.requireReadableBody(post(contentType))).as(contentType)
                .isInstanceOfSatisfying(UnsupportedMediaTypeStatusException.class, refused -> {
                    assertThat(refused.getStatusCode().value()).isEqualTo(415);
                    assertThat(refused.getBody().getDetail()).startsWith("Charset " + MediaType.parseMediaType(
                            contentType).getCharset().name() + " is not supported");
                    assertThat(refused.getHeaders().getAccept()).singleElement()
                            .satisfies(type -> assertThat(type.getCharset()).isEqualTo(StandardCharsets.UTF_8));
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=bogus", "application/json;charset=\"no-such-charset\"",
            "application/x-ndjson; charset=ut f8", "application/json; q=1; Charset=x-unknown"})
    void shouldRefuseACharsetThisJvmDoesNotKnowWith415NamingIt(String contentType) {
        String charset = contentType.substring(contentType.toLowerCase().indexOf("charset=") + 8).replace("\"", "");
        assertThatThrownBy(() -> RequestHeaders.requireReadableBody(post(contentType))).as(contentType)
                .isInstanceOfSatisfying(UnsupportedMediaTypeStatusException.class, refused -> {
                    assertThat(refused.getBody().getDetail())
                            .isEqualTo("Charset " + charset + " is not supported: send the body in UTF-8");
                    assertThat(refused.getHeaders().getAccept()).singleElement()
                            .satisfies(type -> assertThat(type.getCharset()).isEqualTo(StandardCharsets.UTF_8));
                });
        assertThatThrownBy(() -> RequestHeaders.isNdjson(post(contentType))).as(contentType)
                .isInstanceOf(UnsupportedMediaTypeStatusException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application", "application/json; charset=", "application/json; charset=\"\"",
            "application json; charset=bogus", "application/json; x=\"unclosed"})
    void shouldKeepAMalformedContentTypeA400EvenBesideAnUnknownCharset(String contentType) {
        assertThatThrownBy(() -> RequestHeaders.requireReadableBody(post(contentType))).as(contentType)
                .isInstanceOf(InvalidMediaTypeException.class);
    }

    private static ServerRequest post(String contentType) {
        return MockServerRequest.builder().method(HttpMethod.POST).header(HttpHeaders.CONTENT_TYPE, contentType).build();
    }

    private static ResultsForm form(String accept) {
        return RequestHeaders.resultsForm(MediaType.parseMediaTypes(accept));
    }

    @Test
    void shouldReadAHandshakesLastEventIdFromItsHeaderOrItsDecodedQueryParameter() {
        assertThat(RequestHeaders.lastEventId(handshake("/ws", null))).isEqualTo(ResultEvent.NO_ID);
        assertThat(RequestHeaders.lastEventId(handshake("/ws?lastEventId=42", null))).isEqualTo(42);
        assertThat(RequestHeaders.lastEventId(handshake("/ws?lastEventId=%34%32", null))).isEqualTo(42);
        assertThat(RequestHeaders.lastEventId(handshake("/ws?lastEventId=1", "7"))).as("the header first").isEqualTo(7);
        for (String malformed : new String[] {"/ws?lastEventId=abc", "/ws?lastEventId=-1", "/ws?lastEventId=%2D1"}) {
            assertThatThrownBy(() -> RequestHeaders.lastEventId(handshake(malformed, null))).as(malformed)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("Last-Event-ID must be an event id received from this stream");
        }
    }

    @Test
    void shouldRefuseAKeyOrAPositionGivenTwice() {
        ServerRequest twoKeys = MockServerRequest.builder().method(HttpMethod.POST)
                .header(RequestHeaders.IDEMPOTENCY_KEY, "first").header(RequestHeaders.IDEMPOTENCY_KEY, "second").build();
        ServerRequest twoPositions = MockServerRequest.builder().method(HttpMethod.GET)
                .header(RequestHeaders.LAST_EVENT_ID, "7").header(RequestHeaders.LAST_EVENT_ID, "7").build();
        HttpHeaders handshakeHeaders = new HttpHeaders();
        handshakeHeaders.add(RequestHeaders.LAST_EVENT_ID, "7");
        handshakeHeaders.add(RequestHeaders.LAST_EVENT_ID, "9");
        HandshakeInfo twoPositionsOnAHandshake = new HandshakeInfo(URI.create("ws://127.0.0.1/ws"), handshakeHeaders,
                Mono.empty(), null);

        assertThatThrownBy(() -> RequestHeaders.idempotencyKey(twoKeys)).isInstanceOf(InvalidRequestException.class)
                .hasMessage("Send one Idempotency-Key header, not 2");
        assertThatThrownBy(() -> RequestHeaders.lastEventId(twoPositions)).as("even when they agree")
                .isInstanceOf(InvalidRequestException.class).hasMessage("Send one Last-Event-ID header, not 2");
        assertThatThrownBy(() -> RequestHeaders.lastEventId(twoPositionsOnAHandshake))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Send one Last-Event-ID header, not 2");
        assertThat(RequestHeaders.idempotencyKey(MockServerRequest.builder().method(HttpMethod.POST)
                .header(RequestHeaders.IDEMPOTENCY_KEY, "only").build())).isEqualTo("only");
    }

    private static HandshakeInfo handshake(String target, String lastEventId) {
        HttpHeaders headers = new HttpHeaders();
        if (lastEventId != null) {
            headers.set(RequestHeaders.LAST_EVENT_ID, lastEventId);
        }
        return new HandshakeInfo(URI.create("ws://127.0.0.1" + target), headers, Mono.empty(), null);
    }
}
