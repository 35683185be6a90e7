package dev.echo.runtime.chan;

import dev.echo.runtime.Parking;
import dev.echo.runtime.WaitTarget;
import dev.echo.runtime.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * A prototype of the lock-free, segment-based channel of kotlinx.coroutines (Koval, Alistarh,
 * Elizarov, "Fast and Scalable Channels in Kotlin Coroutines", PPoPP 2023, arXiv 2211.04986),
 * written for Echo's parking and Go's close semantics, kept in the test tree as the subject of
 * {@link SegmentChannelLincheckTest}, {@link SegmentChannelTest} and {@link ChannelBench}.
 *
 * <p>It is not {@link Channel}'s implementation, and cannot become it without changing
 * {@link Channel}'s contract: see "Why this is not Channel" below and docs/channels.md. It has
 * send, receive (blocking, with a deadline, or not waiting), close and the waiter counts; no
 * select and no size.
 */
final class SegmentChannel<T> implements WaitTarget {

    /*
     * Implementation overview
     * =======================
     *
     * An infinite array of cells, indexed by two global counters, stored as a linked list of
     * fixed-size segments. A send takes the next cell index from `senders` (fetch-and-add), a
     * receive from `receivers`; the i-th send and the i-th receive meet in cell i, whichever
     * comes first leaving something there for the other: an element, or a parked Parked waiter.
     * A buffered channel adds a third counter, `bufferEnd`: cells below it are "in the buffer",
     * and a send into such a cell never waits. Each receive moves bufferEnd on by one
     * (expandBuffer), resuming the sender parked in the cell that enters the buffer.
     *
     * Cell states (one word per cell; the element sits beside it):
     *
     *   EMPTY(null) --send, cell in buffer or receiver coming--> BUFFERED --receive--> DONE_RCV
     *   EMPTY --send must wait--> Parked(sender) --receive--> RESUMING_BY_RCV --> DONE_RCV
     *                                            --expandBuffer--> RESUMING_BY_EB --> BUFFERED
     *                                            --timeout/cancel--> INTERRUPTED_SEND
     *   EMPTY --receive must wait--> Parked(receiver) --send--> DONE_RCV
     *                                                 --timeout/cancel--> INTERRUPTED_RCV
     *   EMPTY --expandBuffer--> IN_BUFFER --send--> BUFFERED
     *   EMPTY --receive that will not wait for a sender already counted--> POISONED
     *   EMPTY / IN_BUFFER / a parked sender / a receiver no sender will meet --close--> CLOSED
     *   Parked --expandBuffer, while a receiver is also on its way--> EbMark(Parked)
     *
     * Invariants:
     *   C1. Cell i is visited by at most one sender, one receiver, one expandBuffer and close;
     *       every state change is a CAS (or a set by the one party holding RESUMING_*).
     *   C2. A Parked waiter is decided once (Parked.state CAS from WAITING): resumed by the
     *       party that met it, or cancelled by itself. A failed resume turns the cell into
     *       INTERRUPTED_*, and that party then retries with a fresh cell.
     *   C3. Segments: a segment whose cells are all "cleaned" (interrupted or closed) and that no
     *       segment pointer (sendSegment, receiveSegment, bufferEndSegment) references is
     *       removed: unlinked from its live neighbours, and the counters skip it. Segments behind
     *       every pointer are unreachable once their successor's prev is cleared. So memory is
     *       bounded by the live cells, whatever the number of cancelled waits.
     *   C4. Close sets CLOSED_BIT in `senders`: every later send fails at its fetch-and-add.
     *       Then the list of segments is closed for appends and close walks the cells that
     *       counterparts will not resolve: parked senders fail (Go's close), receivers no sender
     *       will meet see the close, empty cells become CLOSED. A receiver or expandBuffer that
     *       meets a parked sender checks the bit after its RESUMING_* CAS and fails the sender if
     *       it is set, so no send completes after close.
     *
     * Memory-ordering protocol:
     *   1. A sender writes the element (plain) before the CAS that installs BUFFERED or its
     *      Parked waiter; a receiver reads it after reading that state (volatile), the acquire.
     *   2. A resumer writes Parked.outcome before Parked.state's CAS; the waiter reads the
     *      outcome after reading state (volatile).
     *
     * Why this is not Channel (what the tests of Channel pin down and this design gives up):
     *   - trySend is not linearizable: a receive has taken a value but not yet moved bufferEnd
     *     (expandBuffer runs after the take), so a concurrent trySend sees a full buffer that a
     *     tryReceive has seen non-full; and a trySend meeting a tryReceive on an unbuffered
     *     channel may hand over (elimination) where neither would succeed sequentially.
     *     kotlinx.coroutines excludes trySend from its Lincheck test for these two reasons
     *     (ChannelsLincheckTest.kt: "trySend() is not linearizable...").
     *     BufferedChannelLincheckTest and UnbufferedChannelLincheckTest check it for Channel.
     *   - A select over several channels is not atomic: kotlinx's select registers clause by
     *     clause. SelectLincheckTest checks a select with a default over two channels against a
     *     specification in which the select sees both channels at one instant (Go's selectgo
     *     locks them all).
     *   - size() has no linearizable answer from three counters and cells whose state changes
     *     after the counters move; BufferedChannelLincheckTest checks size().
     *
     * Simplifications against kotlinx (prototype): waitExpandBufferCompletion spins without the
     * pause flag that makes it starvation-free; close walks forward from the older of the send
     * and receive segments rather than backward from the tail.
     *
     * References: kotlinx.coroutines BufferedChannel.kt and ConcurrentLinkedList.kt (the ideas:
     * counters, cell states, expandBuffer, segment removal; this is our own Java); arXiv
     * 2211.04986.
     */

