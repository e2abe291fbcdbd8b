package io.streamgate.http;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The connections of one server kept alive between requests, so that a server at its connection cap can close the one
 * that has waited longest for its next request and take the new connection in its place (ConnectionLimits).
 *
 * <p>Why: a kept-alive connection is closed only after {@code request-read-timeout} (30 s) without a request. A
 * client's pool of idle connections, or one that reuses each every 29 s, held a node's whole cap at no cost, and every
 * other caller got {@code 503} (BENCHMARKS.md section 107). RFC 9112 section 9.5 lets a server close an idle
 * connection at any time; clients are ready for it, as they are for the idle timeout. A connection that has had no
 * answer yet is not taken: it is refused at the cap as before, and its first request is timed as before.
 *
 * <p>Waiting, over HTTP/1.1: from the end of the answer to the last request it has (pipelined ones included) until the
 * next request's head is decoded; never again once a {@code 101} has switched it to WebSocket. What arrives on a
 * connection already taken is dropped: the close that follows is what the client sees, as when an idle timeout and a
 * request cross. Over HTTP/2 (h2c, or h2 by ALPN): while none of its streams is open, once one has been; a taken
 * connection's close sends {@code GOAWAY}, which tells the client that a stream it opened meanwhile was not served
 * (RFC 9113 section 6.8). An SSE read is an answer, or a stream, that has not ended.
 *
 * <p>The longest waiting, near enough, at two atomic writes per request: a connection joins the queue's tail when it
 * starts waiting, unless it has a place already; the head is taken if it has waited since it joined, and goes back to
 * the tail if it has had a request since (a second chance). So the queue holds at most one place per connection; a
 * closed connection's place is swept out once closed ones may be half of the queue.
 */
@ChannelHandler.Sharable
final class IdleConnections extends ChannelDuplexHandler {

    private static final AttributeKey<Waiting> WAITING = AttributeKey.valueOf("streamgate.idleConnections");
    /** Marks a connection as waiting once the end of its last answer is written; shared by every connection. */
    private static final ChannelFutureListener ANSWERED = written -> {
        if (written.isSuccess()) {
            written.channel().attr(WAITING).get().answered();
        }
    };
    /** Marks an HTTP/2 connection as waiting once the last of its open streams is closed. */
    private static final ChannelFutureListener STREAM_CLOSED =
            closed -> closed.channel().parent().attr(WAITING).get().streamClosed();

