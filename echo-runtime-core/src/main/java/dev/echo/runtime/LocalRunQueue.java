package dev.echo.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A processor's bounded run queue: a single-producer, multi-consumer ring of runnable
 * continuations, plus the run-next slot for the task just woken.
 *
 * <p>Ownership is in the method names. {@code push…}, {@code pop…}, {@code offerRunNext} and
 * {@code stealInto}'s destination side may only be called by the worker that owns the processor
 * (the single producer). {@link #stealInto} (source side), {@link #drainTo} and {@link #size}
 * may be called from any thread.
 */
final class LocalRunQueue {

    /*
     * Implementation overview
     * =======================
     *
     * Invariants
     *  1. 0 <= tail - head <= capacity, in wrapping int arithmetic.
     *  2. Slots [head, tail) hold queued runnables; only the owner writes slots, and only at
     *     index tail, which by (1) is never inside [head, tail).
     *  3. head only moves forward, by CAS, by whoever takes items (owner pop, stealers,
     *     overflow). tail only moves forward, by the owner, with a release store.
     *  4. runNext holds at most one runnable; it is not part of [head, tail).
     *
     * Memory-ordering protocol
     *  1. Owner push: plain store of the element at tail, then setRelease(tail). Pairs with the
     *     getAcquire(tail) of a stealer, which therefore sees the element.
     *  2. Taker: getAcquire(head), getAcquire(tail), read the elements, then CAS head. A CAS
     *     that succeeds proves head did not move, so by (2) the owner cannot have overwritten
     *     the elements read (it writes only at tail, and tail - head <= capacity).
     *  3. runNext is exchanged with getAndSet / compareAndSet (volatile semantics), so a wake
     *     that lands there is ordered before the waker's later reads of the idle counters.
     *
     * Rejected alternatives
     *  - A lock per queue: every wake would take it; stealing is rare, pushing is not.
     *  - An unbounded linked deque (Chase-Lev): allocation per push; the bounded ring spills
     *    half its contents to the global queue when full, as Go's runqput does, which also
     *    hands the surplus to other processors.
     *
     * References: Go runtime proc.go (runqput, runqget, runqgrab, runqsteal); Tokio
     * runtime/scheduler/multi_thread/queue.rs (Local / Steal handles).
     */

    /** Ring size of a processor's queue (Go's 256). */
    static final int CAPACITY = 256;

    /** A power of two; smaller only in tests, so that model checking reaches overflow. */
    private final int capacity;
    private final int mask;
    private final Runnable[] buffer;
    /** Consumers' end. Moved by CAS from the owner (pop) and stealers. */
    private volatile int head;
    /** Producer's end. Written only by the owner, with release; read with acquire. */
    private volatile int tail;
    /** The run-next slot; owner exchanges it, the monitor may take it during a hand-off. */
    private volatile Runnable runNext;

    LocalRunQueue() {
        this(CAPACITY);
    }

    /** Test knob: a queue of {@code capacity} (a power of two >= 2). */
    LocalRunQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.buffer = new Runnable[capacity];
    }

    /**
     * Owner only. Appends {@code task}; if the ring is full, moves half of it plus {@code task}
     * to {@code overflow} and returns false (the caller then wakes other workers).
     */
    boolean push(Runnable task, InjectQueue overflow) {
        while (true) {
            int h = getAcquireHead();
            int t = tail;
            if (t - h < capacity) {
                buffer[t & mask] = task;
                setReleaseTail(t + 1);
                return true;
            }
            if (pushOverflow(task, h, t, overflow)) {
                return false;
            }
            // Stealers moved head meanwhile; there is room now.
        }
    }

    /**
     * Owner only. Like {@link #push}, for a woken task: on overflow, the half moved out goes to
     * the front of {@code overflow}, not its back. A spawning burst can leave thousands of new
     * tasks in the global queue; a woken task (a timer, a channel hand-off) that overflowed
     * behind them would wait for all of them.
     */
    boolean pushWoken(Runnable task, InjectQueue overflow) {
        while (true) {
            int h = getAcquireHead();
            int t = tail;
            if (t - h < capacity) {
                buffer[t & mask] = task;
                setReleaseTail(t + 1);
                return true;
            }
            if (pushOverflow(task, h, t, overflow, true)) {
                return false;
            }
        }
    }

    private boolean pushOverflow(Runnable task, int h, int t, InjectQueue overflow) {
        return pushOverflow(task, h, t, overflow, false);
    }

    private boolean pushOverflow(Runnable task, int h, int t, InjectQueue overflow, boolean front) {
        int n = (t - h) / 2;
        Runnable[] batch = new Runnable[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = buffer[(h + i) & mask];
        }
        if (!casHead(h, h + n)) {
            return false;
        }
        batch[n] = task;
        if (front) {
            overflow.pushBatchFront(batch, n + 1);
        } else {
            overflow.pushBatch(batch, n + 1);
        }
        return true;
    }

    /**
     * Owner only. Puts {@code task} in the run-next slot and returns what it displaced (to be
     * pushed to the tail by the caller), or null.
     */
    Runnable offerRunNext(Runnable task) {
        return (Runnable) RUN_NEXT.getAndSet(this, task);
    }

    /** Owner only. Takes the run-next task, or null. */
    Runnable pollRunNext() {
        return runNext == null ? null : (Runnable) RUN_NEXT.getAndSet(this, (Runnable) null);
    }

    /** Owner only. Takes from the head of the ring (FIFO), or null when empty. */
    Runnable pop() {
        while (true) {
            int h = getAcquireHead();
            int t = tail;
            if (t == h) {
                return null;
            }
            Runnable task = buffer[h & mask];
            if (casHead(h, h + 1)) {
                // The slot is now outside [head, tail): drop the reference, or a finished
                // task's continuation (and its whole task) stays reachable until the ring
                // wraps. A thief still reading it will fail its CAS.
                buffer[h & mask] = null;
                return task;
            }
        }
    }

    /**
     * Called by the owner of {@code destination}: moves half of this queue (rounded up) into
     * {@code destination}, which must be empty, and returns one of the moved runnables to run
     * now, or null if there was nothing to steal. The run-next slot is not stolen: it belongs to
     * the owner's next turn; only {@link #drainTo} takes it.
     */
    Runnable stealInto(LocalRunQueue destination) {
        int dt = destination.tail;
        while (true) {
            int h = getAcquireHead();
            int t = getAcquireTail();
            int n = t - h;
            n = n - n / 2;
            if (n <= 0) {
                return null;
            }
            if (n > capacity / 2) {
                continue; // read head and tail at different moments; try again
            }
            for (int i = 0; i < n; i++) {
                destination.buffer[(dt + i) & destination.mask] = buffer[(h + i) & mask];
            }
            if (casHead(h, h + n)) {
                Runnable first = destination.buffer[(dt + n - 1) & destination.mask];
                if (n > 1) {
                    destination.setReleaseTail(dt + n - 1);
                }
                return first;
            }
        }
    }

    /**
     * Any thread. Moves everything, the run-next slot included, to the front of {@code target}
     * (run-next first, then the ring in order); used by the monitor when it hands a held
     * processor's work to other workers. The front, because this work was already ahead of the
     * global queue: a carrier the OS descheduled for 10 ms must not send the tasks it woke behind
     * a spawning burst's overflow. Two atomic steps, not one: the ring, then the run-next slot.
     * Returns the number moved.
     */
    int drainTo(InjectQueue target) {
        int ring = drainRingTo(target);
        return drainRunNextTo(target) + ring;
    }

    /** Any thread. Moves the run-next task, if any, to the front of {@code target}; returns 0 or 1. */
    int drainRunNextTo(InjectQueue target) {
        Runnable next;
        while ((next = runNext) != null) {
            if (RUN_NEXT.compareAndSet(this, next, (Runnable) null)) {
                target.pushFront(next);
                return 1;
            }
            // The owner exchanged the slot meanwhile; the slot is still full, take the new one.
        }
        return 0;
    }

    /** Any thread. Moves the whole ring, in order, to the front of {@code target}; returns the count. */
    int drainRingTo(InjectQueue target) {
        while (true) {
            int h = getAcquireHead();
            int t = getAcquireTail();
            int n = t - h;
            if (n <= 0) {
                return 0;
            }
            if (n > capacity) {
                continue;
            }
            Runnable[] batch = new Runnable[n];
            for (int i = 0; i < n; i++) {
                batch[i] = buffer[(h + i) & mask];
            }
            if (casHead(h, h + n)) {
                target.pushBatchFront(batch, n);
                return n;
            }
        }
    }

    /**
     * Owner only, with the ring empty: drops the references that stealing and draining left in
     * slots outside [head, tail). Safe against thieves: a thief that reads a cleared slot read
     * head before it moved, so its CAS fails and it retries.
     */
    void clearStaleSlots() {
        if (getAcquireHead() == tail) {
            java.util.Arrays.fill(buffer, null);
        }
    }

    /** Owner only. True if a push would overflow. */
    boolean isFull() {
        return tail - getAcquireHead() >= capacity;
    }

    /** Any thread. Ring length plus the run-next slot; a moment's estimate. */
    int size() {
        int n = getAcquireTail() - getAcquireHead();
        n = Math.max(0, Math.min(n, capacity));
        return runNext != null ? n + 1 : n;
    }

    /** Any thread. True if the ring and the run-next slot look empty. */
    boolean isEmpty() {
        return getAcquireTail() == getAcquireHead() && runNext == null;
    }

    // VarHandle mechanics

    private int getAcquireHead() {
        return (int) HEAD.getAcquire(this);
    }

    private int getAcquireTail() {
        return (int) TAIL.getAcquire(this);
    }

    private void setReleaseTail(int value) {
        TAIL.setRelease(this, value);
    }

    private boolean casHead(int expected, int value) {
        return HEAD.compareAndSet(this, expected, value);
    }

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle RUN_NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueue.class, "tail", int.class);
            RUN_NEXT = l.findVarHandle(LocalRunQueue.class, "runNext", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
