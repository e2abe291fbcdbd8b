/**
 * Processing: what a stream's chunks become. This package is the API a processor is written against
 * ({@link io.streamgate.processing.StreamProcessor}, {@link io.streamgate.processing.Output}, the stream's durable
 * {@link io.streamgate.processing.StreamState}) and the catalog a start names a processor in; {@code builtin} holds the
 * processors that ship, {@code engine} runs them. No Spring and no Kafka types here, so a processor is tested as a
 * plain object.
 */
package io.streamgate.processing;
