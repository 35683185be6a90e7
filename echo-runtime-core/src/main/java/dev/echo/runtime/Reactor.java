package dev.echo.runtime;

import io.netty.channel.IoEventLoop;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The Reactor of the original design: it watches I/O readiness (a Netty 4.2 {@code IoHandler}:
 * epoll, kqueue, io_uring or NIO, see {@link Transport}) and timers ({@link TimerHeap}), and
 * wakes tasks through their wakers.
 *
 * <p>It has no platform thread of its own. As in Go's scheduler, a worker that runs out of tasks
 * becomes the one <em>poller</em> and blocks in {@link #poll} until I/O is ready, the next
 * timer is due, or someone calls {@link #wakeup}; busy workers poll without blocking at their
 * scheduling points ({@link #pollNow}); the monitor polls when nobody has for
 * {@link #STARVED_NANOS} ({@link #pollIfStarved}). So readiness, timers and task execution share
 * threads, and a task woken by I/O usually runs on the thread that saw the I/O.
 *
 * <p>Netty's {@link ManualIoEventLoop} runs the {@code IoHandler}; Netty code (channel
 * pipelines, {@link #eventLoop()} users such as {@code dev.echo.runtime.net}) sees one ordinary
 * event loop, the {@link CountingEventLoop} in front of it, which counts the tasks queued and not
 * yet run ({@link #pendingTasks()}).
 */
final class Reactor {

    /*
     * Implementation overview
     * =======================
     *
     * The owner. A ManualIoEventLoop is bound to one owning Thread for life: setOwningThread
     * may be called once (a CAS from null), run/runNow throw IllegalStateException on any
     * other thread, and inEventLoop() is an identity test with that Thread - which is what
     * every Netty channel uses to decide between running inline and queueing a task. The
     * poller role, though, moves between workers. So the owning Thread is a *virtual* thread,
     * `owner`, whose scheduler is this class (resumeOwner): it runs on whichever platform
     * thread drives the loop. Driving = running the owner's continuation: the owner does one
     * round (loop.run(wait) or loop.runNow()) and parks, which unmounts it and returns control
     * to the driver. inEventLoop() is true exactly on the owner, whatever carries it.
     *
     * Roles
     *  - driver: the platform thread that runs the owner now (`driver`, a lock taken by CAS).
     *    Workers (blocking as the poller, or non-blocking at scheduling points), the monitor,
     *    close(), or - in dedicated mode - one platform thread that holds it for life.
     *  - poller: the one worker that may block in the loop (`polling`); Go's "lastpoll == 0".
     *    While it blocks, pollDeadline says until when; NOT_POLLING otherwise.
     *
     * Invariants
     *  1. Only the driver touches the loop's run methods, and only through drive(); the owner's
     *     continuation is run by the driver alone, so Netty's single-thread rules hold.
     *  2. At most one poller; only it passes a wait >= 0 to the loop (blocks).
     *  3. pollDeadline != NOT_POLLING only while the poller holds the driver lock; it is the
     *     instant the blocking round ends by itself (TimerHeap.NONE: not before a wake-up).
     *  4. After `closed` is set (under the driver lock) nobody drives again: the owner has
     *     terminated and the loop's file descriptors are closed.
     *
     * Protocol of one round (drive)
     *  1. The driver writes the request (wait) and bumps `requested` (volatile).
     *  2. It unparks the owner; the JDK hands the owner's continuation to resumeOwner on the
     *     driver's own thread (the owner is parked: the previous round's driver returned only
     *     after the owner yielded).
     *  3. The driver runs the continuation: the owner runs one loop round - I/O handlers fire
     *     and unpark tasks, which reach Scheduler.execute on the driver's carrier - writes
     *     `completed` (volatile) and parks, and the continuation returns.
     *  4. If `completed` is not this round's number, the owner parked inside the round (a
     *     contended lock in Netty code, a timed sleep after a loop exception): the driver waits
     *     for resumeOwner to hand the continuation back (called by whoever unparks the owner)
     *     and runs it again, as if the driver itself had blocked on that lock.
     *
     * Wake-up protocol (no lost wake-ups)
     *  1. Poller: publish pollDeadline (volatile), then re-read the timer heap; block only if no
     *     earlier deadline appeared.
     *  2. Scheduling a timer: push it (the heap's volatile nextDeadline), then read
     *     pollDeadline; if the new timer is earlier, wakeup().
     *  3. wakeup() queues an empty task into the loop (ManualIoEventLoop.execute): the handler's
     *     canBlock() re-checks the task queue after it publishes that it sleeps, and execute
     *     wakes a sleeping handler (eventfd write for epoll), so the wake-up is seen whether it
     *     lands before, during or after the poller's epoll_wait. (A bare IoHandler.wakeup()
     *     before the handler published its sleep would be lost.)
     *  4. wakeup() first sets wakeRequested. The WAKE task of step 3 may be consumed by a
     *     non-blocking round (a worker's pollNow, the monitor) that runs before the poller takes
     *     the driver lock - after the waker changed a condition (stopping, work queued) but
     *     before the poller read it. So the poller, after publishing pollDeadline, clears the
     *     flag and does not block if it was set. A wakeup() after that point queues a WAKE
     *     that only the poller's own round can consume (it holds the driver lock).
     *  Tasks' own I/O (a write from a task, a read resumed) goes through Netty's execute too
     *  (CountingEventLoop's, which counts it and queues it on the loop), so it wakes the
     *  poller by the same path. WAKE goes to the loop directly: it is not a pending task.
     *
     * Who polls when (see Worker.findRunnable and Monitor)
     *  - a worker with no processor and nothing visible to run: the poller, blocking until the
     *    next timer (Go's findRunnable -> netpoll(delay));
     *  - a worker at a scheduling point with nothing local (and every 61st turn): pollNow(),
     *    non-blocking, only if nobody blocks in the loop and the last round ended at least
     *    MIN_POLL_GAP_NANOS ago (Go's netpoll(0) "only an optimization before we resort to
     *    stealing", guarded by lastpoll);
     *  - the monitor, if nobody has polled for STARVED_NANOS while nobody blocks (Go's sysmon).
     *  Tasks woken by a worker holding a processor go to its run-next slot; by the poller (no
     *  processor) to the global queue, which the poller then runs itself (Worker.acquireProcessor).
     *
     * Dedicated mode. An IoHandlerFactory whose isChangingThreadSupported() is false (io_uring,
     * whose ring is set up with IORING_SETUP_SINGLE_ISSUER) cannot be driven from
     * rotating carriers; then one platform thread, "<name>-reactor-driver", holds the driver lock
     * for life and workers only fire timers. The system property echo.reactor.driver=dedicated
     * forces it, to measure one arrangement against the other (docs/reactor.md).
     *
     * Rejected alternatives
     *  - One dedicated platform thread always: every readiness becomes a cross-thread hop
     *    (reactor thread -> global queue -> wake a worker), and on 2 cores a third busy thread;
     *    measured slower (docs/reactor.md).
     *  - A re-implementation of ManualIoEventLoop whose owner field moves with the poller role:
     *    about as much code as Netty's class, kept in step with Netty by hand.
     *  - Swapping ManualIoEventLoop's private owningThread by reflection: Netty internals.
     *  - One event loop per worker: a channel is registered with one loop for life, and workers
     *    come and go; a task's connection would be stranded with a parked worker.
     *  - Netty's scheduled tasks for Echo's timers: Echo's heap is shared with deadlock
     *    detection and the monitor, and must not depend on the loop being driven.
     *
     * References: Go runtime/netpoll.go (netpollBreak, netpollblock), proc.go (findRunnable,
     * sysmon's "poll network if not polled for more than 10ms"); Netty ManualIoEventLoop,
     * EpollIoHandler.run / wakeup.
     */

    private static final System.Logger LOG = System.getLogger("dev.echo.runtime");

    /** pollDeadline while nobody blocks in the loop. Not a nanoTime instant anyone schedules. */
    static final long NOT_POLLING = Long.MIN_VALUE;
    /** Go's sysmon: poll the network if nobody has for this long. */
    static final long STARVED_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * A scheduling point polls I/O only if the last round ended this long ago: an empty
     * runNow() costs ~0.3 us (epoll_wait) plus ~0.3 us to mount the owner (measured, see
     * docs/reactor.md); picked so that a worker switching tasks rapidly pays < 5% for it.
     */
    static final long MIN_POLL_GAP_NANOS = Long.getLong("echo.reactor.minPollGapNanos", TimeUnit.MICROSECONDS.toNanos(20));
    private static final Runnable WAKE = () -> {
    };
    /** A round request (in place of a wait) that shuts the loop down and ends the owner. */
    private static final long SHUT_DOWN = Long.MIN_VALUE;

    final TimerHeap timers;
    /** The transport in use (never AUTO). */
    final Transport transport;
    private final ManualIoEventLoop loop;
    /** What every channel and {@link #eventLoop()} caller sees: the loop, counting its tasks. */
    private final CountingEventLoop counted;
    /** The loop's owning thread: virtual, scheduled by resumeOwner, carried by the driver. */
    private final Thread owner;
    /** The platform thread that drives for life in dedicated mode; null when the role rotates. */
    private final Thread dedicated;

    /** The poller role (invariant 2). */
    private final AtomicBoolean polling = new AtomicBoolean();
    /** The driver lock: the thread running the owner now, or null. CAS to take, set null to give. */
    private final AtomicReference<Thread> driver = new AtomicReference<>();
    /** The poller waiting for a non-blocking driver to finish; read by unlockDriver. */
    private volatile Thread driveWaiter;
    /**
     * Set by wakeup(), cleared by the poller just before it decides whether to block (wake-up
     * protocol step 4): the WAKE task wakeup() queues can be consumed by a non-blocking round
     * that runs before the poller takes the driver lock, and the flag survives that.
     */
    private volatile boolean wakeRequested;
    /** Invariant 3. Written by the poller (driver lock held); read by schedule() and pollers. */
    private volatile long pollDeadline = NOT_POLLING;
    /** When the last round ended (System.nanoTime); written by drivers, read by anyone. */
    private volatile long lastPollNanos = System.nanoTime();

    /** The owner's continuation, handed over by resumeOwner; taken by the driver. */
    private volatile Runnable ownerContinuation;
    /** Round numbers: the driver writes requested, the owner writes completed. */
    private volatile long requested;
    private volatile long completed;
    /** The request and result of the current round (Netty's run(wait): -1 none, 0 forever). */
    private volatile long requestWaitNanos;
    private volatile int roundResult;
    /** Dedicated mode: set by close(); the driver thread runs the last round and exits. */
    private volatile boolean closing;
    /** Invariant 4. */
    private volatile boolean closed;

    /** Rounds by who drove them (statistics, and docs/reactor.md's measurements). */
    final LongAdder blockingRounds = new LongAdder();
    final LongAdder workerRounds = new LongAdder();
    final LongAdder monitorRounds = new LongAdder();

    Reactor(String name, Transport.Selected selected, int processors) {
        this.timers = new TimerHeap(processors);
        this.transport = selected.transport();
        this.owner = JdkHooks.virtualThreadBuilder(this::resumeOwner).name(name + "-reactor").unstarted(
                // Netty's allocators and recyclers give a FastThreadLocalThread its own caches and
                // every other thread a shared, locked path; this marks the owner as one of theirs.
                () -> FastThreadLocalThread.runWithFastThreadLocal(this::ownerLoop));
        this.loop = new ManualIoEventLoop(null, owner, selected.factory());
        this.counted = new CountingEventLoop(loop, name);
        owner.start(); // hands its continuation to resumeOwner; it runs at the first drive
        boolean rotating = selected.factory().isChangingThreadSupported()
                && !"dedicated".equals(System.getProperty("echo.reactor.driver"));
        if (rotating) {
            this.dedicated = null;
        } else {
            this.dedicated = Thread.ofPlatform().daemon().name(name + "-reactor-driver").unstarted(this::dedicatedLoop);
            driver.set(dedicated);
            dedicated.start();
        }
    }

    /** The event loop Netty channels of this runtime are registered with. */
    IoEventLoop eventLoop() {
        return counted;
    }

    /** Tasks Netty code queued on the loop and the loop has not begun (see CountingEventLoop). */
    long pendingTasks() {
        return counted.pendingTasks();
    }

    boolean isDedicated() {
        return dedicated != null;
    }

    // ## Timers ##

    /** Schedules a timer; wakes the poller if it is due before the poller would wake. */
    TimerHeap.Entry schedule(long deadline, Object target) {
        TimerHeap.Entry entry = timers.schedule(deadline, target);
        long blockedUntil = pollDeadline;
        if (blockedUntil != NOT_POLLING && (blockedUntil == TimerHeap.NONE || deadline - blockedUntil < 0)) {
            wakeup();
        }
        return entry;
    }

    boolean cancel(TimerHeap.Entry entry) {
        return timers.cancel(entry);
    }

    boolean hasTimers() {
        return !timers.isEmpty();
    }

    /**
     * A worker's scheduling turn: fires what is due, at the cost of a volatile read per stripe
     * when nothing is (and a nanoTime only when some timer exists). Returns how many fired.
     */
    int fireDueTimers() {
        long next = timers.nextDeadline();
        if (next == TimerHeap.NONE || next - System.nanoTime() > 0) {
            return 0;
        }
        return timers.fireDue(System.nanoTime());
    }

    /** Timers fired by the monitor because no worker got to them (statistics and tests). */
    final LongAdder monitorTimerFires = new LongAdder();

    /** True if a timer is due at {@code now} but nobody has fired it yet. */
    boolean hasOverdueTimers(long now) {
        return TimerHeap.isDue(timers.nextDeadline(), now);
    }

    // ## Polling (workers and the monitor) ##

    /** Claims the poller role; false if another thread holds it, or in dedicated mode. */
    boolean tryBecomePoller() {
        return dedicated == null && !polling.get() && polling.compareAndSet(false, true);
    }

    void stopPolling() {
        polling.set(false);
    }

    /** True if a worker is the poller now (it may be between rounds). */
    boolean hasPoller() {
        return dedicated != null || polling.get();
    }

    /**
     * Poller only. Fires due timers and runs one round of the loop, blocking until I/O, the next
     * timer, a {@link #wakeup} or {@code maxWaitNanos} (TimerHeap.NONE for no limit) - not at all
     * if timers fired. Returns the timers fired plus the I/O events and loop tasks handled.
     */
    int poll(long maxWaitNanos) {
        long now = System.nanoTime();
        int fired = timers.fireDue(now);
        if (!lockDriverIfOpen()) {
            return fired;
        }
        int handled;
        try {
            long limit = maxWaitNanos == TimerHeap.NONE ? TimerHeap.NONE : now + maxWaitNanos;
            long deadline = TimerHeap.earlier(timers.nextDeadline(), limit);
            pollDeadline = deadline; // wake-up protocol step 1 ...
            long wait;
            if (fired > 0 || TimerHeap.earlier(timers.nextDeadline(), limit) != deadline || consumeWakeRequest()) {
                wait = -1; // ... an earlier timer appeared meanwhile, or work is ready: don't block
            } else if (deadline == TimerHeap.NONE) {
                wait = 0; // Netty: block until I/O or a task
            } else {
                wait = Math.max(1, deadline - System.nanoTime());
            }
            blockingRounds.increment();
            handled = drive(wait);
        } finally {
            pollDeadline = NOT_POLLING;
            lastPollNanos = System.nanoTime();
            unlockDriver();
        }
        return fired + handled + timers.fireDue(System.nanoTime());
    }

    /**
     * A worker at a scheduling point, non-blocking: fires due timers and, if nobody blocks in
     * the loop and it has not run for {@link #MIN_POLL_GAP_NANOS}, runs a non-blocking round.
     * Returns timers fired plus I/O events and loop tasks handled.
     */
    int pollNow() {
        int n = timers.fireDue(System.nanoTime());
        if (dedicated == null && pollDeadline == NOT_POLLING
                && System.nanoTime() - lastPollNanos >= MIN_POLL_GAP_NANOS && tryLockDriverIfOpen()) {
            try {
                workerRounds.increment();
                n += drive(-1);
            } finally {
                lastPollNanos = System.nanoTime();
                unlockDriver();
            }
        }
        return n;
    }

    /**
     * The monitor: runs a non-blocking round if nobody blocks in the loop and nobody has polled
     * for {@link #STARVED_NANOS} (every worker busy with long tasks). Returns events handled.
     */
    int pollIfStarved(long now) {
        if (dedicated != null || pollDeadline != NOT_POLLING || now - lastPollNanos < STARVED_NANOS
                || !tryLockDriverIfOpen()) {
            return 0;
        }
        try {
            monitorRounds.increment();
            return drive(-1);
        } finally {
            lastPollNanos = System.nanoTime();
            unlockDriver();
        }
    }

    /**
     * Ends the poller's current (or next) blocking round early. Any thread; costs one queued
     * empty task and, only if the loop sleeps, one eventfd write.
     */
    void wakeup() {
        if (closed) {
            return;
        }
        wakeRequested = true;
        try {
            loop.execute(WAKE);
        } catch (RejectedExecutionException e) {
            // The loop is shutting down: nobody will block in it again.
        }
    }

    /** The poller, after publishing pollDeadline: was a wake-up asked for since its last round? */
    private boolean consumeWakeRequest() {
        if (!wakeRequested) {
            return false;
        }
        wakeRequested = false;
        return true;
    }

    // ## Driving the owner (see the protocol in the overview) ##

    /** The driver lock holder only: one round of the loop on this thread. */
    private int drive(long waitNanos) {
        requestWaitNanos = waitNanos;
        long round = requested + 1;
        requested = round;
        LockSupport.unpark(owner);
        while (true) {
            Runnable continuation = ownerContinuation;
            if (continuation == null) {
                LockSupport.park(this); // step 4: the owner parked inside the round
                continue;
            }
            ownerContinuation = null;
            continuation.run();
            if (completed == round) {
                return roundResult;
            }
        }
    }

    /** The owner's scheduler: the JDK calls this whenever the owner becomes runnable. */
    private void resumeOwner(Runnable continuation) {
        ownerContinuation = continuation;
        Thread current = driver.get();
        if (current != null && current != Thread.currentThread()) {
            LockSupport.unpark(current);
        }
    }

    /** The owner's body: one round per request, parking between rounds. */
    private void ownerLoop() {
        long done = 0;
        while (true) {
            long round = requested;
            if (round == done) {
                LockSupport.park(this);
                continue;
            }
            long wait = requestWaitNanos;
            int handled = 0;
            try {
                if (wait == SHUT_DOWN) {
                    handled = shutDownLoop();
                } else {
                    handled = wait < 0 ? loop.runNow() : loop.run(wait);
                }
            } catch (Throwable failure) {
                LOG.log(System.Logger.Level.WARNING, "Echo reactor: an event-loop round threw", failure);
            }
            roundResult = handled;
            done = round;
            completed = round;
            if (wait == SHUT_DOWN) {
                return; // the continuation ends: the owner thread terminates
            }
        }
    }

    /** On the owner: closes every channel, runs what that queues, and destroys the handler. */
    private int shutDownLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        int handled = 0;
        for (int i = 0; i < 1_000 && !loop.isTerminated(); i++) {
            handled += loop.runNow();
        }
        if (!loop.isTerminated()) {
            LOG.log(System.Logger.Level.WARNING, "Echo reactor: event loop did not terminate");
        }
        return handled;
    }

    private boolean tryLockDriverIfOpen() {
        if (closed || !driver.compareAndSet(null, Thread.currentThread())) {
            return false;
        }
        if (closed) {
            unlockDriver();
            return false;
        }
        return true;
    }

    /** The poller: waits for a non-blocking driver to finish. False once closed. */
    private boolean lockDriverIfOpen() {
        return lockDriverIfOpen(Long.MAX_VALUE);
    }

    /**
     * Waits for a driver to finish its round, until {@code deadline} (Long.MAX_VALUE: no
     * limit; a poller waits for a non-blocking round, microseconds). False once closed or
     * at the deadline.
     */
    private boolean lockDriverIfOpen(long deadline) {
        Thread self = Thread.currentThread();
        // An interrupt would make parkNanos return at once: waiting would become a busy spin.
        // The wait is short (a round), so the interrupt is kept for the caller instead.
        boolean interrupted = false;
        try {
            while (!driver.compareAndSet(null, self)) {
                if (closed || (deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0)) {
                    return false;
                }
                driveWaiter = self;
                if (pollDeadline != NOT_POLLING) {
                    wakeup(); // the holder blocks in the loop (close): end its round now
                }
                if (driver.get() != null) {
                    LockSupport.parkNanos(this, 1_000_000L); // a non-blocking round takes microseconds
                    interrupted |= Thread.interrupted();
                }
                driveWaiter = null;
            }
        } finally {
            if (interrupted) {
                self.interrupt();
            }
        }
        if (closed) {
            unlockDriver();
            return false;
        }
        return true;
    }

    private void unlockDriver() {
        driver.set(null);
        Thread waiter = driveWaiter;
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
    }

    // ## Dedicated mode ##

    private void dedicatedLoop() {
        while (!closing) {
            long now = System.nanoTime();
            int fired = timers.fireDue(now);
            long deadline = timers.nextDeadline();
            pollDeadline = deadline;
            long wait;
            if (fired > 0 || timers.nextDeadline() != deadline) {
                wait = -1;
            } else if (deadline == TimerHeap.NONE) {
                wait = 0;
            } else {
                wait = Math.max(1, deadline - System.nanoTime());
            }
            blockingRounds.increment();
            drive(wait);
            pollDeadline = NOT_POLLING;
            lastPollNanos = System.nanoTime();
        }
        drive(SHUT_DOWN);
        closed = true;
    }

    // ## Shutdown ##

    /**
     * Closes every channel on the loop, shuts the loop down and destroys its handler (closing
     * its file descriptors); the owner thread ends. Call after the workers have stopped.
     * Idempotent. Waits for a driver in a round at most until {@code deadline}: returns null
     * when closed, else what could not be closed (a round that never ends: a handler blocked).
     */
    String close(long deadline) {
        if (closed) {
            return null;
        }
        if (Thread.currentThread().isVirtual()) {
            // A virtual thread cannot carry the owner; lend a platform thread for the last round.
            String[] left = {null};
            Thread closer = Thread.ofPlatform().name(owner.getName() + "-closer").start(() -> left[0] = close(deadline));
            if (!joinUntil(closer, deadline)) {
                return "the event loop (its closer thread did not finish in time)";
            }
            return left[0];
        }
        if (dedicated != null) {
            closing = true;
            wakeup();
            return joinUntil(dedicated, deadline) ? null
                    : "the event loop (its driver thread " + dedicated.getName() + " is stuck in a round)";
        }
        if (!lockDriverIfOpen(deadline)) {
            if (closed) {
                return null;
            }
            Thread holder = driver.get();
            return "the event loop (" + (holder != null ? holder.getName() : "a driver") + " is stuck in a round)";
        }
        try {
            drive(SHUT_DOWN);
            closed = true;
        } finally {
            unlockDriver();
        }
        return null;
    }

    /** True if {@code thread} is the loop's owner (code running in a Netty handler of this loop). */
    boolean isOwner(Thread thread) {
        return thread == owner;
    }

    boolean isClosed() {
        return closed;
    }

    /** Joins until {@code deadline}; true if the thread ended. Keeps an interrupt for the caller. */
    private static boolean joinUntil(Thread thread, long deadline) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    return false;
                }
                try {
                    thread.join(java.time.Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
