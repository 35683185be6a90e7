package dev.echo.runtime.sync;

import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A value computed once, on first {@link #get()}: Go's {@code sync.Once} / {@code sync.OnceValue},
 * Tokio's {@code OnceCell::get_or_init}, Kotlin's {@code lazy}. Callers that arrive while the
 * first computes park through Echo (cancellable, bounded by scope deadlines, visible in
 * {@code Task.describe()}) and get the same value. A computation that throws is not cached:
 * the failure goes to the caller that ran it, and the next {@code get()} tries again (Kotlin's
 * and Tokio's rule; Go's Once would stay done).
 *
 * <p>Invariant (this object's monitor guards state and waiters): state is EMPTY, RUNNING (one
 * caller computes) or DONE (value set, final). Leaving RUNNING unparks every waiter, which
 * re-reads state under the monitor.
 */
public final class Lazy<T> {

    private enum State { EMPTY, RUNNING, DONE }

    private final Callable<? extends T> compute;
    private State state = State.EMPTY;
    private T value;
    private final java.util.List<Thread> waiters = new java.util.ArrayList<>();
    private final WaitTarget target = new WaitTarget() {
        @Override
        public boolean wakeableFromOutside() {
            return true; // the computing caller may be a plain thread
        }

        @Override
        public String describeWait() {
            return "get of " + Lazy.this;
        }
    };

    private Lazy(Callable<? extends T> compute) {
        this.compute = compute;
    }

    /** A lazy value computed by {@code compute} on first use. */
    public static <T> Lazy<T> of(Callable<? extends T> compute) {
        return new Lazy<>(Objects.requireNonNull(compute, "compute"));
    }

    /**
     * The value, computing it if nobody has yet (or the last try failed).
     *
     * @throws CompletionException wrapping a checked failure of the computation; unchecked ones as thrown
     */
    public T get() {
        Thread self = Thread.currentThread();
        while (true) {
            synchronized (this) {
                if (state == State.DONE) {
                    waiters.remove(self);
                    return value;
                }
                if (state == State.EMPTY) {
                    state = State.RUNNING;
                    waiters.remove(self);
                    break;
                }
                if (!waiters.contains(self)) {
                    waiters.add(self);
                }
            }
            try {
                Parking.park(target, Parking.NO_DEADLINE);
            } catch (RuntimeException leaving) {
                synchronized (this) {
                    waiters.remove(self);
                }
                throw leaving;
            }
        }
        T computed = null;
        boolean ok = false;
        try {
            computed = compute.call();
            ok = true;
            return computed;
        } catch (RuntimeException | Error unchecked) {
            throw unchecked;
        } catch (Exception checked) {
            throw new CompletionException(checked);
        } finally {
            java.util.List<Thread> wake;
            synchronized (this) {
                if (ok) {
                    value = computed;
                    state = State.DONE;
                } else {
                    state = State.EMPTY;
                }
                wake = new java.util.ArrayList<>(waiters);
                waiters.clear();
            }
            wake.forEach(LockSupport::unpark);
        }
    }

    @Override
    public synchronized String toString() {
        return "Lazy[" + state + "]";
    }
}
