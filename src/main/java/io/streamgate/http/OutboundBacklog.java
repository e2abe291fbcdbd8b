package io.streamgate.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Measures what this node holds for clients that read slower than it writes: the bytes written to connections but
 * not yet taken by the operating system. Reactor Netty stops asking a response for more once its connection holds
 * more than the write-buffer high-water mark, so this stays bounded however slow the readers are; the
 * {@code streamgate.http.outbound.backlog} gauge shows it.
 */
final class OutboundBacklog {

    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

    /**
     * Counts a connection until it closes. (Not a pipeline handler watching {@code channelActive}: Reactor Netty's
     * own handler does not pass that event on, so such a handler never saw a connection.)
     */
    void track(Channel channel) {
        channels.add(channel);
        channel.closeFuture().addListener(closed -> channels.remove(channel));
    }

    /** Bytes queued on all open connections, not yet written to their sockets. */
    long bytes() {
        long total = 0;
        for (Channel channel : channels) {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            if (buffer != null) {
                total += buffer.totalPendingWriteBytes();
            }
        }
        return total;
    }
}
