package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.streamgate.support.GatewayIT;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Where the gateway calls {@code KafkaProducer.send}: never on a Netty event loop, however a chunk arrives. That call
 * may wait (for metadata after a broker restart, for buffer space), and sends are subscribed on the event loop that
 * read them (KafkaCommandLog says why that is safe): it holds only while the sender calls the producer on a thread of
 * its own, as reactor-kafka does. A replacement of reactor-kafka must keep that, or this fails. A producer interceptor
 * is called inside {@code KafkaProducer.send}, on the calling thread.
 */
@TestPropertySource(properties =
        "streamgate.kafka.producer.interceptor.classes=io.streamgate.kafka.ProducerThreadsIT$CallingThreads")
class ProducerThreadsIT extends GatewayIT {

    /** The server's event loops ({@code HttpConfiguration}'s loop resources are named "http"). */
    private static final String EVENT_LOOP_PREFIX = "http-";

    @Test
    void shouldNeverCallTheProducerOnAnEventLoop() {
        String id = client.start("threads-" + System.nanoTime());

        client.send(id, "one chunk");
        assertThat(client.trySendBatch(id, "{\"data\":\"a\"}\n{\"data\":\"b\"}\n").status()).as("the batch's answer")
                .isEqualTo(200);
        client.end(id);

        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("the server's event loops, by the name looked for below")
                .anyMatch(thread -> thread.startsWith(EVENT_LOOP_PREFIX));
        assertThat(CallingThreads.of(id))
                .as("the threads that called KafkaProducer.send with stream %s's commands", id)
                .isNotEmpty()
                .noneMatch(thread -> thread.startsWith(EVENT_LOOP_PREFIX));
    }

    /** Records, by record key (the stream's key), the name of each thread that called the producer. */
    public static final class CallingThreads implements ProducerInterceptor<Object, Object> {

        private static final Map<String, Set<String>> BY_KEY = new ConcurrentHashMap<>();

        static Set<String> of(String key) {
            return BY_KEY.getOrDefault(key, Set.of());
        }

        @Override
        public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
            BY_KEY.computeIfAbsent(String.valueOf(record.key()), key -> ConcurrentHashMap.newKeySet())
                    .add(Thread.currentThread().getName());
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
