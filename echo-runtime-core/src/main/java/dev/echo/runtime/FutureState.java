package dev.echo.runtime;

/** The state of an {@link EchoFuture}: PENDING until it settles once, for good. */
public enum FutureState {
    /** Not settled yet. */
    PENDING,
    /** Settled with a value. */
    RESOLVED,
    /** Settled with a failure. */
    REJECTED,
    /** Settled by cancellation. */
    CANCELLED;

    /** True for every state but PENDING. */
    public boolean isDone() {
        return this != PENDING;
    }
}
