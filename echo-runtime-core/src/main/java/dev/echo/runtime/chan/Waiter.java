package dev.echo.runtime.chan;

import dev.echo.runtime.DeadlineExceededException;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * One parked operation: a blocking send, a blocking receive, or a select over several cases.
 * It owns one {@link WaitNode} per case, each enqueued on its channel, and the single state word
 * that decides which of them, if any, completes.
 *
 * <h2>State</h2>
 * <pre>
 *                 claim(i) by a counterpart or close()      (node i's outcome is written first)
 *   WAITING(-1) ------------------------------------------> i  (0 <= i < cases)
 *        |
 *        +--- cancel() by the waiter itself ----------------> CANCELLED(-2)  (timeout or task cancelled)
 * </pre>
 * Every transition is a CAS from {@code WAITING}, so exactly one party decides the outcome: a
 * counterpart that loses the CAS does not hand its value over (it tries its next waiter), and a
 * waiter that loses it has completed after all, whatever its deadline or its task's cancellation
 * said. This is what makes timeouts and select's losing cases lose no message and duplicate none;
 * it is Go's {@code sudog.g.selectDone} generalised to plain sends and receives.
 *
 * <p>{@link #await} is the only place a channel operation parks, and it parks through
 * {@link Parking#park} with this waiter as the {@link WaitTarget}.
 */
final class Waiter implements WaitTarget {

    static final int WAITING = -1;
    static final int CANCELLED = -2;

    /**
     * The parked thread (task or plain). Held directly rather than as a Waker, and a plain
     * send or receive keeps its one node in {@link #only} instead of an array: a blocking
     * channel operation allocates only this waiter and its node (ping-pong parks twice per
     * round trip, and a parked task keeps both alive).
     */
    private final Thread thread = Thread.currentThread();
    /** The node of a one-case waiter (plain send or receive); null for a select. */
    private WaitNode only;
    /** The nodes of a select, by case index; null for a one-case waiter. */
    private final WaitNode[] nodes;
    /** See the class diagram. CAS only; read with volatile semantics by the waiter. */
    private volatile int state = WAITING;

    Waiter(int cases) {
        nodes = cases == 1 ? null : new WaitNode[cases];
    }

    /** Creates the node for case {@code index}; the caller enqueues it under the channel lock. */
    WaitNode register(int index, Channel<?> channel, boolean send, Object item) {
        WaitNode node = new WaitNode(this, index, channel, send, item);
        if (nodes == null) {
            only = node;
        } else {
            nodes[index] = node;
        }
        return node;
    }

    WaitNode node(int index) {
        return nodes == null ? only : nodes[index];
    }

    /**
     * Decides this waiter in favour of case {@code index}. Called by a counterpart holding the
     * lock of that case's channel, after it has unlinked the node and written its outcome.
     *
     * @return true if the caller now owns the hand-off and must {@link #wake()} this waiter
     */
    boolean claim(int index) {
        return STATE.compareAndSet(this, WAITING, index);
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    /**
     * Parks until a counterpart claims this waiter, the deadline passes, or the task is
     * cancelled; then unlinks every node that did not win.
     *
     * @return the index of the winning case, or {@link #CANCELLED} if the deadline passed first
     * @throws CancellationException if the task was cancelled before any case won; every node
     *                               has been unlinked by then. If a case won first, the case's
     *                               outcome is returned instead and the cancellation stays pending
     *                               for the next park, so no message is lost.
     */
    int await(long deadlineNanos) {
        int outcome;
        for (;;) {
            outcome = state;
            if (outcome != WAITING) {
                break;
            }
            boolean inTime;
            try {
                inTime = Parking.park(this, deadlineNanos);
            } catch (CancellationException | DeadlineExceededException cancelled) {
                // A scope deadline ends the wait as a cancellation does: unlinked, or the won case kept.
                if (cancel()) {
                    deregister(CANCELLED);
                    throw cancelled;
                }
                continue;
            }
            if (!inTime && cancel()) {
                outcome = CANCELLED;
                break;
            }
        }
        deregister(outcome);
        return outcome;
    }

    private boolean cancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /** Unlinks every node except the winner, which its counterpart has already unlinked. */
    private void deregister(int winner) {
        if (nodes == null) {
            if (only.index != winner) {
                only.channel.unlink(only);
            }
            return;
        }
        for (WaitNode node : nodes) {
            if (node.index != winner) {
                node.channel.unlink(node);
            }
        }
    }

    @Override
    public boolean wakeableFromOutside() {
        if (nodes == null) {
            return only.channel.wakeableFromOutside();
        }
        for (WaitNode node : nodes) {
            if (node.channel.wakeableFromOutside()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String describeWait() {
        if (nodes == null) {
            return (only.send ? "send on " : "receive on ") + only.channel.describeWait();
        }
        StringBuilder description = new StringBuilder("select on");
        for (WaitNode node : nodes) {
            description.append(node.index == 0 ? " " : ", ")
                    .append(node.send ? "send to " : "receive from ")
                    .append(node.channel.describeWait());
        }
        return description.toString();
    }

    @Override
    public String toString() {
        return "Waiter[" + describeWait() + ", state=" + state + "]";
    }

    // VarHandle mechanics
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
