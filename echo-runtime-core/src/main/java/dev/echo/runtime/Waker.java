package dev.echo.runtime;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A handle that wakes one parked task (or plain thread): the Waker of the original design.
 *
 * <p>A waker names exactly one thread. {@link #wake()} gives that thread a permit: if it is
 * parked it resumes, otherwise its next park returns at once. Waking twice before the thread
 * runs resumes it once; waking a finished task does nothing. Wakers are cheap values: two wakers
 * for the same thread are {@linkplain #equals(Object) equal}.
 *
 * <p>Because a waker is only a permit, whoever parks must re-check its condition after waking
 * (the wake may be for an earlier registration). Every Echo primitive does.
 */
public final class Waker {

    private final Thread thread;

    private Waker(Thread thread) {
        this.thread = thread;
    }

    /** The waker of the calling task or thread. */
    public static Waker current() {
        return new Waker(Thread.currentThread());
    }

    /** The waker of {@code thread}; throws {@link NullPointerException} if it is null. */
    public static Waker of(Thread thread) {
        return new Waker(Objects.requireNonNull(thread, "thread"));
    }

    /** Makes the named task runnable (at most once per park). Never blocks. */
    public void wake() {
        LockSupport.unpark(thread);
    }

    /** The thread this waker wakes. */
    public Thread thread() {
        return thread;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Waker w && w.thread == thread;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(thread);
    }

    @Override
    public String toString() {
        return "Waker[" + thread + "]";
    }
}
