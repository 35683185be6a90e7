package dev.echo.runtime;

/**
 * The answer of {@link EchoFuture#poll(Waker)}, the pull model of the original design: either
 * the value is {@link Ready} or the future is {@link Pending} and will wake the waker it was
 * given when it settles.
 */
public sealed interface Poll<T> {

    /** The future has settled with {@code value}. */
    record Ready<T>(T value) implements Poll<T> {
    }

    /** Not settled yet; the waker passed to poll is registered and will be woken once. */
    final class Pending<T> implements Poll<T> {
        private static final Pending<?> INSTANCE = new Pending<>();

        private Pending() {
        }

        @Override
        public String toString() {
            return "Pending";
        }
    }

    @SuppressWarnings("unchecked")
    static <T> Poll<T> pending() {
        return (Poll<T>) Pending.INSTANCE;
    }

    static <T> Poll<T> ready(T value) {
        return new Ready<>(value);
    }

    /** True if this is {@link Ready}. */
    default boolean isReady() {
        return this instanceof Ready;
    }
}
