package dev.echo.runtime.sync;

import dev.echo.runtime.Echo;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code sync.WaitGroup}: {@link #add} work, {@link #done} it, {@link #await} until none
 * is left. Waits park through Echo (cancellable, bounded by scope deadlines, visible to
 * deadlock detection and {@code Task.describe()}), on tasks and plain threads alike.
 *
 * <p>Invariant (this object's monitor guards count and waiters): count &gt;= 0; when it drops
 * to 0 every waiter registered so far is unparked (after the monitor is released) and the list
 * is cleared. A waiter re-reads count under the monitor after every park, so a stale or
 * spurious wake-up only costs a re-check. For structured fan-out with results and failures,
 * prefer {@code TaskScope}.
 */
public final class WaitGroup {

    private int count;
    private final List<Thread> waiters = new ArrayList<>();
    private volatile boolean usedOutsideTasks;

    /**
     * Adds {@code delta} (may be negative) to the count.
     *
     * @throws IllegalStateException if the count would go negative (Go panics)
     */
    public void add(int delta) {
        note();
        List<Thread> wake = null;
        synchronized (this) {
            long next = (long) count + delta;
            if (next < 0) {
                throw new IllegalStateException("WaitGroup count would go negative: " + count + " + " + delta);
            }
            if (next > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("WaitGroup count would overflow: " + count + " + " + delta);
            }
            count = (int) next;
            if (count == 0 && !waiters.isEmpty()) {
                wake = new ArrayList<>(waiters);
                waiters.clear();
            }
        }
        if (wake != null) {
            wake.forEach(LockSupport::unpark);
        }
    }

    /** {@code add(-1)}. */
    public void done() {
        add(-1);
    }

    /**
     * Waits until the count is 0.
     *
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     * @throws dev.echo.runtime.DeadlineExceededException if a scope deadline passes first
     */
    public void await() {
        awaitUntil(Parking.NO_DEADLINE);
    }

    /** Waits at most {@code timeout} (zero or negative does not wait); true if the count reached 0. */
    public boolean await(Duration timeout) {
        return awaitUntil(Parking.deadlineAfter(timeout));
    }

    private boolean awaitUntil(long deadline) {
        note();
        Thread self = Thread.currentThread();
        try {
            while (true) {
                synchronized (this) {
                    if (count == 0) {
                        return true;
                    }
                    if (!waiters.contains(self)) {
                        waiters.add(self);
                    }
                }
                if (!Parking.park(target, deadline)) {
                    synchronized (this) {
                        return count == 0;
                    }
                }
            }
        } finally {
            synchronized (this) {
                waiters.remove(self);
            }
        }
    }

    /** The count now (a moment's view). */
    public synchronized int count() {
        return count;
    }

    private void note() {
        if (!usedOutsideTasks && !Echo.inTask()) {
            usedOutsideTasks = true;
        }
    }

    /** What a waiter parks on; kept off the public surface. */
    private final WaitTarget target = new WaitTarget() {
        @Override
        public boolean wakeableFromOutside() {
            return usedOutsideTasks;
        }

        @Override
        public String describeWait() {
            return "await of " + WaitGroup.this;
        }
    };

    @Override
    public String toString() {
        return "WaitGroup[count " + count() + "]";
    }
}
