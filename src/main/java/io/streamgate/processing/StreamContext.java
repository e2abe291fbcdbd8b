package io.streamgate.processing;

import java.time.Duration;
import java.util.Map;

/** What a processor knows of the stream a callback is for. Valid during the callback and until its flux completes. */
public interface StreamContext {

    /** The stream's id, as its client knows it. */
    String streamId();

    /** The options the stream was started with (checked by {@link StreamProcessor#checkOptions}). */
    Map<String, String> options();

    /** The stream's durable state, for this callback to read and change. */
    StreamState state();

    /**
     * Calls {@link StreamProcessor#onTimer} once {@code delay} has passed (a stream has one timer; this replaces it).
     * The timer is durable: a processor that takes the stream over after a failover fires it when it is due.
     */
    void setTimer(Duration delay);

    /** Cancels the stream's timer, if any. */
    void cancelTimer();
}
