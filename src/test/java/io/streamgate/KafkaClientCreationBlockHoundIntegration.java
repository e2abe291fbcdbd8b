package io.streamgate;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Creating a Kafka client counts as blocking, every time, not only on the rare run where it happens to wait.
 *
 * <p>Every producer, consumer and admin client registers itself with the JVM's MBean server as it is built
 * ({@code AppInfoParser.registerAppInfo}, a {@code static synchronized} method that then takes the MBean repository's
 * <em>fair</em> lock, shared with every other client and the in-JVM broker). Built on an event loop or a parallel
 * worker, it parks there only when another client registers at the same instant; BlockHound then throws from inside
 * that lock's acquire, and the fair lock never grants again: every Kafka client and the broker freeze. One CI run
 * hung that way for its whole 90 minutes, after the gateway's producer was built lazily by its first send on a
 * parallel worker. Marking the registration itself as blocking makes BlockHound throw on entry, before any lock is
 * touched, on every run that builds a client on the wrong thread.
 */
public final class KafkaClientCreationBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.markAsBlocking("org.apache.kafka.common.utils.AppInfoParser", "registerAppInfo",
                "(Ljava/lang/String;Ljava/lang/String;Lorg/apache/kafka/common/metrics/Metrics;J)V");
    }
}
