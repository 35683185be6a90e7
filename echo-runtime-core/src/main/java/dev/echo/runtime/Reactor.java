package dev.echo.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The Reactor of the original design: it watches timers (and, with the Reactor issue, I/O
 * readiness) and wakes tasks through their wakers.
 *
 * <p>It has no thread of its own. As in Go's scheduler, a worker that runs out of tasks becomes
 * the one <em>poller</em> and blocks in {@link #poll} until the next timer is due or someone
 * calls {@link #wakeup}; every worker also fires due timers non-blockingly at its scheduling
 * points ({@link #pollNow}). So readiness, timers and task execution share threads.
 */
final class Reactor {

    /*
     * Implementation overview
     *
     * Invariants
     *  1. At most one thread is the poller (the polling flag); only it blocks in poll.
     *  2. pollDeadline is the instant the poller will wake by itself (TimerHeap.NONE when no
     *     one polls or it waits indefinitely). A timer scheduled before it wakes the poller.
     *
     * Wake-up protocol (no lost wake-ups)
     *  1. Poller: publish poller and pollDeadline (volatile), then read wakeupPending and the
     *     timer heap's nextDeadline; park only if no wake-up is pending and nothing is due
     *     before pollDeadline.
     *  2. Waker: set wakeupPending (volatile), then read poller and unpark it.
     *  Both sides write then read volatiles, so at least one sees the other's write.
     */

    final TimerHeap timers = new TimerHeap();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile Thread poller;
    private volatile long pollDeadline = TimerHeap.NONE;
    private volatile boolean wakeupPending;

    /** Schedules a timer; wakes the poller if this one is due before the poller would wake. */
    TimerHeap.Entry schedule(long deadline, Object target) {
        TimerHeap.Entry entry = timers.schedule(deadline, target);
        if (TimerHeap.earlier(deadline, pollDeadline) == deadline && deadline != pollDeadline) {
            wakeup();
        }
        return entry;
    }

    boolean cancel(TimerHeap.Entry entry) {
        return timers.cancel(entry);
    }

    /** Claims the poller role; false if another thread holds it. */
    boolean tryBecomePoller() {
        return !polling.get() && polling.compareAndSet(false, true);
    }

    void stopPolling() {
        polling.set(false);
    }

    /**
     * Poller only. Fires what is due, otherwise blocks until the next timer, a
     * {@link #wakeup}, or {@code maxWaitNanos} (TimerHeap.NONE for no limit). Returns the number
     * of timers fired.
     */
    int poll(long maxWaitNanos) {
        long now = System.nanoTime();
        int fired = timers.fireDue(now);
        if (fired > 0) {
            return fired;
        }
        long limit = maxWaitNanos == TimerHeap.NONE ? TimerHeap.NONE : now + maxWaitNanos;
        long deadline = TimerHeap.earlier(timers.nextDeadline(), limit);
        poller = Thread.currentThread();
        pollDeadline = deadline;
        if (!wakeupPending && TimerHeap.earlier(timers.nextDeadline(), deadline) == deadline) {
            if (deadline == TimerHeap.NONE) {
                LockSupport.park(this);
            } else {
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
        }
        pollDeadline = TimerHeap.NONE;
        poller = null;
        wakeupPending = false;
        return timers.fireDue(System.nanoTime());
    }

    /** Any thread, non-blocking: fires the timers that are due now. */
    int pollNow() {
        return timers.fireDue(System.nanoTime());
    }

    /** Ends the poller's current (or next) wait early. Cheap when nobody polls. */
    void wakeup() {
        wakeupPending = true;
        Thread p = poller;
        if (p != null) {
            LockSupport.unpark(p);
        }
    }

    boolean hasTimers() {
        return !timers.isEmpty();
    }

    /** True if a timer is due at {@code now} but nobody has fired it yet. */
    boolean hasOverdueTimers(long now) {
        return TimerHeap.isDue(timers.nextDeadline(), now);
    }
}
