package dev.echo.runtime;

import java.util.Objects;

/**
 * The writing side of an {@link EchoFuture}: whoever holds the promise settles the future, once.
 * Usable from tasks and plain threads alike; settling wakes every waiter.
 *
 * <pre>{@code
 * Promise<String> promise = new Promise<>();
 * Echo.spawn(() -> promise.resolve(fetch()));
 * String s = promise.future().await();
 * }</pre>
 */
public final class Promise<T> {

    private final EchoFuture<T> future = new EchoFuture<>(null);

    /** The future this promise settles. */
    public EchoFuture<T> future() {
        return future;
    }

    /** Resolves with {@code value} (null allowed); false if already settled. */
    public boolean resolve(T value) {
        return future.settle(FutureState.RESOLVED, value, null);
    }

    /**
     * Rejects with {@code failure}; false if already settled. A
     * {@link java.util.concurrent.CancellationException} cancels instead.
     *
     * @throws NullPointerException if {@code failure} is null
     */
    public boolean reject(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return future.settleFailure(failure);
    }

    /** True once the future has settled. */
    public boolean isDone() {
        return future.isDone();
    }
}
