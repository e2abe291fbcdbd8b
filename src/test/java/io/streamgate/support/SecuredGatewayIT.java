package io.streamgate.support;

import io.streamgate.kafka.TestKafka;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway as an operator would run it in the open: API keys for several tenants, an operator key, one allowed
 * browser origin, and small limits so that tests can reach them. Tenants are split by concern so that one test's
 * use of a limit never trips another's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.security.api-keys[0]=" + SecuredGatewayIT.TENANT_A,
        "streamgate.security.api-keys[1]=" + SecuredGatewayIT.TENANT_B,
        "streamgate.security.api-keys[2]=" + SecuredGatewayIT.LIMITS_TENANT,
        "streamgate.security.api-keys[3]=" + SecuredGatewayIT.FUZZ_TENANT,
        "streamgate.security.api-keys[4]=" + SecuredGatewayIT.RATE_TENANT,
        "streamgate.security.api-keys[5]=" + SecuredGatewayIT.KEEP_ALIVE_TENANT,
        "streamgate.security.operator-keys[0]=" + SecuredGatewayIT.OPERATOR,
        "streamgate.security.cors.allowed-origins[0]=" + SecuredGatewayIT.ALLOWED_ORIGIN,
        "streamgate.limits.open-streams-per-tenant=3",
        "streamgate.limits.sends-per-second-per-tenant=20",
        "streamgate.limits.readers-per-stream=2",
        "streamgate.limits.readers-per-tenant=3",
        "streamgate.limits.max-connections=64",
        "streamgate.limits.request-read-timeout=2s",
        "streamgate.stream.heartbeat-interval=300ms",
        "streamgate.kafka.requests-topic=" + SecuredGatewayIT.REQUESTS_TOPIC,
        "streamgate.kafka.results-topic=it.secured.results",
        "streamgate.kafka.processor-group=it-secured-processor",
        "streamgate.kafka.partitions=4"})
public abstract class SecuredGatewayIT {

    public static final String TENANT_A = "tenant-a-key-7f3c9e21d4";
    public static final String TENANT_B = "tenant-b-key-0b8a44c6e2";
    public static final String LIMITS_TENANT = "tenant-limits-key-5d1e7a";
    public static final String FUZZ_TENANT = "tenant-fuzz-key-c2f6b8a913";
    public static final String RATE_TENANT = "tenant-rate-key-e81f0d3b57";
    public static final String KEEP_ALIVE_TENANT = "tenant-keep-alive-key-4a9c03";
    public static final String OPERATOR = "operator-key-91d2e7b4a0c3";
    public static final String ALLOWED_ORIGIN = "https://app.example";
    public static final String REQUESTS_TOPIC = "it.secured.requests";

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    protected StreamClient as(String key) {
        return new StreamClient(port, key);
    }

    protected StreamClient anonymous() {
        return new StreamClient(port);
    }
}
