package dev.echo.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

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
     * the JDK (on a plain thread). Zero or negative returns at once (Go's {@code time.Sleep}),
     * after a cancellation check.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws java.util.concurrent.CancellationException if the task is cancelled meanwhile
     */
    public static void sleep(Duration duration) {
        long deadline = Parking.deadlineAfter(duration);
        if (deadline - System.nanoTime() <= 0) {
            Parking.checkCancelled();
            return;
        }
        while (Parking.park(SLEEP, deadline)) {
            // Woken early (a stray permit): sleep on until the deadline.
        }
    }

    /** A timer future in the current runtime: resolves with null after {@code delay}. */
    public static EchoFuture<Void> delay(Duration delay) {
        return runtime().timer(delay);
    }

    /**
     * Runs {@code body} under a deadline {@code timeout} from now: every Echo wait inside it
     * (channel operations, select, {@code await}, {@code sleep}, locks, TCP read / write /
     * connect / accept), and in tasks forked there through a {@link TaskScope}, ends at the
     * deadline with {@link DeadlineExceededException}, which then leaves this method (kotlinx's
     * {@code withTimeout}, Tokio's {@code timeout}, Go's {@code context.WithTimeout}). Nested
     * deadlines take the earliest: an inner {@code withTimeout} cannot extend an outer one.
     * {@code timeout} follows the one rule: zero or negative has already expired, so the body's
     * first wait throws (what is ready is still taken without waiting). The deadline bounds
     * waits only; a body that computes past it without waiting returns normally. Works on
     * plain threads too; cleanup that must wait after the deadline runs in
     * {@link #nonCancellable(Duration, Callable)}.
     *
     * @return what {@code body} returns
     * @throws DeadlineExceededException if a wait inside reached the deadline (this one or an outer one)
     * @throws NullPointerException if {@code timeout} or {@code body} is null
     * @throws Exception whatever {@code body} throws
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> body) throws Exception {
        long end = Parking.deadlineAfter(timeout);
        Objects.requireNonNull(body, "body");
        Deadline outer = Parker.currentDeadline();
        Parker.setCurrentDeadline(Deadline.earliest(outer, end, "withTimeout(" + timeout + ")"));
        try {
            return body.call();
        } finally {
            Parker.setCurrentDeadline(outer);
        }
    }

    /**
     * Runs {@code body} on the current task with cancellation held off for up to {@code grace}:
     * for cleanup that must still wait after the task was cancelled (a last send, a flush, a
     * goodbye on a socket). Inside, Echo's waits proceed as if the task were not cancelled
     * until {@code grace} has passed, then throw {@link java.util.concurrent.CancellationException}
     * again; nested calls keep the earliest end. An expired {@link #withTimeout} or
     * {@link TaskScope} deadline is held off the same way. The task stays cancelled: its future still
     * ends CANCELLED. On a plain thread (no cancellation to hold off) it just runs {@code body}.
     *
     * @return what {@code body} returns
     * @throws NullPointerException if {@code grace} or {@code body} is null
     * @throws Exception whatever {@code body} throws
     */
    public static <T> T nonCancellable(Duration grace, Callable<T> body) throws Exception {
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(body, "body");
        Task<?> task = Task.currentOrNull();
        if (task == null) {
            return body.call();
        }
        return task.runNonCancellable(grace, body);
    }
}
