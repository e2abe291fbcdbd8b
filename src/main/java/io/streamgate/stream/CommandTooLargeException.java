package io.streamgate.stream;

/**
 * The command log refused a command as larger than it takes, though the gateway's own limits let it through: the
 * log's limit was set below them (an operator lowering Kafka's {@code max.message.bytes} under a running deployment;
 * a start refuses topics that take less). Nothing of the command was stored, and the same command would be refused
 * again until the setting is raised, so it is not answered as a failure to retry.
 */
public final class CommandTooLargeException extends RuntimeException {

    public CommandTooLargeException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
