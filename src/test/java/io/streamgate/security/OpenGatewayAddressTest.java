package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;

class OpenGatewayAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "localhost"})
    void shouldTellLoopbackAddresses(String address) {
        assertThat(new OpenGatewayAddress(true, address).loopback()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "10.0.0.1"})
    void shouldTellAddressesBeyondLoopback(String address) {
        assertThat(new OpenGatewayAddress(true, address).loopback()).isFalse();
    }

    @Test
    void shouldBindAnOpenGatewayWithoutAnAddressToLoopback() {
        OpenGatewayAddress unset = new OpenGatewayAddress(true, null);
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();

        unset.customize(factory);

        assertThat(unset.loopback()).isTrue();
        assertThat(factory.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
    }

    @Test
    void shouldLeaveTheAddressOfAKeyedOrAConfiguredGateway() {
        NettyReactiveWebServerFactory keyed = new NettyReactiveWebServerFactory();
        NettyReactiveWebServerFactory configured = new NettyReactiveWebServerFactory();

        new OpenGatewayAddress(false, null).customize(keyed);
        new OpenGatewayAddress(true, "0.0.0.0").customize(configured);

        assertThat(keyed.getAddress()).isNull();
        assertThat(configured.getAddress()).isNull();
    }

    @Test
    void shouldBindTheManagementPortOfAnOpenGatewayToLoopbackUnlessItsAddressIsSet() {
        NettyReactiveWebServerFactory unset = new NettyReactiveWebServerFactory();
        NettyReactiveWebServerFactory configured = new NettyReactiveWebServerFactory();
        NettyReactiveWebServerFactory keyed = new NettyReactiveWebServerFactory();

        new OpenGatewayAddress(true, null, OpenGatewayAddress.Server.MANAGEMENT).customize(unset);
        new OpenGatewayAddress(true, "0.0.0.0", OpenGatewayAddress.Server.MANAGEMENT).customize(configured);
        new OpenGatewayAddress(false, null, OpenGatewayAddress.Server.MANAGEMENT).customize(keyed);

        assertThat(unset.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(configured.getAddress()).isNull();
        assertThat(keyed.getAddress()).isNull();
    }
}
