package io.streamgate.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.stream.CommandLog;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.stream.CommandTooLargeException;
import io.streamgate.stream.PartlyStoredException;
import io.streamgate.tracing.StreamTracing;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;
import reactor.kafka.sender.SenderResult;

/**
 * The command log on the requests topic: a command counts as appended once every in-sync replica has it. An announced
 * start's {@code STARTED} goes to the results topic in the same producer call, so both are on their way at once.
 *
 * <p>A send is subscribed on its caller's thread (a Netty event loop): nothing on the way may block there.
 * {@code KafkaProducer.send}, which waits up to {@code max.block.ms} for metadata after a restart or for buffer space,
 * runs on the sender's own producer thread (reactor-kafka publishes every record there), and the producer is built at
 * start-up (PrebuiltProducer), not by the first send. What waits for that thread is bounded by the sends in flight
 * (BoundedCommandLog: past its limit a send is refused with 503 before it gets here).
 */
final class KafkaCommandLog implements CommandLog {

    private static final long NOT_A_RETRY = -1;

    private final KafkaSender<String, byte[]> sender;
    private final String topic;
    private final String resultsTopic;
    private final RecordMapping mapping;
    private final StreamTracing tracing;
    private final RetriedSends retries;
    private final LowerBounds lowerBounds;
    /** The requests topic's partitions when this instance started, by which its producer places streams. */
    private final int partitionCount;

    KafkaCommandLog(KafkaSender<String, byte[]> sender, String topic, String resultsTopic, RecordMapping mapping,
                    StreamTracing tracing, RetriedSends retries, Admin admin, int partitionCount) {
        this.sender = sender;
        this.topic = topic;
        this.resultsTopic = resultsTopic;
        this.mapping = mapping;
        this.tracing = tracing;
        this.retries = retries;
        this.lowerBounds = new LowerBounds(admin);
        this.partitionCount = partitionCount;
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return send(List.of(command), false, NOT_A_RETRY).flatMapMany(Outcomes::positions).next();
    }

    /** {@code last()}, not {@code next()}: the start's position comes first, and the answer waits for its STARTED. */
    @Override
    public Mono<Long> appendAnnounced(StreamCommand start) {
        return send(List.of(start.asAnnounced()), true, NOT_A_RETRY).flatMapMany(Outcomes::positions).last();
    }

    /**
     * One producer call for the whole batch: the producer sends records in the order it is given them, and with
     * idempotence a partition keeps that order through retries, so the stream's chunks land in the batch's order.
     */
    @Override
    public Flux<Long> appendAll(List<StreamCommand> commands) {
        return send(commands, false, NOT_A_RETRY).flatMapMany(Outcomes::positions);
    }

    /**
     * The retry is written with a position at or before any copy its earlier attempts can have left ({@link
     * LowerBounds}); once Kafka holds it, every record before it in the partition is held too, and the
     * first copy of its key from that position on is looked up. Nothing is written if the position cannot be had.
     */
    @Override
    public Mono<Long> appendRetry(StreamCommand chunk, long since) {
        TopicPartition partition = new TopicPartition(topic, KeyPartitioner.partitionOf(chunk.streamId(),
                partitionCount));
        return lowerBounds.of(partition, since)
                .onErrorMap(notAsked -> !(notAsked instanceof Error), KafkaCommandLog::unavailable)
                .flatMap(from -> send(List.of(chunk), false, from)
                        .flatMap(outcomes -> outcomes.positions().next())
                        .flatMap(retry -> firstCopy(partition, chunk, from, retry)));
    }

    private Mono<Long> firstCopy(TopicPartition partition, StreamCommand chunk, long from, long retry) {
        return retries.firstCopy(partition, chunk, from, retry)
                .onErrorMap(notRead -> !(notRead instanceof Error), notRead -> new CommandLogUnavailableException(
                        "Stored again, but which copy counts could not be told (" + notRead + "). Retry with the"
                                + " same Idempotency-Key to learn its seq.", notRead));
    }

    /** The append's span joins the HTTP request's trace, found in the Reactor context the request subscribes with. */
    private Mono<Outcomes> send(List<StreamCommand> commands, boolean announced, long retryFrom) {
        return Mono.deferContextual(request -> {
            StreamTracing.Span span = tracing.startAppend(request, commands.get(0).streamId(), commands.size());
            if (span.traceparent() == null) {
                return produce(commands, announced, retryFrom); // not traced: nothing more per send
            }
            return produce(commands.stream().map(command -> command.withTrace(span.traceparent())).toList(), announced,
                    retryFrom)
                    .doOnSuccess(outcomes -> outcomes.report(span))
                    .doOnError(span::fail)
                    .doOnCancel(span::end);
        });
    }

