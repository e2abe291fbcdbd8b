package streamgate;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A model server for the {@code http} processor's throughput benchmark (processing.sh): answers each chunk POSTed to
 * it, after {@code delayMillis} (50), with one NDJSON line carrying the chunk's data back, {@code {"data":"<data>"}}.
 * Plain Netty (it comes with Gatling here), one event loop, the delay a timer on it: thousands of calls in flight cost
 * no threads, so the benchmark measures Streamgate rather than its model server. (A JDK HttpServer with a thread per
 * call topped out near 3,200 calls/s at 92 ms on this machine.)
 *
 * <pre>
 *   java -cp ... -Dport=18090 -DdelayMillis=50 streamgate.SlowModelServer
 * </pre>
 */
public final class SlowModelServer {

    private static final int PORT = Integer.getInteger("port", 18090);
    private static final long DELAY_MILLIS = Long.getLong("delayMillis", 50);
    private static final AtomicLong IN_FLIGHT = new AtomicLong();
    private static final Pattern DATA = Pattern.compile("\"data\":(\"(?:[^\"\\\\]|\\\\.)*\")");

    public static void main(String[] args) throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new Answer(calls));
                    }
                })
                .bind("127.0.0.1", PORT).sync();
        System.out.printf("model server on http://127.0.0.1:%d/, answering after %d ms%n", PORT, DELAY_MILLIS);
        long[] last = {0};
        loop.scheduleAtFixedRate(() -> {
            long now = calls.get();
            System.out.printf("model server: %,d calls/s, %d in flight%n", (now - last[0]) / 5, IN_FLIGHT.get());
            last[0] = now;
        }, 5, 5, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf("model server: %,d calls%n", calls.get())));
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final AtomicLong calls;

        Answer(AtomicLong calls) {
            this.calls = calls;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Matcher data = DATA.matcher(request.content().toString(StandardCharsets.UTF_8));
            byte[] line = ("{\"data\":" + (data.find() ? data.group(1) : "\"\"") + "}\n").getBytes(StandardCharsets.UTF_8);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            IN_FLIGHT.incrementAndGet();
            ctx.executor().schedule(() -> {
                IN_FLIGHT.decrementAndGet();
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(line));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
                HttpUtil.setContentLength(response, line.length);
                HttpUtil.setKeepAlive(response, keepAlive);
                ctx.writeAndFlush(response);
                calls.incrementAndGet();
            }, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