    /** Update a connection's {@code state} and {@code queued}: fields, where atomics would cost 32 bytes more. */
    private static final AtomicIntegerFieldUpdater<Waiting> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Waiting.class, "state");
    private static final AtomicIntegerFieldUpdater<Waiting> QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(Waiting.class, "queued");

    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int TAKEN = 2;
    private static final int CLOSED = 3;

    private final NextToHttp11Handling placement = NextToHttp11Handling.before("streamgate.idleConnections", this);
    private final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();
    /** How many places the queue has, and how many of them may be closed connections' (both near enough). */
    private final AtomicInteger places = new AtomicInteger();
    private final AtomicInteger closedPlaces = new AtomicInteger();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final ChannelFutureListener connectionClosed = closed -> {
        if (closed.channel().attr(WAITING).get().closed()) {
            sweepIfHalfClosed();
        }
    };

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        placement.install(connection);
    }

    /** An HTTP/2 stream opened (a request's headers arrived) on its connection, on that connection's event loop. */
    void streamOpened(Channel stream) {
        if (waiting(stream.parent()).requested()) {
            stream.closeFuture().addListener(STREAM_CLOSED);
        } else {
            stream.close(); // its connection was taken: the GOAWAY on its way says this stream was not served
        }
    }

    /** Closes the connection that has waited longest for its next request; false when none waits. */
    boolean closeLongestWaiting() {
        for (int left = places.get() + 1; left > 0; left--) {
            Waiting head = queue.poll();
            if (head == null) {
                return false;
            }
            places.decrementAndGet();
            if (head.takeOrRequeue()) {
                return true;
            }
        }
        return false;
    }

    /** How many places the queue has, near enough: what it holds is bounded by this (IdleConnectionsTest). */
    int places() {
        return places.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        Waiting waiting = message instanceof HttpRequest ? waiting(ctx.channel()) : ctx.channel().attr(WAITING).get();
        boolean goesOn = waiting == null || (message instanceof HttpRequest ? waiting.requested() : !waiting.taken());
        if (goesOn) {
            ctx.fireChannelRead(message);
        } else {
            ReferenceCountUtil.release(message); // the connection was taken: its close is under way
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        // The type first: an SSE event or a body's part, written the most often, can end no answer.
        boolean mayEnd = message instanceof HttpResponse || message instanceof LastHttpContent;
        Waiting waiting = mayEnd ? ctx.channel().attr(WAITING).get() : null;
        if (waiting != null && waiting.endsAnswer(message)) {
            ChannelPromise written = promise.unvoid();
            ctx.write(message, written);
            written.addListener(ANSWERED);
        } else {
            ctx.write(message, promise);
        }
    }

    /** The connection's state, from its first request on (the first over HTTP/1.1, or stream over HTTP/2). */
    private Waiting waiting(Channel connection) {
        Waiting waiting = connection.attr(WAITING).get();
        if (waiting == null) {
            waiting = new Waiting(connection);
            connection.attr(WAITING).set(waiting);
            // Not channelInactive: over HTTP/2 by ALPN this handler is not in the connection's pipeline.
            connection.closeFuture().addListener(connectionClosed);
        }
        return waiting;
    }

    private void join(Waiting waiting) {
        waiting.joinedAt = waiting.period;
        queue.offer(waiting);
        places.incrementAndGet();
    }

    private void sweepIfHalfClosed() {
        if (closedPlaces.incrementAndGet() * 2 > places.get() && sweeping.compareAndSet(false, true)) {
            try {
                queue.removeIf(waiting -> waiting.state == CLOSED);
                places.set(queue.size());
                closedPlaces.set(0);
            } finally {
                sweeping.set(false);
            }
        }
    }

    /**
     * One connection's state. {@code state}, {@code period} and {@code queued} are shared with whichever event loop
     * takes connections; the counts of requests are its own event loop's.
     */
    private final class Waiting {

        final Channel connection;
        volatile int state = BUSY;
        /** 1 if the connection has a place in the queue (or is being looked at, out of it, by a taker), else 0. */
        volatile int queued;
        /** Counts the connection's waits: one that is not {@code joinedAt} began after it joined the queue. */
        volatile int period;
        int joinedAt;
        /**
         * Requests whose answers have not ended yet (HTTP/1.1), or streams not yet closed (HTTP/2); and whether the
         * answer being written is an interim one.
         */
        int unanswered;
        boolean interim;

        Waiting(Channel connection) {
            this.connection = connection;
        }

        /** A request's head arrived: false if the connection was taken meanwhile. */
        boolean requested() {
            if (STATE.compareAndSet(this, IDLE, BUSY) || state != TAKEN) {
                unanswered++;
                return true;
            }
            return false;
        }

        boolean taken() {
            return state == TAKEN;
        }

        /** Whether {@code message}, about to be written, ends the answer to the last request the connection has. */
        boolean endsAnswer(Object message) {
            if (message instanceof HttpResponse head && head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                // A 100 Continue, whose end is not an answer's; or a 101, whose request is then never answered over
                // HTTP/1.1: a switched connection never waits.
                interim = true;
            }
            if (!(message instanceof LastHttpContent)) {
                return false;
            }
            if (interim) {
                interim = false;
                return false;
            }
            return unanswered > 0 && --unanswered == 0;
        }

        /** One of its HTTP/2 streams closed: it waits once that was the last. */
        void streamClosed() {
            unanswered--;
            answered();
        }

        /** The end of an answer is written, or a stream closed: waits, unless another request is still open. */
        void answered() {
            if (unanswered > 0) {
                return;
            }
            period++; // before the state, so that a taker that sees it waiting sees this wait's count
            if (STATE.compareAndSet(this, BUSY, IDLE) && QUEUED.compareAndSet(this, 0, 1)) {
                join(this);
            }
        }

        /**
         * Out of the queue's head, on a taker's thread: closes the connection if it has waited since it joined, or
         * gives it a place at the tail if it waits but has had a request since, or none if it is busy. True if taken.
         */
        boolean takeOrRequeue() {
            int now = state;
            if (now == IDLE && period == joinedAt && STATE.compareAndSet(this, IDLE, TAKEN)) {
                connection.close();
                return true;
            }
            if (now == IDLE) {
                join(this);
            } else if (now == BUSY) {
                queued = 0;
                // It may have started waiting since the state was read and found itself queued: then it is put back.
                if (state == IDLE && QUEUED.compareAndSet(this, 0, 1)) {
                    join(this);
                }
            }
            return false;
        }

        /** The connection closed: true if it may have left a place in the queue. */
        boolean closed() {
            return STATE.getAndSet(this, CLOSED) != TAKEN && queued == 1;
        }
    }
}