    /** Test knob: cells per segment for channels created afterwards (2 or 4 in model checking). */
    static volatile int segmentSizeForNewChannels = 32;

    private static final long CLOSED_BIT = 1L << 62;
    private static final long COUNT = CLOSED_BIT - 1;

    private static final Object BUFFERED = new Sym("BUFFERED");
    private static final Object IN_BUFFER = new Sym("IN_BUFFER");
    private static final Object POISONED = new Sym("POISONED");
    private static final Object DONE_RCV = new Sym("DONE_RCV");
    private static final Object INTERRUPTED_SEND = new Sym("INTERRUPTED_SEND");
    private static final Object INTERRUPTED_RCV = new Sym("INTERRUPTED_RCV");
    private static final Object CELL_CLOSED = new Sym("CLOSED");
    private static final Object RESUMING_BY_RCV = new Sym("RESUMING_BY_RCV");
    private static final Object RESUMING_BY_EB = new Sym("RESUMING_BY_EB");
    /** A segment's next once the list is closed for appends. */
    private static final Object LIST_CLOSED = new Sym("LIST_CLOSED");

    // Outcomes of a cell update and of a Parked waiter.
    private static final Object OK = new Sym("OK");
    private static final Object FAILED = new Sym("FAILED");
    private static final Object NO_WAITER = new Sym("NO_WAITER");
    private static final Object SENT = new Sym("SENT");
    private static final Object GOT_CLOSED = new Sym("GOT_CLOSED");

    final int capacity;
    final int segmentSize;

    /*
     * The four counters, each alone on 128 bytes of one array (two cache lines, for the
     * adjacent-line prefetcher): ChannelBench's 4x4 profile had most samples on these counters
     * while they shared one line. Accessed only through COUNTER with volatile semantics.
     *   SENDERS: sends started (fetch-and-add by every send) | CLOSED_BIT (CAS by close).
     *   RECEIVERS: receives started (fetch-and-add by every receive).
     *   BUFFER_END: cells below it are in the buffer; capacity + one per receive + skipped cells.
     *   COMPLETED_EXPANSIONS: expandBuffer calls finished (waitExpandBufferCompletion).
     */
    private static final int SENDERS = 16;
    private static final int RECEIVERS = 32;
    private static final int BUFFER_END = 48;
    private static final int COMPLETED_EXPANSIONS = 64;
    private final long[] counters = new long[80];
    // Segment pointers: moved forward only (moveForward), each counted in its segment's pointers.
    private volatile Segment sendSegment;
    private volatile Segment receiveSegment;
    /** Null for an unbuffered channel, which has no buffer end. */
    private volatile Segment bufferEndSegment;

    SegmentChannel(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.segmentSize = segmentSizeForNewChannels;
        Segment first = new Segment(0, null, capacity == 0 ? 2 : 3, segmentSize);
        sendSegment = first;
        receiveSegment = first;
        bufferEndSegment = capacity == 0 ? null : first;
        counters[BUFFER_END] = capacity;
        counters[COMPLETED_EXPANSIONS] = capacity;
        VarHandle.releaseFence();
    }

    // ## Send ##

    void send(T value) {
        send(value, Parking.NO_DEADLINE, true);
    }

    boolean trySend(T value) {
        return send(value, Parking.NO_DEADLINE, false);
    }

