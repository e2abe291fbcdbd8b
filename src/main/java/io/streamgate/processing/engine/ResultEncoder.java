package io.streamgate.processing.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.streamgate.processing.Output;
import tools.jackson.databind.json.JsonMapper;

/** Writes the engine's results as readers get them: JSON encoded once, here. */
final class ResultEncoder {

    private final JsonMapper json;
    private final LongSupplier maxResultBytes;

    /** {@code maxResultBytes}: what the results log takes now; a larger result is replaced by a notice saying so. */
    ResultEncoder(JsonMapper json, LongSupplier maxResultBytes) {
        this.json = json;
        this.maxResultBytes = maxResultBytes;
    }

    StreamResult output(String stream, long seq, Output output, String idempotencyKey) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("seq", seq);
        value.put("data", output.data());
        value.putAll(output.fields());
        String encoded = json.writeValueAsString(value);
        if (encoded.getBytes(StandardCharsets.UTF_8).length > maxResultBytes.getAsLong()) {
            // The log would refuse it, and the transaction with it on every retry.
            return error(stream, seq, "result too large", idempotencyKey);
        }
        return new StreamResult(StreamResult.Kind.RESULT, stream, seq, encoded, null, null, idempotencyKey, null);
    }

    StreamResult error(String stream, long seq, String error, String idempotencyKey) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("seq", seq);
        value.put("data", "");
        value.put("error", error);
        return new StreamResult(StreamResult.Kind.RESULT, stream, seq, json.writeValueAsString(value), null, null,
                idempotencyKey, null);
    }

    StreamResult started(String stream, long seq, String processor, String startId) {
        return StreamResult.started(stream, seq, processor, startId, json);
    }

    StreamResult refused(String stream, long seq, String processor, String startId) {
        return new StreamResult(StreamResult.Kind.START_REFUSED, stream, seq,
                json.writeValueAsString(Map.of("reason", "already-open")), processor, null, null, startId);
    }

    StreamResult ended(String stream, long seq, String reason) {
        return new StreamResult(StreamResult.Kind.ENDED, stream, seq, json.writeValueAsString(Map.of("reason", reason)),
                null, reason, null, null);
    }
}
