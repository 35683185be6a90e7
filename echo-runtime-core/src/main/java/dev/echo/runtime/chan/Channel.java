package dev.echo.runtime.chan;

import dev.echo.runtime.Echo;
import dev.echo.runtime.internal.RuntimeAccess;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A typed channel with Go's semantics: tasks (or plain threads) send values into it and receive
 * them out of it, in FIFO order.
 *
 * <ul>
 *   <li>{@linkplain #unbuffered() Unbuffered} (Go's {@code make(chan T)}): a send waits until a
 *       receiver takes the value, and the value goes straight from one to the other.
 *   <li>{@linkplain #buffered(int) Buffered} (Go's {@code make(chan T, n)}): up to {@code n}
 *       values wait in the channel; a send waits only while the buffer is full.
 * </ul>
 *
 * <p>Operations, by how they wait:
 * <table>
 *   <caption>Channel operations</caption>
 *   <tr><th></th><th>waits until done</th><th>waits at most a timeout</th><th>never waits</th></tr>
 *   <tr><td>send</td><td>{@link #send(Object)}</td><td>{@link #send(Object, Duration)}</td>
 *       <td>{@link #trySend(Object)}</td></tr>
 *   <tr><td>receive</td><td>{@link #receive()}</td><td>{@link #receive(Duration)}</td>
 *       <td>{@link #tryReceive()}</td></tr>
 * </table>
 * Waiting parks the calling Echo task (its carrier runs other tasks) or blocks the plain thread,
 * through {@link Parking}; waiting senders are served in arrival order, and so are waiting
 * receivers. A wait that times out, or whose task is cancelled, leaves no trace: its value was not
 * sent, or nothing was received. To wait on several channels at once, use {@link Select}.
 *
 * <p>{@link #close()} forbids further sends ({@link ChannelClosedException}), wakes every parked
 * sender (they throw) and receiver; receivers first drain what is buffered, then see the close
 * (blocking receive throws, the others return {@link Received.Closed}). Iteration and
 * {@link #stream()} end when the channel is closed and drained. {@code null} is never a message.
 * {@link #close(Throwable)} closes with a failure (kotlinx's {@code close(cause)}; Go has none):
 * the same, except that every {@link ChannelClosedException} thrown from then on has that
 * failure as its cause, and iteration rethrows it once drained. {@link #invokeOnClose} lets a
 * bridge (a subscription feeding the channel) learn of the close without a parked operation.
 *
 * <pre>{@code
 * Channel<String> ch = Channel.buffered(16);
 * producer: for (String line : lines) ch.send(line); ch.close();
 * consumer: for (String line : ch) handle(line);
 * }</pre>
 *
 * @param <T> the type of the values the channel carries
 */
public final class Channel<T> implements Iterable<T> {

    /** The runtime's domain-event counters (messages sent / received), reached across packages. */
    private static final RuntimeAccess RUNTIME = RuntimeAccess.get();

    /*
     * Implementation overview
     * =======================
     *
     * This is Go's hchan (src/runtime/chan.go), in Java: a ring buffer, a FIFO of parked senders
     * and a FIFO of parked receivers, all guarded by one short per-channel lock. A parked
     * operation is a Waiter with one WaitNode per channel it waits on (several for a select).
     *
     * The lock is held only across the few field updates of one operation: never across a park,
     * a wake, user code or an allocation of unbounded size. Waking happens after the lock is
     * released (unlock() wakes the waiter an operation claimed), as Go readies goroutines only
     * after unlocking. The lock is a ReentrantLock: under contention it spins briefly, then parks
     * the contending task, so its carrier runs other tasks (Go's hchan.lock likewise spins, then
     * sleeps the M). Waiting for this lock is the one wait in the package that does not go
     * through Parking: it lasts one critical section of another running party, needs no timer,
     * and is not a place where cancellation or deadlock detection has anything to report.
     *
     * This is the "short per-channel lock" design, kept over the lock-free segment-based channel
     * of kotlinx.coroutines because it measured faster here (see Rejected alternatives):
     * operations on one channel serialise on that channel's lock, each for one critical section.
     *
     * Invariants (with the lock held):
     *   I1. At least one of senders and receivers is empty (a sender and a receiver that meet
     *       complete each other at once).
     *   I2. count > 0 implies receivers is empty: a receiver parks only when nothing is buffered.
     *   I3. count < capacity implies senders is empty: a sender parks only when the buffer is
     *       full, and a receive that frees a slot refills it from the first parked sender, which
     *       also keeps FIFO order across the buffer and the parked senders (Go's recv()).
     *   I4. closed implies senders and receivers are empty: close() resolves every node, and no
     *       node is enqueued after closed is set.
     *   I5. A node in a queue may belong to a Waiter that was already decided (a select that
     *       won elsewhere, a timed-out waiter that has not unlinked yet). Such nodes are skipped:
     *       dequeueSender/dequeueReceiver only succeed through Waiter.claim.
     *
     * Memory-ordering protocol:
     *   1. A waiter fills in its node (a send node's item) and enqueues it with the lock held;
     *      the lock's release publishes the node to the next holder.
     *   2. A counterpart, holding the lock, unlinks the node, writes the outcome into it (the
     *      value for a receive node, closed=true when closing), then CASes the waiter's state
     *      from WAITING to the node's index (Waiter.claim). The CAS is the linearisation point of
     *      the hand-off and the release that publishes the outcome.
     *   3. The counterpart wakes the waiter after releasing the lock.
     *   4. The waiter reads its state (volatile read: the acquire paired with step 2's CAS); only
     *      if it holds this node's index does it read the node's outcome. A spurious return from
     *      park finds WAITING and parks again.
     *   5. A waiter that times out or is cancelled CASes WAITING -> CANCELLED. If that CAS wins,
     *      no counterpart can complete it any more (step 2 would fail), so its value was not sent
     *      and it received nothing; it then unlinks its nodes under each lock. If it loses, a
     *      counterpart completed it first and the operation succeeded.
     *   6. closed is volatile so that isClosed() and the select pass need no lock to read it;
     *      it is written only with the lock held, and every decision that depends on it is taken
     *      with the lock held.
     *
     * Rejected alternatives:
     *   - One lock for all channels: serialises unrelated channels.
     *   - A spin lock (spin, then Thread.yield), the first version of this file: with more
     *     runnable threads than cores, the OS preempts a carrier whose task holds the lock and
     *     every contender spins through its time slice. Measured on the 4x4 benchmark inside Echo
     *     tasks: about 5 Mmsg/s with the spin lock, about 13-16 with ReentrantLock.
     *   - Conditions of the lock as the wait queues (ArrayBlockingQueue's design): the wait would
     *     bypass Parking (no Echo timers, no cancellation cleanup, no WaitTarget for deadlock
     *     detection), and a Condition cannot wait on several channels at once, so select would
     *     need a second mechanism.
     *   - Spinning before parking, as LinkedTransferQueue does: Echo tasks should not spin (the
     *     task they just woke runs next on their own processor); on plain virtual threads the
     *     503-task ring took twice as long per hop with a 128-iteration spin. It would help
     *     ping-pong between platform threads only.
     *   - The segment-based channel of kotlinx.coroutines (BufferedChannel; Koval, Alistarh,
     *     Elizarov, PPoPP 2023): lock-free, scales with cores. Our own version (branch
     *     lockfree-chan, Lincheck-checked) was slower than this lock on the 2-core machine for
     *     4x4 (~10-12 vs 12-13 Mmsg/s: four contended atomics per message against one short
     *     critical section), and it cannot keep three guarantees this file's Lincheck tests pin:
     *     linearizable trySend, a select that sees all its channels at one instant, exact size().
     *   - A lock-free fast path for the buffer only (Vyukov ring + a LOCKED bit, the lock
     *     whenever anyone parks; branch chan2): linearizable and model-checked, but not faster
     *     on 4x4 (13.2 vs 15.1 Mmsg/s in one quiet A/B), because there the buffer is mostly
     *     full or empty and parties park. docs/channels.md, "Decision (issue 3)", has the
     *     numbers; re-measure both on many cores.
     *   - Removing timed-out nodes lazily (leaving them for counterparts to skip): a select loop
     *     with a timeout on a quiet channel would grow that channel's queue without bound.
     *
     * Declaration order: factories, public operations, package-private pieces used by Select
     * (the *Locked methods, lock/unlock), private helpers.
     *
     * References: Go src/runtime/chan.go and select.go; kotlinx.coroutines BufferedChannel.kt and
     * arXiv 2211.04986; java.util.concurrent.LinkedTransferQueue (dual queues, claim by CAS).
     */

    /** Returned by pollLocked when nothing can be received now. */
    static final Object NOTHING = new Object();
    /** Returned by pollLocked when the channel is closed and drained. */
    static final Object CLOSED = new Object();

    private static final int INITIAL_BUFFER = 16;
    private static final Received<?> EMPTY_RESULT = new Received.Empty<>();
    private static final Received<?> CLOSED_RESULT = new Received.Closed<>();
    private static final AtomicLong IDS = new AtomicLong();

    /** Creation order; Select locks the channels of one select in ascending id order. */
    final long id = IDS.incrementAndGet();
    private final int capacity;

    /** Guards the fields below it. Held for a few field updates only; never across a park. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Written with the lock held; read without it by isClosed and Select. */
    private volatile boolean closed;
    /**
     * The failure given to close(Throwable), or null. Written with the lock held before the
     * volatile write of closed, which publishes it: whoever reads closed == true sees it.
     */
    private Throwable closeCause;
    /** Sticky: set by the first operation from a plain thread. Racy set is fine: only ever true. */
    private volatile boolean usedFromOutside;

    // Guarded by lock.
    private Object[] buffer;
    /** Index of the oldest buffered value. */
    private int head;
    /** Index where the next buffered value goes: (head + count) modulo buffer.length. */
    private int tail;
    private int count;
    private final WaitQueue senders = new WaitQueue();
    private final WaitQueue receivers = new WaitQueue();
    /** A waiter claimed with the lock held, to wake once the lock is released. */
    private Waiter pendingWake;
    /** Handlers of invokeOnClose not yet run; null when none. Taken (set to null) by close. */
    private List<Consumer<? super Throwable>> closeHandlers;

    private Channel(int capacity) {
        this.capacity = capacity;
        this.buffer = capacity == 0 ? null : new Object[Math.min(capacity, INITIAL_BUFFER)];
    }

    /** A channel without a buffer: each send waits for a receiver and hands it the value. */
    public static <T> Channel<T> unbuffered() {
        return new Channel<>(0);
    }

    /**
     * A channel that holds up to {@code capacity} values no receiver has taken yet. As in Go,
     * capacity 0 means {@linkplain #unbuffered() unbuffered}. Buffer memory grows on demand, so a
     * large capacity costs nothing until it is used.
     *
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Channel<T> buffered(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity must be >= 0, was " + capacity);
        }
        return new Channel<>(capacity);
    }

    // ## Send ##

    /**
     * Sends {@code value}, waiting until a receiver takes it (unbuffered) or there is room in the
     * buffer.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws ChannelClosedException if the channel is closed, or closes while this send waits
     * @throws java.util.concurrent.CancellationException if the task is cancelled (the plain
     *         thread interrupted) while waiting; the value was not sent
     */
    public void send(T value) {
        send(value, Parking.NO_DEADLINE, true);
    }

    /**
     * Sends {@code value}, waiting at most {@code timeout}.
     *
     * @return true if sent; false if the timeout passed first, in which case no receiver got it
     * @throws NullPointerException if {@code value} or {@code timeout} is null
     * @throws ChannelClosedException if the channel is closed, or closes while this send waits
     * @throws java.util.concurrent.CancellationException as for {@link #send(Object)}
     */
    public boolean send(T value, Duration timeout) {
        return send(value, Parking.deadlineAfter(timeout), timeout.isPositive());
    }

    /**
     * Sends {@code value} if that needs no waiting: a receiver is parked, or the buffer has room.
     *
     * @return true if sent
     * @throws NullPointerException if {@code value} is null
     * @throws ChannelClosedException if the channel is closed (as in Go, where a non-blocking
     *         send on a closed channel panics)
     */
    public boolean trySend(T value) {
        return send(value, Parking.NO_DEADLINE, false);
    }

    /**
     * The one send path. Package-private so that tests can pass a deadline that has already
     * passed together with {@code mayWait}: the send then registers and immediately races its
     * timeout against counterparts, which model checking (where time stands still) needs.
     */
    boolean send(T value, long deadlineNanos, boolean mayWait) {
        Objects.requireNonNull(value, "value");
        noteCaller();
        lock();
        if (closed) {
            unlock();
            throw closedException("send on closed channel");
        }
        if (offerLocked(value)) {
            unlock();
            return true;
        }
        if (!mayWait) {
            unlock();
            return false;
        }
        Waiter waiter = new Waiter(1);
        WaitNode node = waiter.register(0, this, true, value);
        senders.addLast(node);
        unlock();
        if (waiter.await(deadlineNanos) == Waiter.CANCELLED) {
            return false;
        }
        if (node.closed) {
            throw closedException("send on closed channel (closed while the send waited)");
        }
        return true;
    }

    // ## Receive ##

    /**
     * Receives the next value, waiting until there is one.
     *
     * @throws ChannelClosedException if the channel is closed and drained
     * @throws java.util.concurrent.CancellationException if the task is cancelled (the plain
     *         thread interrupted) while waiting; nothing was received
     */
    @SuppressWarnings("unchecked")
    public T receive() {
        Object result = receive(Parking.NO_DEADLINE, true);
        if (result == CLOSED) {
            throw closedException("receive on closed channel");
        }
        return (T) result;
    }

    /**
     * Receives the next value, waiting at most {@code timeout}.
     *
     * @return {@link Received.Value}, {@link Received.Empty} if the timeout passed first (nothing
     *         was taken from the channel), or {@link Received.Closed} if the channel is closed and
     *         drained
     * @throws java.util.concurrent.CancellationException as for {@link #receive()}
     */
    public Received<T> receive(Duration timeout) {
        return result(receive(Parking.deadlineAfter(timeout), timeout.isPositive()));
    }

    /**
     * Receives a value if one is available without waiting: buffered, or offered by a parked
     * sender.
     *
     * @return {@link Received.Value}, {@link Received.Empty} if the channel is open but has
     *         nothing now, or {@link Received.Closed} if it is closed and drained
     */
    public Received<T> tryReceive() {
        return result(receive(Parking.NO_DEADLINE, false));
    }

    /**
     * The one receive path; package-private for the same reason as
     * {@link #send(Object, long, boolean)}.
     *
     * @return the value, {@link #CLOSED}, or {@link #NOTHING} (if it may not wait or timed out)
     */
    Object receive(long deadlineNanos, boolean mayWait) {
        noteCaller();
        lock();
        Object result = pollLocked();
        if (result != NOTHING || !mayWait) {
            unlock();
            return result;
        }
        Waiter waiter = new Waiter(1);
        WaitNode node = waiter.register(0, this, false, null);
        receivers.addLast(node);
        unlock();
        if (waiter.await(deadlineNanos) == Waiter.CANCELLED) {
            return NOTHING;
        }
        return node.closed ? CLOSED : node.item;
    }

    // ## Close and inspection ##

    /**
     * Closes the channel: later sends throw {@link ChannelClosedException}, parked senders are
     * woken and throw it, parked receivers are woken and see the close; values already buffered
     * stay receivable.
     *
     * @throws IllegalStateException if the channel is already closed (Go panics likewise)
     */
    public void close() {
        closeWith(null);
    }

    /**
     * Closes the channel because of {@code cause} (an upstream failure, say): as {@link #close()},
     * and every {@link ChannelClosedException} thrown by this channel from now on (a receive once
     * drained, a send, a select case) has {@code cause} as its
     * {@linkplain Throwable#getCause() cause}; {@link #closeCause()} returns it.
     *
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalStateException if the channel is already closed
     */
    public void close(Throwable cause) {
        closeWith(Objects.requireNonNull(cause, "cause"));
    }

    /** True once {@link #close()} has been called (buffered values may remain to receive). */
    public boolean isClosed() {
        return closed;
    }

    /** The failure this channel was {@linkplain #close(Throwable) closed with}; null if open or closed normally. */
    public Throwable closeCause() {
        return closed ? closeCause : null;
    }

    /**
     * Runs {@code handler} once, with the close cause (null for {@link #close()}), when the
     * channel closes: on the closing thread after every parked operation has been woken, or at
     * once on the caller if it is closed already (kotlinx's {@code invokeOnClose}). For whoever
     * feeds or drains the channel on behalf of someone else (a Reactive Streams subscription)
     * and must stop when the other side closes it, without parking an operation to find out.
     * The handler must be short and must not block; what it throws is logged, not rethrown.
     *
     * @throws NullPointerException if {@code handler} is null
     */
    public void invokeOnClose(Consumer<? super Throwable> handler) {
        Objects.requireNonNull(handler, "handler");
        lock();
        if (!closed) {
            if (closeHandlers == null) {
                closeHandlers = new ArrayList<>(2);
            }
            closeHandlers.add(handler);
            unlock();
            return;
        }
        Throwable cause = closeCause;
        unlock();
        runCloseHandler(handler, cause);
    }

    /** The number of values buffered now (always 0 for an unbuffered channel). */
    public int size() {
        lock();
        int size = count;
        unlock();
        return size;
    }

    /** The buffer capacity: 0 for an unbuffered channel. */
    public int capacity() {
        return capacity;
    }

    /**
     * Iterates by receiving: {@code hasNext()} waits for the next value and returns false once
     * the channel is closed and drained (or throws {@link ChannelClosedException}, with the cause,
     * if it was {@linkplain #close(Throwable) closed with a failure}). Each value goes to exactly one receiver, so several
     * iterators (or receivers) on one channel share out its values.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private Object next = NOTHING;

            @Override
            public boolean hasNext() {
                if (next == NOTHING) {
                    next = receive(Parking.NO_DEADLINE, true);
                }
                if (next == CLOSED && closeCause != null) {
                    // A failure must not look like a normal end of the values.
                    throw closedException("iteration over channel closed with a failure");
                }
                return next != CLOSED;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed and drained");
                }
                T value = (T) next;
                next = NOTHING;
                return value;
            }
        };
    }

    /** A sequential stream of received values that ends when the channel is closed and drained. */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * True once a plain thread (not an Echo task) has used this channel: from then on such a
     * thread may wake a task parked on it, so a task waiting here is not evidence of deadlock.
     * Read by the {@link Waiter} that parks on this channel.
     */
    boolean wakeableFromOutside() {
        return usedFromOutside;
    }

    /**
     * The channel with how full it is, e.g. {@code Channel#7[capacity=16, 16 queued]}. The
     * count is read without the lock: a moment's view for reports and the task dump, never a
     * decision.
     */
    String describeWait() {
        return "Channel#" + id + "[capacity=" + capacity + ", " + count + " queued" + (closed ? ", closed]" : "]");
    }

    @Override
    public String toString() {
        return "Channel#" + id + "[capacity=" + capacity + (closed ? ", closed]" : "]");
    }

    // ## Package-private pieces shared with Select; callers hold the lock where named *Locked ##

    /**
     * Hands {@code value} to the first parked receiver that can still take it, or buffers it.
     * The caller holds the lock and has checked that the channel is open.
     *
     * @return false if neither is possible now
     */
    boolean offerLocked(Object value) {
        WaitNode receiver;
        while ((receiver = receivers.pollFirst()) != null) {
            receiver.item = value;
            if (receiver.waiter.claim(receiver.index)) {
                pendingWake = receiver.waiter;
                RUNTIME.countChannelMessages(1, 1);
                return true;
            }
            receiver.item = null;
        }
        if (count < capacity) {
            if (count == buffer.length) {
                growBuffer();
            }
            append(value);
            RUNTIME.countChannelMessages(1, 0);
            return true;
        }
        return false;
    }

    /**
     * Takes the next value: the oldest buffered one (refilling the buffer from the first parked
     * sender, I3), else one from a parked sender. The caller holds the lock.
     *
     * @return the value, {@link #CLOSED} if closed and drained, or {@link #NOTHING}
     */
    Object pollLocked() {
        if (count > 0) {
            Object value = buffer[head];
            buffer[head] = null;
            head = next(head);
            count--;
            WaitNode sender = dequeueSender();
            if (sender != null) {
                append(sender.item);
            }
            RUNTIME.countChannelMessages(sender != null ? 1 : 0, 1);
            return value;
        }
        WaitNode sender = dequeueSender();
        if (sender != null) {
            RUNTIME.countChannelMessages(1, 1);
            return sender.item;
        }
        return closed ? CLOSED : NOTHING;
    }

    /** Parks {@code node} at the tail of its queue. The caller holds the lock; channel open. */
    void enqueueLocked(WaitNode node) {
        (node.send ? senders : receivers).addLast(node);
    }

    /** Removes {@code node} from its queue if it is still there. Takes the lock. */
    void unlink(WaitNode node) {
        lock();
        (node.send ? senders : receivers).remove(node);
        unlock();
    }

    boolean isClosedLocked() {
        return closed;
    }

    /** The exception a closed channel throws; carries the close cause, if any. */
    ChannelClosedException closedException(String message) {
        return new ChannelClosedException(message, closeCause);
    }

    /** Test knob: nodes parked in the send queue, including decided ones not yet unlinked. */
    int waitingSenders() {
        lock();
        int size = senders.size();
        unlock();
        return size;
    }

    /** Test knob: nodes parked in the receive queue, including decided ones not yet unlinked. */
    int waitingReceivers() {
        lock();
        int size = receivers.size();
        unlock();
        return size;
    }

    /** Records a use from outside Echo's tasks (see {@link #wakeableFromOutside()}). */
    void noteCaller() {
        if (!usedFromOutside && !inEchoTask()) {
            usedFromOutside = true;
        }
    }

    /**
     * Whether the caller is an Echo task; the only place the channel package asks. A plain
     * thread, and a virtual thread not started by an Echo runtime, is outside.
     */
    static boolean inEchoTask() {
        return Echo.inTask();
    }

    void lock() {
        lock.lock();
    }

    /** Takes the lock if it is free now (for Select's lockAll, which never waits holding one). */
    boolean tryLock() {
        return lock.tryLock();
    }

    /** Releases the lock, then wakes the waiter an operation under it claimed, if any. */
    void unlock() {
        Waiter toWake = pendingWake;
        if (toWake != null) {
            pendingWake = null;
        }
        lock.unlock();
        if (toWake != null) {
            toWake.wake();
        }
    }

    // ## Private helpers ##

    private void closeWith(Throwable cause) {
        noteCaller();
        List<Waiter> woken = new ArrayList<>();
        lock();
        if (closed) {
            unlock();
            throw new IllegalStateException("close of closed channel");
        }
        closeCause = cause;
        closed = true;
        resolveAllClosed(receivers, woken);
        resolveAllClosed(senders, woken);
        List<Consumer<? super Throwable>> handlers = closeHandlers;
        closeHandlers = null;
        unlock();
        for (Waiter waiter : woken) {
            waiter.wake();
        }
        if (handlers != null) {
            for (Consumer<? super Throwable> handler : handlers) {
                runCloseHandler(handler, cause);
            }
        }
    }

    private void runCloseHandler(Consumer<? super Throwable> handler, Throwable cause) {
        try {
            handler.accept(cause);
        } catch (RuntimeException | Error failure) {
            // One bad handler must not fail close() for the closer, nor skip the other handlers.
            System.getLogger("dev.echo.runtime").log(System.Logger.Level.WARNING,
                    "a close handler of " + this + " threw", failure);
        }
    }

    private WaitNode dequeueSender() {
        WaitNode sender;
        while ((sender = senders.pollFirst()) != null) {
            if (sender.waiter.claim(sender.index)) {
                pendingWake = sender.waiter;
                return sender;
            }
        }
        return null;
    }

    private static void resolveAllClosed(WaitQueue queue, List<Waiter> woken) {
        WaitNode node;
        while ((node = queue.pollFirst()) != null) {
            node.closed = true;
            if (node.waiter.claim(node.index)) {
                woken.add(node.waiter);
            }
        }
    }

    private void append(Object value) {
        buffer[tail] = value;
        tail = next(tail);
        count++;
    }

    /** The ring index after {@code index}; a compare instead of a division under the lock. */
    private int next(int index) {
        return index + 1 == buffer.length ? 0 : index + 1;
    }

    private void growBuffer() {
        Object[] grown = new Object[(int) Math.min(capacity, 2L * buffer.length)];
        for (int i = 0, from = head; i < count; i++, from = next(from)) {
            grown[i] = buffer[from];
        }
        buffer = grown;
        head = 0;
        tail = count;
    }

    @SuppressWarnings("unchecked")
    private Received<T> result(Object polled) {
        if (polled == NOTHING) {
            return (Received<T>) EMPTY_RESULT;
        }
        if (polled == CLOSED) {
            return (Received<T>) CLOSED_RESULT;
        }
        return new Received.Value<>((T) polled);
    }


}
