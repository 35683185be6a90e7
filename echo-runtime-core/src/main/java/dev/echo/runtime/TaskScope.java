package dev.echo.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

/**
 * Structured concurrency for Echo tasks: the owner task {@linkplain #fork forks} children into
 * the scope, {@linkplain #join joins} them, and no child outlives the scope. kotlinx's
 * {@code coroutineScope}, Go's {@code errgroup}, Tokio's {@code JoinSet}, the JDK's
 * {@code StructuredTaskScope} (whose shape this follows: {@code T} is what children return,
 * {@code R} what {@link #join()} returns).
 *
 * <pre>{@code
 * try (var scope = TaskScope.failFast()) {
 *     Task<User> user = scope.fork(() -> fetchUser(id));
 *     Task<List<Order>> orders = scope.fork(() -> fetchOrders(id));
 *     scope.join();                  // the first failure, the siblings cancelled
 *     return new Page(user.join(), orders.join());
 * }
 * }</pre>
 *
 * <h2>Policies</h2>
 * <ul>
 *   <li>{@link #failFast()}: the first child to fail cancels the others; {@code join} rethrows
 *       that failure with any other real failures suppressed in it (errgroup, coroutineScope,
 *       ShutdownOnFailure / {@code awaitAllSuccessfulOrThrow}).</li>
 *   <li>{@link #collectAll()}: every child runs to its end; {@code join} then rethrows the first
 *       failure with the others suppressed, if any failed (Go's {@code sync.WaitGroup} plus an
 *       error list, {@code supervisorScope} with the failures kept).</li>
 *   <li>{@link #firstSuccess()}: the first child to succeed wins and the others are cancelled;
 *       {@code join} returns its value, or rethrows the first failure (others suppressed) if all
 *       failed ({@code anySuccessfulResultOrThrow}, {@code select!} over tasks).</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>{@link #join()} returns once every child's body has ended, in every policy (the
 *       cancelled ones too: they end promptly at their next Echo wait); it rethrows as
 *       {@code await} does (unchecked as thrown, checked in a {@link CompletionException}).</li>
 *   <li>{@link #close()} cancels whatever still runs and waits for it: when it returns, no
 *       child is left running (their threads have ended), whether the scope's block returned,
 *       threw, or the owner was cancelled. That wait ignores the owner's cancellation and
 *       deadline; a child that never reaches an Echo wait holds it, as a thread that ignores
 *       interrupts holds {@code StructuredTaskScope.close()}.</li>
 *   <li>Cancelling the owner cancels the children of every scope it has open, at once.</li>
 *   <li>A child's failure is never lost: {@code join} rethrows it, and a scope closed without
 *       {@code join} rethrows it from {@code close} (fail-fast and collect-all).</li>
 *   <li>A child that ends cancelled is not a failure (kotlinx's rule, and {@link Task}'s).</li>
 *   <li>{@link #deadline(Duration)} bounds every Echo wait of the owner inside the scope and of
 *       every child with one deadline: they throw {@link DeadlineExceededException}; nested
 *       deadlines (an outer scope, {@link Echo#withTimeout}) take the earliest.</li>
 *   <li>A child sees the {@link ScopedValue} bindings in effect where it was forked.</li>
 * </ol>
 *
 * <p>Only the owner (the task that opened the scope) may fork, join and close; other threads
 * get {@link WrongThreadException}. Scopes nest and close in reverse order of opening.
 */
public final class TaskScope<T, R> implements AutoCloseable {

    /*
     * Implementation overview
     *
     * Invariants (lock guards running, failures, winner, shutdown, children, joined):
     *  1. running counts children that have not exited. It is raised before the child's thread
     *     starts (EchoRuntime.start's beforeStart) and lowered exactly once, by the child's
     *     Task.onExit action, which runs after the body (or instead of it, for a child cancelled
     *     before it started). So running == 0 means no child body runs; close() then joins the
     *     threads for the few steps after.
     *  2. shutdown only goes false -> true. Once true, every child in children has been (or is
     *     being) cancelled, and a child forked later is cancelled right after it is started.
     *  3. A child's ending is recorded (failure, winner) under the lock before running drops, so
     *     join() sees every outcome once running == 0.
     *
     * Waking the owner: a child that lowers running to 0 unparks the owner after releasing the
     * lock; join() re-reads running under the lock after every park (Parking's loop). An unpark
     * that lands while the owner waits elsewhere is a spurious wake-up, which every Echo wait
     * tolerates.
     *
     * Owner cancellation: Task.cancel() walks owner.openScope -> outer and calls
     * cancelChildren(); fork() re-checks owner.isCancelled() after adding the child (both
     * volatile), so a fork racing with cancel() is cancelled by one side or the other.
     */

