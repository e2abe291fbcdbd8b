package io.streamgate.processing.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamState;

/** The {@link StreamContext} of one attempt of one step: a working copy of the state, and what it did to the timer. */
final class StepContext implements StreamContext {

    /** The timer is as it was before the step. */
    static final long TIMER_UNCHANGED = -1;

    private final String streamId;
    private final Map<String, String> options;
    private final StreamState state;
    private final Clock clock;
    private volatile long timerDueAt = TIMER_UNCHANGED;

    StepContext(String streamKey, Map<String, String> options, Map<String, String> state, Clock clock) {
        // A stream's key is "<tenant id>:<id>" (or its id alone on an open gateway); ids hold no ':'.
        this.streamId = streamKey.substring(streamKey.lastIndexOf(':') + 1);
        this.options = options;
        this.state = StreamState.of(state);
        this.clock = clock;
    }

    @Override
    public String streamId() {
        return streamId;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public StreamState state() {
        return state;
    }

    @Override
    public void setTimer(Duration delay) {
        timerDueAt = clock.millis() + Math.max(0, delay.toMillis());
    }

    @Override
    public void cancelTimer() {
        timerDueAt = 0;
    }

    /** The timer after the step: its new due time, 0 for none, or {@link #TIMER_UNCHANGED}. */
    long timerDueAt() {
        return timerDueAt;
    }
}
