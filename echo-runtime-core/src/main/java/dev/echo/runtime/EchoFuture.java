package dev.echo.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

/**
 * A value that settles once: the Future of the original design. Tasks return one
 * ({@link Task#future()}), {@link Promise} makes one, {@link Echo#delay} gives a timer future.
 *
 * <p>Two ways to wait:
 * <ul>
 *   <li>{@link #poll(Waker)} — the pull model: returns {@link Poll.Ready} or
 *       {@link Poll.Pending} and keeps the waker, which is woken exactly once when the future
 *       settles;</li>
 *   <li>{@link #await()} — poll and park until woken. Inside a task it parks only the task;
 *       on a plain thread it blocks the thread. {@link #await(Duration)} gives up with
 *       {@link TimeoutException}.</li>
 * </ul>
 *
 * <p>Failures: {@code await()} rethrows the failure as the task threw it if it is unchecked
 * (an {@link Error} or {@link RuntimeException}), or wrapped in a {@link CompletionException}
 * if checked; a cancelled future throws {@link CancellationException}. {@code poll} does the
 * same. A failure that is never observed (awaited, polled or handled by a callback) is logged
 * once, when the future is garbage-collected.
 */
public final class EchoFuture<T> {

    /*
     * Implementation overview
     *
     * Invariants
     *  1. state is a Waiter (top of the stack of those waiting), null (pending, nobody
     *     waiting), or the settled result (final): an Outcome, or - for the common case, a
     *     resolution with a non-null value - the value itself, saving an allocation per task
     *     (Waiter and Outcome are private, so no value can be mistaken for either). It becomes
     *     settled exactly once, by CAS.
     *  2. The thread whose CAS installs the result owns the stack it replaced and fires every
     *     live waiter in it exactly once. A waiter pushed after that CAS fails to push and
     *     sees the result instead.
     *  3. A waiter that gives up (timeout, cancellation) marks itself dead and unlinks dead
     *     waiters; a dead waiter is never fired. Unlinking races only with other unlinkers and
     *     with pushes at the top; a racing unlink can at worst leave a dead waiter linked,
     *     which is harmless (as in CompletableFuture.cleanStack).
     */

    private static final System.Logger LOG = System.getLogger("dev.echo.runtime");
    private static final Cleaner CLEANER = Cleaner.create();

    private record Outcome(FutureState state, Object value, Throwable failure) {
    }

    /** The settled state of a future resolved with null (null itself means pending). */
    private static final Outcome RESOLVED_NULL = new Outcome(FutureState.RESOLVED, null, null);

    /** A registered wake-up: a Thread to unpark, a Waker, or a Runnable to run. */
    private static class Waiter {
        final Object action;
        Waiter next;
        volatile boolean dead;

        Waiter(Object action) {
            this.action = action;
        }

        /** A user callback (whenComplete), as opposed to Echo's own wake-ups. */
        boolean isCallback() {
            return action instanceof Runnable;
        }

        void fire() {
            if (dead) {
                return;
            }
            switch (action) {
                case Thread thread -> java.util.concurrent.locks.LockSupport.unpark(thread);
                case Waker waker -> waker.wake();
                default -> ((Runnable) action).run();
            }
        }
    }

    /**
     * The waiter of a thread parked in {@link #await}: also what it parks on, so that deadlock
     * detection and the task dump see "join of Task#…" or "await of EchoFuture[…]".
     */
    private static final class ParkedWaiter extends Waiter implements WaitTarget {
        private final EchoFuture<?> future;

        ParkedWaiter(Thread thread, EchoFuture<?> future) {
            super(thread);
            this.future = future;
        }

        @Override
        public boolean wakeableFromOutside() {
            // A task's future settles only when the task ends; any other may be completed by anyone.
            return future.task == null;
        }

        @Override
        public String describeWait() {
            return future.task != null ? "join of " + future.task : "await of " + future;
        }
    }

    /** Logs an unobserved failure once, when its future is collected. */
    private static final class Unobserved implements Runnable {
        final Throwable failure;
        final String source;
        volatile boolean observed;

        Unobserved(Throwable failure, String source) {
            this.failure = failure;
            this.source = source;
        }

        @Override
        public void run() {
            if (!observed) {
                LOG.log(System.Logger.Level.WARNING, "Unobserved failure of " + source
                        + " (nobody awaited, polled or handled it)", failure);
            }
        }
    }

