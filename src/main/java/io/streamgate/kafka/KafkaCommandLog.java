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
import org.apache.kafka.clients.producer.ProducerRecord;
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

    private final KafkaSender<String, byte[]> sender;
    private final String topic;
    private final String resultsTopic;
    private final RecordMapping mapping;
    private final StreamTracing tracing;

    KafkaCommandLog(KafkaSender<String, byte[]> sender, String topic, String resultsTopic, RecordMapping mapping,
                    StreamTracing tracing) {
        this.sender = sender;
        this.topic = topic;
        this.resultsTopic = resultsTopic;
        this.mapping = mapping;
        this.tracing = tracing;
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return send(List.of(command), false).next();
    }

    /** {@code last()}, not {@code next()}: the start's position comes first, and the answer waits for its STARTED. */
    @Override
    public Mono<Long> appendAnnounced(StreamCommand start) {
        return send(List.of(start.asAnnounced()), true).last();
    }

    /**
     * One producer call for the whole batch: the producer sends records in the order it is given them, and with
     * idempotence a partition keeps that order through retries, so the stream's chunks land in the batch's order.
     */
    @Override
    public Flux<Long> appendAll(List<StreamCommand> commands) {
        return send(commands, false);
    }

    /** The append's span joins the HTTP request's trace, found in the Reactor context the request subscribes with. */
    private Flux<Long> send(List<StreamCommand> commands, boolean announced) {
        return Flux.deferContextual(request -> {
            StreamTracing.Span span = tracing.startAppend(request, commands.get(0).streamId(), commands.size());
            if (span.traceparent() == null) {
                return produce(commands, announced); // not traced: nothing more per send
            }
            return produce(commands.stream().map(command -> command.withTrace(span.traceparent())).toList(), announced)
                    .doOnComplete(span::end)
                    .doOnError(span::fail)
                    .doOnCancel(span::end);
        });
    }

    /**
     * The commands' positions, once Kafka has answered every record of the call: it answers each on its own, so a
     * batch may be stored in part, which the failure then says ({@link PartlyStoredException}). An announced start's
     * {@code STARTED} follows it in the call, and has no position to answer.
     */
    private Flux<Long> produce(List<StreamCommand> commands, boolean announced) {
        Outcomes outcomes = new Outcomes(commands.size(), announced);
        Flux<SenderRecord<String, byte[], Integer>> records = Flux.range(0, commands.size())
                .map(index -> SenderRecord.create(outcomes.sized(index, mapping.toRecord(topic, commands.get(index))),
                        index));
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
                .thenMany(Flux.defer(outcomes::positions));
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
