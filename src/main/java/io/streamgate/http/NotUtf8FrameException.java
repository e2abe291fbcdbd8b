package io.streamgate.http;

/**
 * A WebSocket text frame whose bytes are not UTF-8: a protocol error, after which RFC 6455 (section 8.1) has the
 * socket fail, here with 1007. Frames before it were answered as usual; nothing of it or after it is stored.
 */
final class NotUtf8FrameException extends RuntimeException {

    NotUtf8FrameException(long frame) {
        super("Frame " + frame + " is not valid UTF-8; nothing from it on was stored", null, false, false);
    }
}
