package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.reactor.netty.autoconfigure.NettyServerProperties;

class SecurityConfigurationTest {

    private final SecurityConfiguration configuration = new SecurityConfiguration();

    @Test
    void shouldBuildTheFirewallWhereNettyValidatesHeaders() {
        assertThat(configuration.strictFirewall(new NettyServerProperties())).isInstanceOf(StrictFirewall.class);
    }

    @Test
    void shouldRefuseToRunWithNettysHeaderValidationOff() {
        NettyServerProperties netty = new NettyServerProperties();
        netty.setValidateHeaders(false);

        assertThatThrownBy(() -> configuration.strictFirewall(netty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server.netty.validate-headers=false");
    }
}
