package dev.echo.runtime.sync;

import dev.echo.runtime.Echo;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine of {@link Mutex} and {@link Semaphore}: a count of permits and a FIFO queue of
 * waiters, with direct hand-off.
 *
 * <p>Invariants (the monitor of this object guards permits, queue and each node's granted):
 * <ol>
 *   <li>permits &gt; 0 only while the queue is empty: release hands its permit to the oldest
 *       waiter (granted = true) instead of counting it, so a newcomer cannot barge past the
 *       queue (fair, as Go's mutex in starvation mode and kotlinx's Mutex).</li>
 *   <li>A granted node owns one permit. A waiter that leaves on timeout, cancellation or a
 *       scope deadline either removes its node (not granted) or, if the grant raced in first,
 *       passes the permit on as a release would: no unlock is ever lost.</li>
 * </ol>
 * Waiters park through {@link Parking} outside the monitor; a grant unparks the waiter after
 * the monitor is released. Not lock-free (a monitor held for a few field updates, never while
 * parking), so there is no Lincheck test; the invariants are tested as behaviours.
 */
final class FifoPermits implements WaitTarget {

    private static final class Node {
        final Thread thread = Thread.currentThread();
        boolean granted;
    }

    private final int max;
    private final String what;
    private int permits;
    private final ArrayDeque<Node> queue = new ArrayDeque<>();
    /** Set once a plain thread used it: then a plain thread may wake a waiter (deadlock detection). */
    private volatile boolean usedOutsideTasks;

    FifoPermits(int permits, String what) {
        this.max = permits;
        this.permits = permits;
        this.what = what;
    }

    synchronized int available() {
        return permits;
    }

    /**
     * Takes a permit, waiting until {@code deadline} if {@code mayWait}; false if none came in time.
     *
     * @throws java.util.concurrent.CancellationException if cancelled while waiting (no permit held)
     * @throws dev.echo.runtime.DeadlineExceededException if a scope deadline passed (no permit held)
     */
    boolean acquire(long deadline, boolean mayWait) {
        noteCaller();
        Node node;
        synchronized (this) {
            if (queue.isEmpty() && permits > 0) {
                permits--;
                return true;
            }
            if (!mayWait) {
                return false;
            }
            node = new Node();
            queue.addLast(node);
        }
        boolean left = false;
        try {
            while (true) {
                synchronized (this) {
                    if (node.granted) {
                        left = true;
                        return true;
                    }
                }
                if (!Parking.park(this, deadline)) {
                    synchronized (this) {
                        left = true;
                        if (node.granted) {
                            return true;
                        }
                        queue.remove(node);
                        return false;
                    }
                }
            }
        } finally {
            if (!left) { // invariant 2, on a cancellation or a scope deadline
                Node next = null;
                synchronized (this) {
                    if (node.granted) {
                        next = releaseLocked();
                    } else {
                        queue.remove(node);
                    }
                }
                wake(next);
            }
        }
    }

    /** Returns a permit, to the oldest waiter if any (invariant 1). */
    void release() {
        noteCaller();
        Node next;
        synchronized (this) {
            if (queue.isEmpty() && permits == max) {
                throw new IllegalStateException(what + " released more often than acquired (" + max + " permits, all free)");
            }
            next = releaseLocked();
        }
        wake(next);
    }

    private Node releaseLocked() {
        Node next = queue.pollFirst();
        if (next != null) {
            next.granted = true;
        } else {
            permits++;
        }
        return next;
    }

    private static void wake(Node next) {
        if (next != null) {
            LockSupport.unpark(next.thread);
        }
    }

    synchronized int queued() {
        return queue.size();
    }

    private void noteCaller() {
        if (!usedOutsideTasks && !Echo.inTask()) {
            usedOutsideTasks = true;
        }
    }

    @Override
    public boolean wakeableFromOutside() {
        return usedOutsideTasks;
    }

    @Override
    public String describeWait() {
        return what;
    }

    @Override
    public String toString() {
        return what;
    }
}
