package dev.echo.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The Reactor's timers: 4-ary min-heaps of deadlines, one per processor, each timer waking a
 * parked task or running a short action (completing a timer future).
 *
 * <p>Any thread may {@linkplain #schedule schedule} or {@linkplain #cancel cancel}; whoever
 * drives the Reactor {@linkplain #fireDue fires} what is due, in every stripe. Actions run
 * outside the locks, on the firing thread, and must be short and must not block: unpark a
 * task, complete a future.
 */
final class TimerHeap {

    /*
     * Implementation overview
     *
     * Stripes. The timers live in one heap per processor ("stripe"), each under its own spin
     * lock: a task schedules into the stripe of the processor it runs on, so two workers that
     * both put sleeping tasks to sleep never contend (one shared heap: JFR showed 10 % of the
     * timers workload's samples spinning for its lock in schedule). Any thread fires every
     * stripe, so nothing changes for pollers: the earliest deadline is the minimum over the
     * stripes. This is Go's per-P timers (since 1.14) without the ownership: a stripe is not
     * owned by its processor, it is only where that processor's tasks insert.
     *
     * Invariants
     *  1. Each stripe's heap[0..size) is a 4-ary min-heap on (deadline, sequence). sequence is
     *     global (one counter for all stripes), so timers with one deadline fire in the order
     *     they were scheduled even across stripes: fireDue merges what it takes from several
     *     stripes by (deadline, sequence) before firing.
     *  2. entry.index == its position in its stripe's heap while scheduled, -1 once fired or
     *     cancelled; both transitions happen under that stripe's lock, so cancel and fire
     *     cannot both claim an entry.
     *  3. A stripe's nextDeadline == its heap[0].deadline, or NONE when empty; written under its
     *     lock, read without it (a volatile), so pollers can size their wait without locking.
     *
     * Rounds. fireDue takes at most MAX_TAKE_PER_HOLD timers per stripe per lock hold, so no
     * hold is long, and fires them outside the locks. Order across stripes survives the cut:
     * if a stripe still has due timers after a round, every one of them comes after the last it
     * gave, so the round fires only what sorts at or before the smallest such "last" (the
     * cutoff) and carries the rest, already off their heaps, into the next round. A carried
     * entry is due and about to fire; a cancel that finds it off its heap reports "already
     * fired", which is what it is a moment later.
     *
     * Rejected alternatives
     *  - A hashed wheel: O(1) insert, but a tick granularity (lateness up to one tick) and a
     *    thread or poll loop per tick; a heap gives exact deadlines and O(log n) with n = 100k
     *    needing ~9 levels of a 4-ary heap.
     *  - Per-processor heaps fired only by their owner (Go): an idle worker would still have to
     *    scan and steal from the others' heaps; firing every stripe from whoever fires keeps
     *    the Reactor's single-poller protocol unchanged.
     */

    static final long NONE = Long.MAX_VALUE;

    /** One scheduled timer. Its fields other than index are final after scheduling. */
    static final class Entry {
        final long deadline;
        final long sequence;
        /** A Task to wake (Task.wakeByTimer), an EchoFuture to resolve, or a Runnable to run. */
        final Object target;
        /** The heap this timer is in while scheduled. */
        final Stripe stripe;
        /** Guarded by stripe's lock (invariant 2). */
        int index = -1;

        Entry(long deadline, long sequence, Object target, Stripe stripe) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.target = target;
            this.stripe = stripe;
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
                case Task<?> task -> task.wakeByTimer();
                case Thread thread -> LockSupport.unpark(thread);
                case EchoFuture<?> future -> future.settle(FutureState.RESOLVED, null, null);
                default -> ((Runnable) target).run();
            }
        }

        /** The timer will never fire (runtime closed): a timer future is cancelled. */
        void abandon() {
            if (target instanceof EchoFuture<?> future) {
                future.settle(FutureState.CANCELLED, null, null);
            } else if (target instanceof Task<?> task) {
                LockSupport.unpark(task.thread);
            } else if (target instanceof Thread thread) {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * Set while the monitor or a dedicated loop thread fires timers: Scheduler.execute's
     * external path reads it. Workers use {@link Worker#submission}, a field, because their
     * path is the hot one.
     */
    private static final ThreadLocal<Boolean> FIRING_OUTSIDE_WORKERS = new ThreadLocal<>();

    private final Stripe[] stripes;
    /** Tie-breaker for equal deadlines, across stripes (invariant 1). */
    private final AtomicLong sequence = new AtomicLong();

    /** One stripe: for tests and single-threaded use. */
    TimerHeap() {
        this(1);
    }

    /** {@code stripeCount} heaps; the Reactor uses one per processor. */
    TimerHeap(int stripeCount) {
        if (stripeCount < 1) {
            throw new IllegalArgumentException("stripeCount must be >= 1, was " + stripeCount);
        }
        stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Schedules {@code target} (a Task or Thread to wake, an EchoFuture or a Runnable) at {@code deadline}. */
    Entry schedule(long deadline, Object target) {
        Stripe stripe = stripes[stripeIndexForCaller()];
        Entry entry = new Entry(deadline, sequence.getAndIncrement(), target, stripe);
        stripe.lock.lock();
        try {
            stripe.add(entry);
        } finally {
            stripe.lock.unlock();
        }
        return entry;
    }

    /** Removes {@code entry}; false if it already fired or was cancelled. */
    boolean cancel(Entry entry) {
        Stripe stripe = entry.stripe;
        stripe.lock.lock();
        try {
            if (entry.index < 0) {
                return false;
            }
            stripe.remove(entry);
            return true;
        } finally {
            stripe.lock.unlock();
        }
    }

    /**
     * Most timers one lock hold takes off a stripe: bounds the time a task scheduling into that
     * stripe spins (100,000 due at once used to be moved in one hold of milliseconds).
     * Settable only from inside the package: TimerHoldProbe measures it against "no bound".
     */
    static int MAX_TAKE_PER_HOLD = 256;

    /**
     * Fires every timer whose deadline is at or before {@code now}; returns how many. Takes
     * them in rounds of at most {@link #MAX_TAKE_PER_HOLD} per stripe and lock hold (see
     * Rounds in the overview), firing outside the locks.
     */
    int fireDue(long now) {
        List<Entry> due = null;
        int fired = 0;
        Worker worker = null;
        int outer = 0;
        try {
            boolean truncatedAny;
            do {
                truncatedAny = false;
                Entry cutoff = null;
                int contributors = 0;
                boolean carried = due != null && !due.isEmpty();
                for (Stripe stripe : stripes) {
                    if (!isDue(stripe.nextDeadline, now)) {
                        continue;
                    }
                    if (due == null) {
                        due = new ArrayList<>();
                    }
                    int before = due.size();
                    boolean truncated;
                    stripe.lock.lock();
                    try {
                        truncated = stripe.takeDue(now, due, MAX_TAKE_PER_HOLD);
                    } finally {
                        stripe.lock.unlock();
                    }
                    if (due.size() > before) {
                        contributors++;
                        if (truncated) {
                            truncatedAny = true;
                            Entry last = due.get(due.size() - 1);
                            if (cutoff == null || last.before(cutoff)) {
                                cutoff = last;
                            }
                        }
                    }
                }
                if (due == null || due.isEmpty()) {
                    break;
                }
                if (contributors > 1 || carried) {
                    due.sort((x, y) -> x.before(y) ? -1 : y.before(x) ? 1 : 0); // invariant 1
                }
                int n = due.size();
                if (cutoff != null) {
                    n = 0;
                    while (n < due.size() && !cutoff.before(due.get(n))) {
                        n++; // entries after the cutoff wait: an earlier one may still be in a heap
                    }
                }
                if (worker == null && fired == 0) {
                    // The tasks these timers wake go to the global queue's urgent ring (Scheduler.execute).
                    worker = Thread.currentThread() instanceof Worker w ? w : null;
                    if (worker != null) {
                        outer = worker.submission;
                        worker.submission = outer | Worker.SUBMIT_URGENT;
                    } else {
                        FIRING_OUTSIDE_WORKERS.set(Boolean.TRUE);
                    }
                }
                for (int i = 0; i < n; i++) {
                    fireOne(due.get(i));
                }
                fired += n;
                due.subList(0, n).clear();
            } while (truncatedAny || !due.isEmpty());
        } finally {
            if (fired > 0) {
                if (worker != null) {
                    worker.submission = outer;
                } else {
                    FIRING_OUTSIDE_WORKERS.remove();
                }
            }
        }
        return fired;
    }

    private static void fireOne(Entry entry) {
        try {
            entry.fire();
        } catch (Throwable failure) {
            // A failing action must not lose the timers due with it.
            System.getLogger("dev.echo.runtime").log(System.Logger.Level.WARNING, "a timer action threw", failure);
        }
    }

    /** Removes every timer (runtime closed): timer futures end CANCELLED, parked waiters wake. */
    int abandonAll() {
        List<Entry> all = new ArrayList<>();
        for (Stripe stripe : stripes) {
            stripe.lock.lock();
            try {
                stripe.takeAll(all);
            } finally {
                stripe.lock.unlock();
            }
        }
        for (Entry entry : all) {
            try {
                entry.abandon();
            } catch (Throwable failure) {
                // One failing callback must not leave the remaining timer futures pending.
                System.getLogger("dev.echo.runtime").log(System.Logger.Level.WARNING, "abandoning a timer threw", failure);
            }
        }
        return all.size();
    }

    /** True while the current thread, not a worker, fires due timers. */
    static boolean firingOutsideWorkers() {
        return FIRING_OUTSIDE_WORKERS.get() != null;
    }

    /** The earliest deadline of all stripes, or {@link #NONE}. */
    long nextDeadline() {
        long next = NONE;
        for (Stripe stripe : stripes) {
            next = earlier(next, stripe.nextDeadline);
        }
        return next;
    }

    int size() {
        int total = 0;
        for (Stripe stripe : stripes) {
            stripe.lock.lock();
            try {
                total += stripe.size;
            } finally {
                stripe.lock.unlock();
            }
        }
        return total;
    }

    boolean isEmpty() {
        return nextDeadline() == NONE;
    }

    /**
     * The stripe of the processor the caller runs on (a task, or a worker firing timers);
     * other threads spread by thread id.
     */
    private int stripeIndexForCaller() {
        int n = stripes.length;
        if (n == 1) {
            return 0;
        }
        if (JdkHooks.currentCarrierThread() instanceof Worker worker) {
            Processor p = worker.processor;
            if (p != null) {
                return p.id % n;
            }
        }
        return (int) (Thread.currentThread().threadId() % n);
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

    /**
     * One heap and its lock. The long fields pad the hot ones (lock word neighbour,
     * nextDeadline, size) away from the other stripes', which other cores write (false sharing
     * would give back what striping saves).
     */
    private static final class Stripe {
        long p0, p1, p2, p3, p4, p5, p6, p7;
        final SpinLock lock = new SpinLock();
        Entry[] heap = new Entry[64];
        int size;
        /** Invariant 3. */
        volatile long nextDeadline = NONE;
        long q0, q1, q2, q3, q4, q5, q6, q7;

        /** Under lock. */
        void add(Entry entry) {
            if (size == heap.length) {
                heap = java.util.Arrays.copyOf(heap, size * 2);
            }
            entry.index = size;
            heap[size++] = entry;
            siftUp(entry.index);
            publishNext();
        }

        /** Under lock. */
        void remove(Entry entry) {
            removeAt(entry.index);
            publishNext();
        }

        /**
         * Under lock: moves up to {@code max} timers due at {@code now} into {@code due},
         * earliest first. Returns true if due timers remain (the take was cut short).
         */
        boolean takeDue(long now, List<Entry> due, int max) {
            int taken = 0;
            while (size > 0 && heap[0].deadline - now <= 0) {
                if (taken == max) {
                    publishNext();
                    return true;
                }
                due.add(heap[0]);
                removeAt(0);
                taken++;
            }
            publishNext();
            return false;
        }

        /** Under lock: moves every timer into {@code all}, in no particular order. */
        void takeAll(List<Entry> all) {
            for (int i = 0; i < size; i++) {
                heap[i].index = -1;
                all.add(heap[i]);
                heap[i] = null;
            }
            size = 0;
            publishNext();
        }

        private void publishNext() {
            nextDeadline = size == 0 ? NONE : heap[0].deadline;
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
}