    private enum Policy {
        FAIL_FAST("fail-fast"), COLLECT_ALL("collect-all"), FIRST_SUCCESS("first-success");

        final String label;

        Policy(String label) {
            this.label = label;
        }
    }

    private final Policy policy;
    private final Task<?> owner;
    /** The owner's scope open when this one opened (restored at close); owner-only writes. */
    private final TaskScope<?, ?> outer;
    /** The owner's deadline when this scope opened, restored at close. */
    private final Deadline outerDeadline;
    private final Object lock = new Object();
    private final List<Task<?>> children = new ArrayList<>();
    private int running;
    private final List<Throwable> failures = new ArrayList<>();
    private boolean hasWinner;
    private Object winner;
    private boolean shutdown;
    private boolean joined;
    /** Owner only. */
    private boolean closed;
    private boolean forked;

    /** What the owner parks on in join(): only this scope's children wake it. */
    private final WaitTarget joinTarget = new WaitTarget() {
        @Override
        public boolean wakeableFromOutside() {
            return false;
        }

        @Override
        public String describeWait() {
            return "join of " + TaskScope.this;
        }
    };

    private TaskScope(Policy policy) {
        Task<?> task = Task.currentOrNull();
        if (task == null) {
            throw new IllegalStateException("a TaskScope is opened inside an Echo task (thread "
                    + Thread.currentThread() + "); use runtime.block(() -> ...) around it");
        }
        this.policy = policy;
        this.owner = task;
        this.outer = task.openScope;
        this.outerDeadline = task.deadline;
        task.openScope = this;
    }

    /** A scope whose first failing child cancels the others; {@link #join()} returns null or rethrows. */
    public static TaskScope<Object, Void> failFast() {
        return new TaskScope<>(Policy.FAIL_FAST);
    }

    /** A scope whose children all run to their end; {@link #join()} returns null or rethrows the first failure. */
    public static TaskScope<Object, Void> collectAll() {
        return new TaskScope<>(Policy.COLLECT_ALL);
    }

    /** A scope whose first succeeding child wins and cancels the others; {@link #join()} returns its value. */
    public static <T> TaskScope<T, T> firstSuccess() {
        return new TaskScope<>(Policy.FIRST_SUCCESS);
    }

    /**
     * Gives the scope a deadline {@code timeout} from now (the one timeout rule: zero or
     * negative has already expired): every Echo wait of the owner until {@link #close()} and of
     * every child throws {@link DeadlineExceededException} once it passes. An enclosing earlier
     * deadline stays in force. Call it before the first fork.
     *
     * @throws IllegalStateException if a child was already forked, or the scope is closed
     * @throws NullPointerException if {@code timeout} is null
     */
    public TaskScope<T, R> deadline(Duration timeout) {
        long end = Parking.deadlineAfter(timeout);
        checkOwner();
        if (forked || closed) {
            throw new IllegalStateException("deadline(" + timeout + ") must come before the first fork of " + this);
        }
        owner.deadline = Deadline.earliest(owner.deadline, end, "TaskScope deadline(" + timeout + ")");
        return this;
    }

    /** Forks a child running {@code body}; see {@link #fork(String, Callable)}. */
    public <U extends T> Task<U> fork(Callable<? extends U> body) {
        return forkNamed(null, body);
    }

    /**
     * Forks a named child running {@code body} in the owner's runtime. It inherits the owner's
     * deadline and {@link ScopedValue} bindings. Forking into a scope already shut down
     * (a failure in fail-fast, a winner in first-success, the owner cancelled) starts a task
     * that is cancelled before its body runs.
     *
     * @throws IllegalStateException if the scope is closed or joined
     * @throws WrongThreadException if the caller is not the owner
     * @throws RejectedExecutionException if the runtime is closed
     */
    public <U extends T> Task<U> fork(String name, Callable<? extends U> body) {
        Objects.requireNonNull(name, "name");
        return forkNamed(name, body);
    }

