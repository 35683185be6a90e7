package dev.echo.runtime.net;

import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;
import io.netty.util.concurrent.Future;

import java.util.concurrent.locks.LockSupport;

/**
 * What a caller blocked in a TCP operation waits on: the event loop wakes it, so it is never
 * part of a deadlock ({@link #wakeableFromOutside()} is true) and a deadlock report names the
 * operation and the socket.
 */
final class IoWait implements WaitTarget {

    private final String operation;
    private final Object subject;

    IoWait(String operation, Object subject) {
        this.operation = operation;
        this.subject = subject;
    }

    @Override
    public boolean wakeableFromOutside() {
        return true;
    }

    @Override
    public String describeWait() {
        return operation + " " + subject;
    }

    /**
     * Parks the caller until {@code future} is done or {@code deadline} (a nanoTime instant, or
     * {@link Parking#NO_DEADLINE}) passes. Returns false on timeout.
     *
     * @throws java.util.concurrent.CancellationException if the calling task is cancelled meanwhile
     */
    boolean await(Future<?> future, long deadline) {
        if (future.isDone()) {
            return true;
        }
        Thread self = Thread.currentThread();
        future.addListener(f -> LockSupport.unpark(self));
        while (!future.isDone()) {
            if (!Parking.park(this, deadline) && !future.isDone()) {
                return false;
            }
        }
        return true;
    }

    /** The absolute deadline {@code nanos} (at most Parking.MAX_WAIT_NANOS; 0 or less: now) from now. */
    static long deadlineAfter(long nanos) {
        long deadline = System.nanoTime() + Math.max(0, nanos);
        return deadline == Parking.NO_DEADLINE ? deadline - 1 : deadline;
    }
}
