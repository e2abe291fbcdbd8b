package io.streamgate.kafka;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.streamgate.processing.engine.DeadLetter;
import io.streamgate.processing.engine.StoredStream;
import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.processing.engine.StreamResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * How every Streamgate record looks on the wire. Commands and results: the key is the stream (one stream, one
 * partition, one order); the value is the payload as it is (a chunk's UTF-8 text, a result's JSON, a start's options
 * as a JSON object), so nothing is escaped twice; the rest travels in headers. Stream states and dead letters: JSON.
 */
final class RecordMapping {

    private static final String KIND = "streamgate-kind";
    private static final String PROCESSOR = "streamgate-processor";
    private static final String REASON = "streamgate-reason";
    private static final String SEQ = "streamgate-seq";
    private static final String IDEMPOTENCY_KEY = "streamgate-idempotency-key";
    private static final String START_ID = "streamgate-start-id";
    /** On a start whose gateway wrote its STARTED beside it; absent otherwise. */
    private static final String ANNOUNCED = "streamgate-announced";
    private static final byte[] TRUE = bytes("true");
    /**
     * On a chunk sent again after attempts that failed without telling whether Kafka took them: a position in its
     * partition at or before any copy they left ({@link RetriedSends}).
     */
    private static final String RETRY_FROM = "streamgate-retry-from";
    /** W3C Trace Context's own header name, so that any tracing tool reading the topics recognises it. */
    private static final String TRACEPARENT = "traceparent";
    private static final byte[] EMPTY = new byte[0];
    private static final TypeReference<Map<String, String>> OPTIONS = new TypeReference<>() {
    };
    // Header values are shared, never mutated: encoding them once keeps the per-record work to the payload.
    private static final Map<StreamCommand.Kind, byte[]> COMMAND_KINDS = encodedNames(StreamCommand.Kind.class);
    private static final Map<StreamResult.Kind, byte[]> RESULT_KINDS = encodedNames(StreamResult.Kind.class);

    /** The most a character takes in JSON: a control character is escaped as {@code \u001F}. */
    private static final int MAX_BYTES_PER_CHAR = 6;

    private final JsonMapper json;
    private final LongSupplier maxValueBytes;

    /**
     * @param maxValueBytes the largest value a record of Streamgate's may have now ({@code max-record-size} less room
     *                      for its key, headers and framing, or less: {@link TopicRecordLimit}): a dead letter's copy
     *                      of its chunk is cut to fit it
     */
    RecordMapping(JsonMapper json, LongSupplier maxValueBytes) {
        this.json = json;
        this.maxValueBytes = maxValueBytes;
    }

    ProducerRecord<String, byte[]> toRecord(String topic, StreamCommand command) {
        Headers headers = new RecordHeaders();
        headers.add(KIND, COMMAND_KINDS.get(command.kind()));
        add(headers, PROCESSOR, command.processor());
        add(headers, REASON, command.reason());
        add(headers, IDEMPOTENCY_KEY, command.idempotencyKey());
        add(headers, START_ID, command.startId());
        add(headers, TRACEPARENT, command.trace());
        if (command.announced()) {
            headers.add(ANNOUNCED, TRUE);
        }
        byte[] value = switch (command.kind()) {
            case START -> command.options().isEmpty() ? EMPTY : json.writeValueAsBytes(command.options());
            case CHUNK -> bytes(command.data());
            case END -> EMPTY;
        };
        return new ProducerRecord<>(topic, null, command.streamId(), value, headers);
    }

    /**
     * A chunk's retry after attempts whose outcome is unknown, any copy of which is at or past {@code from} in its
     * partition.
     */
    ProducerRecord<String, byte[]> toRetryRecord(String topic, StreamCommand chunk, long from) {
        ProducerRecord<String, byte[]> record = toRecord(topic, chunk);
        record.headers().add(RETRY_FROM, bytes(Long.toString(from)));
        return record;
    }

