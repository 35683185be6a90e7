package dev.echo.runtime;


/**
 * The global run queue: submissions from outside the workers (plain threads, JDK timer threads,
 * the monitor), overflow from full local queues, and the work of processors handed off.
 *
 * <p>Multi-producer, multi-consumer. A short lock guards a growable ring; nothing ever parks
 * while holding it. {@link #size} is readable without the lock, so the workers' hot path can
 * skip an empty global queue for the price of one volatile read.
 *
 * <p>Tasks woken by a due timer go in ahead of the rest ({@link #pushUrgent}): a timer's task
 * is already late when it becomes runnable, while the rest are new or yielded work.
 */
final class InjectQueue {

    /*
     * Implementation overview
     *
     * Invariants: size == urgent.count + normal.count, written only under lock, with a volatile
     * store after the rings are updated, so a reader that sees size > 0 and then takes the lock
     * finds at least what size promised (or less, if another taker was faster). Takers empty
     * the urgent ring before the normal one; each ring is FIFO.
     *
     * Why an urgent ring. A program that spawns 100,000 sleepers fills this queue with tasks
     * that have not run yet; a sleeper whose timer fires while they wait used to queue behind
     * all of them, hundreds of ms late (docs/benchmarks.md, tuning log). Go's timers avoid
     * that by readying the goroutine into the run-next slot; here a timer may fire on a worker
     * without a P, on the monitor or on the Reactor's loop, so the place every taker looks
     * first is this queue. Only timer wake-ups go there, one per timer fired: the normal
     * ring waits only while timers come due faster than the workers run what they wake, and
     * local queues not at all (a worker looks here every 61st turn or when its own is empty).
     *
     * Rejected alternative: ConcurrentLinkedQueue. Lock-free, but a node per push and no
     * batch take; Go's sched.runq is also a lock-protected list, taken in batches.
     */

    /** A growable FIFO ring; guarded by the queue's lock. */
    private static final class Ring {
        Runnable[] slots = new Runnable[1024];
        int first;
        int count;

        void add(Runnable task) {
            if (count == slots.length) {
                grow(count + 1);
            }
            slots[(first + count) & (slots.length - 1)] = task;
            count++;
        }

        void addAll(Runnable[] tasks, int n) {
            grow(count + n);
            int mask = slots.length - 1;
            int end = first + count;
            for (int i = 0; i < n; i++) {
                slots[(end + i) & mask] = tasks[i];
            }
            count += n;
        }

        Runnable take() {
            Runnable task = slots[first];
            slots[first] = null;
            first = (first + 1) & (slots.length - 1);
            count--;
            return task;
        }

        private void grow(int needed) {
            if (needed <= slots.length) {
                return;
            }
            int capacity = slots.length;
            while (capacity < needed) {
                capacity <<= 1;
            }
            Runnable[] grown = new Runnable[capacity];
            for (int i = 0; i < count; i++) {
                grown[i] = slots[(first + i) & (slots.length - 1)];
            }
            slots = grown;
            first = 0;
        }
    }

    private final SpinLock lock = new SpinLock();
    private final Ring urgent = new Ring();
    private final Ring normal = new Ring();
    /** Element count of both rings; written under lock, read without it. */
    private volatile int size;
    /** Runnables ever pushed; written under lock. Deadlock detection reads it as activity. */
    private volatile long pushes;

    void push(Runnable task) {
        pushInto(normal, task);
    }

    /** Pushes a task woken by a due timer: it runs before everything pushed with {@link #push}. */
    void pushUrgent(Runnable task) {
        pushInto(urgent, task);
    }

    private void pushInto(Ring ring, Runnable task) {
        lock.lock();
        try {
            ring.add(task);
            pushes = pushes + 1;
            size = size + 1;
        } finally {
            lock.unlock();
        }
    }

    void pushBatch(Runnable[] tasks, int count) {
        lock.lock();
        try {
            normal.addAll(tasks, count);
            pushes = pushes + count;
            size = size + count;
        } finally {
            lock.unlock();
        }
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
        Runnable task = urgent.count > 0 ? urgent.take() : normal.take();
        size = size - 1;
        return task;
    }
}
