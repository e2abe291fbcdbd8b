package io.streamgate.kafka;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.Producer;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.internals.ProducerFactory;

/**
 * Gives a {@link KafkaSender} a producer built beforehand, on the thread that builds this factory (start-up).
 *
 * <p>reactor-kafka builds a sender's producer at its first send, on the sender's scheduler. The gateway's sender
 * runs on the parallel workers, and building a Kafka client there is a blocking call: the client registers with the
 * JVM's MBean server under locks that every client in the JVM (and the embedded broker) shares, and waits whenever
 * another one registers at the same moment. Built up front, a producer that cannot be built also fails the start,
 * not a send.
 */
final class PrebuiltProducer extends ProducerFactory implements AutoCloseable {

    private final Producer<?, ?> producer;
    private final AtomicBoolean handedOver = new AtomicBoolean();

    PrebuiltProducer(SenderOptions<?, ?> options) {
        this.producer = ProducerFactory.INSTANCE.createProducer(options);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Producer<K, V> createProducer(SenderOptions<K, V> options) {
        handedOver.set(true);
        return (Producer<K, V>) producer;
    }

    /** Closes the producer if no sender took it: a sender that did closes it itself, when it is closed. */
    @Override
    public void close() {
        if (!handedOver.get()) {
            producer.close(ClientSettings.CLOSE_TIMEOUT);
        }
    }
}
