package io.streamgate.kafka;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

import io.streamgate.stream.StreamCommand;
import io.streamgate.stream.StreamResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How commands and results look on the wire. The key is the stream id (one stream, one partition, one order);
 * the value is the payload as it is (a chunk's UTF-8 text, a result's JSON), so nothing is escaped twice; the
 * rest travels in headers.
 */
final class RecordMapping {

    private static final String KIND = "streamgate-kind";
    private static final String PROCESSOR = "streamgate-processor";
    private static final String REASON = "streamgate-reason";
    private static final String SEQ = "streamgate-seq";
    private static final String IDEMPOTENCY_KEY = "streamgate-idempotency-key";
    private static final String START_ID = "streamgate-start-id";
    private static final byte[] EMPTY = new byte[0];
    // Header values are shared, never mutated: encoding them once keeps the per-record work to the payload.
    private static final Map<StreamCommand.Kind, byte[]> COMMAND_KINDS = encodedNames(StreamCommand.Kind.class);
    private static final Map<StreamResult.Kind, byte[]> RESULT_KINDS = encodedNames(StreamResult.Kind.class);

    private RecordMapping() {
    }

    static ProducerRecord<String, byte[]> toRecord(String topic, StreamCommand command) {
        Headers headers = new RecordHeaders();
        headers.add(KIND, COMMAND_KINDS.get(command.kind()));
        if (command.processor() != null) {
            headers.add(PROCESSOR, bytes(command.processor()));
        }
        if (command.reason() != null) {
            headers.add(REASON, bytes(command.reason()));
        }
        if (command.idempotencyKey() != null) {
            headers.add(IDEMPOTENCY_KEY, bytes(command.idempotencyKey()));
        }
        if (command.startId() != null) {
            headers.add(START_ID, bytes(command.startId()));
        }
        byte[] value = command.data() == null ? EMPTY : bytes(command.data());
        return new ProducerRecord<>(topic, null, command.streamId(), value, headers);
    }

    /** The command in {@code record}; {@code null} when the record is not one (it is skipped, not fatal). */
    static StreamCommand toCommand(ConsumerRecord<String, byte[]> record) {
        StreamCommand.Kind kind = kind(record.headers(), StreamCommand.Kind.class);
        if (kind == null || record.key() == null) {
            return null;
        }
        String data = kind == StreamCommand.Kind.CHUNK ? string(record.value()) : null;
        return new StreamCommand(kind, record.key(), header(record.headers(), PROCESSOR), data,
                header(record.headers(), REASON), header(record.headers(), IDEMPOTENCY_KEY),
                header(record.headers(), START_ID));
    }

    static ProducerRecord<String, byte[]> toRecord(String topic, StreamResult result, byte[] json) {
        Headers headers = new RecordHeaders();
        headers.add(KIND, RESULT_KINDS.get(result.kind()));
        headers.add(SEQ, bytes(Long.toString(result.seq())));
        if (result.processor() != null) {
            headers.add(PROCESSOR, bytes(result.processor()));
        }
        if (result.reason() != null) {
            headers.add(REASON, bytes(result.reason()));
        }
        if (result.idempotencyKey() != null) {
            headers.add(IDEMPOTENCY_KEY, bytes(result.idempotencyKey()));
        }
        if (result.startId() != null) {
            headers.add(START_ID, bytes(result.startId()));
        }
        return new ProducerRecord<>(topic, null, result.streamId(), json, headers);
    }

    /** The result in {@code record}; {@code null} when the record is not one (it is skipped, not fatal). */
    static StreamResult toResult(ConsumerRecord<String, byte[]> record) {
        StreamResult.Kind kind = kind(record.headers(), StreamResult.Kind.class);
        String seq = header(record.headers(), SEQ);
        if (kind == null || seq == null || record.key() == null || record.value() == null) {
            return null;
        }
        try {
            return new StreamResult(kind, record.key(), Long.parseLong(seq), string(record.value()),
                    header(record.headers(), PROCESSOR), header(record.headers(), REASON),
                    header(record.headers(), IDEMPOTENCY_KEY), header(record.headers(), START_ID));
        } catch (NumberFormatException e) {
            return null;
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
