/**
 * One trace from a send to its delivery: the spans Streamgate adds to the HTTP request's (append to the command log,
 * processing, the results feed, the write to each reader), linked through a W3C {@code traceparent} that commands and
 * results carry (in Kafka record headers). Micrometer Tracing on OpenTelemetry underneath; {@link StreamTracing#OFF}
 * when tracing is disabled, so that nothing is paid for it then.
 */
package io.streamgate.tracing;
