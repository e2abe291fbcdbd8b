package io.streamgate.http;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Lets a response wait until its connection can take more. Reactor Netty writes up to 128 messages to a connection
 * whatever their size and however full it is, so a slow reader of large results would make this node hold megabytes
 * for it; a response that waits here before each message holds at most Netty's write-buffer high-water mark plus
 * one message. Installed on every connection; wakes its waiters, on its event loop, when it drains or closes.
 */
@ChannelHandler.Sharable
final class WritabilityGate extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Queue<MonoSink<Void>>> WAITERS = AttributeKey.valueOf("streamgate.writability");

    void install(Channel channel) {
        channel.attr(WAITERS).set(new ConcurrentLinkedQueue<>());
        channel.closeFuture().addListener(closed -> wake(channel));
        channel.pipeline().addFirst(this);
    }

    /**
     * Completes on the connection's event loop, at once while the connection can take more bytes, else once it can
     * (or has closed). Completing there matters: what the caller then emits is written to the connection at once, so
     * the next check already sees it; checked from another thread, several messages could pass before the first
     * write lands.
     */
    static Mono<Void> whenWritable(Channel channel) {
        Queue<MonoSink<Void>> waiters = channel.attr(WAITERS).get();
        if (waiters == null) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            if (channel.eventLoop().inEventLoop()) {
                proceedOrWait(channel, waiters, sink);
            } else {
                channel.eventLoop().execute(() -> proceedOrWait(channel, waiters, sink));
            }
        });
    }

    /** The connection a request's response goes out on (an HTTP/2 stream's own channel); null outside Reactor Netty. */
    static Channel connectionOf(ServerRequest request) {
        Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(request.exchange().getResponse());
        if (!(nativeResponse instanceof HttpServerResponse response)) {
            return null;
        }
        Channel[] channel = new Channel[1];
        response.withConnection(connection -> channel[0] = connection.channel());
        return channel[0];
    }

    private static void proceedOrWait(Channel channel, Queue<MonoSink<Void>> waiters, MonoSink<Void> sink) {
        if (canProceed(channel)) {
            sink.success();
        } else {
            waiters.add(sink);
            sink.onCancel(() -> waiters.remove(sink));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            wake(ctx.channel());
        }
        super.channelWritabilityChanged(ctx);
    }

    private static boolean canProceed(Channel channel) {
        return channel.isWritable() || !channel.isActive();
    }

    private static void wake(Channel channel) {
        Queue<MonoSink<Void>> waiters = channel.attr(WAITERS).get();
        for (MonoSink<Void> waiter; waiters != null && (waiter = waiters.poll()) != null; ) {
            waiter.success();
        }
    }
}
