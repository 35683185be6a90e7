package dev.echo.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * M of Go's G-M-P: a platform carrier thread that runs task continuations while it holds a
 * {@link Processor}, and otherwise steals, polls the Reactor or parks.
 *
 * <p>Fields without a note are owned by this worker's thread. {@link #processor} is also read
 * by {@link Scheduler#execute} running on this thread (inside a task it carries), which is the
 * same thread, so no ordering is needed.
 */
final class Worker extends Thread {

    /*
     * Implementation overview
     * =======================
     *
     * Ownership. Everything without a note belongs to this worker's OS thread: the worker
     * itself and the tasks it carries, which run on the same thread (a virtual thread's code
     * runs on its carrier), so Scheduler.execute called from a carried task may read and write
     * them without ordering. Three fields are written by other threads, and only these:
     * handedOver / handedOverSpinning (wakeP, handOff) and stopWake (Scheduler.stop).
     *
     * Submission intent (the SUBMIT_* bits of `submission`). Where a continuation goes depends
     * on why it is submitted, which only the code around the call knows:
     *   SUBMIT_TAIL    a spawn (Task start), or a joiner woken by a task that is ending: tail
     *                  of the local queue (spawn order is run order; a fan-out/join loop runs
     *                  the siblings before the joiner);
     *   SUBMIT_URGENT  a task woken by its due timer: the global queue's urgent ring;
     *   SUBMIT_NO_WAKE the poller firing or handling I/O without a P: it takes a P itself next,
     *                  so the submission does not wakeP (Worker.acquireProcessor);
     *   none           a wake-up by a running task (a channel hand-off): the run-next slot.
     * A submission of the running continuation itself is a Thread.yield (tail) unless
     * parkingTask is set: then it is a wake-up that landed while the task was parking, routed
     * as the waker meant it (Task.takeTimerWake: urgent; otherwise run-next).
     *
     * Hand-over protocol (a parked worker receives a P)
     *  1. wakeP / handOff pop this worker off the idle stack under the scheduler's lock; from
     *     then on a P *will* be handed to it.
     *  2. Outside the lock they write handedOverSpinning, then handedOver (volatile), then
     *     unpark. awaitHandOver re-reads handedOver after every return from park.
     *  3. Scheduler.stop sets stopWake only on workers still on the idle stack. A popped
     *     worker ignores `stopping` and waits for its P (step 1's promise); it then finds the
     *     scheduler stopping in findRunnable and releases the P properly. (Returning early
     *     stranded the P: SPINNING forever, the spinning count never decremented.)
     */

    static final int SUBMIT_TAIL = 1;
    static final int SUBMIT_URGENT = 2;
    static final int SUBMIT_NO_WAKE = 4;

    final Scheduler scheduler;
    /** The P this worker holds, or null. Owner-only. */
    Processor processor;
    /** The continuation running now; execute() compares against it to recognise a yield. */
    Runnable running;
    /**
     * Why this thread submits continuations right now: a set of the SUBMIT_* bits, set by the
     * code around the call (spawning, a task ending, firing timers, polling without a P) and
     * restored after it. Scheduler.execute routes by it; 0 is a plain wake-up by a running task.
     * Owner-only (the tasks this worker carries run on this same OS thread).
     */
    int submission;
    /**
     * The task carried now that has entered Task.park and not yet come back: a submission of
     * the running continuation while it is set is a wake-up that landed while the task was
     * still parking (the JDK hands it over when the yield completes), not a Thread.yield.
     * Written by that task on this thread; cleared when its continuation returns.
     */
    Task<?> parkingTask;
    private boolean isSpinning;
    private int turn;
    private int seed;

    /** A P handed over by wakeP / handOff while this worker was parked; written before unpark. */
    private volatile Processor handedOver;
    private volatile boolean handedOverSpinning;
    private volatile boolean stopWake;
    /** Idle-stack link; guarded by the scheduler's lock. */
    Worker nextIdle;

    /** A new worker that starts with {@code first} (already counted as spinning). */
    Worker(Scheduler scheduler, String name, Processor first) {
        super(null, null, name, 0, false);
        this.scheduler = scheduler;
        this.seed = name.hashCode() | 1;
        this.handedOverSpinning = true;
        this.handedOver = first;
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            Runnable task;
            while ((task = findRunnable()) != null) {
                runTask(task);
            }
        } finally {
            Processor p = processor;
            if (p != null) {
                processor = null;
                scheduler.releaseProcessor(p);
            }
            scheduler.workerExited(this);
        }
    }

    private void runTask(Runnable task) {
        Processor p = processor;
        p.countTaskRun();
        running = task;
        try {
            task.run();
        } catch (Throwable t) {
            // A JDK continuation never throws; anything else is a scheduler bug to report.
            System.getLogger("dev.echo.runtime").log(System.Logger.Level.ERROR, "continuation threw", t);
        } finally {
            running = null;
            parkingTask = null;
        }
    }

    // ## Finding work (see Scheduler's overview for the order) ##

    private Runnable findRunnable() {
        while (true) {
            Processor p = processor;
            if (p == null) {
                p = acquireProcessor();
                if (p == null) {
                    return null;
                }
                continue;
            }
            if (p.retired) {
                giveUpRetired(p);
                continue;
            }
            Runnable task = findLocalOrGlobal(p);
            if (task == null && (isSpinning || scheduler.maySpin())) {
                if (!isSpinning) {
                    isSpinning = true;
                    scheduler.spinning.incrementAndGet();
                    p.setState(Processor.SPINNING);
                }
                task = steal(p);
            }
            if (task != null) {
                return found(p, task);
            }
            if (scheduler.isStopping() && stopWithoutWork(p)) {
                return null;
            }
            idle(p);
        }
    }

    private Runnable findLocalOrGlobal(Processor p) {
        Scheduler s = scheduler;
        Runnable task;
        // Step 0: due timers first, every turn: what they wake goes ahead of queued work, and a
        // timer must not wait for the monitor while every processor stays busy (the step-1
        // branch below returns before step 5 whenever the global queue is not empty).
        s.reactor.fireDueTimers();
        if (++turn % Scheduler.GLOBAL_QUEUE_INTERVAL == 0) {
            if (s.processorCount > 1 && (task = s.global.poll()) != null) {
                p.countGlobalTake();
                return task;
            }
            s.reactor.pollNow();
        }
        LocalRunQueue queue = p.queue;
        if (p.runNextStreak < Scheduler.MAX_RUN_NEXT_STREAK || (task = queue.pop()) == null) {
            task = queue.pollRunNext();
            if (task != null) {
                p.runNextStreak++;
                return task;
            }
            task = queue.pop();
        }
        p.runNextStreak = 0;
        if (task != null) {
            return task;
        }
        task = takeGlobalBatch(p);
        if (task != null) {
            return task;
        }
        if (s.reactor.pollNow() > 0) {
            // What the poll woke: timer wake-ups land in the global queue's urgent ring.
            task = queue.pollRunNext();
            if (task == null && (task = queue.pop()) == null) {
                task = takeGlobalBatch(p);
            }
            return task;
        }
        return null;
    }

    /**
     * Go's globrunqget: moves a fair share of the global queue (urgent ring first) into
     * {@code p}'s local queue and returns one of them to run, or null if it is empty.
     */
    private Runnable takeGlobalBatch(Processor p) {
        Scheduler s = scheduler;
        Runnable task = s.global.pollBatch(1 + LocalRunQueue.CAPACITY / 2 / s.processorCount, p.queue, s.global);
        if (task != null) {
            p.countGlobalTake();
        }
        return task;
    }

    private Runnable steal(Processor self) {
        int n = scheduler.processorCount;
        for (int pass = 0; pass < 4; pass++) {
            int start = nextRandom() % n;
            for (int i = 0; i < n; i++) {
                Processor victim = scheduler.slot((start + i) % n);
                if (victim == self) {
                    continue;
                }
                Runnable task = victim.queue.stealInto(self.queue);
                if (task != null) {
                    self.countSteal(victim, 1 + self.queue.size());
                    return task;
                }
            }
            Runnable task = takeGlobalBatch(self);
            if (task != null) {
                return task;
            }
        }
        return null;
    }

    private Runnable found(Processor p, Runnable task) {
        if (isSpinning) {
            isSpinning = false;
            p.setState(Processor.RUNNING);
            if (scheduler.spinning.decrementAndGet() == 0) {
                scheduler.wakeP();
            }
        } else if (p.state != Processor.RUNNING) {
            p.setState(Processor.RUNNING);
        }
        return task;
    }

    /** Step 7: give up the P, re-check, and block (as poller or on the idle stack). */
    private void idle(Processor p) {
        p.queue.clearStaleSlots();
        processor = null;
        scheduler.releaseProcessor(p);
        if (isSpinning) {
            isSpinning = false;
            scheduler.spinning.decrementAndGet();
        }
        if (scheduler.hasVisibleWork()) {
            Processor again = scheduler.tryAcquireIdleProcessor();
            if (again != null) {
                again.setState(Processor.SPINNING);
                processor = again;
                return;
            }
        }
        // Back in findRunnable with no P: acquireProcessor() polls or parks.
    }

    /**
     * A worker with no P: takes an idle P if work is visible, otherwise becomes the Reactor's
     * poller if no one else is, otherwise parks until handed a P. Null: exit.
     */
    private Processor acquireProcessor() {
        Scheduler s = scheduler;
        while (true) {
            Processor p = takeHandedOver();
            if (p != null) {
                return p;
            }
            if (s.isStopping()) {
                return null;
            }
            if (s.hasVisibleWork() && (p = s.tryAcquireIdleProcessor()) != null) {
                p.setState(Processor.SPINNING);
                processor = p;
                return p;
            }
            if (s.reactor.tryBecomePoller()) {
                int outer = submission;
                submission = outer | SUBMIT_NO_WAKE;
                try {
                    s.reactor.poll(TimerHeap.NONE);
                } finally {
                    submission = outer;
                    s.reactor.stopPolling();
                }
                if (!s.global.isEmpty()) {
                    // Run what the poll woke on this thread (no hand-off to another worker);
                    // if it is more than one, found() / wakeP share the rest as usual.
                    p = s.tryAcquireIdleProcessor();
                    if (p != null) {
                        p.setState(Processor.SPINNING);
                        processor = p;
                        if (s.global.size() > 1) {
                            s.wakeP();
                        }
                        return p;
                    }
                    s.wakeP();
                }
                continue;
            }
            if (!s.parkWorker(this)) {
                return null;
            }
        }
    }

    /** Takes a P handed over by wakeP / handOff, adopting its spinning count. */
    private Processor takeHandedOver() {
        Processor p = handedOver;
        if (p == null) {
            return null;
        }
        handedOver = null;
        if (handedOverSpinning) {
            isSpinning = true;
        }
        processor = p;
        return p;
    }

    private void giveUpRetired(Processor p) {
        processor = null;
        scheduler.retiredGivenUp(p);
    }

    private boolean stopWithoutWork(Processor p) {
        processor = null;
        scheduler.releaseProcessor(p);
        if (isSpinning) {
            isSpinning = false;
            scheduler.spinning.decrementAndGet();
        }
        return true;
    }

    // ## Hand-over between threads ##

    /** Called by another thread (under no lock) to give this parked worker a P. */
    void handOver(Processor p, boolean asSpinning) {
        handedOverSpinning = asSpinning;
        handedOver = p;
        LockSupport.unpark(this);
    }

    void wakeForStop() {
        stopWake = true;
        LockSupport.unpark(this);
    }

    /**
     * Parks until handOver() (true) or a stop while still on the idle stack (false): hand-over
     * protocol step 3. A worker popped by wakeP / handOff waits for the P it was promised.
     */
    boolean awaitHandOver(Scheduler s) {
        while (true) {
            if (handedOver != null) {
                return true;
            }
            if (stopWake) {
                return false;
            }
            LockSupport.park(s);
        }
    }

    private int nextRandom() {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return x & Integer.MAX_VALUE;
    }
}
