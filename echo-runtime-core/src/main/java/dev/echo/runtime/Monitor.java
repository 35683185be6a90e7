package dev.echo.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's sysmon for one runtime: a platform daemon thread, holding no processor, that keeps the
 * scheduler honest where the workers cannot, because they are busy running tasks.
 *
 * <ul>
 *   <li><b>Hand-off.</b> A processor whose task count has not moved for
 *       {@link #HOLD_LIMIT_NANOS} while it is RUNNING is held by one task (a CPU loop, a long
 *       spawning loop, or a native call pinning the carrier). Its queued work is moved to the
 *       global queue, where any processor takes it. If every processor is held and work still
 *       waits, {@link Scheduler#handOff} retires the longest-held processor and gives a fresh
 *       one to another worker, as Go hands the P of a goroutine stuck in a system call to a new
 *       M. (Retiring only then keeps a busy spawner on a 2-processor runtime from being
 *       treated as stuck while the other processor is draining its work.)</li>
 *   <li><b>Timers.</b> Timers overdue by more than {@link #TIMER_SLACK_NANOS} are fired here
 *       when no worker got to them.</li>
 *   <li><b>I/O.</b> When no worker blocks in the Reactor and none has polled it for
 *       {@link Reactor#STARVED_NANOS} (all busy with long tasks), the monitor runs a
 *       non-blocking round of the event loop itself, so a busy worker never starves I/O.</li>
 *   <li><b>Lost wake-ups.</b> Work in the global queue with idle processors and no spinning
 *       worker gets a {@link Scheduler#wakeP}. The submission protocol makes this a belt to
 *       its braces.</li>
 * </ul>
 *
 * <p>It sleeps {@link #MIN_DELAY_NANOS} while any processor runs, backing off to
 * {@link #MAX_DELAY_NANOS} while all are idle.
 */
final class Monitor implements Runnable {

    /** Go's forcePreemptNS: how long one task may hold a processor while work waits. */
    static final long HOLD_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long TIMER_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A monitor sleep this much longer than asked means the JVM or the OS stalled us. */
    static final long OVERSLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Scheduler scheduler;
    private final Thread thread;
    private volatile boolean stopped;
    /** Hand-offs performed; read by statistics. */
    private volatile long handOffs;
    /**
     * Work the submission protocol should have woken a worker for, found waiting with idle
     * processors and no spinner on two rounds in a row; the monitor woke one (tests read it).
     */
    volatile long lostWakeUps;
    private long lostWakeUpPushes = -1;

    Monitor(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.thread = Thread.ofPlatform().daemon().name(scheduler.name + "-monitor").unstarted(this);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    Thread thread() {
        return thread;
    }

    long handOffs() {
        return handOffs;
    }

    @Override
    public void run() {
        long delay = MIN_DELAY_NANOS;
        while (!stopped) {
            long before = System.nanoTime();
            LockSupport.parkNanos(this, delay);
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            if (now - before > delay + OVERSLEEP_NANOS) {
                // The monitor itself was not running (a GC pause, the OS descheduling it): the
                // carriers probably were not either, so "no progress for 10 ms" proves nothing.
                forgetHolds();
            }
            boolean busy = check(now);
            delay = busy ? MIN_DELAY_NANOS : Math.min(delay * 2, MAX_DELAY_NANOS);
        }
    }

    private void forgetHolds() {
        for (int i = 0; i < scheduler.processorCount; i++) {
            scheduler.slot(i).monitorSeenTicks = -1;
        }
    }

    /** One round; returns true if any processor was running. */
    private boolean check(long now) {
        Scheduler s = scheduler;
        boolean anyRunning = false;
        int held = 0;
        Processor longestHeld = null;
        for (int i = 0; i < s.processorCount; i++) {
            Processor p = s.slot(i);
            if (p.state != Processor.RUNNING) {
                p.monitorSeenTicks = -1;
                if (p.progressTicks != -1) {
                    p.progressTicks = -1;
                }
                continue;
            }
            anyRunning = true;
            long ticks = p.tasksRun();
            if (ticks != p.progressTicks) {
                // Since before ticks: a reader that sees these ticks sees this since
                // (EchoRuntime.processorHolds reads them in the other order).
                p.progressSince = now;
                p.progressTicks = ticks;
            }
            if (ticks != p.monitorSeenTicks) {
                p.monitorSeenTicks = ticks;
                p.monitorSeenSince = now;
                continue;
            }
            if (now - p.monitorSeenSince < HOLD_LIMIT_NANOS) {
                continue;
            }
            held++;
            if (longestHeld == null || p.monitorSeenSince - longestHeld.monitorSeenSince < 0) {
                longestHeld = p;
            }
            // Step 1: what waits behind the long task goes where another processor can take
            // it (pointless, and order-breaking, with a single processor).
            if (s.processorCount > 1 && !p.queue.isEmpty() && p.queue.drainTo(s.global) > 0) {
                s.wakeP();
            }
        }
        // Step 2: only when every processor is held (all carriers in CPU loops or pinned) does
        // the scheduler need another one: retire the longest-held. Never with one processor:
        // that runtime is the original's single-threaded executor, one carrier in a
        // deterministic order, and a task that never yields holds it (as in Tokio's
        // current-thread runtime).
        if (s.processorCount > 1 && held == s.processorCount && !s.global.isEmpty()
                && s.handOff(longestHeld) != null) {
            handOffs = handOffs + 1;
        }
        if (s.reactor.hasOverdueTimers(now - TIMER_SLACK_NANOS)) {
            s.reactor.monitorTimerFires.add(s.reactor.timers.fireDue(System.nanoTime()));
            s.reactor.pollNow();
        }
        // I/O nobody has polled for Reactor.STARVED_NANOS (every worker busy in long tasks, no
        // poller blocked): poll it here, as Go's sysmon polls the network. What it wakes goes to
        // the global queue, and wakeP finds it a processor.
        s.reactor.pollIfStarved(now);
        if (!s.global.isEmpty() && s.idleProcessorCount() > 0 && s.spinning.get() == 0) {
            // Counted as a lost wake-up only if nothing was taken since the last round either:
            // a submitter may be between its push and its own wakeP right now.
            long pushes = s.global.pushes();
            if (pushes == lostWakeUpPushes) {
                lostWakeUps++;
            }
            lostWakeUpPushes = pushes;
            s.wakeP();
        } else {
            lostWakeUpPushes = -1;
        }
        return anyRunning || s.reactor.hasTimers();
    }
}
