package io.streamgate.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

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
 * The connections of one server that wait for a request, so that a server at its connection cap can close one and take
 * the new connection in its place (ConnectionLimits): first the one silent longest since it connected, once it has had
 * {@link #FIRST_REQUEST_GRACE} to send a whole request head and has not; else the one kept alive longest since its last
 * answer.
 *
 * <p>Why: a connection is closed only after {@code request-read-timeout} (30 s) without a request. A client's pool of
 * idle connections, or one that reuses each every 29 s, held a node's whole cap at no cost, and every other caller got
 * {@code 503} (BENCHMARKS.md section 107); so did connections that send nothing, or a head's first line and no more,
 * slowloris-style (section 109). RFC 9112 section 9.5 lets a server close an idle connection at any time; clients are
 * ready for it, as they are for the idle timeout. The grace keeps a burst of new connections, whose heads are on their
 * way, from taking each other's places: over the cap they are refused with a {@code 503} that says when to retry, not
 * reset.
 *
 * <p>Waiting, over HTTP/1.1: from the end of the answer to the last request it has (pipelined ones included) until the
 * next request's head is decoded; never again once a {@code 101} has switched it to WebSocket. What arrives on a
 * connection already taken is dropped: the close that follows is what the client sees, as when an idle timeout and a
 * request cross. Over HTTP/2 (h2c, or h2 by ALPN): while none of its streams is open, once one has been; a taken
 * connection's close sends {@code GOAWAY}, which tells the client that a stream it opened meanwhile was not served
 * (RFC 9113 section 6.8). An SSE read is an answer, or a stream, that has not ended.
 *
 * <p>The longest waiting, near enough, at two atomic writes per request: a connection joins the kept-alive queue's tail
 * when it starts waiting, unless it has a place already; the head is taken if it has waited since it joined, and goes
 * back to the tail if it has had a request since (a second chance). So that queue holds at most one place per
 * connection. A connection joins the silent queue once, when it is let in; its place there is dead from its first
 * request on. Each queue sweeps out its dead places once they may be half of it.
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

    /**
     * How long a connection may be silent after it is let in, before it can be taken: ample for a TLS handshake and a
     * whole head, from a client that means to send one.
     */
    static final Duration FIRST_REQUEST_GRACE = Duration.ofSeconds(2);
    private static final long FIRST_REQUEST_GRACE_NANOS = FIRST_REQUEST_GRACE.toNanos();

    /** Let in, no request's head yet. */
    private static final int SILENT = 0;
    private static final int BUSY = 1;
    private static final int IDLE = 2;
    private static final int TAKEN = 3;
    private static final int CLOSED = 4;

    private final NextToHttp11Handling placement = NextToHttp11Handling.before("streamgate.idleConnections", this);
    private final LongSupplier nanoTime;
    private final Places silent = new Places(waiting -> waiting.state != SILENT);
    private final Places keptAlive = new Places(waiting -> waiting.state == CLOSED);
    private final ChannelFutureListener connectionClosed = closed -> closed.channel().attr(WAITING).get().closed();

    IdleConnections() {
        this(System::nanoTime);
    }

    /** {@code nanoTime}: the clock the grace is measured on (IdleConnectionsTest's own). */
    IdleConnections(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        placement.install(connection);
    }

    /** A new connection let in under the cap, before any of its bytes is read; on its event loop. */
    void admitted(Channel connection) {
        Waiting waiting = new Waiting(connection, nanoTime.getAsLong());
        connection.attr(WAITING).set(waiting);
        // Not channelInactive: over HTTP/2 by ALPN this handler is not in the connection's pipeline.
        connection.closeFuture().addListener(connectionClosed);
        silent.addLast(waiting);
    }

    /** An HTTP/2 stream opened (a request's headers arrived) on its connection, on that connection's event loop. */
    void streamOpened(Channel stream) {
        if (stream.parent().attr(WAITING).get().requested()) {
            stream.closeFuture().addListener(STREAM_CLOSED);
        } else {
            stream.close(); // its connection was taken: the GOAWAY on its way says this stream was not served
        }
    }

    /**
     * Closes the connection silent longest past its grace, or else the one kept alive longest since its last answer;
     * false when none waits so.
     */
    boolean closeLongestWaiting() {
        return closeSilentPastGrace() || closeLongestKeptAlive();
    }

    /** How many places the queues have, near enough: what they hold is bounded by this (IdleConnectionsTest). */
    int places() {
        return silent.size() + keptAlive.size();
    }

    private boolean closeSilentPastGrace() {
        long now = nanoTime.getAsLong();
        for (Waiting head; (head = silent.pollFirst()) != null; ) {
            if (head.state != SILENT) {
                continue; // a dead place: it has had a request, or is closed
            }
            if (now - head.admittedAt < FIRST_REQUEST_GRACE_NANOS) {
                silent.addFirst(head); // the silent longest is still within its grace, so is every one after it
                return false;
            }
            if (head.takeSilent()) {
                return true;
            }
        }
        return false;
    }

    private boolean closeLongestKeptAlive() {
        for (int left = keptAlive.size() + 1; left > 0; left--) {
            Waiting head = keptAlive.pollFirst();
            if (head == null) {
                return false;
            }
            if (head.takeOrRequeue()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        Waiting waiting = ctx.channel().attr(WAITING).get(); // null on a connection refused at the cap
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

    private void join(Waiting waiting) {
        waiting.joinedAt = waiting.period;
        keptAlive.addLast(waiting);
    }

    /** A lock-free queue of connections' places, whose dead places are swept out once they may be half of it. */
    private static final class Places {

        private final ConcurrentLinkedDeque<Waiting> places = new ConcurrentLinkedDeque<>();
        private final Predicate<Waiting> dead;
        /** How many places it has, and how many of them may be dead (both near enough: a deque's size is a walk). */
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicInteger deadPlaces = new AtomicInteger();
        private final AtomicBoolean sweeping = new AtomicBoolean();

        Places(Predicate<Waiting> dead) {
            this.dead = dead;
        }

        void addLast(Waiting waiting) {
            places.offerLast(waiting);
            size.incrementAndGet();
        }

        /** Puts back a place just taken from the head. */
        void addFirst(Waiting waiting) {
            places.offerFirst(waiting);
            size.incrementAndGet();
        }

        Waiting pollFirst() {
            Waiting head = places.pollFirst();
            if (head != null) {
                size.decrementAndGet();
            }
            return head;
        }

        int size() {
            return size.get();
        }

        /** A connection with a place here has left the state it was queued for. */
        void placeDied() {
            if (deadPlaces.incrementAndGet() * 2 > size.get() && sweeping.compareAndSet(false, true)) {
                try {
                    places.removeIf(dead);
                    size.set(places.size());
                    deadPlaces.set(0);
                } finally {
                    sweeping.set(false);
                }
            }
        }
    }

    /**
     * One connection's state. {@code state}, {@code period} and {@code queued} are shared with whichever event loop
     * takes connections; the counts of requests are its own event loop's.
     */
    private final class Waiting {

        final Channel connection;
        /** When it was let in, on the grace's clock. */
        final long admittedAt;
        volatile int state = SILENT;
        /** 1 if it has a place in the kept-alive queue (or is being looked at, out of it, by a taker), else 0. */
        volatile int queued;
        /** Counts its waits since its last answer: one that is not {@code joinedAt} began after it joined the queue. */
        volatile int period;
        int joinedAt;
        /**
         * Requests whose answers have not ended yet (HTTP/1.1), or streams not yet closed (HTTP/2); and whether the
         * answer being written is an interim one.
         */
        int unanswered;
        boolean interim;

        Waiting(Channel connection, long admittedAt) {
            this.connection = connection;
            this.admittedAt = admittedAt;
        }

        /** A request's head arrived: false if the connection was taken meanwhile. */
        boolean requested() {
            int was = state;
            if (was == TAKEN || (was == IDLE || was == SILENT) && !STATE.compareAndSet(this, was, BUSY)) {
                return false; // only a taker changes the state from another thread
            }
            if (was == SILENT) {
                silent.placeDied();
            }
            unanswered++;
            return true;
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

        /** Out of the silent queue's head, past its grace, on a taker's thread: closes it if it is silent still. */
        boolean takeSilent() {
            if (STATE.compareAndSet(this, SILENT, TAKEN)) {
                connection.close();
                return true;
            }
            return false; // it has had a request meanwhile, or closed
        }

        /**
         * Out of the kept-alive queue's head, on a taker's thread: closes the connection if it has waited since it
         * joined, or gives it a place at the tail if it waits but has had a request since, or none if it is busy. True
         * if taken.
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

        /** The connection closed: its places, if it has any left, are dead. */
        void closed() {
            int was = STATE.getAndSet(this, CLOSED);
            if (was == SILENT) {
                silent.placeDied();
            } else if (was != TAKEN && queued == 1) {
                keptAlive.placeDied();
            }
        }
    }
}
