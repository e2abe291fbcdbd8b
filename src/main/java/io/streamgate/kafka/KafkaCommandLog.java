package io.streamgate.kafka;

import java.util.List;

import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.stream.CommandLog;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.tracing.StreamTracing;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

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
     * The commands' positions. A record's correlation says whether it is a command; an announced start's
     * {@code STARTED} follows it in the call, and has no position to answer.
     */
    private Flux<Long> produce(List<StreamCommand> commands, boolean announced) {
        Flux<SenderRecord<String, byte[], Boolean>> records = Flux.fromIterable(commands)
                .map(command -> SenderRecord.create(mapping.toRecord(topic, command), true));
        if (announced) {
            records = records.concatWithValues(
                    SenderRecord.create(mapping.announcement(resultsTopic, commands.get(0)), false));
        }
        return sender.send(records)
                .<Long>handle((result, positions) -> {
                    if (result.exception() != null) {
                        positions.error(unavailable(result.exception()));
                    } else if (result.correlationMetadata()) {
                        positions.next(result.recordMetadata().offset());
                    }
                })
                // Kafka's failures say the log is unavailable (503); an Error is a bug, and surfaces as one (500, logged
                // with its stack) rather than hiding behind a 503.
                .onErrorMap(e -> !(e instanceof CommandLogUnavailableException) && !(e instanceof Error),
                        KafkaCommandLog::unavailable);
    }

    private static CommandLogUnavailableException unavailable(Throwable cause) {
        return new CommandLogUnavailableException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
}
