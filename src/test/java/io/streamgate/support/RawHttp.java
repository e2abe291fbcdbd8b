package io.streamgate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain sockets, for requests no well-behaved HTTP client would send. */
public final class RawHttp implements AutoCloseable {

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
