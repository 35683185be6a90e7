package dev.echo.runtime.sync;

import dev.echo.runtime.spi.Parking;

import java.time.Duration;
import java.util.Objects;

/**
 * A mutual-exclusion lock whose waits park through Echo: Go's {@code sync.Mutex}, kotlinx's
 * {@code Mutex}, Tokio's {@code tokio::sync::Mutex}. Unlike a JDK lock, a task waiting for it
 * can be cancelled, is bounded by a scope deadline ({@code Echo.withTimeout}), shows in
 * {@code Task.describe()} and deadlock reports as {@code "lock of Mutex[name]"}, and works on
 * plain threads too.
 *
 * <p>Fair: waiters get the lock in arrival order, and {@code unlock} hands it to the oldest
 * directly. Not reentrant and not owned (as in Go): any thread may unlock a locked mutex; a
 * second lock by the holder waits for itself.
 *
 * <pre>{@code
 * mutex.lock();
 * try { balance += amount; } finally { mutex.unlock(); }
 * }</pre>
 */
public final class Mutex {

    private final FifoPermits permits;
    private final String name;

    /** An unlocked mutex named {@code name} (for reports). */
    public Mutex(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.permits = new FifoPermits(1, "lock of Mutex[" + name + "]");
    }

    /** An unlocked mutex. */
    public Mutex() {
        this("mutex@" + Integer.toHexString(System.identityHashCode(new Object())));
    }

    /**
     * Locks, waiting as long as it takes.
     *
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting (not locked)
     * @throws dev.echo.runtime.DeadlineExceededException if a scope deadline passes first (not locked)
     */
    public void lock() {
        permits.acquire(Parking.NO_DEADLINE, true);
    }

    /** Locks if free and nobody is queued; never waits. */
    public boolean tryLock() {
        return permits.acquire(Parking.NO_DEADLINE, false);
    }

    /**
     * Locks, waiting at most {@code timeout} (the one rule: zero or negative does not wait).
     *
     * @return true if locked
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean tryLock(Duration timeout) {
        long deadline = Parking.deadlineAfter(timeout);
        return permits.acquire(deadline, timeout.isPositive());
    }

    /**
     * Unlocks, handing the lock to the oldest waiter if any.
     *
     * @throws IllegalStateException if not locked
     */
    public void unlock() {
        permits.release();
    }

    /** True if locked now (a moment's view). */
    public boolean isLocked() {
        return permits.available() == 0;
    }

    @Override
    public String toString() {
        return "Mutex[" + name + (isLocked() ? ", locked, " + permits.queued() + " waiting]" : ", unlocked]");
    }
}
