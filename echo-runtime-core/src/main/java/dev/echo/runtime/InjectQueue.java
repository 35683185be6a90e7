package dev.echo.runtime;


/**
 * The global run queue: submissions from outside the workers (plain threads, JDK timer threads,
 * the monitor), overflow from full local queues, and the work of processors handed off.
 *
 * <p>Multi-producer, multi-consumer. A short lock guards a growable ring; nothing ever parks
 * while holding it. {@link #size} is readable without the lock, so the workers' hot path can
 * skip an empty global queue for the price of one volatile read.
 */
final class InjectQueue {

    /*
     * Implementation overview
     *
     * Invariants: size == number of elements in the ring, written only under lock, with a
     * volatile store after the ring is updated, so a reader that sees size > 0 and then takes
     * the lock finds at least what size promised (or less, if another taker was faster).
     *
     * Rejected alternative: ConcurrentLinkedQueue. Lock-free, but a node per push and no
     * batch take; Go's sched.runq is also a lock-protected list, taken in batches.
     */

    private final SpinLock lock = new SpinLock();
    private Runnable[] ring = new Runnable[1024];
    private int first;
    /** Element count; written under lock, read without it. */
    private volatile int size;
    /** Runnables ever pushed; written under lock. Deadlock detection reads it as activity. */
    private volatile long pushes;

    void push(Runnable task) {
        lock.lock();
        try {
            ensureRoom(1);
            ring[(first + size) & (ring.length - 1)] = task;
            pushes = pushes + 1;
            size = size + 1;
        } finally {
            lock.unlock();
        }
    }

    void pushBatch(Runnable[] tasks, int count) {
        lock.lock();
        try {
            ensureRoom(count);
            int mask = ring.length - 1;
            int end = first + size;
            for (int i = 0; i < count; i++) {
                ring[(end + i) & mask] = tasks[i];
            }
            pushes = pushes + count;
            size = size + count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts {@code tasks[0..count)} ahead of everything queued, in their order: the overflow of
     * woken tasks, which must not wait behind a spawning burst's overflow (see
     * {@link LocalRunQueue#pushWoken}).
     */
    void pushBatchFront(Runnable[] tasks, int count) {
        lock.lock();
        try {
            ensureRoom(count);
            int mask = ring.length - 1;
            int start = (first - count) & mask;
            for (int i = 0; i < count; i++) {
                ring[(start + i) & mask] = tasks[i];
            }
            first = start;
            pushes = pushes + count;
            size = size + count;
        } finally {
            lock.unlock();
        }
    }

    /** Puts {@code task} ahead of everything queued (a wake-up made outside a processor). */
    void pushFront(Runnable task) {
        pushBatchFront(new Runnable[] {task}, 1);
    }

    /** Takes one runnable, or null. */
    Runnable poll() {
        if (size == 0) {
            return null;
        }
        lock.lock();
        try {
            return size == 0 ? null : takeFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} runnables: returns the first and pushes the rest into
     * {@code destination} (owned by the caller), as Go's globrunqget does. Null when empty.
     */
    Runnable pollBatch(int max, LocalRunQueue destination, InjectQueue overflow) {
        if (size == 0) {
            return null;
        }
        Runnable[] batch;
        int n;
        lock.lock();
        try {
            n = Math.min(size, max);
            if (n == 0) {
                return null;
            }
            batch = new Runnable[n];
            for (int i = 0; i < n; i++) {
                batch[i] = takeFirst();
            }
        } finally {
            lock.unlock();
        }
        for (int i = 1; i < n; i++) {
            destination.push(batch[i], overflow);
        }
        return batch[0];
    }

    int size() {
        return size;
    }

    long pushes() {
        return pushes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private Runnable takeFirst() {
        Runnable task = ring[first];
        ring[first] = null;
        first = (first + 1) & (ring.length - 1);
        size = size - 1;
        return task;
    }

    private void ensureRoom(int extra) {
        int needed = size + extra;
        if (needed <= ring.length) {
            return;
        }
        int capacity = ring.length;
        while (capacity < needed) {
            capacity <<= 1;
        }
        Runnable[] grown = new Runnable[capacity];
        for (int i = 0; i < size; i++) {
            grown[i] = ring[(first + i) & (ring.length - 1)];
        }
        ring = grown;
        first = 0;
    }
}
