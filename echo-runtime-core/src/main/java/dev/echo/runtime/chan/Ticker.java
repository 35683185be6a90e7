package dev.echo.runtime.chan;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Timers as channels: Go's {@code time.NewTicker} / {@code time.After}, kotlinx's
 * {@code ticker}, Tokio's {@code interval}, so that a {@link Select} can wait on a channel, a
 * task ({@link Select#onAwait}) and a clock at once.
 *
 * <p>A ticker sends the time on {@link #channel()} every {@code period}, at fixed rate (tick k
 * is due at start + k * period, not "period after the last one was taken"). The channel holds
 * one tick; a tick that finds it full is dropped, as Go drops ticks for slow receivers, so a
 * slow receiver sees fewer ticks, never a burst of stale ones. {@link #stop()} ends it: no tick
 * is sent after stop returns and its task ends; the channel is not closed (as in Go), so a
 * receive after stop waits (use a select with another case).
 *
 * <p>The ticks come from one small task of the runtime, sleeping on Echo's timers; closing the
 * runtime stops it too.
 */
public final class Ticker implements AutoCloseable {

    private final Channel<Instant> channel = Channel.buffered(1);
    private final Task<Void> ticking;
    private final Duration period;

    private Ticker(EchoRuntime runtime, Duration period) {
        this.period = period;
        long periodNanos = period.toNanos();
        long start = System.nanoTime();
        this.ticking = runtime.spawn("ticker-" + period, () -> {
            for (long k = 1; ; k++) {
                long due = start + k * periodNanos;
                long now = System.nanoTime();
                if (due - now > 0) {
                    Echo.sleep(Duration.ofNanos(due - now));
                } else {
                    // Behind by more than one period: skip the missed ticks (they would only be dropped).
                    k = Math.max(k, (now - start) / periodNanos);
                }
                channel.trySend(Instant.now());
            }
        });
    }

    /**
     * A ticker in the current task's runtime.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative (Go panics too)
     * @throws IllegalStateException outside a task
     */
    public static Ticker start(Duration period) {
        return start(Echo.runtime(), period);
    }

    /**
     * A ticker in {@code runtime}.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative
     */
    public static Ticker start(EchoRuntime runtime, Duration period) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(period, "period");
        if (!period.isPositive()) {
            throw new IllegalArgumentException("a ticker's period must be positive, got " + period);
        }
        return new Ticker(runtime, period);
    }

    /**
     * A channel that receives the time once, after {@code delay} (Go's {@code time.After}): a
     * timer future of the current task's runtime that sends when it fires. The one timeout rule
     * holds: zero or negative sends at the next scheduling turn. Never closed.
     *
     * @throws IllegalStateException outside a task
     */
    public static Channel<Instant> after(Duration delay) {
        return after(Echo.runtime(), delay);
    }

    /** {@link #after(Duration)} in {@code runtime}. */
    public static Channel<Instant> after(EchoRuntime runtime, Duration delay) {
        Objects.requireNonNull(runtime, "runtime");
        Channel<Instant> once = Channel.buffered(1);
        runtime.timer(delay).whenComplete((ignored, failure) -> {
            if (failure == null) {
                once.trySend(Instant.now());
            }
        });
        return once;
    }

    /** Where the ticks arrive; holds at most one. */
    public Channel<Instant> channel() {
        return channel;
    }

    /** The period. */
    public Duration period() {
        return period;
    }

    /** Stops the ticker: no tick is sent after this returns. Idempotent; any thread. */
    public void stop() {
        ticking.cancel();
        try {
            ticking.future().await();
        } catch (java.util.concurrent.CancellationException expected) {
            // it ended by the cancel
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Ticker[" + period + (ticking.future().isDone() ? ", stopped]" : "]");
    }
}
