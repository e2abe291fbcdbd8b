package io.streamgate.processing;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The registered processors by name, and the one used when a stream names none. */
public final class ProcessorCatalog {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Map<String, StreamProcessor> byName = new TreeMap<>();
    private final StreamProcessor defaultProcessor;

    public ProcessorCatalog(List<? extends StreamProcessor> processors, String defaultName) {
        for (StreamProcessor processor : processors) {
            String name = processor.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Processor name '" + name + "' of " + processor.getClass().getName()
                        + " must be lower case letters, digits and dashes");
            }
            if (byName.putIfAbsent(name, processor) != null) {
                throw new IllegalArgumentException("Two processors are named '" + name + "'");
            }
        }
        this.defaultProcessor = byName.get(defaultName);
        if (defaultProcessor == null) {
            throw new IllegalArgumentException("Default processor '" + defaultName + "' is not registered; available: "
                    + String.join(", ", byName.keySet()));
        }
    }

    /** The processor called {@code name}, or the default one when {@code name} is null. */
    public StreamProcessor resolve(String name) {
        if (name == null) {
            return defaultProcessor;
        }
        StreamProcessor processor = byName.get(name);
        if (processor == null) {
            throw new UnknownProcessorException(name, byName.keySet());
        }
        return processor;
    }

    /**
     * The processor a stream starting with {@code name} (null for the default) and {@code options} gets; refuses an
     * unknown name ({@link UnknownProcessorException}) or options it does not take ({@link InvalidOptionsException}).
     */
    public StreamProcessor check(String name, Map<String, String> options) {
        StreamProcessor processor = resolve(name);
        processor.checkOptions(options);
        return processor;
    }

    public Collection<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }
}
