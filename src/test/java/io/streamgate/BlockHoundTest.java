package io.streamgate;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

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
}
