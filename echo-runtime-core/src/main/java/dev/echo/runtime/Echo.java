package dev.echo.runtime;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The static entry for code running inside an Echo task: spawn in the current runtime, yield,
 * sleep, a timer future, the current task. Go's {@code go f()}, {@code runtime.Gosched()} and
 * {@code time.Sleep}; Tokio's {@code tokio::spawn}, {@code yield_now} and {@code sleep}.
 *
 * <p>Methods that need a runtime throw {@link IllegalStateException} when called outside a
 * task; use the {@link EchoRuntime} methods there.
 */
public final class Echo {

    private static final WaitTarget SLEEP = new WaitTarget() {
        @Override
        public boolean wakeableFromOutside() {
            return true;
        }

        @Override
        public String describeWait() {
            return "sleep";
        }
    };

    private Echo() {
    }

    /** True if the caller is an Echo task. */
    public static boolean inTask() {
        return Task.currentOrNull() != null;
    }

    /** The task running the caller. */
    public static Task<?> currentTask() {
        Task<?> task = Task.currentOrNull();
        if (task == null) {
            throw new IllegalStateException("not inside an Echo task (thread " + Thread.currentThread() + ")");
        }
        return task;
    }

    /** The runtime of the task running the caller. */
    public static EchoRuntime runtime() {
        return currentTask().runtime;
    }

    /** Spawns a task in the current runtime. */
    public static <T> Task<T> spawn(Callable<T> body) {
        return runtime().spawn(body);
    }

    /** Spawns a named task in the current runtime. */
    public static <T> Task<T> spawn(String name, Callable<T> body) {
        return runtime().spawn(name, body);
    }

    /** Spawns a task with no value in the current runtime. */
    public static Task<Void> spawn(Runnable body) {
        return runtime().spawn(body);
    }

    /**
     * Lets other runnable tasks run: the caller goes to the back of its processor's queue (not
     * the run-next slot). On a plain thread, {@link Thread#yield()}.
     */
    public static void yieldNow() {
        Parking.checkCancelled();
        Thread.yield();
    }

    /**
     * Suspends the caller for {@code duration}, woken by Echo's timers (inside a task) or by
     * the JDK (on a plain thread). Zero returns at once.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static void sleep(Duration duration) {
        long nanos = EchoRuntime.checkDuration(duration, "duration");
        if (nanos == 0) {
            Parking.checkCancelled();
            return;
        }
        long deadline = System.nanoTime() + nanos;
        while (Parking.park(SLEEP, deadline)) {
            // Woken early (a stray permit): sleep on until the deadline.
        }
    }

    /** A timer future in the current runtime: resolves with null after {@code delay}. */
    public static EchoFuture<Void> delay(Duration delay) {
        return runtime().timer(delay);
    }
}
