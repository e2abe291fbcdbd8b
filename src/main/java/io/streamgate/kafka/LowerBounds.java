package io.streamgate.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The lower bounds retries are written with ({@link RetriedSends#lowerBound}), asked of Kafka once for all the retries
 * of a partition waiting: those that come while a question is out wait for the next, asked for the earliest of their
 * attempts, a lower bound for each of them (Kafka's first record stamped from a time on is at or before its first
 * record stamped from a later time on). After an outage the clients' retries come at once, and asked one by one
 * their lower bounds took 0.33-0.86 s for 1,000 (BENCHMARKS.md section 91) and as many requests of brokers just back.
 */
final class LowerBounds {

    /** Kafka's answer for a partition and a time: {@link RetriedSends#lowerBound}, which tests stand in for. */
    private final BiFunction<TopicPartition, Long, Mono<Long>> ask;
    private final Map<TopicPartition, BatchQueue<Waiting>> questions = new ConcurrentHashMap<>();

    LowerBounds(Admin admin) {
        this((partition, since) -> RetriedSends.lowerBound(admin, partition, since));
    }

    LowerBounds(BiFunction<TopicPartition, Long, Mono<Long>> ask) {
        this.ask = ask;
    }

    /** A position in {@code partition} at or before any copy an attempt begun at {@code since} can have left. */
    Mono<Long> of(TopicPartition partition, long since) {
        return Mono.create(answer -> questions.computeIfAbsent(partition, this::questionsOf)
                .add(new Waiting(since, answer)));
    }

    private record Waiting(long since, MonoSink<Long> answer) {
    }

    /** One partition's retries waiting for their lower bound, asked for one question at a time. */
    private BatchQueue<Waiting> questionsOf(TopicPartition partition) {
        return new BatchQueue<>(
                waiting -> ask.apply(partition, waiting.stream().mapToLong(Waiting::since).min().orElseThrow())
                        .doOnNext(bound -> waiting.forEach(retry -> retry.answer().success(bound))),
                (waiting, failure) -> waiting.forEach(retry -> retry.answer().error(failure)));
    }
}
