package io.streamgate.processing;

import java.util.Collection;

/** A client asked for a processor that is not registered. */
public final class UnknownProcessorException extends RuntimeException {

    public UnknownProcessorException(String name, Collection<String> known) {
        super("Unknown processor '" + name + "'; available: " + String.join(", ", known), null, false, false);
    }
}
