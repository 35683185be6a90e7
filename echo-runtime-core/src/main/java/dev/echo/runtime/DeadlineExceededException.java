package dev.echo.runtime;

/**
 * Thrown by an Echo wait (a channel operation, select, {@code await}, {@code sleep}, a lock, TCP
 * read / write / connect / accept) when the deadline of an enclosing {@link Echo#withTimeout}
 * or {@link TaskScope} passes: Go's {@code context.DeadlineExceeded}, kotlinx's
 * {@code TimeoutCancellationException}, Tokio's {@code Elapsed}.
 *
 * <p>It is not a {@link java.util.concurrent.CancellationException} on purpose: the task is not
 * cancelled, only the code under the deadline is cut short, so a body that lets it escape ends
 * REJECTED with it (visible), not silently CANCELLED (kotlinx's well-known pitfall of a
 * {@code withTimeout} escaping a {@code launch}). A wait's own timeout, when it is the earlier
 * one, still ends the wait the usual way (false, {@code TimeoutException},
 * {@code SocketTimeoutException}).
 */
public final class DeadlineExceededException extends RuntimeException {

    DeadlineExceededException(String origin) {
        super("deadline of " + origin + " exceeded");
    }
}
