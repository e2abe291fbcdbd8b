package io.streamgate.kafka;

import java.time.Duration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Up when the cluster answers and the results feed has caught up with what the topic held at start-up (before
 * that, this gateway would answer 404 for streams it has not read yet).
 */
final class KafkaHealthIndicator implements ReactiveHealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Admin admin;
    private final ResultsFeed feed;
    private final String bootstrapServers;

    KafkaHealthIndicator(Admin admin, ResultsFeed feed, String bootstrapServers) {
        this.admin = admin;
        this.feed = feed;
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public Mono<Health> health() {
        DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis());
        return Mono.fromCompletionStage(() -> admin.describeCluster(options).nodes().toCompletionStage())
                .timeout(TIMEOUT.plusSeconds(1))
                .map(nodes -> (feed.caughtUp() ? Health.up() : Health.down().withDetail("results", "catching up"))
                        .withDetail("bootstrapServers", bootstrapServers)
                        .withDetail("brokers", nodes.size())
                        .build())
                .onErrorResume(e -> Mono.just(Health.down()
                        .withDetail("bootstrapServers", bootstrapServers)
                        .withDetail("error", e.getClass().getSimpleName())
                        .build()));
    }
}
