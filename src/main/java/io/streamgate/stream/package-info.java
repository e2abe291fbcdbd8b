/**
 * Stream lifecycle and delivery: ids, the commands the gateway writes and the results the processor writes,
 * the registry of streams this node knows (materialized from the results topic), the bounded per-stream result
 * log readers pull from, idle expiry, and the {@link io.streamgate.stream.CommandLog} port that the
 * {@code kafka} package implements. No Kafka types here.
 */
package io.streamgate.stream;
