package io.streamgate.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record value the processors write now: {@code max-record-size}'s, less room for a record's key, headers
 * and framing; or less while the results, state or dead-letter topic takes less.
 *
 * <p>A start refuses topics that take less than {@code max-record-size}, but an operator may lower one's
 * {@code max.message.bytes} (or the brokers' {@code message.max.bytes}) under running processors. Kafka then refused
 * every transaction holding a larger result, the engine started the partition's work over and was refused again, for
 * ever, and no stream of that partition got another result. Asked again each time processing starts (which such a
 * refusal makes it do), the limit follows the topics: a larger result becomes the engine's {@code result too large}
 * notice, a step leaving a larger state fails and is dead-lettered, a dead letter's copy of its chunk is cut, and the
 * partition goes on. Raised again, it is followed at the next start of processing (a processor's restart, or any
 * failure of its work).
 */
final class TopicRecordLimit implements LongSupplier {

    private static final Logger log = LoggerFactory.getLogger(TopicRecordLimit.class);
    /** Room in a record for its key (a stream's, at most a few hundred bytes), headers and framing. */
    static final long RECORD_ROOM = 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final long configured;
    private volatile long current;

    /** {@code maxRecordBytes}: {@code streamgate.kafka.max-record-size}. */
    TopicRecordLimit(long maxRecordBytes) {
        this.configured = maxRecordBytes - RECORD_ROOM;
        this.current = configured;
    }

    @Override
    public long getAsLong() {
        return current;
    }

    /**
     * Asks Kafka what the processors' topics take now, and follows it. Blocks: call it where blocking is allowed. A
     * topic Kafka does not describe (no such ACL, or Kafka unreachable) leaves the limit as it was.
     */
    void ask(Admin admin, List<String> topics) {
        Map<String, Config> described;
        try {
            described = KafkaTopics.settingsOf(admin, topics, TIMEOUT);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Could not ask Kafka how large a record the processors' topics take: {}", String.valueOf(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<String, ConfigEntry> maxMessageBytes = new HashMap<>();
        described.forEach((topic, config) -> maxMessageBytes.put(topic,
                config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)));
        follow(maxMessageBytes);
    }

    /** Follows the topics' {@code max.message.bytes}, as described (an entry may be null: that topic tells nothing). */
    void follow(Map<String, ConfigEntry> maxMessageBytes) {
        long limit = configured;
        String smallest = null;
        for (Map.Entry<String, ConfigEntry> topic : maxMessageBytes.entrySet()) {
            if (topic.getValue() == null || topic.getValue().value() == null) {
                continue;
            }
            long takes = Math.max(0, Long.parseLong(topic.getValue().value()) - RECORD_ROOM);
            if (takes < limit) {
                limit = takes;
                smallest = topic.getKey();
            }
        }
        long before = current;
        current = limit;
        if (limit < before) {
            log.error("{} takes records of at most {} bytes (max.message.bytes), less than streamgate.kafka"
                    + ".max-record-size: processors now write values of at most {} bytes (a larger result becomes a"
                    + " 'result too large' notice, a step leaving a larger state is dead-lettered) until it is raised"
                    + " again and processing next starts", smallest, limit + RECORD_ROOM, limit);
        } else if (limit > before) {
            log.info("The processors' topics take larger records again: processors write values of up to {} bytes",
                    limit);
        }
    }
}
