package dev.echo.runtime.spi;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

import dev.echo.runtime.internal.RuntimeAccess;

/**
 * Echo's {@link LockSupport}: parks the current task, or the current plain thread, until it is
 * woken, its deadline passes or it is cancelled. Every blocking Echo primitive (await, sleep,
 * channels, select) parks through here, so that:
 *
 * <ul>
 *   <li>a task waits on Echo's own timers (no JDK timer thread, no cross-thread hand-off);</li>
 *   <li>cancellation is seen at every suspension point as a {@link CancellationException};</li>
 *   <li>the runtime knows what each parked task waits on, for deadlock detection and reports.</li>
 * </ul>
 *
 * <p>The caller's loop is the usual one: register a {@link dev.echo.runtime.Waker} with whatever will wake it,
 * re-check the condition, then park; after park returns, re-check again (returns may be
 * spurious) and remove the registration if it gives up:
 *
 * <pre>{@code
 * while (!condition()) {
 *     if (!Parking.park(this, deadline)) { deregister(); throw new TimeoutException(); }
 * }
 * }</pre>
 *
 * <p>On a plain thread, an interrupt ends the park with a {@link CancellationException} and the
 * interrupt status is kept set; Echo's blocking methods do not declare
 * {@link InterruptedException}.
 */
public final class Parking {

    /** A deadline that never passes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * Longest wait Echo measures, about 73 years: {@code System.nanoTime() + MAX_WAIT_NANOS}
     * cannot overflow, so deadlines stay comparable by subtraction. Longer durations (up to
     * {@code Duration.ofNanos(Long.MAX_VALUE)} and beyond) mean "practically never".
     */
    public static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

    private static final RuntimeAccess RUNTIME = RuntimeAccess.get();

    private Parking() {
    }

    /**
     * Parks the caller until woken, cancelled, or {@code System.nanoTime()} reaches
     * {@code deadlineNanos}; a scope deadline around the caller ({@code Echo.withTimeout},
     * {@code TaskScope}) ends it too, with {@code DeadlineExceededException}.
     *
     * @param blocker what the caller waits on; a {@link WaitTarget} lets deadlock detection
     *                reason about it and the task dump describe it, any other object counts
     *                as wakeable from outside
     * @param deadlineNanos a {@link System#nanoTime()} instant, or {@link #NO_DEADLINE}
     * @return {@code false} if the deadline has passed when the park ends, {@code true} otherwise
     * @throws CancellationException if the current task is cancelled (or the plain thread is
     *                               interrupted), before or during the park
     */
    public static boolean park(Object blocker, long deadlineNanos) {
        return RUNTIME.park(blocker, deadlineNanos);
    }

    /**
     * The {@link System#nanoTime()} instant {@code timeout} from now, for {@link #park}: a zero
     * or negative timeout gives a deadline already passed, one beyond {@link #MAX_WAIT_NANOS} is
     * cut to it, and the result is never {@link #NO_DEADLINE}.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public static long deadlineAfter(Duration timeout) {
        return RUNTIME.deadlineAfter(timeout);
    }

    /** Throws {@link CancellationException} if the current task was cancelled (or the plain thread interrupted). */
    public static void checkCancelled() {
        RUNTIME.checkCancelled();
    }
}
