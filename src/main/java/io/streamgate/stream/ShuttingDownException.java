package io.streamgate.stream;

/** This gateway node is shutting down and takes no new streams; another node (or this one, restarted) will. */
public final class ShuttingDownException extends RuntimeException {

    public ShuttingDownException() {
        super("This gateway is shutting down and starts no new streams; retry, another node will take it.", null,
                false, false);
    }
}
