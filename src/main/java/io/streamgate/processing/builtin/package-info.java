/**
 * The processors that ship: {@code uppercase} (the default), {@code echo}, {@code wordcount}, {@code filter},
 * {@code split}, and {@code http}, which puts any service that answers NDJSON behind Streamgate. Each is a plain
 * {@link io.streamgate.processing.StreamProcessor}, registered as a bean in {@code config}.
 */
package io.streamgate.processing.builtin;
