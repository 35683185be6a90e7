package dev.echo.runtime.sync;

import dev.echo.runtime.spi.Parking;

import java.time.Duration;

/**
 * A counting semaphore whose waits park through Echo: Go's {@code semaphore.Weighted} with
 * weight 1 (or a buffered channel used as one), kotlinx's and Tokio's {@code Semaphore}. Fair
 * (arrival order, direct hand-off), cancellable, bounded by scope deadlines, visible in
 * {@code Task.describe()} and deadlock reports, usable from plain threads.
 *
 * <p>Bounded: releasing more permits than were taken is a bug and throws.
 *
 * <pre>{@code
 * Semaphore connections = new Semaphore(8);
 * connections.acquire();
 * try { call(); } finally { connections.release(); }
 * }</pre>
 */
public final class Semaphore {

    private final FifoPermits permits;

    /**
     * A semaphore with {@code permits} permits, all free.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1
     */
    public Semaphore(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        this.permits = new FifoPermits(permits, "acquire of Semaphore[" + permits + " permits]@"
                + Integer.toHexString(System.identityHashCode(this)));
    }

    /**
     * Takes a permit, waiting as long as it takes.
     *
     * @throws java.util.concurrent.CancellationException if the task is cancelled while waiting (nothing taken)
     * @throws dev.echo.runtime.DeadlineExceededException if a scope deadline passes first (nothing taken)
     */
    public void acquire() {
        permits.acquire(Parking.NO_DEADLINE, true);
    }

    /** Takes a permit if one is free and nobody is queued; never waits. */
    public boolean tryAcquire() {
        return permits.acquire(Parking.NO_DEADLINE, false);
    }

    /** Takes a permit, waiting at most {@code timeout} (zero or negative does not wait); true if taken. */
    public boolean tryAcquire(Duration timeout) {
        long deadline = Parking.deadlineAfter(timeout);
        return permits.acquire(deadline, timeout.isPositive());
    }

    /**
     * Returns a permit, to the oldest waiter if any.
     *
     * @throws IllegalStateException if every permit is already free
     */
    public void release() {
        permits.release();
    }

    /** Free permits now (a moment's view). */
    public int availablePermits() {
        return permits.available();
    }

    @Override
    public String toString() {
        return "Semaphore[" + permits.available() + " free, " + permits.queued() + " waiting]";
    }
}
