package io.streamgate.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import kafka.Kafka;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A three-node KRaft cluster (each node broker and controller), each node its own JVM so that a test can kill one
 * for real (SIGKILL: no controlled shutdown, no leadership handed over first). Replication 3 and
 * min.insync.replicas 2 by default, internal topics included, as a production cluster would be set.
 *
 * <p>A test class owns one as a JUnit extension, {@code @RegisterExtension static final KafkaCluster CLUSTER = new
 * KafkaCluster();}: its nodes start before the class's first test (and its {@code @BeforeAll} methods) and are
 * killed after its last (and its {@code @AfterAll} methods), so no class has to remember to stop them. Its ports are
 * chosen when it is made, so a {@code @DynamicPropertySource} can name {@link #bootstrapServers()} before it starts.
 */
public final class KafkaCluster implements BeforeAllCallback, AfterAllCallback {

    private static final String HOST = "127.0.0.1";
    private static final int NODES = 3;

    /** Kafka's own logging is chatty at INFO; warnings are what a failing test needs. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="out"/></root>
            </configuration>
            """;

    private final List<Integer> clientPorts;
    private final List<Integer> controllerPorts;
    private final List<Process> nodes = new ArrayList<>();
    private Path dir;

    public KafkaCluster() {
        // All six at once: ports asked for one by one can repeat (CI run 4 of 5 gave node 3's client listener node 2's
        // controller port, and the cluster never formed).
        List<Integer> ports = EmbeddedKafkaBroker.freePorts(2 * NODES);
        clientPorts = List.copyOf(ports.subList(0, NODES));
        controllerPorts = List.copyOf(ports.subList(NODES, 2 * NODES));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            dir = Files.createTempDirectory("streamgate-kafka-cluster");
            String voters = java.util.stream.IntStream.range(0, NODES)
                    .mapToObj(node -> (node + 1) + "@" + HOST + ":" + controllerPorts.get(node))
                    .collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            Files.writeString(dir.resolve("logback.xml"), LOGBACK);
            for (int node = 0; node < NODES; node++) {
                Path config = writeConfig(node, clientPorts.get(node), controllerPorts.get(node), voters);
                format(config, clusterId);
                nodes.add(startNode(node, config));
            }
            awaitBrokers(NODES);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close(); // a cluster that did not form must not leave its node JVMs running
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public String bootstrapServers() {
        return clientPorts.stream().map(port -> HOST + ":" + port).collect(Collectors.joining(","));
    }

    /** SIGKILLs node {@code node} (0 to 2) and waits until it is gone. */
    public void kill(int node) {
        Process process = nodes.get(node);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Freezes node {@code node} (0 to 2) with SIGSTOP: its sockets stay open and nothing on them is answered, as a
     * broker in a long pause (a stalled disk, a stop-the-world collection) rather than one that is gone.
     */
    public void pause(int node) {
        signal(node, "STOP");
    }

    /** Lets a node {@link #pause paused} run again (SIGCONT). */
    public void resume(int node) {
        signal(node, "CONT");
    }

    private void signal(int node, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(nodes.get(node).pid()))
                    .inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " of node " + (node + 1) + " exited "
                        + kill.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void close() {
        nodes.forEach(Process::destroyForcibly);
        if (dir != null) {
            TestKafka.deleteRecursively(dir);
        }
    }

    private Path writeConfig(int node, int clientPort, int controllerPort, String voters) throws IOException {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(node + 1));
        config.put("controller.quorum.voters", voters);
        config.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", dir.resolve("node-" + (node + 1)).toString());
        config.put("default.replication.factor", "3");
        config.put("min.insync.replicas", "2");
        config.put("offsets.topic.replication.factor", "3");
        config.put("transaction.state.log.replication.factor", "3");
        config.put("transaction.state.log.min.isr", "2");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.num.partitions", "5");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        config.put("unclean.leader.election.enable", "false");
        Path file = dir.resolve("node-" + (node + 1) + ".properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, "Streamgate test cluster node " + (node + 1));
        }
        return file;
    }

    private static void format(Path config, String clusterId) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("Formatting " + config + " failed: " + output);
        }
    }

    private Process startNode(int node, Path config) throws IOException {
        Path output = Path.of("target", "child-processes", "kafka-node-" + (node + 1) + "-" + System.nanoTime() + ".log");
        Files.createDirectories(output.getParent());
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"), "-cp", System.getProperty("java.class.path"), Kafka.class.getName(), config.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private void awaitBrokers(int count) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Awaitility.await("a " + count + "-broker cluster").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> admin.describeCluster().nodes().get().size() == count);
        }
    }
}
