package io.streamgate.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.config.ConditionalOnRole;
import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.engine.EngineSettings;
import io.streamgate.processing.engine.ProcessingEngine;
import io.streamgate.processing.engine.ProcessingMetrics;
import io.streamgate.stream.CommandLog;
import io.streamgate.stream.ResultsVisibility;
import io.streamgate.stream.StreamRegistry;
import io.streamgate.tracing.StreamTracing;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires Kafka: the embedded broker when no bootstrap servers are configured, topics, the command sender, the
 * results feed and the processing engine's logs. Every client is a bean or lifecycle with an owner that closes it.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /** Present only when {@code streamgate.kafka.bootstrap-servers} is empty; stopped with the context. */
    @Bean(destroyMethod = "close")
    @Conditional(NoBootstrapServersCondition.class)
    EmbeddedKafkaBroker embeddedKafkaBroker(StreamgateProperties properties) {
        StreamgateProperties.Broker broker = properties.broker();
        return EmbeddedKafkaBroker.start(broker.dataDir(), broker.port(), properties.kafka().maxRecordSize().toBytes());
    }

    /** The wire format of every Streamgate record. */
    @Bean
    RecordMapping recordMapping(JsonMapper json, TopicRecordLimit recordLimit) {
        return new RecordMapping(json, recordLimit);
    }

    /** The largest value a record of Streamgate's may have: {@code max-record-size}'s, or less while a topic does. */
    @Bean
    TopicRecordLimit topicRecordLimit(StreamgateProperties properties) {
        return new TopicRecordLimit(properties.kafka().maxRecordSize().toBytes());
    }

    @Bean
    ClientSettings kafkaClientSettings(StreamgateProperties properties, ObjectProvider<EmbeddedKafkaBroker> embedded) {
        StreamgateProperties.Kafka kafka = properties.kafka();
        String servers = kafka.embedded() ? embedded.getObject().bootstrapServers() : kafka.bootstrapServers();
        return new ClientSettings(servers, kafka);
    }

    @Bean(destroyMethod = "")
    Admin kafkaAdmin(ClientSettings settings) {
        return Admin.create(settings.admin());
    }

    @Bean
    AdminCloser kafkaAdminCloser(Admin admin) {
        return new AdminCloser(admin);
    }

    @Bean
    KafkaTopics kafkaTopics(Admin admin, ClientSettings settings) {
        return KafkaTopics.ensure(admin, settings.kafka());
    }

    @Bean
    SenderOptions<String, byte[]> commandSenderOptions(ClientSettings settings, KafkaTopics topics) {
        return SenderOptions.<String, byte[]>create(settings.keepingTo(topics).producer("streamgate-gateway"))
                .maxInFlight(1024)
                // Every record of a call answered with its own outcome, also after one fails: a batch stored in part
                // says which part, and a refusal as too large is told from the failures a retry may mend.
                .stopOnError(false)
                // reactor-kafka's default (immediate) finishes every send's HTTP answer on the producer's one I/O
                // thread; the parallel workers spread that work over the cores and leave the I/O thread to Kafka.
                .scheduler(Schedulers.parallel())
                .closeTimeout(ClientSettings.CLOSE_TIMEOUT);
    }

    /** The command sender's producer, built at start-up rather than by the first send on a parallel worker. */
    @Bean(destroyMethod = "close")
    PrebuiltProducer commandProducer(SenderOptions<String, byte[]> commandSenderOptions) {
        return new PrebuiltProducer(commandSenderOptions);
    }

    @Bean(destroyMethod = "close")
    KafkaSender<String, byte[]> commandSender(PrebuiltProducer commandProducer,
                                              SenderOptions<String, byte[]> commandSenderOptions) {
        return KafkaSender.create(commandProducer, commandSenderOptions);
    }

    @Bean
    CommandLog commandLog(KafkaSender<String, byte[]> commandSender, ClientSettings settings, RecordMapping mapping,
                          StreamTracing tracing, Admin admin, KafkaTopics topics) {
        return new KafkaCommandLog(commandSender, settings.kafka().requestsTopic(), settings.kafka().resultsTopic(),
                mapping, tracing, new RetriedSends(settings, mapping), admin, topics.requestPartitionCount());
    }

    @Bean
    ResultsFeed resultsFeed(ClientSettings settings, KafkaTopics topics, StreamRegistry registry, RecordMapping mapping,
                            StreamTracing tracing, MeterRegistry meters) {
        Counter passedOver = Counter.builder("streamgate.results.passed.over")
                .description("Results the feed could not apply and passed over, each also logged at ERROR")
                .register(meters);
        return new ResultsFeed(settings, topics.resultPartitions(), registry, mapping, tracing, passedOver);
    }

    /**
     * How long a request for a stream this instance does not know may wait for its results feed to catch up: long
     * enough for a feed that is merely a poll behind, short enough that a feed still replaying after a restart does
     * not hold requests.
     */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(3);

    @Bean
    ResultsVisibility resultsVisibility(Admin admin, ResultsFeed feed, KafkaTopics topics) {
        return new ResultsCatchUp(admin, feed, topics.resultPartitions(), CATCH_UP_TIMEOUT);
    }

    @Bean
    @ConditionalOnRole(Role.PROCESSOR)
    PartitionOwnership partitionOwnership(KafkaTopics topics, Clock clock) {
        return new PartitionOwnership(topics.requestPartitionCount(), clock);
    }

    /**
     * The processing engine on this instance's logs, running from start-up until the context stops (what it has not
     * committed then is redone by the processor that takes its partitions over).
     */
    @Bean
    @ConditionalOnRole(Role.PROCESSOR)
    SubscriptionLifecycle processing(ClientSettings settings, KafkaTopics topics, RecordMapping mapping, Admin admin,
                                     TopicRecordLimit recordLimit,
                                     PartitionOwnership ownership, StreamgateProperties properties,
                                     ProcessorCatalog catalog, JsonMapper json, Clock clock, ProcessingMetrics metrics,
                                     StreamTracing tracing, StreamRegistry registry, MeterRegistry meters) {
        StreamgateProperties.Processing processing = properties.processing();
        KafkaProcessingLog log = new KafkaProcessingLog(settings.keepingTo(topics), mapping, ownership,
                properties.processor().instanceId(), meters,
                () -> recordLimit.ask(admin, List.of(settings.kafka().resultsTopic(), settings.kafka().stateTopic(),
                        settings.kafka().deadLetterTopic())));
        ProcessingEngine engine = new ProcessingEngine(log, catalog, new EngineSettings(processing.maxConcurrentStreams(),
                processing.chunkTimeout(), processing.retries(), processing.retryBackoff(),
                processing.maxPendingCommands(), processing.maxPendingBytes().toBytes(),
                processing.maxStateBytes().toBytes()), json,
                recordLimit, clock, metrics, Schedulers.parallel(),
                Schedulers.parallel(), tracing, streamId -> registry.commandRead(streamId, clock.millis()));
        return new SubscriptionLifecycle() {
            @Override
            protected Disposable subscribe() {
                return engine.start();
            }
        };
    }

    @Bean("kafka")
    KafkaHealthIndicator kafkaHealthIndicator(Admin admin, ResultsFeed feed, ClientSettings settings) {
        return new KafkaHealthIndicator(admin, feed, settings.bootstrapServers());
    }

    /** Closes the admin client with a bound, instead of the client's own long default. */
    record AdminCloser(Admin admin) implements AutoCloseable {
        @Override
        public void close() {
            admin.close(ClientSettings.CLOSE_TIMEOUT);
        }
    }
}
