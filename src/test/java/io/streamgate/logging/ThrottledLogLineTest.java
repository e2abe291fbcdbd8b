package io.streamgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(OutputCaptureExtension.class)
class ThrottledLogLineTest {

    private static final String LOGGER = "io.streamgate.logging.ThrottledLogLineTest.burst";

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final ThrottledLogLine line = new ThrottledLogLine(LoggerFactory.getLogger(LOGGER), Level.WARN, clock);

    @Test
    void shouldLogABurstsFirstLineAtOnceAndTheRestAsOneCountAWindowWhileItGoesOn(CapturedOutput output) {
        line.log("Kafka did not take a command: attempt 1");
        assertThat(lines(output)).as("the first at once").containsExactly("Kafka did not take a command: attempt 1");

        for (int attempt = 2; attempt <= 4_096; attempt++) {
            line.log("Kafka did not take a command: attempt " + attempt);
        }
        assertThat(lines(output)).as("within the window").hasSize(1);

        clock.advanceTimeBy(ThrottledLogLine.WINDOW);
        line.log("Kafka did not take a command: attempt 4097");
        clock.advanceTimeBy(ThrottledLogLine.WINDOW);
        assertThat(lines(output)).as("a line a window").containsExactly(
                "Kafka did not take a command: attempt 1",
                "4095 more like it in the last 10 s, the last: Kafka did not take a command: attempt 4096",
                "1 more like it in the last 10 s, the last: Kafka did not take a command: attempt 4097");

        clock.advanceTimeBy(ThrottledLogLine.WINDOW.multipliedBy(3));
        line.log("Kafka did not take a command: after the burst");
        assertThat(lines(output)).as("a window without a line ends the burst; the next is logged at once").hasSize(4)
                .last().isEqualTo("Kafka did not take a command: after the burst");
    }

    @Test
    void shouldLogTheCauseOfABurstsFirstLineOnly(CapturedOutput output) {
        line.log("Passing over a result at 1", new IllegalStateException("the first cause"));
        line.log("Passing over a result at 2", new IllegalStateException("the second cause"));
        clock.advanceTimeBy(ThrottledLogLine.WINDOW);

        assertThat(lines(output)).containsExactly("Passing over a result at 1",
                "1 more like it in the last 10 s, the last: Passing over a result at 2");
        assertThat(output.getOut()).contains("java.lang.IllegalStateException: the first cause")
                .doesNotContain("the second cause");
    }

    /** The test logger's lines, their messages only, so a failure shows what was logged. */
    private static List<String> lines(CapturedOutput output) {
        return Arrays.stream(output.getOut().split("\n"))
                .filter(logged -> logged.contains("ThrottledLogLineTest.burst") && logged.contains(" WARN "))
                .map(logged -> logged.substring(logged.indexOf(" : ") + 3).strip())
                .toList();
    }
}
