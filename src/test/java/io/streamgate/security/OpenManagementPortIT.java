package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * An open gateway (no keys) with the actuator on a port of its own: that port listens on loopback, as the API does,
 * since every caller of an open gateway may read every metric (Spring Boot bound it to every interface), and the
 * ready line names it.
 */
@TestPropertySource(properties = {
        "management.server.port=0",
        "streamgate.kafka.requests-topic=it.open-management.requests",
        "streamgate.kafka.results-topic=it.open-management.results",
        "streamgate.kafka.processor-group=it-open-management-processor"})
@ExtendWith(OutputCaptureExtension.class)
class OpenManagementPortIT extends GatewayIT {

    @LocalManagementPort
    private int managementPort;

    @Test
    void shouldListenOnLoopbackOnly() throws SocketException {
        Optional<InetAddress> beyondLoopback = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
        assumeThat(beyondLoopback).as("an address of this machine beyond loopback").isPresent();

        try (RawHttp health = new RawHttp(managementPort)) {
            String answer = health.write("GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").readUntilClosed();
            assertThat(RawHttp.status(answer)).as("answered on loopback: %s", answer).isEqualTo(200);
        }
        assertThatThrownBy(() -> connect(beyondLoopback.get(), managementPort))
                .as("the management port reached at %s", beyondLoopback.get()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> connect(beyondLoopback.get(), port))
                .as("the API port reached at %s", beyondLoopback.get()).isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldNameTheActuatorsPortInTheReadyLine(CapturedOutput output) {
        await("the ready line").atMost(Duration.ofSeconds(30)).until(() -> output.getOut().contains("Streamgate ready"));
        assertThat(output.getOut().lines().filter(line -> line.contains("Streamgate ready on")))
                .as("the ready line").anySatisfy(line -> assertThat(line)
                        .contains("on http://127.0.0.1:" + port + " (")
                        .endsWith("; actuator on http://127.0.0.1:" + managementPort + "/actuator"));
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
        }
    }
}