    /** As {@link Channel#send(Object, long, boolean)}. */
    boolean send(T value, long deadlineNanos, boolean mayWait) {
        Objects.requireNonNull(value, "value");
        if (!mayWait) {
            long sc = get(SENDERS);
            if ((sc & CLOSED_BIT) != 0) {
                throw new ChannelClosedException("send on closed channel");
            }
            long s = sc & COUNT;
            if (!(s < get(BUFFER_END) && capacity > 0) && s >= get(RECEIVERS)) {
                return false;
            }
        }
        Segment segment = sendSegment;
        for (;;) {
            long sc = (long) COUNTER.getAndAdd(counters, SENDERS, 1L);
            if ((sc & CLOSED_BIT) != 0) {
                throw new ChannelClosedException("send on closed channel");
            }
            long s = sc;
            long id = s / segmentSize;
            int i = (int) (s % segmentSize);
            if (segment.id != id) {
                segment = findSegmentSend(id, segment);
                if (segment == null) {
                    segment = sendSegment;
                    continue;
                }
            }
            Object result = updateCellSend(segment, i, s, value, mayWait);
            if (result == OK) {
                return true;
            }
            if (result == NO_WAITER) {
                return false;
            }
            if (result == GOT_CLOSED) {
                throw new ChannelClosedException("send on closed channel");
            }
            if (result instanceof Parked parked) {
                if (!parked.await(deadlineNanos)) {
                    return false;
                }
                if (parked.outcome == GOT_CLOSED) {
                    throw new ChannelClosedException("send on closed channel (closed while the send waited)");
                }
                return true;
            }
            // FAILED: the cell was poisoned or its receiver gave up; take the next one.
        }
    }

    private Object updateCellSend(Segment segment, int i, long s, Object value, boolean mayWait) {
        segment.storeElement(i, value);
        Parked waiter = null;
        for (;;) {
            Object state = segment.state(i);
            if (state == null) {
                if ((capacity > 0 && s < get(BUFFER_END)) || s < get(RECEIVERS)) {
                    if (segment.cas(i, null, BUFFERED)) {
                        return OK;
                    }
                    continue;
                }
                if (!mayWait) {
                    if (segment.cas(i, null, INTERRUPTED_SEND)) {
                        segment.cleanElement(i);
                        segment.onSlotCleaned();
                        return NO_WAITER;
                    }
                    continue;
                }
                if (waiter == null) {
                    waiter = new Parked(this, true, segment, i);
                }
                if (segment.cas(i, null, waiter)) {
                    return waiter;
                }
                continue;
            }
            if (state == IN_BUFFER) {
                if (segment.cas(i, state, BUFFERED)) {
                    return OK;
                }
                continue;
            }
            if (state == INTERRUPTED_RCV || state == POISONED) {
                segment.cleanElement(i);
                return FAILED;
            }
            if (state == CELL_CLOSED) {
                segment.cleanElement(i);
                return GOT_CLOSED;
            }
            Parked receiver = state instanceof EbMark mark ? mark.waiter : (Parked) state;
            segment.cleanElement(i);
            if (receiver.tryResume(value)) {
                segment.setState(i, DONE_RCV);
                segment.cleanPrev(); // both counters have passed every earlier cell
                return OK;
            }
            if (segment.getAndSetState(i, INTERRUPTED_RCV) != INTERRUPTED_RCV) {
                onCancelledRequest(segment, i, true);
            }
            return FAILED;
        }
    }

    // ## Receive ##

    @SuppressWarnings("unchecked")
    T receive() {
        Object result = receive(Parking.NO_DEADLINE, true);
        if (result == Channel.CLOSED) {
            throw new ChannelClosedException("receive on closed channel");
        }
        return (T) result;
    }