    /**
     * Where copies of the attempts {@code record} retries may begin ({@link #toRetryRecord}); -1 for a record that is
     * not such a retry, or whose position is not a number.
     */
    long retryFrom(ConsumerRecord<String, byte[]> record) {
        String from = header(record.headers(), RETRY_FROM);
        if (from == null) {
            return -1;
        }
        try {
            return Long.parseLong(from);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The command in {@code record}; {@code null} when the record is not one (it is skipped, not fatal). */
    StreamCommand toCommand(ConsumerRecord<String, byte[]> record) {
        StreamCommand.Kind kind = kind(record.headers(), StreamCommand.Kind.class);
        if (kind == null || record.key() == null) {
            return null;
        }
        Map<String, String> options = Map.of();
        if (kind == StreamCommand.Kind.START && record.value() != null && record.value().length > 0) {
            try {
                options = json.readValue(record.value(), OPTIONS);
            } catch (JacksonException e) {
                return null;
            }
        }
        String data = kind == StreamCommand.Kind.CHUNK ? string(record.value()) : null;
        return new StreamCommand(kind, record.key(), header(record.headers(), PROCESSOR), options, data,
                header(record.headers(), REASON), header(record.headers(), IDEMPOTENCY_KEY),
                header(record.headers(), START_ID), header(record.headers(), TRACEPARENT),
                kind == StreamCommand.Kind.START && record.headers().lastHeader(ANNOUNCED) != null);
    }

    ProducerRecord<String, byte[]> toRecord(String topic, StreamResult result) {
        Headers headers = new RecordHeaders();
        headers.add(KIND, RESULT_KINDS.get(result.kind()));
        headers.add(SEQ, bytes(Long.toString(result.seq())));
        add(headers, PROCESSOR, result.processor());
        add(headers, REASON, result.reason());
        add(headers, IDEMPOTENCY_KEY, result.idempotencyKey());
        add(headers, START_ID, result.startId());
        add(headers, TRACEPARENT, result.trace());
        return new ProducerRecord<>(topic, null, result.streamId(), bytes(result.json()), headers);
    }

    /** The {@code STARTED} a gateway writes beside a start it announces (one of an id it generated). */
    ProducerRecord<String, byte[]> announcement(String topic, StreamCommand start) {
        return toRecord(topic, StreamResult.announcing(start, json));
    }

    /** The result in {@code record}; {@code null} when the record is not one (it is skipped, not fatal). */
    StreamResult toResult(ConsumerRecord<String, byte[]> record) {
        StreamResult.Kind kind = kind(record.headers(), StreamResult.Kind.class);
        String seq = header(record.headers(), SEQ);
        if (kind == null || seq == null || record.key() == null || record.value() == null) {
            return null;
        }
        try {
            return new StreamResult(kind, record.key(), Long.parseLong(seq), string(record.value()),
                    header(record.headers(), PROCESSOR), header(record.headers(), REASON),
                    header(record.headers(), IDEMPOTENCY_KEY), header(record.headers(), START_ID),
                    header(record.headers(), TRACEPARENT));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A stream's state for the state log: in the partition of its commands; a forgotten stream's is a tombstone. */
    ProducerRecord<String, byte[]> toRecord(String topic, int partition, String stream, StoredStream state) {
        return new ProducerRecord<>(topic, partition, stream, state == null ? null : json.writeValueAsBytes(state));
    }

    /** A stream's state as the state log holds it (not a tombstone). */
    StoredStream toState(byte[] value) {
        return json.readValue(value, StoredStream.class);
    }

    /**
     * A dead letter, with a copy of its chunk's text. Escaped as JSON, that text may take up to six times its bytes
     * in the requests log (a chunk of control characters), more than a record takes: Kafka would refuse the
     * partition's transaction each time its work started over, and no stream of it would get another result. Such a
     * copy is cut to what fits, and {@code data_cut} says so; the whole chunk is in the requests log at {@code seq}.
     */
    ProducerRecord<String, byte[]> toRecord(String topic, DeadLetter deadLetter) {
        byte[] value = json.writeValueAsBytes(deadLetterValue(deadLetter, deadLetter.data(), false));
        long limit = maxValueBytes.getAsLong();
        if (value.length > limit && deadLetter.data() != null) {
            long room = limit - json.writeValueAsBytes(deadLetterValue(deadLetter, "", true)).length;
            String fits = prefix(deadLetter.data(), (int) Math.max(0, room / MAX_BYTES_PER_CHAR));
            value = json.writeValueAsBytes(deadLetterValue(deadLetter, fits, true));
        }
        return new ProducerRecord<>(topic, null, deadLetter.streamId(), value);
    }

    private static Map<String, Object> deadLetterValue(DeadLetter deadLetter, String data, boolean dataCut) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("stream_id", deadLetter.streamId());
        value.put("seq", deadLetter.seq());
        value.put("step", deadLetter.step());
        value.put("processor", deadLetter.processor());
        value.put("data", data);
        if (dataCut) {
            value.put("data_cut", true);
        }
        value.put("error", deadLetter.error());
        value.put("attempts", deadLetter.attempts());
        return value;
    }

    /** The first {@code chars} characters of {@code text}, or one fewer rather than half a surrogate pair. */
    private static String prefix(String text, int chars) {
        if (chars >= text.length()) {
            return text;
        }
        return text.substring(0, chars > 0 && Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars);
    }

    private static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, bytes(value));
        }
    }

    private static <E extends Enum<E>> Map<E, byte[]> encodedNames(Class<E> type) {
        Map<E, byte[]> names = new EnumMap<>(type);
        for (E value : type.getEnumConstants()) {
            names.put(value, bytes(value.name()));
        }
        return names;
    }

    private static <E extends Enum<E>> E kind(Headers headers, Class<E> type) {
        String name = header(headers, KIND);
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : string(header.value());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
