package io.streamgate;

import java.time.Duration;

import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BlockHound is installed in every test JVM (unit and integration) by blockhound-junit-platform, so any blocking
 * call on a non-blocking thread (Netty event loops, Reactor's parallel scheduler) fails the test that made it.
 * This proves the installation is live; without it the integration tests would prove nothing about blocking.
 */
class BlockHoundTest {

    @Test
    void shouldFailABlockingCallOnANonBlockingThread() {
        Mono<Void> blocking = Mono.fromRunnable(() -> {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .subscribeOn(Schedulers.parallel())
                .then();

        StepVerifier.create(blocking)
                .expectError(BlockingOperationError.class)
                .verify(Duration.ofSeconds(5));
    }

    /** {@link KafkaClientCreationBlockHoundIntegration}: building a Kafka client on such a thread fails every time. */
    @Test
    void shouldFailBuildingAKafkaClientOnANonBlockingThread() {
        try (Metrics metrics = new Metrics()) {
            // Initializes the class here: its static initializer reads a properties file from the jar, blocking too.
            AppInfoParser.getVersion();
            Mono<Void> registering = Mono.fromRunnable(() -> {
                        AppInfoParser.registerAppInfo("producer", "blockhound-test", metrics, 0);
                        AppInfoParser.unregisterAppInfo("producer", "blockhound-test", metrics);
                    })
                    .subscribeOn(Schedulers.parallel())
                    .then();

            StepVerifier.create(registering)
                    .expectErrorSatisfies(error -> assertThat(error)
                            .isInstanceOf(BlockingOperationError.class)
                            .hasMessageContaining("AppInfoParser.registerAppInfo"))
                    .verify(Duration.ofSeconds(5));
        }
    }
}