    private volatile Object state;
    private volatile boolean observed;
    private volatile Unobserved unobserved;
    /** The task this future belongs to, or null for promise and timer futures. */
    private final Task<T> task;
    /** Cleanup run when a non-task future is cancelled (a timer future removes its timer). */
    private volatile Runnable onCancel;
    /**
     * Where user callbacks run when this future settles on a scheduler thread (a timer future:
     * fired by a worker holding a processor, the poller or the monitor): a new task, so a
     * callback that blocks stalls nobody's wake-ups. Null: callbacks run on the settling thread.
     * Echo's own waiters (a parked thread, a Waker) are always woken inline.
     */
    private volatile java.util.concurrent.Executor callbackRunner;

    EchoFuture(Task<T> task) {
        this.task = task;
    }

    // ## Inspecting ##

    /** The current state; PENDING until settled. */
    public FutureState state() {
        Object s = state;
        if (!isSettled(s)) {
            return FutureState.PENDING;
        }
        return s instanceof Outcome o ? o.state : FutureState.RESOLVED;
    }

    /** True once settled. */
    public boolean isDone() {
        return isSettled(state);
    }

    // ## Waiting ##

    /**
     * The pull model: the value if settled, otherwise {@link Poll#pending()} after registering
     * {@code waker} to be woken once when this settles. Polling again with an equal waker does
     * not register it again while it is among the {@value #DEDUPE_DEPTH} most recent
     * registrations (a poll costs O(1), not a scan of every waiter); beyond that it may be
     * registered twice and is then woken twice, which a waker tolerates. A poller that gives
     * up on this future removes its registration with {@link #unregister(Waker)}.
     *
     * @throws NullPointerException if {@code waker} is null
     * @throws CancellationException if the future was cancelled
     * @throws CompletionException wrapping a checked failure; unchecked failures are rethrown
     */
    public Poll<T> poll(Waker waker) {
        Objects.requireNonNull(waker, "waker");
        markObserved();
        if (!isSettled(state) && !isRegistered(waker)) {
            push(new Waiter(waker));
        }
        Object s = state;
        return isSettled(s) ? Poll.ready(report(s)) : Poll.pending();
    }

    /**
     * Removes the registrations of {@code waker} made by {@link #poll(Waker)}: for a poller that
     * stops waiting on this future (it timed out, or another future won), so that a long-lived
     * future does not keep every waker that ever polled it. Returns true if one was removed.
     *
     * @throws NullPointerException if {@code waker} is null
     */
    public boolean unregister(Waker waker) {
        Objects.requireNonNull(waker, "waker");
        boolean removed = false;
        for (Object s = state; s instanceof Waiter w; s = w.next) {
            if (!w.dead && waker.equals(w.action)) {
                w.dead = true;
                removed = true;
            }
        }
        if (removed) {
            unlinkDead();
        }
        return removed;
    }

    /**
     * Waits for the value: parks the current task (or blocks the plain thread) until settled.
     *
     * @throws IllegalStateException if a task awaits its own future
     * @throws CancellationException if the future was cancelled, or the waiting task was
     */
    public T await() {
        markObserved();
        Object s = state;
        if (!isSettled(s)) {
            checkNotSelf();
            waitUntil(Parking.NO_DEADLINE);
            s = state;
        }
        return report(s);
    }

