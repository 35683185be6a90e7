package dev.echo.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

import dev.echo.runtime.internal.RuntimeAccess;

import static dev.echo.runtime.spi.Parking.MAX_WAIT_NANOS;
import static dev.echo.runtime.spi.Parking.NO_DEADLINE;

/**
 * The implementation behind {@link dev.echo.runtime.spi.Parking}: a task parks through
 * {@link Task#park}, a plain thread through {@link LockSupport}; both honour the caller's scope
 * deadline ({@link Echo#withTimeout}, {@link TaskScope}), kept in {@link Task#deadline} for a
 * task and in a thread-local for a plain thread. Installs the {@link RuntimeAccess} through
 * which Echo's other packages reach it.
 */
final class Parker implements RuntimeAccess {

    static {
        RuntimeAccess.install(new Parker());
    }

    private Parker() {
    }

    @Override
    public boolean park(Object blocker, long deadlineNanos) {
        Task<?> task = Task.currentOrNull();
        if (task == null) {
            return parkPlainThread(blocker, deadlineNanos);
        }
        return task.park(blocker, deadlineNanos);
    }

    @Override
    public long deadlineAfter(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, cappedNanos(Objects.requireNonNull(timeout, "timeout")));
        return deadline == NO_DEADLINE ? deadline - 1 : deadline;
    }

    /** {@code duration} in nanoseconds, cut to {@link dev.echo.runtime.spi.Parking#MAX_WAIT_NANOS} (negative stays negative). */
    static long cappedNanos(Duration duration) {
        try {
            return Math.min(duration.toNanos(), MAX_WAIT_NANOS);
        } catch (ArithmeticException beyond292Years) {
            return duration.isNegative() ? -MAX_WAIT_NANOS : MAX_WAIT_NANOS;
        }
    }

    @Override
    public void checkCancelled() {
        Task<?> task = Task.currentOrNull();
        if (task != null) {
            task.throwIfCancelled();
        } else if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted while waiting");
        }
    }

    @Override
    public void countChannelMessages(int sent, int received) {
        EventCounters.channelMessages(sent, received);
    }

    private boolean parkPlainThread(Object blocker, long deadlineNanos) {
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
