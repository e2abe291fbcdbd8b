package io.streamgate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Plain sockets, for requests no well-behaved HTTP client would send. */
public final class RawHttp implements AutoCloseable {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

    private final Socket socket;

    public RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) Duration.ofSeconds(15).toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp write(String text) {
        return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Tells the server this client will send nothing more (a request cut short). */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the server sends up to the end of one answer's head (an interim {@code 100 Continue}'s, say). */
    public String readHead() {
        StringBuilder head = new StringBuilder();
        try {
            InputStream in = socket.getInputStream();
            for (int next; head.indexOf("\r\n\r\n") < 0 && (next = in.read()) >= 0; ) {
                head.append((char) next);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return head.toString();
    }

    /** One whole answer on a connection kept alive: its head, and as much body as its {@code Content-Length} says. */
    public String readAnswer() {
        String head = readHead();
        Matcher length = CONTENT_LENGTH.matcher(head);
        try {
            byte[] body = socket.getInputStream().readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
            return head + new String(body, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the connection with a reset, as a client killed mid-request does (the kernel discards what it had). */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the server sends until it closes the connection (or "" if it resets it). */
    public String readUntilClosed() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The server kept the connection open for 15 s: " + received, e);
        } catch (IOException e) {
            // reset by the server: it closed without a graceful end
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * What each socket gets until it is closed, read all at once on the tests' client threads: connections are
     * accepted on several event loops, so which of many is refused at a cap is not ordered; how many is.
     */
    public static Mono<List<String>> readAllUntilClosed(List<RawHttp> sockets) {
        return Flux.fromIterable(sockets)
                .flatMap(socket -> Mono.fromCallable(socket::readUntilClosed).subscribeOn(TestThreads.CLIENTS),
                        sockets.size())
                .collectList();
    }

    /** The status line's code of the first response, or -1 when the server closed without answering. */
    public static int status(String response) {
        if (!response.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