    /**
     * Like {@link #await()}, giving up after {@code timeout}.
     *
     * {@code timeout} follows Echo's one rule for timeouts: zero does not wait, negative has
     * already expired (both still return a settled value), and "no limit" is {@link #await()}.
     *
     * @throws TimeoutException if not settled in time (the future itself is left as it is)
     * @throws NullPointerException if {@code timeout} is null
     */
    public T await(Duration timeout) throws TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        markObserved();
        Object s = state;
        if (!isSettled(s)) {
            checkNotSelf();
            long deadline = Parking.deadlineAfter(timeout);
            if (!waitUntil(deadline)) {
                throw new TimeoutException("not settled within " + timeout);
            }
            s = state;
        }
        return report(s);
    }

    /** The value if resolved now; otherwise {@link IllegalStateException} naming the state. */
    public T resultNow() {
        markObserved();
        Object s = state;
        if (isSettled(s) && (!(s instanceof Outcome o) || o.state == FutureState.RESOLVED)) {
            return report(s);
        }
        throw new IllegalStateException("future is " + state() + ", not RESOLVED");
    }

    /**
     * Runs {@code action} with (value, null), (null, failure) or (null, CancellationException)
     * once this settles: at once on the calling thread if it has, otherwise on the thread that
     * settles it. The action must be short and must not block.
     */
    public EchoFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        Objects.requireNonNull(action, "action");
        markObserved();
        Runnable callback = () -> {
            Object s = state;
            if (!(s instanceof Outcome o)) {
                @SuppressWarnings("unchecked")
                T value = (T) s;
                action.accept(value, null);
                return;
            }
            @SuppressWarnings("unchecked")
            T value = (T) o.value;
            action.accept(value, o.state == FutureState.CANCELLED && o.failure == null
                    ? new CancellationException("cancelled") : o.failure);
        };
        if (!push(new Waiter(callback))) {
            callback.run();
        }
        return this;
    }

    // ## Cancelling ##

    /**
     * Cancels the work behind this future. For a task's future this cancels the task: the
     * future becomes CANCELLED when the task has stopped. Any other pending future becomes
     * CANCELLED at once. Returns true if this call requested the cancellation.
     */
    public boolean cancel() {
        if (task != null) {
            return task.cancel();
        }
        boolean cancelled = settle(FutureState.CANCELLED, null, null);
        if (cancelled) {
            Runnable cleanup = onCancel;
            if (cleanup != null) {
                cleanup.run();
            }
        }
        return cancelled;
    }

    // ## Converting and combining ##

    /** A CompletableFuture that settles with this one; cancelling it cancels this. */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        whenComplete((v, e) -> {
            if (e == null) {
                cf.complete(v);
            } else if (e instanceof CancellationException) {
                cf.cancel(false);
            } else {
                cf.completeExceptionally(e);
            }
        });
        cf.whenComplete((v, e) -> {
            if (cf.isCancelled()) {
                cancel();
            }
        });
        return cf;
    }

    /** An EchoFuture that settles with {@code stage}; cancelling it cancels the stage if it can. */
    public static <T> EchoFuture<T> from(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        EchoFuture<T> future = new EchoFuture<>(null);
        stage.whenComplete((v, e) -> {
            if (e == null) {
                future.settle(FutureState.RESOLVED, v, null);
            } else {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof CancellationException) {
                    future.settle(FutureState.CANCELLED, null, null);
                } else {
                    future.settle(FutureState.REJECTED, null, cause);
                }
            }
        });
        future.onCancel = () -> stage.toCompletableFuture().cancel(false);
        return future;
    }

    /** A future already resolved with {@code value} (which may be null). */
    public static <T> EchoFuture<T> resolved(T value) {
        EchoFuture<T> future = new EchoFuture<>(null);
        future.settle(FutureState.RESOLVED, value, null);
        return future;
    }

    /** A future already rejected with {@code failure}. */
    public static <T> EchoFuture<T> rejected(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        EchoFuture<T> future = new EchoFuture<>(null);
        future.settle(FutureState.REJECTED, null, failure);
        return future;
    }

    /**
     * Resolves with every value, in order, once all resolve; rejects (or is cancelled) as soon
     * as any one rejects (or is cancelled), and then cancels the inputs still pending: they can
     * no longer change the result (errgroup's and {@code coroutineScope}'s fail-fast). An empty
     * list resolves at once with an empty list. Cancelling the result cancels every input.
     */
    public static <T> EchoFuture<List<T>> all(List<? extends EchoFuture<? extends T>> futures) {
        List<EchoFuture<? extends T>> inputs = checkedCopy(futures);
        EchoFuture<List<T>> result = new EchoFuture<>(null);
        int n = inputs.size();
        if (n == 0) {
            result.settle(FutureState.RESOLVED, List.of(), null);
            return result;
        }
        Object[] values = new Object[n];
        AtomicInteger remaining = new AtomicInteger(n);
        // Whoever decides the outcome cancels the others *before* settling the result, so an
        // awaiter that wakes finds them cancelled already; the cancellations it causes call
        // back here too and are ignored (decided is set).
        java.util.concurrent.atomic.AtomicBoolean decided = new java.util.concurrent.atomic.AtomicBoolean();
        for (int i = 0; i < n; i++) {
            int index = i;
            inputs.get(i).whenComplete((v, e) -> {
                if (e != null) {
                    if (decided.compareAndSet(false, true)) {
                        cancelAll(inputs);
                        result.settleFailure(e);
                    }
                    return;
                }
                values[index] = v;
                if (remaining.decrementAndGet() == 0 && decided.compareAndSet(false, true)) {
                    @SuppressWarnings("unchecked")
                    List<T> list = (List<T>) java.util.Collections.unmodifiableList(java.util.Arrays.asList(values));
                    result.settle(FutureState.RESOLVED, list, null);
                }
            });
        }
        result.onCancel(() -> cancelAll(inputs));
        return result;
    }

    /** Cancels every input still pending (all / any losers); settled ones ignore it. */
    private static void cancelAll(List<? extends EchoFuture<?>> inputs) {
        for (EchoFuture<?> input : inputs) {
            if (!input.isDone()) {
                input.cancel();
            }
        }
    }

    /**
     * Resolves with the first value any of {@code futures} resolves with, and then cancels the
     * others (the losers: Tokio's {@code select!}, STS's first-success; so that
     * {@code any(List.of(work, runtime.timer(timeout)))} leaves no timer behind); rejects only
     * if all fail, with the first failure (the others suppressed in it). Cancelling the result
     * cancels every input.
     *
     * @throws IllegalArgumentException if {@code futures} is empty
     */
    public static <T> EchoFuture<T> any(List<? extends EchoFuture<? extends T>> futures) {
        List<EchoFuture<? extends T>> inputs = checkedCopy(futures);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("any() needs at least one future, got an empty list");
        }
        EchoFuture<T> result = new EchoFuture<>(null);
        AtomicInteger remaining = new AtomicInteger(inputs.size());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        // As in all(): the winner cancels the losers before it settles the result.
        java.util.concurrent.atomic.AtomicBoolean decided = new java.util.concurrent.atomic.AtomicBoolean();
        for (EchoFuture<? extends T> input : inputs) {
            input.whenComplete((v, e) -> {
                if (decided.get()) {
                    return;
                }
                if (e == null) {
                    if (decided.compareAndSet(false, true)) {
                        cancelAll(inputs);
                        result.settle(FutureState.RESOLVED, v, null);
                    }
                    return;
                }
                failures.add(e);
                if (remaining.decrementAndGet() == 0 && decided.compareAndSet(false, true)) {
                    Throwable first = failures.getFirst();
                    for (Throwable other : failures.subList(1, failures.size())) {
                        if (other != first) {
                            first.addSuppressed(other);
                        }
                    }
                    result.settleFailure(first);
                }
            });
        }
        result.onCancel(() -> cancelAll(inputs));
        return result;
    }

    // ## Settling (package-private: Task, Promise, timers) ##

    /** Settles once; false if already settled. Fires every waiter registered before. */
    boolean settle(FutureState newState, Object value, Throwable failure) {
        Object outcome = newState != FutureState.RESOLVED ? new Outcome(newState, value, failure)
                : value == null ? RESOLVED_NULL : value;
        Object s;
        do {
            s = state;
            if (isSettled(s)) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, outcome));
        if (newState == FutureState.REJECTED && !observed) {
            Unobserved u = new Unobserved(failure, task != null ? task.toString() : "a future");
            unobserved = u;
            CLEANER.register(this, u);
            if (observed) {
                u.observed = true;
            }
        }
        java.util.concurrent.Executor runner = callbackRunner;
        List<Waiter> callbacks = null;
        for (Waiter w = (Waiter) s; w != null; w = w.next) {
            if (runner != null && w.isCallback()) {
                if (callbacks == null) {
                    callbacks = new ArrayList<>();
                }
                callbacks.add(w);
                continue;
            }
            fireGuarded(w);
        }
        if (callbacks != null) {
            List<Waiter> deferred = callbacks;
            // Oldest registration first, as they were pushed onto a stack.
            java.util.Collections.reverse(deferred);
            try {
                runner.execute(() -> deferred.forEach(this::fireGuarded));
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                deferred.forEach(this::fireGuarded); // the runtime is closing: nowhere else to run them
            }
        }
        return true;
    }

    private void fireGuarded(Waiter w) {
        try {
            w.fire();
        } catch (Throwable callbackFailure) {
            // One bad callback must not keep the other waiters asleep, nor fail the
            // thread that settled (a task ending, a timer firing).
            LOG.log(System.Logger.Level.WARNING, "a completion callback of " + this + " threw", callbackFailure);
        }
    }

    /** A timer future: user callbacks run in tasks of the runtime (see callbackRunner). */
    void runCallbacksOn(java.util.concurrent.Executor runner) {
        this.callbackRunner = runner;
    }

    boolean settleFailure(Throwable failure) {
        if (failure instanceof CancellationException) {
            return settle(FutureState.CANCELLED, null, null);
        }
        return settle(FutureState.REJECTED, null, failure);
    }

    void onCancel(Runnable cleanup) {
        this.onCancel = cleanup;
    }

    Task<T> task() {
        return task;
    }

    /** Live waiters registered now (tests count leftovers). */
    int waiterCount() {
        int n = 0;
        for (Object s = state; s instanceof Waiter w; s = w.next) {
            if (!w.dead) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "EchoFuture[" + state() + (task != null ? ", " + task : "") + "]";
    }

    // ## Internals ##

    private void markObserved() {
        if (!observed) {
            observed = true;
            Unobserved u = unobserved;
            if (u != null) {
                u.observed = true;
            }
        }
    }

    private void checkNotSelf() {
        if (task != null && Task.currentOrNull() == task) {
            throw new IllegalStateException(task + " awaits its own future: it would wait forever");
        }
    }

    /** Parks until settled or the deadline; false on timeout. Removes its waiter on the way out. */
    private boolean waitUntil(long deadline) {
        ParkedWaiter waiter = new ParkedWaiter(Thread.currentThread(), this);
        if (!push(waiter)) {
            return true;
        }
        try {
            while (!isSettled(state)) {
                if (!Parking.park(waiter, deadline)) {
                    return isSettled(state);
                }
            }
            return true;
        } finally {
            if (!isSettled(state)) {
                waiter.dead = true;
                unlinkDead();
            }
        }
    }

    /** Pushes a waiter; false (not pushed) if already settled. */
    private boolean push(Waiter waiter) {
        while (true) {
            Object s = state;
            if (isSettled(s)) {
                return false;
            }
            waiter.next = (Waiter) s;
            if (STATE.compareAndSet(this, s, waiter)) {
                return true;
            }
        }
    }

    /** poll()'s de-duplication: only the most recent registrations are looked at. */
    private static final int DEDUPE_DEPTH = 8;

    private boolean isRegistered(Waker waker) {
        int looked = 0;
        for (Object s = state; s instanceof Waiter w && looked < DEDUPE_DEPTH; s = w.next, looked++) {
            if (!w.dead && waker.equals(w.action)) {
                return true;
            }
        }
        return false;
    }

    private void unlinkDead() {
        while (true) {
            Object s = state;
            if (!(s instanceof Waiter top)) {
                return;
            }
            Waiter head = top;
            while (head != null && head.dead) {
                head = head.next;
            }
            if (head != top && !STATE.compareAndSet(this, top, head)) {
                continue;
            }
            Waiter prev = head;
            Waiter cur = head == null ? null : head.next;
            while (cur != null) {
                if (cur.dead) {
                    prev.next = cur.next;
                } else {
                    prev = cur;
                }
                cur = cur.next;
            }
            return;
        }
    }

    /** True if {@code s}, a value of state, is a settled result (invariant 1). */
    private static boolean isSettled(Object s) {
        return s != null && !(s instanceof Waiter);
    }

    @SuppressWarnings("unchecked")
    private T report(Object settled) {
        if (!(settled instanceof Outcome o)) {
            return (T) settled;
        }
        switch (o.state) {
            case RESOLVED -> {
                return (T) o.value;
            }
            case CANCELLED -> throw new CancellationException(task != null ? task + " was cancelled" : "cancelled");
            default -> {
                Throwable failure = o.failure;
                if (failure instanceof RuntimeException re) {
                    throw re;
                }
                if (failure instanceof Error error) {
                    throw error;
                }
                throw new CompletionException(failure);
            }
        }
    }

    private static <F> List<F> checkedCopy(List<? extends F> futures) {
        Objects.requireNonNull(futures, "futures");
        List<F> copy = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            F f = futures.get(i);
            if (f == null) {
                throw new NullPointerException("futures[" + i + "] is null");
            }
            copy.add(f);
        }
        return copy;
    }

    // VarHandle mechanics

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(EchoFuture.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
