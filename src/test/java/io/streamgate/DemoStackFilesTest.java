package io.streamgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where these tests run, so the demo stack is checked as files: what {@code docker compose up}
 * relies on to come up in order, and what the image and the load balancer need for SSE. (README, "Demo stack",
 * says what was and was not run.)
 */
class DemoStackFilesTest {

    private static final Path COMPOSE = Path.of("compose.yaml");
    private static final Path DOCKER = Path.of("src", "main", "docker");

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void shouldDeclareTheWholeStack() throws IOException {
        assertThat(services()).containsKeys("redpanda-0", "redpanda-1", "redpanda-2", "topics", "console", "gateway",
                "processor", "nginx", "prometheus", "grafana");
        assertThat(services().get("gateway")).extracting("deploy").extracting("replicas").isEqualTo(2);
        assertThat(services().get("gateway")).extracting("environment").extracting("STREAMGATE_ROLES").isEqualTo("gateway");
        assertThat(services().get("processor")).extracting("environment").extracting("STREAMGATE_ROLES")
                .isEqualTo("processor");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldComeUpInOrderOnHealthyDependencies() throws IOException {
        Map<String, Map<String, Object>> services = services();
        services.forEach((name, service) -> {
            if (!name.equals("topics")) {
                assertThat(service).as("%s has a healthcheck (or is a one-shot)", name)
                        .containsKey(name.equals("console") ? "image" : "healthcheck");
            }
            Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) service.get("depends_on");
            if (dependsOn != null) {
                dependsOn.forEach((dependency, how) -> {
                    assertThat(services).as("%s depends on a service that exists", name).containsKey(dependency);
                    String expected = dependency.equals("topics") ? "service_completed_successfully" : "service_healthy";
                    assertThat(how).as("%s waits for %s", name, dependency).containsEntry("condition", expected);
                });
            }
        });
    }

    /**
     * Redpanda takes records of 1 MiB unless a topic says otherwise, and a gateway refuses topics that take less than
     * its max-record-size (8 MiB by default): each {@code rpk topic create} of the stack gives that size.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldCreateTopicsThatTakeStreamgatesLargestRecords() throws IOException {
        String topics = ((List<String>) services().get("topics").get("command")).get(0);
        String[] creates = topics.split("rpk topic create");
        assertThat(creates).as("the topic creations in %s", topics).hasSize(3);
        for (int create = 1; create < creates.length; create++) {
            assertThat(creates[create]).as("rpk topic create%s", creates[create])
                    .contains("-c max.message.bytes=" + DataSize.ofMegabytes(8).toBytes());
        }
    }

    /** The state log as Streamgate makes it: compacted every few minutes ({@code TopicRequirements.stateCompaction}). */
    @Test
    @SuppressWarnings("unchecked")
    void shouldCreateTheStateLogCompactedAsStreamgateMakesIt() throws IOException {
        String topics = ((List<String>) services().get("topics").get("command")).get(0);
        String state = topics.substring(topics.indexOf("rpk topic create streamgate.processor-state"));

        assertThat(state.substring(0, state.indexOf(')'))).as("the state log's creation")
                .contains("-c cleanup.policy=compact", "-c segment.ms=300000", "-c segment.bytes=67108864",
                        "-c delete.retention.ms=300000");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldMountOnlyFilesThatExist() throws IOException {
        services().forEach((name, service) -> ((List<String>) service.getOrDefault("volumes", List.of())).stream()
                .filter(volume -> volume.startsWith("./"))
                .map(volume -> Path.of(volume.substring(2, volume.indexOf(':'))))
                .forEach(source -> assertThat(source).as("%s mounts %s", name, source).exists()));
    }

    @Test
    void shouldProxyServerSentEventsUnbuffered() throws IOException {
        String nginx = Files.readString(DOCKER.resolve("nginx/nginx.conf"));
        assertThat(nginx).contains("proxy_buffering off;", "proxy_read_timeout 1h;", "proxy_http_version 1.1;");
    }

    /**
     * Gateways and the processor serve their actuator on a management port, counted apart from the API's connections:
     * the healthchecks, Prometheus and nginx's {@code /actuator/} all go to the port the services are given.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldReachTheActuatorOnTheManagementPort() throws IOException {
        for (String name : List.of("gateway", "processor")) {
            Map<String, Object> service = services().get(name);
            Map<String, Object> environment = (Map<String, Object>) service.get("environment");
            assertThat(environment).as("%s's environment", name)
                    .containsEntry("MANAGEMENT_SERVER_PORT", "8081").containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0");
            List<String> healthcheck = (List<String>) ((Map<String, Object>) service.get("healthcheck")).get("test");
            assertThat(String.join(" ", healthcheck)).as("%s's healthcheck", name)
                    .contains("/dev/tcp/127.0.0.1/8081", "/actuator/health");
        }
        assertThat(Files.readString(DOCKER.resolve("prometheus/prometheus.yml"))).contains("port: 8081");
        assertThat(Files.readString(DOCKER.resolve("nginx/nginx.conf")))
                .contains("server gateway:8081 resolve;", "location /actuator/ {", "proxy_pass http://gateways_actuator;");
    }

    @Test
    void shouldBuildALayeredImageThatRunsAsNonRoot() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        assertThat(lines.stream().filter(line -> line.startsWith("FROM "))).as("multi-stage").hasSize(2);
        assertThat(lines).anyMatch(line -> line.contains("extract --layers"))
                .anyMatch(line -> line.equals("USER streamgate"))
                .anyMatch(line -> line.startsWith("HEALTHCHECK"));
        assertThat(DOCKER.resolve("smoke.sh")).isExecutable();
    }
}
