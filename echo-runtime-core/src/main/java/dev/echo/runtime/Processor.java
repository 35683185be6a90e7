package dev.echo.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * P of Go's G-M-P: the right to run tasks, with the run queue that goes with it. A worker (M)
 * must hold a processor to run tasks; there are exactly {@code processors} of them in a
 * runtime, so at most that many tasks run at once.
 *
 * <p>Owner: the worker that holds it ({@link Scheduler} hands processors over under its lock).
 * Counters are written by the owner and read by statistics with opaque loads; a counter that
 * several threads write ({@code stealsOut}, written by thieves) is updated atomically.
 */
final class Processor {

    static final int IDLE = 0;
    static final int SPINNING = 1;
    static final int RUNNING = 2;

    final int id;
    final LocalRunQueue queue = new LocalRunQueue();

    /** IDLE, SPINNING or RUNNING; written by the owner (or the scheduler when parking it). */
    volatile int state = IDLE;
    /**
     * Set by the monitor when it has handed this processor's slot to a fresh processor because
     * one task held it too long; the worker still holding it gives it up at its next
     * scheduling point, pushing what is left to the global queue.
     */
    volatile boolean retired;

    /** Owner writes; the monitor reads (opaque) to notice a task holding the processor. */
    private long tasksRun;
    private long stealsIn;
    private long stealsOut;
    private long globalTakes;
    private long parks;
    private long busyNanos;
    /** Channel messages sent and received by tasks while this processor ran them (EventCounters). */
    private long messagesSent;
    private long messagesReceived;
    /**
     * On a retired processor: the message counts its replacement took over (written by the
     * monitor before {@link #retired} is set, read by the owner after it sees it), so that what
     * the long-running task counts here afterwards is added to the scheduler's late counts when
     * the owner gives it up, not lost with it.
     */
    long messagesSentTakenOver;
    long messagesReceivedTakenOver;
    /** Owner only: when it last became RUNNING (for busyNanos). */
    private long busySince;
    /** Owner only: consecutive tasks taken from the run-next slot. */
    int runNextStreak;

    /** Monitor only: the tasksRun it saw last, and when it first saw that value. */
    long monitorSeenTicks = -1;
    long monitorSeenSince;
    /**
     * Monitor writes, EchoRuntime.processorHolds reads (any thread): the same pair for
     * diagnostics, except that a monitor oversleep does not reset it. The hand-off forgets
     * holds after an oversleep (the carriers may not have run either); an operator asking
     * "how long has this processor been stuck" wants the whole time. -1: not running.
     */
    volatile long progressTicks = -1;
    volatile long progressSince;

    Processor(int id) {
        this.id = id;
    }

    /** A replacement for a retired processor: same id, counters carried over. */
    Processor(Processor retired) {
        this.id = retired.id;
        this.tasksRun = retired.tasksRun();
        this.stealsIn = (long) STEALS_IN.getOpaque(retired);
        this.stealsOut = (long) STEALS_OUT.getVolatile(retired);
        this.globalTakes = (long) GLOBAL_TAKES.getOpaque(retired);
        this.parks = (long) PARKS.getOpaque(retired);
        this.busyNanos = retired.busyNanos(System.nanoTime());
        this.messagesSent = retired.messagesSent();
        this.messagesReceived = retired.messagesReceived();
        retired.messagesSentTakenOver = this.messagesSent;
        retired.messagesReceivedTakenOver = this.messagesReceived;
    }

    // Owner-side counter updates.

    void countTaskRun() {
        TASKS_RUN.setOpaque(this, tasksRun + 1);
    }

    void countSteal(Processor victim, int stolen) {
        STEALS_IN.setOpaque(this, stealsIn + stolen);
        STEALS_OUT.getAndAdd(victim, (long) stolen);
    }

    void countGlobalTake() {
        GLOBAL_TAKES.setOpaque(this, globalTakes + 1);
    }

    void countMessages(int sent, int received) {
        if (sent != 0) {
            MESSAGES_SENT.setOpaque(this, messagesSent + sent);
        }
        if (received != 0) {
            MESSAGES_RECEIVED.setOpaque(this, messagesReceived + received);
        }
    }

    long messagesSent() {
        return (long) MESSAGES_SENT.getOpaque(this);
    }

    long messagesReceived() {
        return (long) MESSAGES_RECEIVED.getOpaque(this);
    }

    void countPark() {
        PARKS.setOpaque(this, parks + 1);
    }

    /** Owner: the processor starts or stops running tasks (busy time is RUNNING time). */
    void setState(int newState) {
        int old = state;
        if (old == newState) {
            return;
        }
        long now = System.nanoTime();
        if (newState == RUNNING) {
            BUSY_SINCE.setOpaque(this, now);
        } else if (old == RUNNING) {
            BUSY_NANOS.setOpaque(this, busyNanos + (now - busySince));
        }
        state = newState;
    }

    // Readers (any thread).

    long tasksRun() {
        return (long) TASKS_RUN.getOpaque(this);
    }

    /** Busy time including the current stretch, if the processor is running now. */
    long busyNanos(long now) {
        long busy = (long) BUSY_NANOS.getOpaque(this);
        if (state == RUNNING) {
            busy += Math.max(0, now - (long) BUSY_SINCE.getOpaque(this));
        }
        return busy;
    }

    ProcessorStats snapshot() {
        int s = state;
        String name = s == RUNNING ? "running" : s == SPINNING ? "spinning" : "idle";
        return new ProcessorStats(id, name, queue.size(), tasksRun(),
                (long) STEALS_IN.getOpaque(this), (long) STEALS_OUT.getVolatile(this),
                (long) GLOBAL_TAKES.getOpaque(this), (long) PARKS.getOpaque(this),
                busyNanos(System.nanoTime()));
    }

    // VarHandle mechanics

    private static final VarHandle TASKS_RUN;
    private static final VarHandle STEALS_IN;
    private static final VarHandle STEALS_OUT;
    private static final VarHandle GLOBAL_TAKES;
    private static final VarHandle PARKS;
    private static final VarHandle BUSY_NANOS;
    private static final VarHandle BUSY_SINCE;
    private static final VarHandle MESSAGES_SENT;
    private static final VarHandle MESSAGES_RECEIVED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TASKS_RUN = l.findVarHandle(Processor.class, "tasksRun", long.class);
            STEALS_IN = l.findVarHandle(Processor.class, "stealsIn", long.class);
            STEALS_OUT = l.findVarHandle(Processor.class, "stealsOut", long.class);
            GLOBAL_TAKES = l.findVarHandle(Processor.class, "globalTakes", long.class);
            PARKS = l.findVarHandle(Processor.class, "parks", long.class);
            BUSY_NANOS = l.findVarHandle(Processor.class, "busyNanos", long.class);
            BUSY_SINCE = l.findVarHandle(Processor.class, "busySince", long.class);
            MESSAGES_SENT = l.findVarHandle(Processor.class, "messagesSent", long.class);
            MESSAGES_RECEIVED = l.findVarHandle(Processor.class, "messagesReceived", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
