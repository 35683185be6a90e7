package dev.echo.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * G of Go's G-M-P: one Echo task, a virtual thread scheduled by its runtime's scheduler.
 * Because it is a real virtual thread, blocking calls inside it ({@code Thread.sleep}, locks,
 * JDK sockets, JDBC) park the task, not the carrier.
 *
 * <p>The handle is safe to share: {@link #status()}, {@link #future()}, {@link #join()} and
 * {@link #cancel()} may be called from any thread.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel()} marks the task and interrupts its thread. Its current or next suspension
 * point in Echo (await, sleep, channel operations, select, {@link Parking}) throws
 * {@link CancellationException}, removing what that suspension had registered; JDK blocking
 * calls throw {@link InterruptedException} as usual. The task's future becomes CANCELLED when
 * its body has returned or thrown. A task cancelled before it started never runs its body.
 */
public final class Task<T> {

    /*
     * How a task finds itself. Every Echo task's thread carries a Handle as its uncaught-
     * exception handler: Task.currentOrNull() is one field read on the current thread, with no
     * allocation per task. (A ScopedValue binding per task cost about a tenth of spawn + join
     * in a JFR profile of 1,000,000 tasks; a ThreadLocal would allocate a map per thread.)
     * The handler is never called for a real exception: runBody catches everything and
     * settles the future. Threads a task starts itself do not inherit it, so they are not tasks.
     */
    private static final class Handle implements Thread.UncaughtExceptionHandler, Runnable {
        final Task<?> task;

        Handle(Task<?> task) {
            this.task = task;
        }

        /** The thread's body: one object serves as body and as marker (JFR: a lambda fewer per task). */
        @Override
        public void run() {
            task.runBody();
        }

        @Override
        public void uncaughtException(Thread thread, Throwable failure) {
            System.getLogger("dev.echo.runtime").log(System.Logger.Level.ERROR,
                    "uncaught exception escaped " + task + " on " + thread, failure);
        }
    }

    private final long id;
    private final String name;
    final EchoRuntime runtime;
    private final Callable<T> body;
    private final EchoFuture<T> future;
    final Thread thread;

    /** Set by cancel() (any thread) or on seeing an interrupt (the task itself). */
    private volatile boolean cancelRequested;
    /** Set by the task when its body starts. */
    private volatile boolean started;
    /** What the task is parked on through Parking; null while not parked there. Task writes. */
    private volatile Object waitingOn;
    /** Links in the runtime's TaskRegistry; guarded by the registry stripe's monitor. */
    Task<?> registryPrev;
    Task<?> registryNext;

    Task(long id, String name, EchoRuntime runtime, Callable<T> body, Thread.Builder.OfVirtual builder) {
        this.id = id;
        this.name = name;
        this.runtime = runtime;
        this.body = body;
        this.future = new EchoFuture<>(this);
        Handle handle = new Handle(this);
        this.thread = builder.unstarted(handle);
        thread.setUncaughtExceptionHandler(handle);
        if (name != null) {
            thread.setName(name);
        }
    }

    /** The task running the caller, or null on a plain thread (or a foreign virtual thread). */
    static Task<?> currentOrNull() {
        return Thread.currentThread().getUncaughtExceptionHandler() instanceof Handle h ? h.task : null;
    }

    /** A runtime-unique id, in spawn order. */
    public long id() {
        return id;
    }

    /** The name given at spawn, or null. */
    public String name() {
        return name;
    }

    /** This task's result. */
    public EchoFuture<T> future() {
        return future;
    }

    /** Waits for the task's result; same as {@code future().await()}. */
    public T join() {
        return future.await();
    }

    /** The status now (a moment's view). */
    public TaskStatus status() {
        switch (future.state()) {
            case RESOLVED -> {
                return TaskStatus.COMPLETED;
            }
            case REJECTED -> {
                return TaskStatus.FAILED;
            }
            case CANCELLED -> {
                return TaskStatus.CANCELLED;
            }
            default -> {
                if (!started) {
                    return TaskStatus.READY;
                }
                if (waitingOn != null) {
                    return TaskStatus.WAITING;
                }
                return switch (thread.getState()) {
                    case WAITING, TIMED_WAITING, BLOCKED -> TaskStatus.WAITING;
                    default -> TaskStatus.RUNNING;
                };
            }
        }
    }

    /**
     * Requests cancellation (see the class comment). Returns true if this call requested it,
     * false if the task had already finished or was already cancelled.
     */
    public boolean cancel() {
        if (future.isDone() || cancelRequested) {
            return false;
        }
        cancelRequested = true;
        thread.interrupt();
        return true;
    }

    /** True once cancellation was requested. */
    public boolean isCancelled() {
        return cancelRequested;
    }

    /** What the task is parked on in an Echo primitive, or null. */
    Object waitingOn() {
        return waitingOn;
    }

    boolean hasStarted() {
        return started;
    }

    @Override
    public String toString() {
        return name != null ? "Task#" + id + "(" + name + ")" : "Task#" + id;
    }

    // ## Running (on the task's own virtual thread) ##

    private void runBody() {
        started = true;
        FutureState outcome;
        Object value = null;
        Throwable failure = null;
        if (cancelRequested) {
            outcome = FutureState.CANCELLED;
        } else {
            try {
                value = body.call();
                outcome = cancelRequested ? FutureState.CANCELLED : FutureState.RESOLVED;
            } catch (Throwable thrown) {
                // After cancel(), however the body ends, the task ended by cancellation. A body
                // that throws CancellationException on its own (something it awaited was
                // cancelled) is cancelled too: cancellation spreads, as in kotlinx.coroutines.
                outcome = cancelRequested || thrown instanceof CancellationException
                        ? FutureState.CANCELLED : FutureState.REJECTED;
                failure = outcome == FutureState.REJECTED ? thrown : null;
            }
        }
        // Count first: whoever the settle wakes (a join) must already see the task counted.
        runtime.countOutcome(outcome);
        // Joiners woken by a finishing task go to the back of the queue, not the run-next slot:
        // a fan-out/join loop then runs the siblings before the joiner, which finds them done
        // instead of parking once per join. (A hand-off between running tasks, a channel send,
        // still uses run-next.)
        Worker worker = JdkHooks.currentCarrierThread() instanceof Worker w ? w : null;
        if (worker != null) {
            worker.wakingFromFinishedTask = true;
        }
        try {
            future.settle(outcome, outcome == FutureState.RESOLVED ? value : null, failure);
        } finally {
            if (worker != null) {
                worker.wakingFromFinishedTask = false;
            }
            runtime.taskFinished(this);
        }
    }

    // ## Parking (called by Parking on this task's thread) ##

    boolean park(Object blocker, long deadlineNanos) {
        throwIfCancelled();
        TimerHeap.Entry timer = null;
        if (deadlineNanos != Parking.NO_DEADLINE) {
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            timer = runtime.reactor.schedule(deadlineNanos, thread);
        }
        waitingOn = blocker;
        try {
            LockSupport.park(blocker);
        } finally {
            waitingOn = null;
            if (timer != null && timer.isScheduled()) {
                runtime.reactor.cancel(timer);
            }
        }
        throwIfCancelled();
        return deadlineNanos == Parking.NO_DEADLINE || deadlineNanos - System.nanoTime() > 0;
    }

    /** On this task's thread: throws if cancelled; an interrupt counts as a cancellation. */
    void throwIfCancelled() {
        if (!cancelRequested && thread.isInterrupted()) {
            cancelRequested = true;
        }
        if (cancelRequested) {
            throw new CancellationException(this + " was cancelled");
        }
    }
}
