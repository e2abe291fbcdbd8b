package io.streamgate.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A broker that a test can take away and bring back on the same port, with the same data. */
public final class RestartableKafka implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedKafkaBroker broker;

    public RestartableKafka() {
        try {
            dataDir = Files.createTempDirectory("streamgate-restartable-kafka");
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
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

    @Override
    public void close() {
        stop();
        TestKafka.deleteRecursively(dataDir);
    }
}
