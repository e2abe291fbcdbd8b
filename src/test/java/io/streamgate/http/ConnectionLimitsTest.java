package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.streamgate.metrics.StreamMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ConnectionLimitsTest {

    private final IdleConnections idle = new IdleConnections();
    private final ConnectionLimits limits = new ConnectionLimits(3, ConnectionLimits.API_LIMIT, idle,
            new StreamMetrics(new SimpleMeterRegistry(), () -> 0), JsonMapper.builder().build());
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void shouldCountAnHttp2ConnectionsOpenStreamsBeyondItsFirstAgainstTheCap() {
        EmbeddedChannel connection = connection();
        EmbeddedChannel first = stream(connection);
        EmbeddedChannel second = stream(connection);
        EmbeddedChannel third = stream(connection);
        EmbeddedChannel fourth = stream(connection);

        assertThat(List.of(first, second, third, fourth)).map(ConnectionLimits::overCap)
                .as("the connection and two more streams fill a cap of 3")
                .containsExactly(null, null, null, "max-connections");
        second.close();
        fourth.close();
        assertThat(ConnectionLimits.overCap(stream(connection))).as("once two have closed").isNull();
        assertThat(ConnectionLimits.overCap(stream(connection))).isEqualTo("max-connections");
    }

    @Test
    void shouldLetAStreamOverTheCapTakeTheConnectionWaitingLongestInstead() {
        EmbeddedChannel waiting = connection();
        EmbeddedChannel connection = connection();
        stream(waiting).close(); // it waits for its next stream
        stream(connection);
        stream(connection);

        assertThat(ConnectionLimits.overCap(stream(connection))).isNull();
        assertThat(waiting.isOpen()).as("the connection waiting longest").isFalse();
    }

    /** A connection let in under the cap. */
    private EmbeddedChannel connection() {
        EmbeddedChannel connection = new EmbeddedChannel(limits);
        channels.add(connection);
        return connection;
    }

    /** An HTTP/2 stream of {@code connection}, as Netty's multiplexing makes one, opened. */
    private EmbeddedChannel stream(EmbeddedChannel connection) {
        EmbeddedChannel stream = new EmbeddedChannel(connection, DefaultChannelId.newInstance(), true, false);
        limits.streamOpened(stream);
        idle.streamOpened(stream);
        return stream;
    }
}
