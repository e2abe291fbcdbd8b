package io.streamgate.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.core.NestedExceptionUtils;

/**
 * A real single-node Kafka (broker and KRaft controller in one) running inside this JVM, listening on 127.0.0.1
 * only. Its storage is formatted once and kept, so a restart finds its topics and records again.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    /** The log cleaner's key map (24 bytes a key, filled to 90%). */
    private static final long CLEANER_KEYS_BYTES = 16L * 1024 * 1024;

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats {@code dataDir} if it holds no broker yet, then starts the broker and returns once it serves.
     *
     * @param port           client port on 127.0.0.1; 0 picks a free one
     * @param maxRecordBytes the largest record batch the broker accepts
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, long maxRecordBytes) {
        long startedNanos = System.nanoTime();
        Path logDir = dataDir.toAbsolutePath().resolve("kraft-combined-logs");
        List<Integer> free = freePorts(3);
        int clientPort = port == 0 ? free.get(0) : port;
        int controllerPort = free.get(1) == clientPort ? free.get(2) : free.get(1);
        Properties config = config(logDir, clientPort, controllerPort, maxRecordBytes);
        formatIfNew(logDir, config);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException failed) {
            // Kafka's own launcher exits the JVM here; embedded, the threads the half-started broker left running kept
            // it alive after the application had failed (a start with the broker's port taken hung until killed).
            server.shutdown();
            server.awaitShutdown();
            throw new FailureAnalyzedException("The embedded Kafka broker could not start on " + HOST + ":" + clientPort
                    + " with its data in " + logDir + ": " + NestedExceptionUtils.getMostSpecificCause(failed),
                    "If the port is taken, free it or leave streamgate.broker.port at 0 (a free one). If another"
                    + " Streamgate uses that data, stop it or give this one its own streamgate.broker.data-dir.",
                    failed);
        }
        String bootstrap = HOST + ":" + clientPort;
        log.info("Embedded Kafka broker (KRaft) serving on {} with data in {}, started in {} ms", bootstrap, logDir,
                (System.nanoTime() - startedNanos) / 1_000_000);
        return new EmbeddedKafkaBroker(server, bootstrap);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka broker stopped");
    }

    private static Properties config(Path logDir, int clientPort, int controllerPort, long maxRecordBytes) {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        // One node: internal topics cannot have more replicas than that.
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.num.partitions", "5");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        config.put("message.max.bytes", Long.toString(maxRecordBytes));
        config.put("replica.fetch.max.bytes", Long.toString(maxRecordBytes));
        // The log cleaner's map of the keys it compacts, allocated on the heap when the broker starts: Kafka's 128 MiB
        // default was most of the gateway's heap in use. 16 MiB holds about 630,000 keys a pass, more than a 64 MiB
        // segment of the state topic holds records (about 500,000); a pass with more compacts what fits.
        config.put("log.cleaner.dedupe.buffer.size", Long.toString(CLEANER_KEYS_BYTES));
        return config;
    }

    private static void formatIfNew(Path logDir, Properties config) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            Path configFile = Files.createTempFile("streamgate-broker", ".properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                config.store(out, "Streamgate embedded broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit = StorageTool.execute(new String[] {
                    "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            Files.deleteIfExists(configFile);
            if (exit != 0) {
                throw new IllegalStateException("Formatting Kafka storage in " + logDir + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka storage in " + logDir, e);
        }
    }

    /**
     * {@code count} different free ports on 127.0.0.1 (also for the tests' own brokers). They are held open together
     * until all are picked: a port closed and asked for again can come back at once, and two listeners given one port
     * fail to start (seen: a test cluster's broker got another node's controller port).
     */
    static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it was only held to keep its port from being handed out twice
                }
            }
        }
    }
}