    /** As {@link Channel#receive(long, boolean)}: the value, Channel.CLOSED or Channel.NOTHING. */
    Object receive(long deadlineNanos, boolean mayWait) {
        Segment segment = receiveSegment;
        for (;;) {
            long r0 = get(RECEIVERS);
            long sc = get(SENDERS);
            if (r0 >= (sc & COUNT)) {
                if ((sc & CLOSED_BIT) != 0) {
                    return Channel.CLOSED;
                }
                if (!mayWait) {
                    return Channel.NOTHING;
                }
            }
            long r = (long) COUNTER.getAndAdd(counters, RECEIVERS, 1L);
            long id = r / segmentSize;
            int i = (int) (r % segmentSize);
            if (segment.id != id) {
                segment = findSegmentReceive(id, segment);
                if (segment == null) {
                    segment = receiveSegment;
                    continue;
                }
            }
            Object result = updateCellReceive(segment, i, r, mayWait);
            if (result == FAILED) {
                continue;
            }
            if (result == NO_WAITER) {
                waitExpandBufferCompletion(r);
                segment.onSlotCleaned();
                return Channel.NOTHING;
            }
            if (result == GOT_CLOSED) {
                return Channel.CLOSED;
            }
            if (result instanceof Parked parked) {
                if (!parked.await(deadlineNanos)) {
                    return Channel.NOTHING;
                }
                if (parked.outcome == GOT_CLOSED) {
                    return Channel.CLOSED;
                }
                segment.cleanPrev(); // a sender met us here: both counters have passed every earlier cell
                return parked.outcome;
            }
            segment.cleanPrev();
            return result;
        }
    }

    private Object updateCellReceive(Segment segment, int i, long r, boolean mayWait) {
        Parked waiter = null;
        for (;;) {
            Object state = segment.state(i);
            if (state == null || state == IN_BUFFER) {
                long sc = get(SENDERS);
                if (r < (sc & COUNT)) {
                    // A sender has this cell but has not arrived; do not wait for it.
                    if (segment.cas(i, state, POISONED)) {
                        expandBuffer();
                        return FAILED;
                    }
                    continue;
                }
                if ((sc & CLOSED_BIT) != 0) {
                    if (segment.cas(i, state, CELL_CLOSED)) {
                        segment.onSlotCleaned();
                        expandBuffer();
                        return GOT_CLOSED;
                    }
                    continue;
                }
                if (!mayWait) {
                    if (segment.cas(i, state, INTERRUPTED_RCV)) {
                        expandBuffer();
                        return NO_WAITER;
                    }
                    continue;
                }
                if (waiter == null) {
                    waiter = new Parked(this, false, segment, i);
                }
                if (segment.cas(i, state, waiter)) {
                    expandBuffer();
                    return waiter;
                }
                continue;
            }
            if (state == BUFFERED) {
                if (segment.cas(i, state, DONE_RCV)) {
                    Object value = segment.element(i);
                    segment.cleanElement(i);
                    expandBuffer();
                    return value;
                }
                continue;
            }
            if (state == INTERRUPTED_SEND || state == POISONED) {
                return FAILED;
            }
            if (state == CELL_CLOSED) {
                expandBuffer();
                return FAILED;
            }
            if (state == RESUMING_BY_EB) {
                Thread.onSpinWait();
                continue;
            }
            // A parked sender, perhaps marked by an expandBuffer that left it to us.
            if (segment.cas(i, state, RESUMING_BY_RCV)) {
                boolean helpExpand = state instanceof EbMark;
                Parked sender = state instanceof EbMark mark ? mark.waiter : (Parked) state;
                if ((get(SENDERS) & CLOSED_BIT) != 0) {
                    sender.tryResume(GOT_CLOSED);
                    segment.cleanElement(i);
                    segment.setState(i, CELL_CLOSED);
                    segment.onSlotCleaned();
                    return FAILED;
                }
                if (sender.tryResume(SENT)) {
                    Object value = segment.element(i);
                    segment.cleanElement(i);
                    segment.setState(i, DONE_RCV);
                    expandBuffer();
                    return value;
                }
                segment.cleanElement(i);
                segment.setState(i, INTERRUPTED_SEND);
                onCancelledRequest(segment, i, false);
                if (helpExpand) {
                    expandBuffer();
                }
                return FAILED;
            }
        }
    }

    // ## Buffer expansion ##

    private void expandBuffer() {
        if (capacity == 0) {
            return;
        }
        Segment segment = bufferEndSegment;
        for (;;) {
            long b = (long) COUNTER.getAndAdd(counters, BUFFER_END, 1L);
            long id = b / segmentSize;
            if ((get(SENDERS) & COUNT) <= b) {
                // No sender has this cell yet; it will see b < bufferEnd and not wait.
                if (segment.id < id && segment.next() != null) {
                    moveBufferEndSegmentTowards(id, segment);
                }
                COUNTER.getAndAdd(counters, COMPLETED_EXPANSIONS, 1L);
                return;
            }
            if (segment.id != id) {
                segment = findSegmentBufferEnd(id, segment, b);
                if (segment == null) {
                    segment = bufferEndSegment;
                    continue;
                }
            }
            boolean added = updateCellExpandBuffer(segment, (int) (b % segmentSize), b);
            COUNTER.getAndAdd(counters, COMPLETED_EXPANSIONS, 1L);
            if (added) {
                return;
            }
        }
    }

