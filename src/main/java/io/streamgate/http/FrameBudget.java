package io.streamgate.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Counts a WebSocket's data frames against {@code max-bytes-in-flight} from their headers, before their payloads are
 * read: Netty's frame decoder holds a frame until the whole of it has come, so a socket part-way through a large
 * message held it uncounted, and 1,500 sockets each sending all but the last byte of a 2 MB frame exhausted a 2 GB
 * gateway's direct memory (904 OutOfMemoryErrors, health unanswered: BENCHMARKS.md section 98).
 *
 * <p>Placed before the frame decoder, it follows the frames through the bytes as they arrive and, at each data frame's
 * header, takes the frame's length into the socket's {@link BodyBudget.Holding}, which gives it back once the message
 * is answered. A frame the budget has no room for is not read: its bytes and all after them are dropped, and the
 * messages end there ({@link FrameRules.EndOfFrames}), so the socket closes with {@code 1013} (try again later) once
 * the messages before it are answered. A frame longer than the largest message is not counted: the decoder refuses
 * it (1009).
 *
 * <p>What a message holds is held until it has come whole, so a message must come whole within
 * {@code request-read-timeout}, as a request's body must: a socket still reading one then ends the same way, with
 * {@code 1008}. Without it, 64 sockets each stopped short of the end of a 2 MB frame would hold a node's 128 MB for as
 * long as they stayed open, and every send to the node would be refused.
 */
final class FrameBudget extends ChannelInboundHandlerAdapter {

    static final String NAME = "streamgate.frameBudget";
    private static final int LONGEST_HEADER = 14;
    private static final int FIN = 0x80;

    private final BodyBudget.Holding holding;
    private final long largestFrame;
    private final Duration messageTimeout;
    private final byte[] header = new byte[LONGEST_HEADER];
    /** The bytes of the current frame's header read so far; none while its payload passes. */
    private int headerRead;
    private long payloadLeft;
    /** Whether the current data frame is its message's last: once its payload has passed, the message is whole. */
    private boolean lastOfMessage;
    private boolean midMessage;
    /** When the message under way must have come whole; set only while one is under way at the end of a read. */
    private ScheduledFuture<?> deadline;
    /** The data messages begun so far, numbered as the socket's handler numbers them. */
    private long messages;
    private boolean ended;

    FrameBudget(BodyBudget.Holding holding, long largestFrame, Duration messageTimeout) {
        this.holding = holding;
        this.largestFrame = largestFrame;
        this.messageTimeout = messageTimeout;
    }

    /** What this socket's frames hold against the budget, given back by its handler as it answers them. */
    BodyBudget.Holding holding() {
        return holding;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(message);
            return;
        }
        if (ended) {
            bytes.release();
            return;
        }
        for (int at = bytes.readerIndex(); at < bytes.writerIndex(); ) {
            if (payloadLeft > 0) {
                int passed = (int) Math.min(payloadLeft, bytes.writerIndex() - at);
                payloadLeft -= passed;
                at += passed;
            } else {
                header[headerRead++] = bytes.getByte(at++);
                if (headerRead >= 2 && headerRead == headerLength()) {
                    int frameStart = at - headerRead; // before this buffer if the header began in the last one
                    if (!counted()) {
                        refuse(ctx, bytes, frameStart);
                        return;
                    }
                }
            }
            if (payloadLeft == 0 && headerRead == 0 && lastOfMessage) {
                midMessage = false;
                lastOfMessage = false;
            }
        }
        ctx.fireChannelRead(bytes);
        watch(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        unwatch();
        ctx.fireChannelInactive();
    }

    /**
     * The header just read whole is counted (if it begins a data frame), and the payload after it passes; false if
     * the budget has no room for it.
     */
    private boolean counted() {
        int opcode = header[0] & 0x0F;
        long length = payloadLength();
        headerRead = 0;
        payloadLeft = length < 0 ? Long.MAX_VALUE : length; // a length the decoder refuses: nothing after it is read
        if (opcode > 2) { // a control frame (or an opcode the decoder refuses): no message's part
            return true;
        }
        if (opcode != 0) { // text or binary: a message begins (a continuation goes on with one)
            messages++;
            midMessage = true;
        }
        lastOfMessage = (header[0] & FIN) != 0;
        return length < 0 || length > largestFrame || holding.take(length);
    }

    /** Gives the message under way a deadline once it spans reads, and takes it off once it has come whole. */
    private void watch(ChannelHandlerContext ctx) {
        if (midMessage && deadline == null) {
            deadline = ctx.executor().schedule(() -> late(ctx), messageTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } else if (!midMessage) {
            unwatch();
        }
    }

    private void unwatch() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void late(ChannelHandlerContext ctx) {
        deadline = null;
        if (!ctx.channel().config().isAutoRead()) { // the socket's handler asks for no more: no delay of the client's
            watch(ctx);
            return;
        }
        if (!ended) {
            end(ctx, new CloseStatus(1008, "Frame " + messages + " did not come whole within "
                    + messageTimeout.toSeconds() + " s; nothing from it on was stored"));
        }
    }

    /** Lets through the frames before {@code frameStart}, drops the rest, and ends the frames with {@code 1013}. */
    private void refuse(ChannelHandlerContext ctx, ByteBuf bytes, int frameStart) {
        if (frameStart > bytes.readerIndex()) {
            ctx.fireChannelRead(bytes.retainedSlice(bytes.readerIndex(), frameStart - bytes.readerIndex()));
        }
        bytes.release();
        end(ctx, new CloseStatus(1013, "Frame " + messages + (holding.refusedForTheTenant()
                ? " is past your share of this node's bytes in flight" : " is past this node's bytes in flight")
                + "; nothing from it on was stored. Retry shortly."));
    }

    /** Reads nothing more and, if the socket's handler is still reading, ends its messages with {@code status}. */
    private void end(ChannelHandlerContext ctx, CloseStatus status) {
        ended = true;
        unwatch();
        if (!holding.isClosed()) {
            ctx.fireExceptionCaught(new FrameRules.EndOfFrames(status));
        }
    }

    /** The header's length, known from its second byte on: 2 bytes, the extended length's 2 or 8, the mask's 4. */
    private int headerLength() {
        int length = header[1] & 0x7F;
        return 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    /** The payload's length as the header gives it; negative for a 64-bit length with its top bit set. */
    private long payloadLength() {
        int length = header[1] & 0x7F;
        if (length < 126) {
            return length;
        }
        int bytes = length == 126 ? 2 : 8;
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = value << 8 | (header[2 + i] & 0xFF);
        }
        return value;
    }
}
