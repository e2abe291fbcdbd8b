package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class DroppedRequestErrorsTest {

    @Test
    void shouldKeepARequestTimeoutAndAGoneClientOutOfTheErrorLogAndLogAnyOtherDroppedErrorAsReactorDoes(
            CapturedOutput output) {
        DroppedRequestErrors.log(ReadTimeoutException.INSTANCE);
        DroppedRequestErrors.log(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"));
        assertThat(output.getOut()).as("after a dropped read timeout and a reset").doesNotContain("ERROR");

        DroppedRequestErrors.log(new IllegalStateException("a dropped error this test makes on purpose",
                new IOException("Connection reset by peer"))); // a failure of its own, whatever its cause says
        assertThat(output.getOut()).as("after another dropped error")
                .contains("ERROR", "Operator called default onErrorDropped",
                        "a dropped error this test makes on purpose");
    }
}
