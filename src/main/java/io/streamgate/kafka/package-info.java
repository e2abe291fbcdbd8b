/**
 * Everything that speaks Kafka, and the only package that imports {@code reactor.kafka} or {@code org.apache.kafka}:
 * the embedded KRaft broker, topic creation, the {@link io.streamgate.stream.CommandLog} on a {@code KafkaSender},
 * the results feed that materializes the results topic into the stream registry (one shared consumer per gateway),
 * the processing engine's {@link io.streamgate.processing.engine.ProcessingLog} (transactional reads and commits of
 * results, state and dead letters), and the Kafka health check. reactor-kafka is discontinued upstream; keeping it
 * here keeps a later swap to one package.
 */
package io.streamgate.kafka;
