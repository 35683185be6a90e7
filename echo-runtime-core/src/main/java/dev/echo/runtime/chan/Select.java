package dev.echo.runtime.chan;

import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Go's {@code select}: waits until one of several channel operations can proceed, performs
 * exactly that one, and runs its handler.
 *
 * <pre>{@code
 * String outcome = Select.<String>create()
 *         .onReceive(jobs, job -> "got " + job)
 *         .onReceiveOrClosed(done, r -> r.isClosed() ? "done closed" : "done: " + r)
 *         .onSend(results, 42, () -> "sent 42")
 *         .onTimeout(Duration.ofSeconds(1), () -> "timed out")
 *         .run();
 * }</pre>
 *
 * <p>Semantics, as in Go:
 * <ul>
 *   <li>If several cases can proceed, one is chosen uniformly at random.
 *   <li>Exactly one case completes. A receive case that does not win takes nothing from its
 *       channel; a send case that does not win sends nothing.
 *   <li>With {@link #onDefault}, {@code run()} never waits: if no case can proceed at once, the
 *       default handler runs. With {@link #onTimeout}, the timeout handler runs only if no case
 *       completed before the timeout.
 *   <li>A receive case whose channel is closed and drained can proceed: an
 *       {@link #onReceiveOrClosed} case then fires with {@link Received.Closed} (Go's
 *       {@code v, ok := <-ch} with {@code ok == false}); an {@link #onReceive} case throws
 *       {@link ChannelClosedException}. A send case whose channel is closed throws it too
 *       (Go panics).
 *   <li>While waiting, the task is parked through {@link Parking}; if it is cancelled (the plain
 *       thread interrupted), every registration is removed before the
 *       {@link java.util.concurrent.CancellationException} propagates, and nothing was sent or
 *       received.
 * </ul>
 *
 * <p>Handlers run on the calling thread after the operation has completed and every channel lock
 * has been released; what a handler returns, {@code run()} returns, and what it throws,
 * {@code run()} throws. A {@code Select} may be {@code run()} many times (a Go
 * {@code for { select { ... } }} loop), each run independent of the others. Building it is not
 * thread-safe; once built and safely published, it may be run by several threads at once.
 *
 * @param <R> what the handlers return
 */
public final class Select<R> {

    /*
     * Implementation overview
     * =======================
     *
     * Go's selectgo (src/runtime/select.go) over Channel's locks and the Waiter claim protocol.
     *
     * run():
     *   1. Draw a uniformly random permutation of the cases (poll order) and take the distinct
     *      channels in ascending Channel.id (lock order).
     *   2. Lock every channel, in lock order (lockAll). With all of them held no other party can
     *      change any of them, so the pass below sees one consistent instant. Only the first
     *      lock is waited for while holding nothing; the others are tried, and if one is busy
     *      the select lets go of all, waits for that one alone, and starts again. So a select
     *      never parks (in the lock) while holding a channel lock.
     *   3. Pass 1: in poll order, try each case as a non-waiting operation (Channel.pollLocked,
     *      Channel.offerLocked, or the closed check of a send). The first case that can proceed
     *      completes (it is the first ready case of a random permutation, hence uniformly random
     *      among the ready ones); unlock all, run its handler.
     *   4. None ready: with a default case (or a timeout already passed), unlock all and run it.
     *   5. Pass 2: create one Waiter with a node per case and enqueue every node, still holding
     *      every lock; unlock all; Waiter.await parks.
     *   6. A counterpart on any one channel claims the waiter (CAS WAITING -> case index) and
     *      writes the outcome into that case's node; a counterpart on another channel then fails
     *      its claim and skips our node, so it neither takes our send value nor gives us its own.
     *      A timeout or a cancellation CASes WAITING -> CANCELLED instead.
     *   7. Pass 3 (Waiter.await): unlink every node that did not win, one channel lock at a time,
     *      then run the winner's handler (or the timeout handler, or rethrow the cancellation).
     *
     * Invariants:
     *   S1. Our own state word is never CASed in passes 1 and 2: our nodes are enqueued only
     *       after pass 1, and only while every lock is held, so no counterpart can see them
     *       before we stop acting. Hence no rollback is ever needed.
     *   S2. A select cannot complete with itself: its nodes are passive (enqueued), and only an
     *       active party (one in pass 1 or in a plain operation) dequeues nodes.
     *   S3. No task waits for a lock while holding another: lockAll only tries the locks after
     *       the first, and every single-channel operation holds one lock at a time. Ascending id
     *       order on top keeps two selects over the same channels from retrying in lockstep.
     *
     * Memory-ordering protocol (Channel's steps, seen from a select):
     *   1. Pass 1 reads and changes channel state only under the locks of run() step 2; the
     *      claims it makes on other parties' waiters are Channel's step 2.
     *   2. Pass 2 fills in each node (a send case's value) before enqueueing it under its
     *      channel's lock; the unlocks publish the nodes to counterparts.
     *   3. A counterpart writes the outcome into the one node it unlinked, then CASes the state
     *      from WAITING to that node's index (release).
     *   4. Waiter.await reads the state (volatile, the acquire for step 3), and only then is the
     *      winning node's item or closed flag read and its handler run.
     *   5. If our own CAS to CANCELLED wins (timeout, cancellation), no counterpart's outcome
     *      applies to us; a value a counterpart wrote into a receive node before losing its CAS
     *      is never read.
     *   6. Pass 3 unlinks the losing nodes under each channel's lock in turn; a counterpart that
     *      meets one before that fails its claim and drops it (Channel invariant I5).
     *
     * Rejected alternatives:
     *   - Registering case by case without holding all locks (as kotlinx.coroutines' select
     *     does over its lock-free channels): a case found ready in a later registration then
     *     races with counterparts that already see the earlier registrations, so the select
     *     needs a registration state that counterparts respect, or must claim itself and roll
     *     back (and a rollback can make a third party drop one of our live nodes). Go's
     *     all-locks pass avoids the question, at the cost of holding k locks for k short checks.
     *   - Polling the cases in a loop: burns CPU and cannot be fair to waiters in FIFO order.
     *   - A random start index instead of a random permutation: not uniform (with cases 0,1,2
     *     and only 0 and 1 ready, case 0 would win two times in three).
     *
     * References: Go src/runtime/select.go (selectgo, lock order, pass 1-3), chan.go
     * (waitq.dequeue skipping sudogs whose selectDone CAS fails); kotlinx.coroutines
     * SelectImplementation (trySelect) and arXiv 2211.04986.
     */

    private static final int RECEIVE = 0;
    private static final int RECEIVE_OR_CLOSED = 1;
    private static final int SEND = 2;

    // The cases, case i at index i of each array; written only while the select is built.
    private Channel<?>[] channels = new Channel<?>[2];
    private int[] kinds = new int[2];
    /** The value of a send case; null for receive cases. */
    private Object[] values = new Object[2];
    /** A Function for receive cases, a Supplier for send cases. */
    private Object[] handlers = new Object[2];
    private int size;
    /** The distinct channels of the cases in ascending id, kept by add(). */
    private Channel<?>[] lockOrder = new Channel<?>[0];
    private Duration timeout;
    private Supplier<? extends R> timeoutHandler;
    private Supplier<? extends R> defaultHandler;
    /**
     * Test knob: poll ready cases in the order they were added (a biased select, like
     * kotlinx's {@code select} as opposed to {@code selectUnbiased}), so that a sequential
     * specification can predict which ready case wins. Never set outside tests.
     */
    boolean pollInDeclarationOrder;

    private Select() {
    }

    /** Starts an empty select whose handlers return {@code R}. */
    public static <R> Select<R> create() {
        return new Select<>();
    }

    /**
     * Adds a case that receives a value from {@code channel} and passes it to {@code handler}.
     * If the channel is closed and drained when this case is chosen, {@link #run()} throws
     * {@link ChannelClosedException}; use {@link #onReceiveOrClosed} to handle the close instead.
     */
    public <T> Select<R> onReceive(Channel<T> channel, Function<? super T, ? extends R> handler) {
        return add(channel, RECEIVE, null, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Adds a case that receives from {@code channel} and passes {@code handler} either
     * {@link Received.Value} or, if the channel is closed and drained, {@link Received.Closed}
     * (never {@link Received.Empty}).
     */
    public <T> Select<R> onReceiveOrClosed(Channel<T> channel,
                                           Function<? super Received<T>, ? extends R> handler) {
        return add(channel, RECEIVE_OR_CLOSED, null, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Adds a case that sends {@code value} to {@code channel} and then runs {@code handler}. If
     * the channel is closed when this case is chosen, {@link #run()} throws
     * {@link ChannelClosedException}.
     */
    public <T> Select<R> onSend(Channel<T> channel, T value, Supplier<? extends R> handler) {
        Objects.requireNonNull(value, "value");
        return add(channel, SEND, value, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Adds a case that completes when {@code future} settles (a task's join is
     * {@code task.future()}) and passes its value to {@code handler}; if it failed or was
     * cancelled, {@link #run()} rethrows as {@code await} does. With {@link Ticker#after} one
     * select waits on channels, tasks and a deadline at once.
     */
    public <T> Select<R> onAwait(dev.echo.runtime.EchoFuture<T> future, Function<? super T, ? extends R> handler) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(handler, "handler");
        return add(FutureSignal.of(future), RECEIVE_OR_CLOSED, null,
                (Function<Received<Void>, R>) settled -> handler.apply(future.await()));
    }

    /**
     * Runs {@code handler} if no case completes within {@code timeout} of {@link #run()} being
     * called. A zero or negative timeout fires at once if no case is ready.
     *
     * @throws IllegalStateException if this select already has a timeout
     */
    public Select<R> onTimeout(Duration timeout, Supplier<? extends R> handler) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(handler, "handler");
        if (timeoutHandler != null) {
            throw new IllegalStateException("select already has a timeout (" + this.timeout
                    + "); a select takes at most one");
        }
        this.timeout = timeout;
        this.timeoutHandler = handler;
        return this;
    }

    /**
     * Runs {@code handler} if no case can proceed at once: {@link #run()} then never waits (Go's
     * {@code default:}). A timeout, if any, never fires.
     *
     * @throws IllegalStateException if this select already has a default
     */
    public Select<R> onDefault(Supplier<? extends R> handler) {
        Objects.requireNonNull(handler, "handler");
        if (defaultHandler != null) {
            throw new IllegalStateException("select already has a default case; a select takes at most one");
        }
        this.defaultHandler = handler;
        return this;
    }

    /**
     * Waits until one case can proceed, performs it, and returns what its handler returns (or
     * the default's or timeout's handler's).
     *
     * <p>With no send or receive case it behaves as Go's: runs the default, or waits out the
     * timeout, or (with neither) waits until the task is cancelled.
     *
     * @throws ChannelClosedException if the chosen case is a send to a closed channel, or an
     *         {@link #onReceive} case on a closed and drained channel
     * @throws java.util.concurrent.CancellationException if the task is cancelled (the plain
     *         thread interrupted) while waiting; no case completed
     */
    public R run() {
        if (timeoutHandler == null) {
            return run(Parking.NO_DEADLINE, defaultHandler == null);
        }
        return run(Parking.deadlineAfter(timeout), defaultHandler == null && timeout.isPositive());
    }

    /**
     * The select proper. Package-private so that tests can pass a deadline that has already
     * passed with {@code mayWait}, making the select register and race its timeout against
     * counterparts (model checking stops time).
     *
     * @param mayWait false to run the default (or, failing that, the timeout) handler when no
     *                case is ready, instead of registering
     */
    R run(long deadline, boolean mayWait) {
        int n = size;
        if (n == 0) {
            return runWithoutCases(deadline, mayWait);
        }
        for (int i = 0; i < n; i++) {
            channels[i].noteCaller();
        }
        int[] pollOrder = pollInDeclarationOrder ? declarationOrder(n) : randomPermutation(n);
        Channel<?>[] locks = lockOrder;

        lockAll(locks);
        for (int i : pollOrder) {
            Channel<?> channel = channels[i];
            Object outcome;
            if (kinds[i] == SEND) {
                if (channel.isClosedLocked()) {
                    outcome = Channel.CLOSED;
                } else {
                    outcome = channel.offerLocked(values[i]) ? values[i] : Channel.NOTHING;
                }
            } else {
                outcome = channel.pollLocked();
            }
            if (outcome != Channel.NOTHING) {
                unlockAll(locks);
                return fire(i, outcome);
            }
        }
        if (!mayWait) {
            unlockAll(locks);
            return defaultHandler != null ? defaultHandler.get() : timeoutHandler.get();
        }
        Waiter waiter = new Waiter(n);
        for (int i = 0; i < n; i++) {
            channels[i].enqueueLocked(waiter.register(i, channels[i], kinds[i] == SEND, values[i]));
        }
        unlockAll(locks);

        int winner = waiter.await(deadline);
        if (winner == Waiter.CANCELLED) {
            return timeoutHandler.get();
        }
        WaitNode node = waiter.node(winner);
        return fire(winner, node.closed ? Channel.CLOSED : node.item);
    }

    /**
     * Go's select with no channel case: the default runs at once; with only a timeout, the
     * timeout is waited out; with neither ({@code select {}}) the caller waits until it is
     * cancelled. Go loops that disable every case as channels finish rely on this.
     */
    private R runWithoutCases(long deadline, boolean mayWait) {
        if (!mayWait) {
            return defaultHandler != null ? defaultHandler.get() : timeoutHandler.get();
        }
        while (Parking.park(NO_CASES, deadline)) {
            // Nothing can wake it but its deadline or a cancellation (which park throws).
        }
        return timeoutHandler.get();
    }

    /** What a select with no channel case waits on. */
    private static final WaitTarget NO_CASES = new WaitTarget() {
        @Override
        public boolean wakeableFromOutside() {
            return false;
        }

        @Override
        public String describeWait() {
            return "select with no cases";
        }
    };

    @Override
    public String toString() {
        StringBuilder description = new StringBuilder("Select[");
        for (int i = 0; i < size; i++) {
            description.append(switch (kinds[i]) {
                case SEND -> "send to ";
                case RECEIVE -> "receive from ";
                default -> "receive-or-closed from ";
            }).append(channels[i]).append(", ");
        }
        if (timeoutHandler != null) {
            description.append("timeout ").append(timeout).append(", ");
        }
        if (defaultHandler != null) {
            description.append("default, ");
        }
        return description.append(size).append(" cases]").toString();
    }

    private Select<R> add(Channel<?> channel, int kind, Object value, Object handler) {
        Objects.requireNonNull(channel, "channel");
        if (size == channels.length) {
            channels = Arrays.copyOf(channels, 2 * size);
            kinds = Arrays.copyOf(kinds, 2 * size);
            values = Arrays.copyOf(values, 2 * size);
            handlers = Arrays.copyOf(handlers, 2 * size);
        }
        channels[size] = channel;
        kinds[size] = kind;
        values[size] = value;
        handlers[size] = handler;
        size++;
        lockOrder = withChannel(lockOrder, channel);
        return this;
    }

    /** {@code sorted} (distinct channels in ascending id) with {@code channel} inserted. */
    private static Channel<?>[] withChannel(Channel<?>[] sorted, Channel<?> channel) {
        int at = sorted.length;
        while (at > 0 && sorted[at - 1].id > channel.id) {
            at--;
        }
        if (at > 0 && sorted[at - 1] == channel) {
            return sorted;
        }
        Channel<?>[] grown = new Channel<?>[sorted.length + 1];
        System.arraycopy(sorted, 0, grown, 0, at);
        grown[at] = channel;
        System.arraycopy(sorted, at, grown, at + 1, sorted.length - at);
        return grown;
    }

    @SuppressWarnings("unchecked")
    private R fire(int i, Object outcome) {
        return switch (kinds[i]) {
            case SEND -> {
                if (outcome == Channel.CLOSED) {
                    throw channels[i].closedException("send on closed channel (select case on " + channels[i] + ")");
                }
                yield ((Supplier<? extends R>) handlers[i]).get();
            }
            case RECEIVE -> {
                if (outcome == Channel.CLOSED) {
                    throw channels[i].closedException("receive on closed channel (select case on " + channels[i]
                            + "; use onReceiveOrClosed to handle the close)");
                }
                yield ((Function<Object, ? extends R>) handlers[i]).apply(outcome);
            }
            default -> ((Function<Received<?>, ? extends R>) handlers[i]).apply(outcome == Channel.CLOSED
                    ? new Received.Closed<>() : new Received.Value<>(outcome));
        };
    }

    /**
     * Locks every channel of {@code locks} (ascending id) without ever waiting for one lock while
     * holding another: waits for the first, tries the rest, and on a busy one releases all,
     * waits for the busy one alone (then releases it), and starts over.
     */
    private static void lockAll(Channel<?>[] locks) {
        int first = 0;
        for (;;) {
            locks[first].lock();
            int held = 0;
            boolean all = true;
            for (int i = 0; i < locks.length && all; i++) {
                if (i != first) {
                    all = locks[i].tryLock();
                    if (!all) {
                        held = i;
                    }
                }
            }
            if (all) {
                return;
            }
            for (int i = 0; i < held; i++) {
                if (i != first) {
                    locks[i].unlock();
                }
            }
            locks[first].unlock();
            first = held;
        }
    }

    /** Unlocks in reverse lock order; each unlock wakes the counterpart pass 1 claimed there. */
    private static void unlockAll(Channel<?>[] locks) {
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }

    private static int[] declarationOrder(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Fisher-Yates: every order equally likely (see Rejected alternatives). */
    private static int[] randomPermutation(int n) {
        int[] order = new int[n];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(i + 1);
            order[i] = order[j];
            order[j] = i;
        }
        return order;
    }
}
