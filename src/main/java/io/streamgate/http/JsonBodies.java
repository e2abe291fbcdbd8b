package io.streamgate.http;

import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Locale;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.Utf8;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request's JSON object with a hard size limit: a declared {@code Content-Length} over the limit is refused
 * before reading, and a body that grows past it while streaming in is refused as soon as it does. A body in a content
 * coding or declared in a charset other than UTF-8 is refused before reading too: nothing here decodes one.
 */
final class JsonBodies {

    /**
     * The application's mapper, strict about what it takes in: no member given twice, and nothing after the object
     * (checked in {@link #parseObject(String, Text)}, not by Jackson's feature, whose message names its internals).
     */
    private final ObjectReader json;

    JsonBodies(JsonMapper json) {
        this.json = json.reader()
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * The body as a JSON object, refused over {@code maxBytes} under the name {@code limit}; empty when the request has
     * no body. What the headers say is checked now, and a refusal thrown; the body is read when the answer is
     * subscribed to, so that a caller can check more between the two.
     */
    Mono<JsonNode> readObject(ServerRequest request, PayloadTooLargeException.Limit limit, long maxBytes) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            throw tooLarge(limit, maxBytes);
        }
        if (declared == 0) {
            return Mono.empty();
        }
        RequestHeaders.requireReadableBody(request);
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), (int) Math.min(maxBytes, Integer.MAX_VALUE))
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(limit, maxBytes))
                .filter(buffer -> releaseIfEmpty(buffer))
                .map(buffer -> parse(request, buffer));
    }

    private JsonNode parse(ServerRequest request, DataBuffer buffer) {
        try {
            requireJson(request);
            return parseObject(Utf8.decodeStrictly(
                    buffer.toByteBuffer(buffer.readPosition(), buffer.readableByteCount())), Text.BODY);
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("The body is not valid UTF-8");
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** One line's JSON object, already decoded as text. */
    JsonNode parseObject(String text) {
        return parseObject(text, Text.LINE);
    }

    /**
     * One JSON object and nothing after it. What follows the object and where the text ends are checked here rather
     * than by Jackson's own features, whose messages name its classes and settings.
     */
    private JsonNode parseObject(String text, Text what) {
        try (JsonParser parser = json.createParser(text)) {
            JsonNode node = json.readTree(parser);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("The " + what + " must be a JSON object");
            }
            if (parser.nextToken() != null) {
                throw new InvalidRequestException("The " + what + " must hold one JSON object and nothing after it");
            }
            return node;
        } catch (UnexpectedEndOfInputException e) {
            throw new InvalidRequestException("The " + what + " ends before its JSON object does");
        } catch (JacksonException e) {
            throw new InvalidRequestException(
                    "The " + what + " is not valid JSON" + JsonErrors.describe(e, what.oneLine));
        }
    }

    /** What a JSON object is read from, as an error names it. */
    private enum Text {
        BODY(false), LINE(true);

        final boolean oneLine;

        Text(boolean oneLine) {
            this.oneLine = oneLine;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static void requireJson(ServerRequest request) {
        requireJson(request, List.of(MediaType.APPLICATION_JSON));
    }

    /**
     * A 415 for a body that is not JSON ({@code application/json} or {@code +json}); its {@code Accept} names the
     * types the route takes.
     */
    static void requireJson(ServerRequest request, List<MediaType> taken) {
        MediaType type = RequestHeaders.contentType(request).orElse(null);
        boolean json = type != null && "application".equals(type.getType())
                && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
        if (!json) {
            throw new UnsupportedMediaTypeStatusException(type, taken);
        }
    }

    private static boolean releaseIfEmpty(DataBuffer buffer) {
        if (buffer.readableByteCount() > 0) {
            return true;
        }
        DataBufferUtils.release(buffer);
        return false;
    }

    private static PayloadTooLargeException tooLarge(PayloadTooLargeException.Limit limit, long maxBytes) {
        return new PayloadTooLargeException(limit, "The request body is larger than " + maxBytes + " bytes");
    }
}