    /**
     * What Kafka answered for each of the commands, once it has answered every record of the call: it answers each on
     * its own, so a batch may be stored in part, which the failure then says ({@link PartlyStoredException}). An
     * announced start's {@code STARTED} follows it in the call, and has no position to answer.
     */
    private Mono<Outcomes> produce(List<StreamCommand> commands, boolean announced, long retryFrom) {
        Outcomes outcomes = new Outcomes(commands.size(), announced);
        Flux<SenderRecord<String, byte[], Integer>> records = Flux.range(0, commands.size())
                .map(index -> SenderRecord.create(outcomes.sized(index, retryFrom == NOT_A_RETRY
                        ? mapping.toRecord(topic, commands.get(index))
                        : mapping.toRetryRecord(topic, commands.get(index), retryFrom)), index));
        if (announced) {
            records = records.concatWithValues(
                    SenderRecord.create(mapping.announcement(resultsTopic, commands.get(0)), Outcomes.ANNOUNCEMENT));
        }
        return sender.send(records)
                .doOnNext(outcomes::answered)
                // Kafka's failures are the outcomes' to tell; an Error is a bug, and surfaces as one (500, logged with
                // its stack) rather than hiding behind a 503.
                .onErrorResume(failure -> !(failure instanceof Error), failure -> {
                    outcomes.failed(failure);
                    return Mono.empty();
                })
                .then(Mono.just(outcomes));
    }

    /**
     * What Kafka answered for each record of one call. The sender answers a call's records one after another on one
     * thread (it does not stop at the first failure: {@code stopOnError} is off), and the positions are read after
     * the last answer.
     */
    private final class Outcomes {

        static final int ANNOUNCEMENT = -1;

        private final Long[] positions;
        private final int[] sizes;
        private final boolean announced;
        private Throwable firstFailure;
        /** A command Kafka refused as too large, and its refusal; -1 and null while none. */
        private int tooLarge = -1;
        private RecordTooLargeException refusal;

        Outcomes(int commands, boolean announced) {
            this.positions = new Long[commands];
            this.sizes = new int[commands];
            this.announced = announced;
        }

        /** Notes the record's size, which a refusal as too large names. */
        ProducerRecord<String, byte[]> sized(int index, ProducerRecord<String, byte[]> record) {
            sizes[index] = record.value().length;
            return record;
        }

        void answered(SenderResult<Integer> result) {
            int index = result.correlationMetadata();
            if (result.exception() != null) {
                failed(result.exception());
                if (result.exception() instanceof RecordTooLargeException refused && index != ANNOUNCEMENT) {
                    tooLarge = index;
                    refusal = refused;
                }
            } else if (index != ANNOUNCEMENT) {
                positions[index] = result.recordMetadata().offset();
            }
        }

        void failed(Throwable failure) {
            if (firstFailure == null) {
                firstFailure = failure;
            }
        }

        /** Ends the append's span: failed if Kafka refused any of the call's records. */
        void report(StreamTracing.Span span) {
            if (firstFailure == null) {
                span.end();
            } else {
                span.fail(firstFailure);
            }
        }

        Flux<Long> positions() {
            if (firstFailure == null) {
                return Flux.fromArray(positions);
            }
            RuntimeException failure = refusal != null ? tooLarge(sizes[tooLarge], refusal) : unavailable(firstFailure);
            long stored = Arrays.stream(positions).filter(Objects::nonNull).count();
            // A start is one command: its STARTED beside it is not a part a client could resend on its own.
            if (stored == 0 || announced) {
                return Flux.error(failure);
            }
            return Flux.error(new PartlyStoredException(Arrays.asList(positions), failure));
        }
    }

    /**
     * Told to the operator, who set it: Kafka's own words say which limit (the broker's, or the producer's
     * {@code max.request.size} passed through).
     */
    private CommandTooLargeException tooLarge(int bytes, RecordTooLargeException cause) {
        return new CommandTooLargeException("Kafka refused a record of " + bytes + " bytes for " + topic + " as too"
                + " large (" + cause.getMessage() + "), though within streamgate.kafka.max-record-size: raise the"
                + " topic's max.message.bytes (or the brokers' message.max.bytes, or a producer max.request.size passed"
                + " through) back to at least that size", cause);
    }

    private static CommandLogUnavailableException unavailable(Throwable cause) {
        return new CommandLogUnavailableException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
}
