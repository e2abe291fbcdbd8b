package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

/** The processors' record limit follows the topics that take less than {@code max-record-size}, and only those. */
class TopicRecordLimitTest {

    private static final long MAX_RECORD_SIZE = 8 * 1024 * 1024;

    private final TopicRecordLimit limit = new TopicRecordLimit(MAX_RECORD_SIZE);

    @Test
    void shouldLeaveRoomForAKeyAndHeadersUnderMaxRecordSize() {
        assertThat(limit.getAsLong()).isEqualTo(MAX_RECORD_SIZE - TopicRecordLimit.RECORD_ROOM);
    }

    @Test
    void shouldFollowTheTopicThatTakesLeast() {
        limit.follow(Map.of("results", maxMessageBytes(2_000), "state", maxMessageBytes(MAX_RECORD_SIZE),
                "dead-letters", maxMessageBytes(5_000)));

        assertThat(limit.getAsLong()).isEqualTo(2_000 - TopicRecordLimit.RECORD_ROOM);
    }

    @Test
    void shouldNeverGoAboveMaxRecordSizeAndFollowATopicRaisedAgain() {
        limit.follow(Map.of("results", maxMessageBytes(2_000)));

        limit.follow(Map.of("results", maxMessageBytes(64 * 1024 * 1024)));

        assertThat(limit.getAsLong()).isEqualTo(MAX_RECORD_SIZE - TopicRecordLimit.RECORD_ROOM);
    }

    @Test
    void shouldPassOverATopicThatTellsNothing() {
        Map<String, ConfigEntry> described = new HashMap<>();
        described.put("results", null);
        described.put("state", maxMessageBytes(4_000));

        limit.follow(described);

        assertThat(limit.getAsLong()).isEqualTo(4_000 - TopicRecordLimit.RECORD_ROOM);
    }

    private static ConfigEntry maxMessageBytes(long bytes) {
        return new ConfigEntry("max.message.bytes", Long.toString(bytes));
    }
}
