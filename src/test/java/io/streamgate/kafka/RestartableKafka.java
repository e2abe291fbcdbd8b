package io.streamgate.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A broker that a test can take away and bring back on the same port, with the same data. A test class owns one as a
 * JUnit extension ({@code @RegisterExtension static final RestartableKafka KAFKA = new RestartableKafka();}): it
 * starts before the class's first test and is stopped, its data deleted, after its last.
 */
public final class RestartableKafka implements BeforeAllCallback, AfterAllCallback {

    private final int port;
    private Path dataDir;
    private EmbeddedKafkaBroker broker;

    public RestartableKafka() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("streamgate-restartable-kafka");
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
        if (dataDir != null) {
            TestKafka.deleteRecursively(dataDir);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public synchronized void start() {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.start(dataDir, port, 8 * 1024 * 1024);
        }
    }

    public synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
