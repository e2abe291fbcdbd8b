package io.streamgate.kafka;

import java.util.List;

import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.stream.CommandLog;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.tracing.StreamTracing;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/**
 * The command log on the requests topic: a command counts as appended once every in-sync replica has it.
 *
 * <p>reactor-kafka builds its producer on the thread that first subscribes (and caches the outcome, even a
 * failure), and calls {@code KafkaProducer.send} on the thread that emits the record; both can wait (for metadata
 * after a restart, for buffer space under load) up to {@code max.block.ms}. Sends are therefore subscribed on
 * {@code sendScheduler}, whose threads may block, never on the caller's (a Netty event loop). Its task queue is
 * bounded: when it is full the send fails fast with 503 instead of queueing without end.
 */
final class KafkaCommandLog implements CommandLog {

    private final KafkaSender<String, byte[]> sender;
    private final String topic;
    private final Scheduler sendScheduler;
    private final RecordMapping mapping;
    private final StreamTracing tracing;

    KafkaCommandLog(KafkaSender<String, byte[]> sender, String topic, Scheduler sendScheduler, RecordMapping mapping,
                    StreamTracing tracing) {
        this.sender = sender;
        this.topic = topic;
        this.sendScheduler = sendScheduler;
        this.mapping = mapping;
        this.tracing = tracing;
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return send(List.of(command)).next();
    }

    /**
     * One producer call for the whole batch: the producer sends records in the order it is given them, and with
     * idempotence a partition keeps that order through retries, so the stream's chunks land in the batch's order.
     */
    @Override
    public Flux<Long> appendAll(List<StreamCommand> commands) {
        return send(commands);
    }

    /** The append's span joins the HTTP request's trace, found in the Reactor context the request subscribes with. */
    private Flux<Long> send(List<StreamCommand> commands) {
        return Flux.deferContextual(request -> {
            StreamTracing.Span span = tracing.startAppend(request, commands.get(0).streamId(), commands.size());
            if (span.traceparent() == null) {
                return produce(Flux.fromIterable(commands)); // not traced: nothing more per send
            }
            return produce(Flux.fromIterable(commands).map(command -> command.withTrace(span.traceparent())))
                    .doOnComplete(span::end)
                    .doOnError(span::fail)
                    .doOnCancel(span::end);
        });
    }

    private Flux<Long> produce(Flux<StreamCommand> commands) {
        return sender.send(commands.map(command -> SenderRecord.create(mapping.toRecord(topic, command), null)))
                .subscribeOn(sendScheduler)
                .map(result -> {
                    if (result.exception() != null) {
                        throw unavailable(result.exception());
                    }
                    return result.recordMetadata().offset();
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