    private <U extends T> Task<U> forkNamed(String name, Callable<? extends U> body) {
        Objects.requireNonNull(body, "body");
        checkOwner();
        if (closed || joined) {
            throw new IllegalStateException("cannot fork into " + this + ": it is " + (closed ? "closed" : "joined"));
        }
        forked = true;
        Deadline deadline = owner.deadline;
        Object bindings = JdkHooks.scopedValueBindings();
        Task<?>[] counted = new Task<?>[1];
        Task<U> child;
        try {
            child = owner.runtime.start(name, () -> runChild(body), task -> {
                task.scope = this;
                task.deadline = deadline;
                JdkHooks.inheritScopedValueBindings(task.thread, bindings);
                synchronized (lock) {
                    children.add(task);
                    running++;
                }
                // An exit action, not the wrapper: a child cancelled before it starts never runs its body.
                task.onExit(outcome -> childExited());
                counted[0] = task;
            });
        } catch (RejectedExecutionException closedRuntime) {
            if (counted[0] != null) { // counted, but its thread never started
                synchronized (lock) {
                    children.remove(counted[0]);
                    running--;
                }
            }
            throw closedRuntime;
        }
        boolean cancelNow;
        synchronized (lock) {
            cancelNow = shutdown;
        }
        if (cancelNow || owner.isCancelled()) {
            child.cancel();
        }
        return child;
    }

    /** The child's body, on the child's thread: records how it ended (invariant 3). */
    private <U> U runChild(Callable<? extends U> body) throws Exception {
        Task<?> self = Task.currentOrNull();
        try {
            U value = body.call();
            recordOutcome(self, true, value, null);
            return value;
        } catch (Exception | Error failure) {
            recordOutcome(self, false, null, failure);
            throw failure;
        }
    }

    private void recordOutcome(Task<?> self, boolean succeeded, Object value, Throwable failure) {
        boolean cancelSiblings = false;
        synchronized (lock) {
            boolean cancelled = self.isCancelled() || failure instanceof CancellationException;
            if (succeeded && !cancelled) {
                if (policy == Policy.FIRST_SUCCESS && !hasWinner) {
                    hasWinner = true;
                    winner = value;
                    cancelSiblings = !shutdown;
                    shutdown = true;
                }
            } else if (!succeeded && !cancelled) {
                failures.add(failure);
                if (policy == Policy.FAIL_FAST && !shutdown) {
                    shutdown = true;
                    cancelSiblings = true;
                }
            }
        }
        if (cancelSiblings) {
            cancelChildren();
        }
    }

    /** The child's exit action (invariant 1): runs once per child, whether or not its body ran. */
    private void childExited() {
        boolean wakeOwner;
        synchronized (lock) {
            wakeOwner = --running == 0;
        }
        if (wakeOwner) {
            LockSupport.unpark(owner.thread);
        }
    }

    /**
     * Waits until every child's body has ended, then: fail-fast and collect-all return null, or
     * rethrow the first failure with the others suppressed; first-success returns the winner's
     * value, or rethrows the first failure (others suppressed) if none succeeded. May be called
     * once.
     *
     * @throws CancellationException if the owner is cancelled while waiting (close() then
     *         cancels the children and waits for them), or if first-success had only cancelled children
     * @throws DeadlineExceededException if the scope's (or an enclosing) deadline passes first
     * @throws NoSuchElementException if a first-success scope had no children
     * @throws IllegalStateException if already joined or closed
     * @throws WrongThreadException if the caller is not the owner
     */
    @SuppressWarnings("unchecked")
    public R join() {
        checkOwner();
        if (joined || closed) {
            throw new IllegalStateException(this + " was already " + (closed ? "closed" : "joined"));
        }
        try {
            awaitChildren();
        } catch (DeadlineExceededException deadline) {
            // A join ended by the deadline still joined: close() must not rethrow the children's
            // failures (mostly the same deadline reaching them a moment later, which made close()
            // throw or not by a race); those recorded so far travel with it as suppressed.
            synchronized (lock) {
                joined = true;
                for (Throwable failure : failures) {
                    if (failure != deadline) {
                        deadline.addSuppressed(failure);
                    }
                }
            }
            throw deadline;
        }
        synchronized (lock) {
            joined = true;
            if (policy == Policy.FIRST_SUCCESS) {
                if (hasWinner) {
                    return (R) winner;
                }
                if (failures.isEmpty()) {
                    if (children.isEmpty()) {
                        throw new NoSuchElementException(this + " had no children to succeed");
                    }
                    throw new CancellationException("every child of " + this + " was cancelled");
                }
            }
            if (!failures.isEmpty()) {
                throw rethrowable(firstWithOthersSuppressed());
            }
            return null;
        }
    }

