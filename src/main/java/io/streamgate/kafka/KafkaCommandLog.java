package io.streamgate.kafka;

import io.streamgate.stream.CommandLog;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.stream.StreamCommand;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/** The command log on the requests topic: a command counts as appended once every in-sync replica has it. */
final class KafkaCommandLog implements CommandLog {

    private final KafkaSender<String, byte[]> sender;
    private final String topic;

    KafkaCommandLog(KafkaSender<String, byte[]> sender, String topic) {
        this.sender = sender;
        this.topic = topic;
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return sender.send(Mono.fromSupplier(() -> SenderRecord.create(RecordMapping.toRecord(topic, command), null)))
                .next()
                .map(result -> {
                    if (result.exception() != null) {
                        throw unavailable(result.exception());
                    }
                    return result.recordMetadata().offset();
                })
                .onErrorMap(e -> !(e instanceof CommandLogUnavailableException), KafkaCommandLog::unavailable);
    }

    private static CommandLogUnavailableException unavailable(Throwable cause) {
        return new CommandLogUnavailableException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
}
