package dev.echo.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

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
 * <p>The caller's loop is the usual one: register a {@link Waker} with whatever will wake it,
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

    private Parking() {
    }

    /**
     * Parks the caller until woken, cancelled, or {@code System.nanoTime()} reaches
     * {@code deadlineNanos}.
     *
     * @param blocker what the caller waits on; a {@link WaitTarget} lets deadlock detection
     *                reason about it, any other object counts as wakeable from outside
     * @param deadlineNanos a {@link System#nanoTime()} instant, or {@link #NO_DEADLINE}
     * @return {@code false} if the deadline has passed when the park ends, {@code true} otherwise
     * @throws CancellationException if the current task is cancelled (or the plain thread is
     *                               interrupted), before or during the park
     */
    public static boolean park(Object blocker, long deadlineNanos) {
        Task<?> task = Task.currentOrNull();
        if (task == null) {
            return parkPlainThread(blocker, deadlineNanos);
        }
        return task.park(blocker, deadlineNanos);
    }

    /**
     * The {@link System#nanoTime()} instant {@code timeout} from now, for {@link #park}: a zero
     * or negative timeout gives a deadline already passed, one beyond {@link #MAX_WAIT_NANOS} is
     * cut to it, and the result is never {@link #NO_DEADLINE}.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public static long deadlineAfter(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, cappedNanos(Objects.requireNonNull(timeout, "timeout")));
        return deadline == NO_DEADLINE ? deadline - 1 : deadline;
    }

    /** {@code duration} in nanoseconds, cut to {@link #MAX_WAIT_NANOS} (negative stays negative). */
    static long cappedNanos(Duration duration) {
        try {
            return Math.min(duration.toNanos(), MAX_WAIT_NANOS);
        } catch (ArithmeticException beyond292Years) {
            return duration.isNegative() ? -MAX_WAIT_NANOS : MAX_WAIT_NANOS;
        }
    }

    /** Throws {@link CancellationException} if the current task was cancelled. */
    public static void checkCancelled() {
        Task<?> task = Task.currentOrNull();
        if (task != null) {
            task.throwIfCancelled();
        } else if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted while waiting");
        }
    }

    private static boolean parkPlainThread(Object blocker, long deadlineNanos) {
        checkCancelled();
        Deadline scoped = PLAIN_THREAD_DEADLINE.get();
        long deadline = deadlineNanos;
        if (scoped != null) {
            if (scoped.hasPassed()) {
                throw scoped.exceeded();
            }
            deadline = scoped.bound(deadline);
        }
        if (deadline == NO_DEADLINE) {
            LockSupport.park(blocker);
        } else {
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                LockSupport.parkNanos(blocker, remaining);
            }
        }
        checkCancelled();
        if (scoped != null && scoped.binds(deadlineNanos) && scoped.hasPassed()) {
            throw scoped.exceeded();
        }
        return deadlineNanos == NO_DEADLINE || deadlineNanos - System.nanoTime() > 0;
    }

    // ## Scope deadlines (Echo.withTimeout, TaskScope) ##

    /** A plain thread's scope deadline; a task keeps its own in Task.deadline (one field read in park). */
    private static final ThreadLocal<Deadline> PLAIN_THREAD_DEADLINE = new ThreadLocal<>();

    /** The caller's scope deadline, or null. */
    static Deadline currentDeadline() {
        Task<?> task = Task.currentOrNull();
        return task != null ? task.deadline : PLAIN_THREAD_DEADLINE.get();
    }

    /** Replaces the caller's scope deadline (null: none); scopes restore the outer one on exit. */
    static void setCurrentDeadline(Deadline deadline) {
        Task<?> task = Task.currentOrNull();
        if (task != null) {
            task.deadline = deadline;
        } else if (deadline == null) {
            PLAIN_THREAD_DEADLINE.remove();
        } else {
            PLAIN_THREAD_DEADLINE.set(deadline);
        }
    }
}
