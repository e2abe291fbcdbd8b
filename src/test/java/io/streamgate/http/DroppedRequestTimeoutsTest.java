package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class DroppedRequestTimeoutsTest {

    @Test
    void shouldKeepARequestTimeoutOutOfTheErrorLogAndLogAnyOtherDroppedErrorAsReactorDoes(CapturedOutput output) {
        DroppedRequestTimeouts.log(ReadTimeoutException.INSTANCE);
        assertThat(output.getOut()).as("after a dropped read timeout").doesNotContain("ERROR");

        DroppedRequestTimeouts.log(new IllegalStateException("a dropped error this test makes on purpose"));
        assertThat(output.getOut()).as("after another dropped error")
                .contains("ERROR", "Operator called default onErrorDropped",
                        "a dropped error this test makes on purpose");
    }
}
