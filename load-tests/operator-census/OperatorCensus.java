package streamgate.census;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Hooks;

/**
 * Counts the Reactor operators an app assembles, by the code that assembles them: the first frame of the stack
 * outside Reactor and the JDK, and the operator's class. Loaded into a Spring Boot jar by load-tests/operator-census.sh
 * (never into the product): the stack walk per operator makes the app many times slower, so it counts, it does not
 * time. Commands come through the file named by {@code -Dcensus.commands}: "reset" forgets the counts so far, "dump
 * <file>" writes them, one "<count> TAB <site> <operator>" per line.
 */
public final class OperatorCensus implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final StackWalker STACK = StackWalker.getInstance();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Hooks.onEachOperator(OperatorCensus.class.getName(), publisher -> {
            String site = STACK.walk(frames -> frames.filter(frame -> !isInternal(frame.getClassName())).findFirst()
                    .map(frame -> frame.getClassName() + "." + frame.getMethodName() + ":" + frame.getLineNumber())
                    .orElse("?"));
            COUNTS.computeIfAbsent(site + " " + publisher.getClass().getSimpleName(), key -> new LongAdder())
                    .increment();
            return publisher;
        });
        Path commands = Path.of(System.getProperty("census.commands"));
        Thread reader = new Thread(() -> readCommands(commands), "operator-census");
        reader.setDaemon(true);
        reader.start();
    }

    private static boolean isInternal(String className) {
        return className.startsWith("reactor.core.") || className.startsWith("java.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith(OperatorCensus.class.getName());
    }

    private static void readCommands(Path commands) {
        while (true) {
            try {
                Thread.sleep(100);
                if (Files.exists(commands)) {
                    run(commands);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs the command, then deletes its file, which the script waits for: done, or failed (the app's log says). */
    private static void run(Path commands) {
        try {
            String command = Files.readString(commands).trim();
            if (command.equals("reset")) {
                COUNTS.clear();
            } else if (command.startsWith("dump ")) {
                dump(Path.of(command.substring("dump ".length())));
            }
        } catch (IOException e) {
            e.printStackTrace();
        } finally {
            try {
                Files.deleteIfExists(commands);
            } catch (IOException e) {
                e.printStackTrace();
            }
        }
    }

    private static void dump(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        COUNTS.forEach((site, count) -> lines.add(count.sum() + "\t" + site));
        Files.write(file, lines);
    }
}
