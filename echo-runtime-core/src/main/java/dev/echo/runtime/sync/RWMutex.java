package dev.echo.runtime.sync;

import dev.echo.runtime.Echo;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A readers-writer lock whose waits park through Echo: Go's {@code sync.RWMutex}, Tokio's
 * {@code RwLock}. Many readers or one writer. Fair in arrival order: once a writer waits, later
 * readers queue behind it (Go's rule, so writers are not starved). Cancellable, bounded by
 * scope deadlines, visible in {@code Task.describe()} and deadlock reports, usable from plain
 * threads. Not reentrant; a reader cannot upgrade.
 *
 * <p>Invariants (this object's monitor guards readers, writer, queue and each node's granted):
 * writer implies readers == 0; a waiter is granted only from the head of the queue
 * ({@link #grantLocked}), so nobody overtakes a queued writer; a granted waiter that leaves
 * (cancellation, deadline) releases what it was granted, so no unlock is lost.
 */
public final class RWMutex {

    private static final class Node {
        final Thread thread = Thread.currentThread();
        final boolean write;
        boolean granted;

        Node(boolean write) {
            this.write = write;
        }
    }

    private final String name;
    private int readers;
    private boolean writer;
    private final ArrayDeque<Node> queue = new ArrayDeque<>();
    private volatile boolean usedOutsideTasks;
    private final WaitTarget readTarget = target("read lock");
    private final WaitTarget writeTarget = target("write lock");

    /** An unlocked lock named {@code name} (for reports). */
    public RWMutex(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Takes a read lock, waiting as long as it takes. */
    public void readLock() {
        acquire(false, Parking.NO_DEADLINE, true);
    }

    /** Takes a read lock if no writer holds or waits; never waits. */
    public boolean tryReadLock() {
        return acquire(false, Parking.NO_DEADLINE, false);
    }

    /** Takes a read lock, waiting at most {@code timeout} (zero or negative does not wait). */
    public boolean tryReadLock(Duration timeout) {
        return acquire(false, Parking.deadlineAfter(timeout), timeout.isPositive());
    }

    /** Releases a read lock. @throws IllegalStateException if no read lock is held */
    public void readUnlock() {
        List<Node> wake;
        synchronized (this) {
            if (readers == 0) {
                throw new IllegalStateException("readUnlock of " + this + ": no read lock is held");
            }
            readers--;
            wake = grantLocked();
        }
        wake(wake);
    }

    /** Takes the write lock, waiting as long as it takes. */
    public void lock() {
        acquire(true, Parking.NO_DEADLINE, true);
    }

    /** Takes the write lock if free and nobody waits; never waits. */
    public boolean tryLock() {
        return acquire(true, Parking.NO_DEADLINE, false);
    }

    /** Takes the write lock, waiting at most {@code timeout} (zero or negative does not wait). */
    public boolean tryLock(Duration timeout) {
        return acquire(true, Parking.deadlineAfter(timeout), timeout.isPositive());
    }

    /** Releases the write lock. @throws IllegalStateException if it is not held */
    public void unlock() {
        List<Node> wake;
        synchronized (this) {
            if (!writer) {
                throw new IllegalStateException("unlock of " + this + ": the write lock is not held");
            }
            writer = false;
            wake = grantLocked();
        }
        wake(wake);
    }

    private boolean acquire(boolean write, long deadline, boolean mayWait) {
        if (!usedOutsideTasks && !Echo.inTask()) {
            usedOutsideTasks = true;
        }
        Node node;
        synchronized (this) {
            if (queue.isEmpty() && !writer && (!write || readers == 0)) {
                take(write);
                return true;
            }
            if (!mayWait) {
                return false;
            }
            node = new Node(write);
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
                if (!Parking.park(write ? writeTarget : readTarget, deadline)) {
                    List<Node> wake;
                    synchronized (this) {
                        left = true;
                        if (node.granted) {
                            return true;
                        }
                        queue.remove(node);
                        wake = grantLocked(); // a reader behind a writer that gave up may go now
                    }
                    wake(wake);
                    return false;
                }
            }
        } finally {
            if (!left) {
                List<Node> wake;
                synchronized (this) {
                    if (node.granted) {
                        if (write) {
                            writer = false;
                        } else {
                            readers--;
                        }
                    } else {
                        queue.remove(node);
                    }
                    wake = grantLocked();
                }
                wake(wake);
            }
        }
    }

    private void take(boolean write) {
        if (write) {
            writer = true;
        } else {
            readers++;
        }
    }

    /** Grants from the head of the queue: one writer, or every reader up to the next writer. */
    private List<Node> grantLocked() {
        List<Node> granted = null;
        while (!queue.isEmpty()) {
            Node head = queue.peekFirst();
            if (writer || (head.write && readers > 0)) {
                break;
            }
            queue.pollFirst();
            head.granted = true;
            take(head.write);
            if (granted == null) {
                granted = new ArrayList<>(2);
            }
            granted.add(head);
            if (head.write) {
                break;
            }
        }
        return granted;
    }

    private static void wake(List<Node> nodes) {
        if (nodes != null) {
            nodes.forEach(n -> LockSupport.unpark(n.thread));
        }
    }

    private WaitTarget target(String kind) {
        return new WaitTarget() {
            @Override
            public boolean wakeableFromOutside() {
                return usedOutsideTasks;
            }

            @Override
            public String describeWait() {
                return kind + " of RWMutex[" + name + "]";
            }
        };
    }

    @Override
    public synchronized String toString() {
        return "RWMutex[" + name + ", " + (writer ? "write-locked" : readers + " readers") + ", " + queue.size() + " waiting]";
    }
}
