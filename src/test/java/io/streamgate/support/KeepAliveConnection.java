package io.streamgate.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection kept alive over many requests, on a plain socket: requests are written exactly as given
 * (several in one write, to pipeline them) and answers are read one at a time, in order. Nothing is retried or
 * reconnected, so a request the server never answers shows up here as a read that times out.
 */
public final class KeepAliveConnection implements AutoCloseable {

    /** One answer as read off the wire. */
    public record Response(int status, Map<String, String> headers, String body) {

        /** A header by name, case-insensitively; null when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final List<String> log = new ArrayList<>();

    public KeepAliveConnection(int port, Duration readTimeout) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code requests} back to back in one write. */
    public KeepAliveConnection write(String... requests) {
        byte[] bytes = String.join("", requests).getBytes(StandardCharsets.UTF_8);
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing to the connection failed after " + log, e);
        }
        return this;
    }

    /**
     * The next answer on the connection. Fails, saying what this connection was answered so far, when none comes
     * within the read timeout or the server closes the connection first.
     */
    public Response read() {
        try {
            String statusLine = line();
            if (statusLine == null) {
                throw new AssertionError("The server closed the connection; answered before: " + log);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            Response response = new Response(status, headers, body(headers));
            log.add(response.status() + "");
            return response;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No answer in " + readTimeout() + "; answered before on this connection: " + log, e);
        } catch (IOException e) {
            throw new AssertionError("Reading failed (" + e + "); answered before on this connection: " + log, e);
        }
    }

    /** The statuses this connection has been answered so far, in order. */
    public List<String> answered() {
        return List.copyOf(log);
    }

    private String body(Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(); // the CRLF after the chunk
            }
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                // trailers: none expected, skipped
            }
            return body.toString(StandardCharsets.UTF_8);
        }
        return ""; // no body (204, 304, or a response to HEAD)
    }

    /** One CRLF-terminated line without its terminator; null at the end of the stream. */
    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
    }

    private Duration readTimeout() {
        try {
            return Duration.ofMillis(socket.getSoTimeout());
        } catch (IOException e) {
            return Duration.ZERO;
        }
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