    private boolean updateCellExpandBuffer(Segment segment, int i, long b) {
        for (;;) {
            Object state = segment.state(i);
            if (state instanceof Parked parked) {
                if (b < get(RECEIVERS)) {
                    // A receiver is on its way to this cell: it completes this expansion.
                    if (segment.cas(i, state, new EbMark(parked))) {
                        return true;
                    }
                    continue;
                }
                if (segment.cas(i, state, RESUMING_BY_EB)) {
                    if ((get(SENDERS) & CLOSED_BIT) != 0) {
                        parked.tryResume(GOT_CLOSED);
                        segment.cleanElement(i);
                        segment.setState(i, CELL_CLOSED);
                        segment.onSlotCleaned();
                        return true;
                    }
                    if (parked.tryResume(SENT)) {
                        segment.setState(i, BUFFERED);
                        return true;
                    }
                    segment.cleanElement(i);
                    segment.setState(i, INTERRUPTED_SEND);
                    onCancelledRequest(segment, i, false);
                    return false;
                }
                continue;
            }
            if (state == INTERRUPTED_SEND) {
                return false;
            }
            if (state == null) {
                if (segment.cas(i, null, IN_BUFFER)) {
                    return true;
                }
                continue;
            }
            if (state == RESUMING_BY_RCV) {
                Thread.onSpinWait();
                continue;
            }
            return true;
        }
    }

