package dev.echo.runtime.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The buffer of a buffered {@link Channel} of modest capacity: a bounded many-to-many ring that
 * sends and receives reach without the channel's lock while no operation is parked on the
 * channel, and that the lock holder operates exclusively otherwise.
 */
final class BufferRing {

    /*
     * Implementation overview
     * =======================
     *
     * One 64-bit word, state, holds the ring's two positions and a LOCKED bit:
     *
     *     bit 63   62        61 ........ 31   30 ......... 0
     *        0  | LOCKED |   tail (31 bits)  |  head (31 bits)
     *
     * head is the position of the oldest buffered value, tail the position the next one goes to;
     * both count modulo 2^31, and count = (tail - head) mod 2^31 <= capacity. Position p lives in
     * slot p & (slots.length - 1); slots.length is a power of two >= capacity, so it divides 2^31.
     *
     * Fast path (no lock), Vyukov's bounded MPMC queue with the positions packed beside LOCKED:
     * a sender reads state without LOCKED and with count < capacity, checks that its slot is free
     * for position p = tail (seq[slot] == p: the previous lap's receiver has left it), then CASes
     * tail+1; a receiver reads state without LOCKED and with count > 0, checks that its slot is
     * full (seq[slot] == p+1: the sender of p = head has stored), then CASes head+1. The CAS is
     * the operation's linearisation point; afterwards the sender stores the value and releases
     * seq = p+1, the receiver takes and clears the value and releases seq = p+slots.length. A
     * check that fails sends the operation to the locked path instead of waiting: a fast-path
     * operation never waits for anyone.
     *
     * Locked mode: the channel's lock holder sets LOCKED (enter) before it looks at the buffer,
     * so every fast-path CAS from then on fails and the positions are frozen for it; fast
     * operations that already won their CAS are settled by the same seq waits. The holder clears
     * LOCKED (leave) only when no sender or receiver is parked on the channel and it is open, so
     * while anyone is parked every operation takes the lock and the channel's invariants I1-I4
     * (in Channel) hold exactly as with a lock-only buffer.
     *
     * Invariants:
     *   R1. Only the lock holder sets or clears LOCKED, and only it changes state while LOCKED
     *       is set.
     *   R2. LOCKED is set whenever a node is parked in either queue of the channel, or the
     *       channel is closed (Channel.unlock leaves it set then). Hence no fast operation
     *       bypasses a parked one: a fast send never overtakes a parked sender (FIFO, I3), and a
     *       fast receive never misses that a parked sender must refill the buffer.
     *   R3. seq[slot] cycles p -> p+1 -> p+slots.length for the positions p of that slot; only
     *       the owner of position p writes slot and seq for p.
     *   R4. Only the lock holder ever waits for a slot (store/take/awaitSeq); fast operations
     *       check the slot before their CAS and give up instead. A first version let fast
     *       operations claim first and wait after; the 4x4 stress test (2 carriers, mixed
     *       virtual and platform threads) then hung with every party spinning on one slot whose
     *       settling owner made no progress (not diagnosed further in the time box). With R4
     *       every wait is on a party that has won its CAS and has nothing left to wait for.
     *
     * Memory-ordering protocol:
     *   1. The CAS on state (volatile) orders position claims and LOCKED: a fast operation whose
     *      CAS succeeds did so before enter's getAndBitwiseOr, so the holder counts it.
     *   2. A sender's value store precedes its release of seq; the receiver (or lock holder)
     *      acquires seq before reading the value. A receiver's clearing of the slot precedes its
     *      release of seq; the next sender acquires seq before storing.
     *   3. The holder's state writes happen under the lock; its final leave (a volatile write)
     *      publishes them to fast operations, which read state volatile.
     *
     * Rejected alternatives: see Channel; in short, the segment-based channel of kotlinx.coroutines
     * would also remove the lock from parking and select, and was beyond this step's time box.
     *
     * References: D. Vyukov, "Bounded MPMC queue" (1024cores.net); kotlinx.coroutines
     * BufferedChannel.kt (arXiv 2211.04986) for the idea of claiming a position by counter.
     */

    /** Largest capacity that gets a ring (allocated up front); larger ones keep a lock buffer. */
    static final int MAX_CAPACITY = 1024;

    private static final long LOCKED = 1L << 62;
    private static final int POSITION_BITS = 31;
    private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
    private static final int SPINS_BEFORE_YIELD = 64;

