package dev.echo.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The Reactor's timers: a 4-ary min-heap of deadlines, each waking a parked task or running a
 * short action (completing a timer future).
 *
 * <p>Any thread may {@linkplain #schedule schedule} or {@linkplain #cancel cancel}; whoever
 * drives the Reactor {@linkplain #fireDue fires} what is due. Actions run outside the lock, on
 * the firing thread, and must be short and must not block: unpark a task, complete a future.
 */
final class TimerHeap {

    /*
     * Implementation overview
     *
     * Invariants
     *  1. heap[0..size) is a 4-ary min-heap on (deadline, sequence); sequence breaks ties so
     *     timers with one deadline fire in the order they were scheduled.
     *  2. entry.index == its position in heap while scheduled, -1 once fired or cancelled;
     *     both transitions happen under lock, so cancel and fire cannot both claim an entry.
     *  3. nextDeadline == heap[0].deadline, or NONE when empty; written under lock, read
     *     without it (a volatile), so pollers can size their wait without locking.
     *
     * Rejected alternatives
     *  - A hashed wheel: O(1) insert, but a tick granularity (lateness up to one tick) and a
     *    thread or poll loop per tick; a heap gives exact deadlines and O(log n) with n = 100k
     *    needing ~9 levels of a 4-ary heap.
     *  - One heap per processor (Go since 1.14): less contention, but every idle worker must
     *    then scan every processor's heap; with the Reactor polled by one worker at a time, one
     *    heap under a short lock measured fast enough (see docs/benchmarks.md).
     */

    static final long NONE = Long.MAX_VALUE;

    /** One scheduled timer. Its fields other than index are final after scheduling. */
    static final class Entry {
        final long deadline;
        final long sequence;
        /** A Thread to unpark, an EchoFuture to resolve, or a Runnable to run. */
        final Object target;
        int index = -1;

        Entry(long deadline, long sequence, Object target) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.target = target;
        }

        /**
         * False once fired or cancelled. Read without the lock by the task that scheduled the
         * timer, after it woke: a timer that woke it fired (index -1) before the unpark that
         * resumed it, so the task sees that, and skips the lock a cancel would take. A stale
         * true only costs the locked cancel, which then finds nothing to remove.
         */
        boolean isScheduled() {
            return index >= 0;
        }

        boolean before(Entry other) {
            // nanoTime instants compare by signed difference, like everywhere else in Echo.
            long d = deadline - other.deadline;
            return d < 0 || (d == 0 && sequence < other.sequence);
        }

        void fire() {
            switch (target) {
                case Thread thread -> LockSupport.unpark(thread);
                case EchoFuture<?> future -> future.settle(FutureState.RESOLVED, null, null);
                default -> ((Runnable) target).run();
            }
        }

        /** The timer will never fire (runtime closed): a timer future is cancelled. */
        void abandon() {
            if (target instanceof EchoFuture<?> future) {
                future.settle(FutureState.CANCELLED, null, null);
            } else if (target instanceof Thread thread) {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * Set while the monitor or a dedicated loop thread fires timers: Scheduler.execute's
     * external path reads it. Workers use {@link Worker#firingTimers}, a field, because their
     * path is the hot one.
     */
    private static final ThreadLocal<Boolean> FIRING_OUTSIDE_WORKERS = new ThreadLocal<>();

    private final SpinLock lock = new SpinLock();
    private Entry[] heap = new Entry[64];
    private int size;
    private long sequence;
    private volatile long nextDeadline = NONE;

    /** Schedules {@code target} (a Thread to unpark, an EchoFuture or a Runnable) at {@code deadline}. */
    Entry schedule(long deadline, Object target) {
        lock.lock();
        try {
            Entry entry = new Entry(deadline, sequence++, target);
            if (size == heap.length) {
                heap = java.util.Arrays.copyOf(heap, size * 2);
            }
            entry.index = size;
            heap[size++] = entry;
            siftUp(entry.index);
            nextDeadline = heap[0].deadline;
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code entry}; false if it already fired or was cancelled. */
    boolean cancel(Entry entry) {
        lock.lock();
        try {
            int i = entry.index;
            if (i < 0) {
                return false;
            }
            removeAt(i);
            nextDeadline = size == 0 ? NONE : heap[0].deadline;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Fires every timer whose deadline is at or before {@code now}; returns how many. */
    int fireDue(long now) {
        if (!isDue(nextDeadline, now)) {
            return 0;
        }
        List<Entry> due = new ArrayList<>();
        lock.lock();
        try {
            while (size > 0 && heap[0].deadline - now <= 0) {
                due.add(heap[0]);
                removeAt(0);
            }
            nextDeadline = size == 0 ? NONE : heap[0].deadline;
        } finally {
            lock.unlock();
        }
        // The tasks these timers wake go to the global queue's urgent ring (Scheduler.execute).
        Worker worker = Thread.currentThread() instanceof Worker w ? w : null;
        if (worker != null) {
            worker.firingTimers = true;
        } else {
            FIRING_OUTSIDE_WORKERS.set(Boolean.TRUE);
        }
        try {
            for (Entry entry : due) {
                try {
                    entry.fire();
                } catch (Throwable failure) {
                    // A failing action must not lose the timers due with it.
                    System.getLogger("dev.echo.runtime").log(System.Logger.Level.WARNING, "a timer action threw", failure);
                }
            }
        } finally {
            if (worker != null) {
                worker.firingTimers = false;
            } else {
                FIRING_OUTSIDE_WORKERS.remove();
            }
        }
        return due.size();
    }

    /** Removes every timer (runtime closed): timer futures end CANCELLED, parked waiters wake. */
    int abandonAll() {
        List<Entry> all = new ArrayList<>();
        lock.lock();
        try {
            while (size > 0) {
                all.add(heap[0]);
                removeAt(0);
            }
            nextDeadline = NONE;
        } finally {
            lock.unlock();
        }
        for (Entry entry : all) {
            entry.abandon();
        }
        return all.size();
    }

    /** True while the current thread, not a worker, fires due timers. */
    static boolean firingOutsideWorkers() {
        return FIRING_OUTSIDE_WORKERS.get() != null;
    }

    /** The earliest deadline, or {@link #NONE}. */
    long nextDeadline() {
        return nextDeadline;
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        return nextDeadline == NONE;
    }

    /** True if {@code deadline} (possibly NONE) is at or before {@code now}; overflow-safe. */
    static boolean isDue(long deadline, long now) {
        return deadline != NONE && deadline - now <= 0;
    }

    /** The earlier of two deadlines, either possibly NONE. */
    static long earlier(long a, long b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    private void removeAt(int i) {
        Entry removed = heap[i];
        removed.index = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        Entry last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.index = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        Entry entry = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            Entry p = heap[parent];
            if (!entry.before(p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = entry;
        entry.index = i;
    }

    private void siftDown(int i) {
        Entry entry = heap[i];
        while (true) {
            int child = (i << 2) + 1;
            if (child >= size) {
                break;
            }
            int best = child;
            int end = Math.min(child + 4, size);
            for (int c = child + 1; c < end; c++) {
                if (heap[c].before(heap[best])) {
                    best = c;
                }
            }
            if (!heap[best].before(entry)) {
                break;
            }
            heap[i] = heap[best];
            heap[i].index = i;
            i = best;
        }
        heap[i] = entry;
        entry.index = i;
    }
}
