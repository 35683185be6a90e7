package dev.echo.runtime.chan;

/**
 * Thrown by a send on a closed {@link Channel} (Go panics with "send on closed channel"), and by
 * a blocking receive on a channel that is closed and drained.
 *
 * <p>A send that was parked when the channel closed also throws it: its value was never
 * delivered. A receive never throws it while buffered values remain; those are drained first.
 * If the channel was closed with {@link Channel#close(Throwable)}, the failure given there is
 * this exception's {@linkplain #getCause() cause}.
 */
public final class ChannelClosedException extends RuntimeException {

    ChannelClosedException(String message) {
        super(message);
    }

    ChannelClosedException(String message, Throwable cause) {
        super(cause == null ? message : message + " (closed with " + cause + ")", cause);
    }
}