    private final int capacity;
    private final int mask;
    /** Slot of each position; written by the position's owner only (R3). */
    private final Object[] slots;
    /** Settling sequence of each slot (R3); release-written by owners, acquire-read. */
    private final int[] seq;
    /** LOCKED | tail | head; CASed by fast operations, written by the lock holder (R1). */
    private volatile long state;

    BufferRing(int capacity) {
        this.capacity = capacity;
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        if (size < capacity) {
            size <<= 1;
        }
        this.mask = size - 1;
        this.slots = new Object[size];
        this.seq = new int[size];
        for (int i = 0; i < size; i++) {
            seq[i] = i;
        }
    }

    // ## Fast path: no lock ##

    /** Buffers {@code value} if the ring is not locked and has room; false means "take the lock". */
    boolean trySendFast(Object value) {
        long s = state;
        while ((s & LOCKED) == 0 && count(s) < capacity) {
            int position = tail(s);
            int slot = position & mask;
            if ((int) SEQ.getAcquire(seq, slot) != position) {
                return false; // the previous lap's receiver is still leaving the slot: R4
            }
            long witness = (long) STATE.compareAndExchange(this, s, withTail(s, position + 1));
            if (witness == s) {
                slots[slot] = value;
                SEQ.setRelease(seq, slot, (position + 1) & (int) POSITION_MASK);
                return true;
            }
            s = witness;
        }
        return false;
    }

    /** Takes the oldest value if the ring is not locked and not empty; null means "take the lock". */
    Object tryReceiveFast() {
        long s = state;
        while ((s & LOCKED) == 0 && count(s) > 0) {
            int position = head(s);
            int slot = position & mask;
            if ((int) SEQ.getAcquire(seq, slot) != ((position + 1) & (int) POSITION_MASK)) {
                return null; // its sender has claimed the position but not stored yet: R4
            }
            long witness = (long) STATE.compareAndExchange(this, s, withHead(s, position + 1));
            if (witness == s) {
                Object value = slots[slot];
                slots[slot] = null;
                SEQ.setRelease(seq, slot, (position + slots.length) & (int) POSITION_MASK);
                return value;
            }
            s = witness;
        }
        return null;
    }

    // ## Locked mode: the channel's lock holder only ##

    /** Called right after taking the channel's lock: freezes the positions (R1). */
    void enter() {
        STATE.getAndBitwiseOr(this, LOCKED);
    }

    /** Called right before releasing the lock when nothing is parked and the channel is open. */
    void leave() {
        state = state & ~LOCKED;
    }

    int countLocked() {
        return count(state);
    }

    void appendLocked(Object value) {
        long s = state;
        store(tail(s), value);
        state = withTail(s, tail(s) + 1);
    }

    Object takeLocked() {
        long s = state;
        Object value = take(head(s));
        state = withHead(s, head(s) + 1);
        return value;
    }

    // ## Slots ##

    /** Lock holder only (R4). */
    private void store(int position, Object value) {
        int slot = position & mask;
        awaitSeq(slot, position);
        slots[slot] = value;
        SEQ.setRelease(seq, slot, (position + 1) & (int) POSITION_MASK);
    }

    /** Lock holder only (R4). */
    private Object take(int position) {
        int slot = position & mask;
        awaitSeq(slot, (position + 1) & (int) POSITION_MASK);
        Object value = slots[slot];
        slots[slot] = null;
        SEQ.setRelease(seq, slot, (position + slots.length) & (int) POSITION_MASK);
        return value;
    }

    /**
     * Waits, as the lock holder, for the owner of a position that has won its fast-path CAS to
     * settle the slot; that owner checked the slot before its CAS and never waits (R4), so the
     * wait is a few instructions unless its carrier is descheduled.
     */
    private void awaitSeq(int slot, int expected) {
        for (int spins = 0; (int) SEQ.getAcquire(seq, slot) != expected; spins++) {
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private static int head(long s) {
        return (int) (s & POSITION_MASK);
    }

    private static int tail(long s) {
        return (int) ((s >>> POSITION_BITS) & POSITION_MASK);
    }

    private static int count(long s) {
        return (int) ((tail(s) - head(s)) & POSITION_MASK);
    }

    private static long withHead(long s, int head) {
        return (s & ~POSITION_MASK) | (head & POSITION_MASK);
    }

    private static long withTail(long s, int tail) {
        return (s & ~(POSITION_MASK << POSITION_BITS)) | ((tail & POSITION_MASK) << POSITION_BITS);
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(int[].class);

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BufferRing.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
