package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.streamgate.support.StreamgateProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded broker that cannot start (its port taken; or its data directory another Streamgate's) fails the start
 * and the JVM exits, with Spring Boot's failure report: the half-started broker's threads once kept the JVM alive, and
 * the start hung until killed.
 */
class EmbeddedBrokerFailureIT {

    @Test
    void shouldExitWithAReportWhenTheBrokersPortIsTaken(@TempDir Path dataDir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Throwable failure = catchThrowable(() -> StreamgateProcess.start("taken-broker-port", Map.of(
                    "streamgate.broker.port", Integer.toString(taken.getLocalPort()),
                    "streamgate.broker.data-dir", dataDir.toString())));

            assertThat(failure).as("the start").hasMessageStartingWith("Streamgate exited with 1 while starting");
            String log = Files.readString(Path.of(failure.getMessage().substring(failure.getMessage().indexOf("see ")
                    + "see ".length())));
            assertThat(log).as("its output").contains("APPLICATION FAILED TO START", "The embedded Kafka broker could"
                    + " not start on 127.0.0.1:" + taken.getLocalPort(), "java.net.BindException");
        }
    }
}