    /**
     * Spins until the expandBuffer call that covers cell {@code globalIndex} has finished, so
     * that a cancelled receiver's cell is counted cleaned (and its segment perhaps removed) only
     * after that call no longer needs the segment. Prototype: no pause flag (kotlinx sets one to
     * make this starvation-free under a stream of new expansions).
     */
    private void waitExpandBufferCompletion(long globalIndex) {
        if (capacity == 0) {
            return;
        }
        while (get(BUFFER_END) <= globalIndex) {
            Thread.onSpinWait();
        }
        for (int spins = 0; ; spins++) {
            long b = get(BUFFER_END);
            if (b == get(COMPLETED_EXPANSIONS) && b == get(BUFFER_END)) {
                return;
            }
            if (spins > 64) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    // ## Close, cancellation, inspection ##

    void close() {
        long sc;
        do {
            sc = get(SENDERS);
            if ((sc & CLOSED_BIT) != 0) {
                throw new IllegalStateException("close of closed channel");
            }
        } while (!COUNTER.compareAndSet(counters, SENDERS, sc, sc | CLOSED_BIT));
        long sendersAtClose = sc;
        closeList();
        long from = Math.min(get(RECEIVERS), sendersAtClose);
        Segment send = sendSegment;
        Segment receive = receiveSegment;
        for (Segment segment = send.id < receive.id ? send : receive; segment != null; segment = segment.next()) {
            for (int i = 0; i < segmentSize; i++) {
                long g = segment.id * segmentSize + i;
                if (g >= from) {
                    closeCell(segment, i, g, sendersAtClose);
                }
            }
        }
    }

    private void closeCell(Segment segment, int i, long g, long sendersAtClose) {
        for (;;) {
            Object state = segment.state(i);
            if (state == null || state == IN_BUFFER) {
                if (segment.cas(i, state, CELL_CLOSED)) {
                    segment.onSlotCleaned();
                    return;
                }
                continue;
            }
            Parked parked = state instanceof EbMark mark ? mark.waiter
                    : state instanceof Parked p ? p : null;
            if (parked == null || (!parked.sender && g < sendersAtClose)) {
                return; // settled, being resumed, or a receiver whose sender is on its way
            }
            if (segment.cas(i, state, CELL_CLOSED)) {
                parked.tryResume(GOT_CLOSED);
                segment.cleanElement(i);
                segment.onSlotCleaned();
                return;
            }
        }
    }

    /** Marks the tail segment so that no segment is appended after close. */
    private void closeList() {
        Segment last = sendSegment;
        Segment receive = receiveSegment;
        Segment end = bufferEndSegment;
        if (receive.id > last.id) {
            last = receive;
        }
        if (end != null && end.id > last.id) {
            last = end;
        }
        for (;;) {
            Object next = last.next;
            if (next == LIST_CLOSED) {
                return;
            }
            if (next == null) {
                if (Segment.NEXT.compareAndSet(last, null, LIST_CLOSED)) {
                    return;
                }
            } else {
                last = (Segment) next;
            }
        }
    }

    /** Called by a Parked waiter whose own cancel CAS won (timeout, cancellation). */
    void onCancellation(Parked parked) {
        Segment segment = parked.segment;
        int i = parked.index;
        for (;;) {
            Object state = segment.state(i);
            if (state == parked || (state instanceof EbMark mark && mark.waiter == parked)) {
                if (segment.cas(i, state, parked.sender ? INTERRUPTED_SEND : INTERRUPTED_RCV)) {
                    segment.cleanElement(i);
                    onCancelledRequest(segment, i, !parked.sender);
                    return;
                }
                continue;
            }
            return; // RESUMING_* or CLOSED: the party holding the cell does the accounting
        }
    }

    private void onCancelledRequest(Segment segment, int i, boolean receiver) {
        if (receiver) {
            waitExpandBufferCompletion(segment.id * segmentSize + i);
        }
        segment.onSlotCleaned();
    }

    boolean isClosed() {
        return (get(SENDERS) & CLOSED_BIT) != 0;
    }

    /** Test knob: parked senders still waiting. */
    int waitingSenders() {
        return countWaiting(true);
    }

    /** Test knob: parked receivers still waiting. */
    int waitingReceivers() {
        return countWaiting(false);
    }

    /** Test knob: segments reachable from the segment pointers (live memory). */
    int reachableSegments() {
        Segment send = sendSegment;
        Segment receive = receiveSegment;
        Segment from = send.id < receive.id ? send : receive;
        Segment end = bufferEndSegment;
        if (end != null && end.id < from.id) {
            from = end;
        }
        int n = 0;
        for (Segment s = from; s != null; s = s.next()) {
            n++;
        }
        for (Segment s = from.prev; s != null; s = s.prev) {
            n++;
        }
        return n;
    }

    private int countWaiting(boolean sender) {
        Segment send = sendSegment;
        Segment receive = receiveSegment;
        int n = 0;
        for (Segment s = send.id < receive.id ? send : receive; s != null; s = s.next()) {
            for (int i = 0; i < segmentSize; i++) {
                Object state = s.state(i);
                Parked parked = state instanceof EbMark mark ? mark.waiter
                        : state instanceof Parked p ? p : null;
                if (parked != null && parked.sender == sender && parked.state == Parked.WAITING) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public boolean wakeableFromOutside() {
        return true;
    }

    @Override
    public String describeWait() {
        return toString();
    }

    @Override
    public String toString() {
        return "SegmentChannel[capacity=" + capacity + ", senders=" + (get(SENDERS) & COUNT) + ", receivers=" + get(RECEIVERS)
                + (isClosed() ? ", closed]" : "]");
    }

    private long get(int counter) {
        return (long) COUNTER.getVolatile(counters, counter);
    }

    // ## Segment list ##

    private Segment findSegmentSend(long id, Segment startFrom) {
        Segment segment = findAndMoveForward(SEND_SEGMENT, id, startFrom);
        if (segment == null) {
            return null; // the list is closed: the next fetch-and-add sees CLOSED_BIT
        }
        if (segment.id > id) {
            raiseCounter(SENDERS, segment.id * segmentSize, true);
            if (segment.id * segmentSize < get(RECEIVERS)) {
                segment.cleanPrev();
            }
            return null;
        }
        return segment;
    }

    private Segment findSegmentReceive(long id, Segment startFrom) {
        Segment segment = findAndMoveForward(RECEIVE_SEGMENT, id, startFrom);
        if (segment == null) {
            return null; // the list is closed: the loop finds the channel closed and drained
        }
        if (capacity > 0 && id <= get(BUFFER_END) / segmentSize) {
            moveForward(BUFFER_END_SEGMENT, segment);
        }
        if (segment.id > id) {
            raiseCounter(RECEIVERS, segment.id * segmentSize, false);
            if (segment.id * segmentSize < (get(SENDERS) & COUNT)) {
                segment.cleanPrev();
            }
            return null;
        }
        return segment;
    }

    private Segment findSegmentBufferEnd(long id, Segment startFrom, long b) {
        Segment segment = findAndMoveForward(BUFFER_END_SEGMENT, id, startFrom);
        if (segment == null) {
            moveBufferEndSegmentTowards(id, startFrom);
            COUNTER.getAndAdd(counters, COMPLETED_EXPANSIONS, 1L);
            return null;
        }
        if (segment.id > id) {
            // Every cell of the removed segments was cleaned: skip them in one step.
            long skipTo = segment.id * segmentSize;
            if (COUNTER.compareAndSet(counters, BUFFER_END, b + 1, skipTo)) {
                COUNTER.getAndAdd(counters, COMPLETED_EXPANSIONS, skipTo - b);
            } else {
                COUNTER.getAndAdd(counters, COMPLETED_EXPANSIONS, 1L);
            }
            return null;
        }
        return segment;
    }

    private void moveBufferEndSegmentTowards(long id, Segment startFrom) {
        Segment segment = startFrom;
        while (segment.id < id) {
            Segment next = segment.next();
            if (next == null) {
                break;
            }
            segment = next;
        }
        for (;;) {
            while (segment.isRemoved()) {
                Segment next = segment.next();
                if (next == null) {
                    break;
                }
                segment = next;
            }
            if (moveForward(BUFFER_END_SEGMENT, segment)) {
                return;
            }
        }
    }

    private void raiseCounter(int counter, long to, boolean keepClosedBit) {
        for (;;) {
            long cur = get(counter);
            long count = keepClosedBit ? cur & COUNT : cur;
            if (count >= to) {
                return;
            }
            long next = keepClosedBit ? (cur & CLOSED_BIT) | to : to;
            if (COUNTER.compareAndSet(counters, counter, cur, next)) {
                return;
            }
        }
    }

    /** The segment with {@code id}, or the first live one after it; null if the list is closed. */
    private Segment findAndMoveForward(VarHandle pointer, long id, Segment startFrom) {
        for (;;) {
            Segment segment = findSegment(id, startFrom);
            if (segment == null || moveForward(pointer, segment)) {
                return segment;
            }
        }
    }

    private Segment findSegment(long id, Segment startFrom) {
        Segment cur = startFrom;
        while (cur.id < id || cur.isRemoved()) {
            Object next = cur.next;
            if (next == LIST_CLOSED) {
                return null;
            }
            if (next != null) {
                cur = (Segment) next;
                continue;
            }
            Segment tail = new Segment(cur.id + 1, cur, 0, segmentSize);
            if (Segment.NEXT.compareAndSet(cur, null, tail)) {
                if (cur.isRemoved()) {
                    cur.remove();
                }
                cur = tail;
            }
        }
        return cur;
    }

    /** Moves {@code pointer} forward to {@code to} unless it is ahead; false if {@code to} was removed. */
    private boolean moveForward(VarHandle pointer, Segment to) {
        for (;;) {
            Segment cur = (Segment) pointer.getVolatile(this);
            if (cur.id >= to.id) {
                return true;
            }
            if (!to.tryIncPointers()) {
                return false;
            }
            if (pointer.compareAndSet(this, cur, to)) {
                if (cur.decPointers()) {
                    cur.remove();
                }
                return true;
            }
            if (to.decPointers()) {
                to.remove();
            }
        }
    }

    /**
     * A segment of cells: state and element of cell i at 2i+1 and 2i. Removal follows
     * kotlinx's ConcurrentLinkedList: a segment is removed once all its cells are cleaned and no
     * pointer references it (never the tail); remove() links its live neighbours to each other.
     */
    static final class Segment {
        private static final int POINTER = 1 << 16;

        final long id;
        private final int size;
        private final Object[] cells;
        /** The next segment, null at the tail, or LIST_CLOSED. CAS from null only. */
        volatile Object next;
        /** The previous segment; cleared once no one needs to go back (memory). */
        volatile Segment prev;
        /** Cleaned cells (low 16 bits) + POINTER per segment pointer referencing this segment. */
        private volatile int cleanedAndPointers;

        Segment(long id, Segment prev, int pointers, int size) {
            this.id = id;
            this.prev = prev;
            this.size = size;
            this.cells = new Object[2 * size];
            this.cleanedAndPointers = pointers * POINTER;
        }

        Object state(int i) {
            return CELLS.getVolatile(cells, 2 * i + 1);
        }

        boolean cas(int i, Object expected, Object update) {
            return CELLS.compareAndSet(cells, 2 * i + 1, expected, update);
        }

        void setState(int i, Object update) {
            CELLS.setVolatile(cells, 2 * i + 1, update);
        }

        Object getAndSetState(int i, Object update) {
            return CELLS.getAndSet(cells, 2 * i + 1, update);
        }

        void storeElement(int i, Object value) {
            CELLS.set(cells, 2 * i, value);
        }

        Object element(int i) {
            return CELLS.get(cells, 2 * i);
        }

        void cleanElement(int i) {
            CELLS.set(cells, 2 * i, null);
        }

        Segment next() {
            Object n = next;
            return n == LIST_CLOSED ? null : (Segment) n;
        }

        boolean isTail() {
            return next() == null;
        }

        void cleanPrev() {
            PREV.setRelease(this, null);
        }

        boolean isRemoved() {
            return cleanedAndPointers == size && !isTail();
        }

        boolean tryIncPointers() {
            for (;;) {
                int cur = cleanedAndPointers;
                if (cur == size && !isTail()) {
                    return false;
                }
                if (CLEANED_AND_POINTERS.compareAndSet(this, cur, cur + POINTER)) {
                    return true;
                }
            }
        }

        /** True if this made the segment removable. */
        boolean decPointers() {
            return (int) CLEANED_AND_POINTERS.getAndAdd(this, -POINTER) - POINTER == size && !isTail();
        }

        void onSlotCleaned() {
            if ((int) CLEANED_AND_POINTERS.getAndAdd(this, 1) + 1 == size) {
                remove();
            }
        }

        void remove() {
            if (isTail()) {
                return;
            }
            for (;;) {
                Segment left = prev;
                while (left != null && left.isRemoved()) {
                    left = left.prev;
                }
                Segment right = next();
                while (right.isRemoved()) {
                    Segment after = right.next();
                    if (after == null) {
                        break;
                    }
                    right = after;
                }
                Segment leftForRight = left;
                Segment rightPrev;
                do {
                    rightPrev = right.prev;
                } while (rightPrev != null && !PREV.compareAndSet(right, rightPrev, leftForRight));
                if (left != null) {
                    left.next = right;
                }
                if (right.isRemoved() && !right.isTail()) {
                    continue;
                }
                if (left != null && left.isRemoved()) {
                    continue;
                }
                return;
            }
        }

        private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(Object[].class);
        static final VarHandle NEXT;
        private static final VarHandle PREV;
        private static final VarHandle CLEANED_AND_POINTERS;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                NEXT = l.findVarHandle(Segment.class, "next", Object.class);
                PREV = l.findVarHandle(Segment.class, "prev", Segment.class);
                CLEANED_AND_POINTERS = l.findVarHandle(Segment.class, "cleanedAndPointers", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** A parked send or receive: decided once, by its resumer or by its own cancellation. */
    static final class Parked implements WaitTarget {
        static final int WAITING = 0;
        static final int RESUMED = 1;
        static final int CANCELLED = 2;

        private final SegmentChannel<?> channel;
        private final Waker waker = Waker.current();
        final boolean sender;
        final Segment segment;
        final int index;
        /** Written by the resumer before its state CAS; read by the waiter after reading RESUMED. */
        Object outcome;
        volatile int state;

        Parked(SegmentChannel<?> channel, boolean sender, Segment segment, int index) {
            this.channel = channel;
            this.sender = sender;
            this.segment = segment;
            this.index = index;
        }

        boolean tryResume(Object result) {
            outcome = result;
            if (STATE.compareAndSet(this, WAITING, RESUMED)) {
                waker.wake();
                return true;
            }
            return false;
        }

        /** True once resumed; false if the deadline passed first (cell cleaned). */
        boolean await(long deadlineNanos) {
            for (;;) {
                if (state == RESUMED) {
                    return true;
                }
                boolean inTime;
                try {
                    inTime = Parking.park(this, deadlineNanos);
                } catch (CancellationException cancelled) {
                    if (STATE.compareAndSet(this, WAITING, CANCELLED)) {
                        channel.onCancellation(this);
                        throw cancelled;
                    }
                    continue;
                }
                if (!inTime && STATE.compareAndSet(this, WAITING, CANCELLED)) {
                    channel.onCancellation(this);
                    return false;
                }
            }
        }

        @Override
        public boolean wakeableFromOutside() {
            return true;
        }

        @Override
        public String describeWait() {
            return (sender ? "send on " : "receive on ") + channel;
        }

        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Parked.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** A parked waiter whose cell an expandBuffer has counted, leaving the resume to the receiver. */
    private record EbMark(Parked waiter) {
    }

    private record Sym(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    // VarHandle mechanics
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SEND_SEGMENT;
    private static final VarHandle RECEIVE_SEGMENT;
    private static final VarHandle BUFFER_END_SEGMENT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEND_SEGMENT = l.findVarHandle(SegmentChannel.class, "sendSegment", Segment.class);
            RECEIVE_SEGMENT = l.findVarHandle(SegmentChannel.class, "receiveSegment", Segment.class);
            BUFFER_END_SEGMENT = l.findVarHandle(SegmentChannel.class, "bufferEndSegment", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
