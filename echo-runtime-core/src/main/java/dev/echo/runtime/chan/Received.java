package dev.echo.runtime.chan;

import java.util.Objects;

/**
 * The outcome of a receive that may not yield a value: {@link Channel#tryReceive()},
 * {@link Channel#receive(java.time.Duration)}, and a select case added with
 * {@link Select#onReceiveOrClosed}. It is Go's {@code v, ok := <-ch}, with "nothing yet" kept
 * apart from "closed":
 *
 * <pre>{@code
 * switch (ch.tryReceive()) {
 *     case Received.Value<String>(String v) -> use(v);
 *     case Received.Empty<String> e -> doSomethingElse();   // open, nothing available
 *     case Received.Closed<String> c -> finish();           // closed and drained
 * }
 * }</pre>
 *
 * @param <T> the channel's element type
 */
public sealed interface Received<T> {

    /** A value was received. */
    record Value<T>(T value) implements Received<T> {
        /** @throws NullPointerException if {@code value} is null (channels never carry null) */
        public Value {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * No value: the channel is open but had nothing to give now ({@code tryReceive}) or before
     * the timeout ({@code receive(Duration)}).
     */
    record Empty<T>() implements Received<T> {
    }

    /** No value: the channel is closed and everything sent before the close was received. */
    record Closed<T>() implements Received<T> {
    }

    /** True for {@link Value}. */
    default boolean hasValue() {
        return this instanceof Value<T>;
    }

    /** True for {@link Closed}. */
    default boolean isClosed() {
        return this instanceof Closed<T>;
    }
}
