package io.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class StreamgatePropertiesTest {

    @Test
    void shouldRefuseChunksLargerThanKafkaRecordsCanCarry() {
        var kafka = new StreamgateProperties.Kafka("", "requests", "results", "", "", 6, (short) 0, DataSize.ofMegabytes(1),
                Duration.ofSeconds(30), "group", Map.of(), Map.of());
        var stream = new StreamgateProperties.Stream(Duration.ofMinutes(5), Duration.ofSeconds(15), DataSize.ofMegabytes(1),
                100, DataSize.ofMegabytes(4), DataSize.ofMegabytes(256), DataSize.ofMegabytes(128), Duration.ofHours(1),
                DataSize.ofMegabytes(256), "uppercase", 1000,
                DataSize.ofMegabytes(4));

        assertThatThrownBy(() -> new StreamgateProperties(Set.of(Role.GATEWAY, Role.PROCESSOR), kafka,
                new StreamgateProperties.Broker(Path.of("data"), 0), new StreamgateProperties.Processor(""),
                new StreamgateProperties.Processing(64, Duration.ofSeconds(30), 2, Duration.ofMillis(500), 100_000,
                        DataSize.ofMegabytes(64), DataSize.ofMegabytes(256),
                        new StreamgateProperties.Http("", 512)), stream,
                new StreamgateProperties.Security(List.of(), List.of(),
                        new StreamgateProperties.Cors(List.of(), false, Duration.ofMinutes(30)),
                        new StreamgateProperties.Jwt("sub")),
                new StreamgateProperties.Limits(1, 1, 1, 1, 1, 1, 1, 1, null, null, null, Duration.ofSeconds(1),
                        DataSize.ofKilobytes(8))))
                .hasMessageContaining("max-record-size");
    }

    @Test
    void shouldGiveATenantHalfOfWhatOthersLeaveOfTheBytesInFlightUnlessSetOrTheOnlyTenant() {
        assertThat(limits(DataSize.ofMegabytes(128), null).maxBytesInFlightPerTenant(false))
                .isEqualTo(TenantShare.halfOfWhatOthersLeave(DataSize.ofMegabytes(128).toBytes()));
        assertThat(limits(DataSize.ofMegabytes(128), null).maxBytesInFlightPerTenant(true))
                .isEqualTo(TenantShare.fixed(DataSize.ofMegabytes(128).toBytes()));
        assertThat(limits(DataSize.ofMegabytes(128), DataSize.ofMegabytes(8)).maxBytesInFlightPerTenant(false))
                .isEqualTo(TenantShare.fixed(DataSize.ofMegabytes(8).toBytes()));
        assertThatThrownBy(() -> limits(DataSize.ofMegabytes(128), DataSize.ofBytes(512)))
                .hasMessageContaining("max-bytes-in-flight-per-tenant must be at least 1KB");
    }

    @Test
    void shouldGiveATenantHalfOfWhatOthersLeaveOfTheSendsInFlightUnlessSetOrTheOnlyTenant() {
        assertThat(sends(null).maxSendsInFlightPerTenant(false)).isEqualTo(TenantShare.halfOfWhatOthersLeave(4096));
        assertThat(sends(null).maxSendsInFlightPerTenant(true)).isEqualTo(TenantShare.fixed(4096));
        assertThat(sends(100).maxSendsInFlightPerTenant(false)).isEqualTo(TenantShare.fixed(100));
        assertThatThrownBy(() -> sends(0)).hasMessageContaining("must be at least 1");
    }

    private static StreamgateProperties.Limits sends(Integer perTenant) {
        return new StreamgateProperties.Limits(1, 1, 1, 1, 1, 1, 1, 4096, perTenant, null, null, Duration.ofSeconds(1),
                DataSize.ofKilobytes(8));
    }

    private static StreamgateProperties.Limits limits(DataSize node, DataSize perTenant) {
        return new StreamgateProperties.Limits(1, 1, 1, 1, 1, 1, 1, 1, null, node, perTenant, Duration.ofSeconds(1),
                DataSize.ofKilobytes(8));
    }

    @Test
    void shouldGiveATenantsReadersHalfOfWhatOthersLeaveOfTheConnectionsUnlessSetOrTheOnlyTenant() {
        assertThat(readers(null, 20_000).readersPerTenant(false)).isEqualTo(TenantShare.halfOfWhatOthersLeave(20_000));
        assertThat(readers(null, 2_000).readersPerTenant(true)).isEqualTo(TenantShare.fixed(20_000));
        assertThat(readers(7, 20_000).readersPerTenant(false)).isEqualTo(TenantShare.fixed(7));
        assertThat(readers(7, 20_000).readersPerTenant(true)).isEqualTo(TenantShare.fixed(7));
        assertThatThrownBy(() -> readers(0, 20_000)).hasMessageContaining("must be at least 1");
    }

    private static StreamgateProperties.Limits readers(Integer perTenant, int connections) {
        return new StreamgateProperties.Limits(1, 1, 1, 1, perTenant, connections, 1, 1, null, null, null,
                Duration.ofSeconds(1), DataSize.ofKilobytes(8));
    }

    @Test
    void shouldRefuseCredentialsWithAWildcardOrigin() {
        assertThatThrownBy(() -> new StreamgateProperties.Cors(List.of("*"), true, Duration.ofMinutes(30)))
                .hasMessageContaining("wildcard");
    }

    @Test
    void shouldNeverPrintKeys() {
        var security = new StreamgateProperties.Security(List.of("a-secret-key-0123456789"), List.of(),
                new StreamgateProperties.Cors(List.of(), false, Duration.ofMinutes(30)), new StreamgateProperties.Jwt("sub"));

        org.assertj.core.api.Assertions.assertThat(security.toString()).doesNotContain("a-secret-key");
    }

    @Test
    void shouldNameTheStateAndDeadLetterTopicsAfterTheRequestsTopic() {
        var defaults = new StreamgateProperties.Kafka("", "streamgate.requests", "streamgate.results", "", "", 6,
                (short) 0, DataSize.ofMegabytes(8), Duration.ofSeconds(30), "group", Map.of(), Map.of());
        var other = new StreamgateProperties.Kafka("", "it.jobs", "it.jobs-results", "", "", 6, (short) 0,
                DataSize.ofMegabytes(8), Duration.ofSeconds(30), "group", Map.of(), Map.of());

        assertThat(defaults.stateTopic()).isEqualTo("streamgate.processor-state");
        assertThat(defaults.deadLetterTopic()).isEqualTo("streamgate.dead-letters");
        assertThat(other.stateTopic()).isEqualTo("it.jobs.processor-state");
    }
}
