package dev.echo.runtime;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

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
 *
 * <h2>Interrupts are not cancellation</h2>
 * Only {@link #cancel()} (or the runtime's close) cancels a task. An interrupt from user code
 * ({@code Thread.interrupt()}, or the common {@code catch (InterruptedException e) {
 * Thread.currentThread().interrupt(); }}) is an interrupt, as on any thread: JDK blocking calls
 * see it, and Echo's own waits in a task neither end on it nor clear it — they wait on and
 * leave the interrupt status set, as {@code ReentrantLock.lock()} does. A task that returns
 * normally with its interrupt status set is RESOLVED with its value. (On a plain thread, which
 * has no cancel(), an interrupt does end an Echo wait: see {@link Parking}.)
 *
 * <h2>Cleanup after cancellation</h2>
 * Once cancelled, every Echo wait throws at once, so a {@code finally} block that must still
 * wait (send a last message, flush a connection) runs it inside
 * {@link Echo#nonCancellable(Duration, Callable)}: there, waits proceed for up to the given
 * grace, after which they throw {@link CancellationException} again (kotlinx's
 * {@code withContext(NonCancellable)}, bounded so that a stuck cleanup cannot hold a close()).
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
    /** System.nanoTime() at spawn, for the task dump's age. */
    private final long spawnNanos = System.nanoTime();

    /** Set by cancel() (any thread); never by an interrupt. */
    private volatile boolean cancelRequested;
    /** Set (by CAS) when the body starts, or by close() abandoning a task that never will. */
    private volatile boolean started;
    /** What the task is parked on through Parking; null while not parked there. Task writes. */
    private volatile Object waitingOn;
    /** The deadline of the park in progress, or NO_DEADLINE. Task writes; deadlock detection reads. */
    private volatile long parkDeadline = Parking.NO_DEADLINE;
    /** Set by this task's timer just before it unparks the task (Worker's overview). */
    private volatile boolean timerWake;
    /** Task only: inside Echo.nonCancellable, cancellation is ignored until graceEnd. */
    private boolean nonCancellable;
    private long graceEnd;
    /**
     * Task only: the deadline of the innermost withTimeout / TaskScope deadline around the code
     * running now, or one inherited at fork (written before the thread starts); null: none.
     * A plain field: only this task's thread reads it (in park) or writes it.
     */
    Deadline deadline;
    /** The scope this task was forked into, or null if spawned. Written once, before start. */
    volatile TaskScope<?, ?> scope;
    /**
     * The innermost TaskScope this task has open (its owner), or null; each scope links its
     * outer one. The task writes it (open, close); cancel() reads it on any thread, so that
     * cancelling an owner cancels its scopes' children at once.
     */
    volatile TaskScope<?, ?> openScope;
    /** Exit actions (onExit), newest last; guarded by exitLock. Null once the task has exited. */
    private java.util.LinkedHashSet<ExitAction> exitActions = new java.util.LinkedHashSet<>(0);
    private final Object exitLock = new Object();
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
        // Structured concurrency: the children of every scope this task has open go with it.
        // Read after the write above (both volatile); TaskScope.fork re-checks the owner's
        // cancellation after adding a child, so a child forked meanwhile is cancelled too.
        for (TaskScope<?, ?> open = openScope; open != null; open = open.outer()) {
            open.cancelChildren();
        }
        return true;
    }

    /**
     * Runs {@code action} on this task's own thread once its body has returned or thrown, just
     * before its future settles, with how it ended (RESOLVED, REJECTED or CANCELLED): Go's
     * {@code defer}, at task scope, for resources that belong to the task (Echo's TCP
     * connections close themselves this way when the tasks using them end). Actions run newest
     * first; one that throws is logged and the others still run. Closing the returned handle
     * removes the action (the resource was released earlier), in O(1).
     *
     * @throws IllegalStateException if the task has already ended
     * @throws NullPointerException if {@code action} is null
     */
    public AutoCloseable onExit(java.util.function.Consumer<FutureState> action) {
        java.util.Objects.requireNonNull(action, "action");
        ExitAction exit = new ExitAction(action);
        synchronized (exitLock) {
            if (exitActions == null) {
                throw new IllegalStateException(this + " has already ended; its exit actions have run");
            }
            exitActions.add(exit);
        }
        return () -> {
            synchronized (exitLock) {
                if (exitActions != null) {
                    exitActions.remove(exit);
                }
            }
        };
    }

    /** One onExit registration; identity-compared. */
    private record ExitAction(java.util.function.Consumer<FutureState> action) {
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** On this task's thread, as it ends: runs the exit actions, newest first. */
    private void runExitActions(FutureState outcome) {
        java.util.List<ExitAction> actions;
        synchronized (exitLock) {
            actions = exitActions.isEmpty() ? java.util.List.of() : new java.util.ArrayList<>(exitActions);
            exitActions = null;
        }
        for (int i = actions.size() - 1; i >= 0; i--) {
            try {
                actions.get(i).action().accept(outcome);
            } catch (Throwable failure) {
                System.getLogger("dev.echo.runtime").log(System.Logger.Level.WARNING,
                        "an exit action of " + this + " threw", failure);
            }
        }
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

    long spawnNanos() {
        return spawnNanos;
    }

    /** The deadline of the park in progress, or {@link Parking#NO_DEADLINE}; a moment's view. */
    long parkDeadline() {
        return parkDeadline;
    }

    @Override
    public String toString() {
        return name != null ? "Task#" + id + "(" + name + ")" : "Task#" + id;
    }

    /**
     * One line for a task dump (the Actuator endpoint, logs): id and name, status, the scope
     * it was forked into (and that scope's owner), and what it waits on in an Echo primitive,
     * e.g. {@code Task#12(fetch) WAITING in TaskScope[fail-fast, owner Task#3(main)] on receive on Channel[cap=0]}.
     * A moment's view, safe from any thread.
     */
    public String describe() {
        StringBuilder line = new StringBuilder(toString()).append(' ').append(status());
        TaskScope<?, ?> forkedInto = scope;
        if (forkedInto != null) {
            line.append(" in ").append(forkedInto);
        }
        Object target = waitingOn;
        if (target != null) {
            line.append(" on ").append(target instanceof WaitTarget w ? w.describeWait() : String.valueOf(target));
        }
        return line.toString();
    }

    // ## Running (on the task's own virtual thread) ##

    private void runBody() {
        if (!STARTED.compareAndSet(this, false, true)) {
            return; // abandoned by close() (abandonIfUnstarted): the future is settled already
        }
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
        runExitActions(outcome);
        // Count first: whoever the settle wakes (a join) must already see the task counted.
        runtime.countOutcome(outcome);
        // Joiners woken by a finishing task go to the back of the queue, not the run-next slot:
        // a fan-out/join loop then runs the siblings before the joiner, which finds them done
        // instead of parking once per join. (A hand-off between running tasks, a channel send,
        // still uses run-next.)
        Worker worker = JdkHooks.currentCarrierThread() instanceof Worker w ? w : null;
        int outer = 0;
        if (worker != null) {
            outer = worker.submission;
            worker.submission = outer | Worker.SUBMIT_TAIL;
        }
        try {
            future.settle(outcome, outcome == FutureState.RESOLVED ? value : null, failure);
        } finally {
            if (worker != null) {
                worker.submission = outer;
            }
            runtime.taskFinished(this);
        }
    }

    /**
     * close(), after the scheduler stopped: a task whose body never started (spawned while
     * the runtime closed) never will; it ends CANCELLED instead of staying pending forever.
     */
    boolean abandonIfUnstarted() {
        if (!STARTED.compareAndSet(this, false, true)) {
            return false;
        }
        cancelRequested = true;
        runExitActions(FutureState.CANCELLED);
        runtime.countOutcome(FutureState.CANCELLED);
        try {
            future.settle(FutureState.CANCELLED, null, null);
        } finally {
            runtime.taskFinished(this);
        }
        return true;
    }

    // ## Parking (called by Parking on this task's thread) ##

    boolean park(Object blocker, long deadlineNanos) {
        throwIfCancelled();
        long deadline = deadlineNanos;
        // The hot path pays one field read for scope deadlines when there is none.
        Deadline scoped = this.deadline;
        if (scoped != null) {
            if (scoped.hasPassed()) {
                throw scoped.exceeded();
            }
            deadline = scoped.bound(deadline);
        }
        if (cancelRequested) {
            deadline = TimerHeap.earlier(deadline == Parking.NO_DEADLINE ? TimerHeap.NONE : deadline, graceEnd);
        }
        TimerHeap.Entry timer = null;
        if (deadline != Parking.NO_DEADLINE) {
            if (deadline - System.nanoTime() <= 0) {
                throwIfCancelled();
                if (scoped != null && scoped.binds(deadlineNanos)) {
                    throw scoped.exceeded();
                }
                return false;
            }
            parkDeadline = deadline;
            timer = runtime.reactor.schedule(deadline, this);
        }
        // An interrupt that is not a cancellation is the JDK calls' business: cleared for the
        // park (or park would return at once, forever) and restored after it.
        boolean interrupted = Thread.interrupted();
        Worker carrier = JdkHooks.currentCarrierThread() instanceof Worker w && w.scheduler == runtime.scheduler ? w : null;
        waitingOn = blocker;
        if (carrier != null) {
            carrier.parkingTask = this;
        }
        try {
            LockSupport.park(blocker);
        } finally {
            // park returned without yielding (a permit was there): still on the same carrier,
            // and the marker must not outlive this park (a later yield is a yield).
            if (carrier != null && carrier.parkingTask == this && JdkHooks.currentCarrierThread() == carrier) {
                carrier.parkingTask = null;
            }
            waitingOn = null;
            parkDeadline = Parking.NO_DEADLINE;
            timerWake = false;
            if (timer != null && timer.isScheduled()) {
                runtime.reactor.cancel(timer);
            }
            if (interrupted) {
                thread.interrupt();
            }
        }
        throwIfCancelled();
        if (scoped != null && scoped.binds(deadlineNanos) && scoped.hasPassed()) {
            throw scoped.exceeded();
        }
        return deadlineNanos == Parking.NO_DEADLINE || deadlineNanos - System.nanoTime() > 0;
    }

    /** On this task's thread: throws if cancelled, unless inside a nonCancellable grace. */
    void throwIfCancelled() {
        if (cancelRequested && (!nonCancellable || graceEnd - System.nanoTime() <= 0)) {
            throw new CancellationException(this + " was cancelled");
        }
    }

    /** Echo.nonCancellable on this task's thread. */
    <R> R runNonCancellable(Duration grace, Callable<R> body) throws Exception {
        boolean outer = nonCancellable;
        long outerEnd = graceEnd;
        long end = System.nanoTime() + Math.max(0, Parker.cappedNanos(grace));
        nonCancellable = true;
        graceEnd = outer ? TimerHeap.earlier(outerEnd, end) : end;
        // A scope deadline is held off too, to the same grace: cleanup after a timeout may wait.
        Deadline outerDeadline = deadline;
        if (outerDeadline != null && outerDeadline.nanos() - end < 0) {
            deadline = new Deadline(end, outerDeadline.origin() + ", held off by nonCancellable(" + grace + ")");
        }
        try {
            return body.call();
        } finally {
            nonCancellable = outer;
            graceEnd = outerEnd;
            deadline = outerDeadline;
        }
    }

    /** The timer of this task's park fired: mark the wake urgent, then unpark. Any thread. */
    void wakeByTimer() {
        timerWake = true;
        LockSupport.unpark(thread);
    }

    /** Scheduler.execute on this task's carrier: was the wake in flight a timer's? Consumes it. */
    boolean takeTimerWake() {
        if (!timerWake) {
            return false;
        }
        timerWake = false;
        return true;
    }

    /** True while parked with a deadline: such a wait always ends, so it is never a deadlock. */
    boolean isInTimedWait() {
        return parkDeadline != Parking.NO_DEADLINE;
    }

    // VarHandle mechanics

    private static final java.lang.invoke.VarHandle STARTED;

    static {
        try {
            STARTED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Task.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
