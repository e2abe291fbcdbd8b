package io.streamgate.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.streamgate.stream.InvalidRequestException;
import tools.jackson.databind.JsonNode;

/**
 * A start's optional body, {@code {"processor": "<name>", "options": {"<key>": "<value>", ...}}}: the processor (the
 * default when absent) and its options, string keys and values (the processor checks them when the stream starts).
 * A member other than those two is refused: both are optional, so a misspelt one ({@code "processr"}) would otherwise
 * start the default processor without a word, as a misspelt option is refused by its processor.
 */
record StartBody(String processor, Map<String, String> options) {

    static final StartBody NONE = new StartBody(null, Map.of());
    private static final Set<String> MEMBERS = Set.of("processor", "options");
    private static final int MAX_OPTIONS = 32;

    static StartBody of(JsonNode body) {
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            if (!MEMBERS.contains(member.getKey())) {
                throw new InvalidRequestException("A start body takes only 'processor' and 'options', not '"
                        + member.getKey() + "'");
            }
        }
        return new StartBody(processor(body.get("processor")), options(body.get("options")));
    }

    private static String processor(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.stringValue().isEmpty()) {
            throw new InvalidRequestException("Field 'processor' must be a non-empty string");
        }
        return value.stringValue();
    }

    private static Map<String, String> options(JsonNode value) {
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidRequestException("Field 'options' must be an object of string values");
        }
        if (value.size() > MAX_OPTIONS) {
            throw new InvalidRequestException("Field 'options' holds at most " + MAX_OPTIONS + " options");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> option : value.properties()) {
            if (!option.getValue().isString()) {
                throw new InvalidRequestException("Option '" + option.getKey() + "' must be a string");
            }
            options.put(option.getKey(), option.getValue().stringValue());
        }
        return options;
    }
}
