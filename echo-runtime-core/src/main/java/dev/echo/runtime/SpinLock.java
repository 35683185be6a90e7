package dev.echo.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock of the scheduler's own short critical sections (idle stacks, global queue, timer
 * heap): sections that both carriers (platform worker threads) and tasks (virtual threads on
 * those carriers) enter.
 *
 * <p>Why not {@code ReentrantLock} or {@code synchronized}: a virtual thread that finds either
 * contended parks and unmounts, and needs a carrier to run again when the lock is handed to
 * it. If the carriers are the ones waiting for that same lock, nobody ever runs it: every
 * worker blocked in {@code TimerHeap.fireDue} behind ~2,000 tasks parked in the timer lock's
 * queue is exactly the deadlock the timers benchmark hit. A spin lock never parks: a waiting
 * task keeps its carrier, and the holder — never parked inside these sections — releases soon.
 *
 * <p>Rules for users: hold it only for a few field updates; never park, allocate unboundedly,
 * run user code or take another lock while holding it. A platform thread that keeps losing
 * yields its OS time slice, in case the holder's carrier was descheduled.
 */
final class SpinLock {

    private static final int SPINS_BEFORE_OS_YIELD = 256;

    /** 0 free, 1 held. Acquired by CAS (acquire semantics), released with setRelease. */
    private volatile int state;

    void lock() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    private void lockContended() {
        boolean platform = !Thread.currentThread().isVirtual();
        int spins = 0;
        while (true) {
            if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
                return;
            }
            if (platform && ++spins >= SPINS_BEFORE_OS_YIELD) {
                spins = 0;
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    boolean tryLock() {
        return state == 0 && STATE.compareAndSet(this, 0, 1);
    }

    void unlock() {
        STATE.setRelease(this, 0);
    }

    // VarHandle mechanics

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SpinLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
