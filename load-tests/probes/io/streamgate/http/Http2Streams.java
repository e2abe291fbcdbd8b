package io.streamgate.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Holds HTTP/2 streams open on a gateway: {@code connections} h2c connections (by prior knowledge, a client of its own
 * each), each opening {@code streams} sends to one stream whose body starts ({@code {"data":"}) and never ends, as a
 * slow uploader's does. Prints, every 5 s until killed, how many streams were opened (their requests sent; the client
 * sends one again on a new connection when its connection closes), are still open, and the answers the others got by
 * status or error.
 *   load-tests/http2-streams.sh (which runs it: SOURCES=load-tests/probes load-tests/heap.sh Http2Streams ...)
 *   args: <port> <connections> <streams per connection> <stream id> [tenant key, sent as X-API-Key]
 */
public final class Http2Streams {

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int streams = Integer.parseInt(args[2]);
        String id = args[3];
        String key = args.length > 4 ? args[4] : "";
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        List<ConnectionProvider> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            ConnectionProvider provider = ConnectionProvider.builder("h2-" + c).maxConnections(1)
                    .pendingAcquireMaxCount(-1).build();
            clients.add(provider);
            HttpClient client = HttpClient.create(provider).protocol(HttpProtocol.H2C)
                    .responseTimeout(Duration.ofHours(1))
                    .headers(headers -> {
                        headers.set("Content-Type", "application/json").set("Content-Length", "1000");
                        if (!key.isEmpty()) {
                            headers.set("X-API-Key", key);
                        }
                    });
            for (int s = 0; s < streams; s++) {
                Flux<ByteBuf> body = Flux.<ByteBuf>just(Unpooled.copiedBuffer("{\"data\":\"", StandardCharsets.UTF_8))
                        .concatWith(Flux.never());
                AtomicBoolean sent = new AtomicBoolean();
                client.doOnRequest((request, connection) -> {
                            sent.set(true);
                            opened.incrementAndGet();
                            open.incrementAndGet();
                        })
                        .post().uri("http://127.0.0.1:" + port + "/stream/" + id + "/send").send(body)
                        .responseSingle((response, content) -> Mono.just(Integer.toString(response.status().code())))
                        .onErrorResume(error -> Mono.just(error.getClass().getSimpleName()))
                        .subscribe(answer -> {
                            if (sent.get()) {
                                open.decrementAndGet();
                            }
                            answers.computeIfAbsent(answer, a -> new AtomicInteger()).incrementAndGet();
                        });
            }
        }
        while (true) {
            Thread.sleep(5_000);
            System.out.println("opened " + opened.get() + ", open " + open.get() + ", answers "
                    + new TreeMap<>(answers));
        }
    }
}