    /**
     * Cancels the children still running, waits until none runs (ignoring the owner's own
     * cancellation and deadline), and restores the owner's outer scope and deadline. If the
     * scope was never joined (a join that ended at the deadline counts as joined), a fail-fast or
     * collect-all child's failure is rethrown here
     * (try-with-resources adds it as suppressed to an exception the block threw). Idempotent.
     *
     * @throws WrongThreadException if the caller is not the owner
     * @throws IllegalStateException if a scope opened inside this one is still open
     */
    @Override
    public void close() {
        checkOwner();
        if (closed) {
            return;
        }
        if (owner.openScope != this) {
            throw new IllegalStateException("cannot close " + this + " before the scope opened inside it, "
                    + owner.openScope + " (scopes close in reverse order of opening)");
        }
        closed = true;
        Throwable unreported = null;
        try {
            cancelChildren();
            try {
                Echo.nonCancellable(Duration.ofNanos(Parking.MAX_WAIT_NANOS), () -> {
                    awaitChildren();
                    return null;
                });
            } catch (Exception impossible) {
                throw new IllegalStateException(impossible);
            }
            joinThreads();
            synchronized (lock) {
                if (!joined && policy != Policy.FIRST_SUCCESS && !failures.isEmpty()) {
                    unreported = firstWithOthersSuppressed();
                }
            }
        } finally {
            owner.openScope = outer;
            owner.deadline = outerDeadline;
        }
        if (unreported != null) {
            throw rethrowable(unreported);
        }
    }

    /** Cancels every child (invariant 2); any thread (a failing child, Task.cancel of the owner). */
    void cancelChildren() {
        List<Task<?>> toCancel;
        synchronized (lock) {
            shutdown = true;
            toCancel = new ArrayList<>(children);
        }
        Task<?> caller = Task.currentOrNull();
        for (Task<?> child : toCancel) {
            // Not the caller: a failing child or a winner that shuts the scope down keeps its own outcome.
            if (child != caller && !child.future().isDone()) {
                child.cancel();
            }
        }
    }

    /** The owner's scope that was open when this one opened (Task.cancel walks the chain). */
    TaskScope<?, ?> outer() {
        return outer;
    }

    @Override
    public String toString() {
        int now;
        synchronized (lock) {
            now = running;
        }
        return "TaskScope[" + policy.label + ", owner " + owner + ", " + now + " running]";
    }

    // ## Internals ##

    private void awaitChildren() {
        while (true) {
            synchronized (lock) {
                if (running == 0) {
                    return;
                }
            }
            Parking.park(joinTarget, Parking.NO_DEADLINE);
        }
    }

    /** After running == 0: wait the few steps each child's thread takes after its body (settle, deregister). */
    private void joinThreads() {
        List<Task<?>> all;
        synchronized (lock) {
            all = new ArrayList<>(children);
        }
        boolean interrupted = Thread.interrupted();
        for (Task<?> child : all) {
            while (true) {
                try {
                    child.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Throwable firstWithOthersSuppressed() {
        Throwable first = failures.getFirst();
        for (Throwable other : failures.subList(1, failures.size())) {
            if (other != first) {
                first.addSuppressed(other);
            }
        }
        failures.subList(1, failures.size()).clear();
        return first;
    }

    private static RuntimeException rethrowable(Throwable failure) {
        if (failure instanceof RuntimeException unchecked) {
            return unchecked;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new CompletionException(failure);
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner.thread) {
            throw new WrongThreadException("only the owner " + owner + " of " + this
                    + " may fork, join or close it, not " + Thread.currentThread());
        }
    }
}
