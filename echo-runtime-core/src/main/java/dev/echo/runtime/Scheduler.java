package dev.echo.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Echo's GMP scheduler: the {@link Executor} on which every Echo task (a virtual thread) runs.
 *
 * <p>G is a task's continuation (the {@code Runnable} the JDK hands to {@link #execute}); M is a
 * {@link Worker}, a platform carrier thread; P is a {@link Processor}, the right to run tasks
 * plus a local run queue. There are exactly {@code processors} Ps; Ms come and go.
 */
final class Scheduler implements Executor {

    /*
     * Implementation overview
     * =======================
     *
     * Where a continuation goes (execute)
     *  - Woken by a due timer (TimerHeap.fireDue, on any thread) -> the global queue's urgent
     *    ring, ahead of all queued work, then wakeP() (not when the poller fires without a P:
     *    it takes a P itself next). Its timer was due already; behind 100,000 tasks spawned
     *    and not yet run it used to wake hundreds of ms late (docs/benchmarks.md, timers).
     *  - Called on a worker that holds a live processor (the intent bits: Worker's overview):
     *      * the continuation that worker is running right now: a Thread.yield -> tail of the
     *        local queue (a yield lets the others run, it does not jump the queue); but a
     *        wake-up that landed while the task was still parking -> where that wake-up would
     *        have gone (urgent for a timer, run-next otherwise);
     *      * a task being spawned -> tail of the local queue (spawn order is run order; with one
 *        processor, to the global queue while it holds older overflow, so that stays true);
     *      * a joiner woken by a task that is ending -> tail too (a fan-out/join loop then runs
 *        the siblings first and joins them without parking once per join);
 *      * anything else is a wake-up -> the run-next slot, so a woken task runs as soon as
     *        the waker parks (a channel hand-off costs a hand-off, not a trip through queues).
     *        The task it displaces goes to the tail.
     *  - Called anywhere else (plain threads, JDK timer threads, the monitor, a worker without
     *    a processor) -> the global queue, then wakeP().
     *
     * Finding work (Worker.findRunnable), in order
     *  0. every turn: fire due timers (Go's checkTimers in findRunnable), so a timer never waits
     *     for the monitor's backstop while every processor is busy;
     *  1. every 61st turn: one task from the global queue, then poll I/O (fairness: neither a
     *     busy local queue nor a pair of ping-ponging tasks can starve them);
     *  2. run-next slot, unless it ran 3 times in a row while the local queue waits;
     *  3. local queue; 4. a batch from the global queue (urgent ring first); 5. due timers,
     *     then what they woke;
     *  6. if allowed to spin: steal half of a random victim's queue, 4 passes over all Ps;
     *  7. give up the P, re-check everything, then block: as the Reactor's poller if no one
     *     else is, otherwise parked on the idle-worker stack until wakeP() hands it a P.
     *
     * Spinning (bounded): a worker may spin (steal) only while 2 * spinning < busy Ps. When a
     * spinning worker finds work and it was the last spinner, it wakes another worker: there
     * may be more work where it found some (Go's resetspinning).
     *
     * Submission / idle protocol (no lost wake-ups; Go's proc.go "Worker thread parking")
     *  Submitter: 1. publish the work (volatile or release store, or a lock);
     *             2. read spinning and idleCount (volatile: a StoreLoad with step 1);
     *             3. if spinning == 0 and idleCount > 0, wake a worker (wakeP).
     *  Idle worker: 1. put its P on the idle stack (idleCount++), stop spinning (spinning--);
     *               2. re-read every queue (global, each P's ring - not a run-next slot,
     *                  which only its owner or the monitor takes) and the timers;
     *               3. if it sees work, take an idle P back and retry; otherwise block.
     *  Java volatile accesses are sequentially consistent, so one side sees the other.
     *  Local pushes from a running worker skip this protocol: that worker will run its own
     *  queue before it idles; other workers are woken only to share surplus.
     *
     * Hand-off (Monitor): a task that holds its P too long (a CPU loop, a native call that
     * pins the carrier) while work waits gets its P's queue moved to the global queue; if no P
     * is idle to run it, the P is retired and its slot given to a fresh P on another worker.
     * The worker still in the long task finds its P retired at its next scheduling point and
     * gives it up.
     *
     * Locks: `lock` guards the idle-P stack, the idle-worker stack and the worker list. It is
     * never held while running a task or parking.
     *
     * Rejected alternatives
     *  - ForkJoinPool as the scheduler: no run-next slot, no control over spinning, parking or
     *    hand-off, and no per-P statistics.
     *  - One worker permanently bound to each P: a pinned worker would strand its queue.
     *
     * References: Go runtime/proc.go (findRunnable, wakep, resetspinning, sysmon, retake);
     * Tokio runtime/scheduler/multi_thread/worker.rs; kotlinx CoroutineScheduler.
     */

    /** Go's 61: a prime, so fairness checks don't fall into step with workload patterns. */
    static final int GLOBAL_QUEUE_INTERVAL = 61;
    /** Picked out of thin air, as Tokio's MAX_LIFO_POLLS_PER_TICK. */
    static final int MAX_RUN_NEXT_STREAK = 3;

    final String name;
    final int processorCount;
    final InjectQueue global = new InjectQueue();
    final Reactor reactor;
    /** Slots; an element is replaced only by a hand-off (Monitor). */
    private final AtomicReferenceArray<Processor> slots;

    /** Guards idleProcessors, idleWorkers, workers. */
    private final SpinLock lock = new SpinLock();
    private final Processor[] idleProcessors;
    private int idleProcessorTop;
    /** Number of idle Ps; written under lock, read without (Go's sched.npidle). */
    private volatile int idleCount;
    private Worker idleWorkers;
    private int idleWorkerCount;
    private final List<Worker> workers = new ArrayList<>();
    /** workers.size(); written under lock, read without (statistics must not take the lock). */
    private volatile int workersAlive;
    private int workerSequence;

    /** Retired processors whose worker still runs the task that held them (Monitor hand-off). */
    final AtomicInteger retiredHeld = new AtomicInteger();
    /** Workers currently spinning (Go's sched.nmspinning). */
    final AtomicInteger spinning = new AtomicInteger();
    private volatile boolean stopping;
    private volatile boolean stopped;
    /** Called when every P has gone idle (deadlock detection); must be quick. */
    volatile Runnable onQuiescent;

    Scheduler(String name, int processorCount, Reactor reactor) {
        this.name = name;
        this.processorCount = processorCount;
        this.reactor = reactor;
        this.slots = new AtomicReferenceArray<>(processorCount);
        this.idleProcessors = new Processor[processorCount];
        for (int i = processorCount - 1; i >= 0; i--) {
            Processor p = new Processor(i);
            slots.set(i, p);
            idleProcessors[idleProcessorTop++] = p;
        }
        this.idleCount = processorCount;
    }

    // ## Submission ##

    @Override
    public void execute(Runnable task) {
        if (stopped) {
            // Only a continuation can arrive now: a task that ignored cancellation being woken
            // (close() rejects spawns itself). Nobody will run it; throwing would hand a
            // RejectedExecutionException to whoever woke it (a plain thread's channel send, a
            // timer being abandoned), so it is parked in the global queue for good.
            global.push(task);
            return;
        }
        if (JdkHooks.currentCarrierThread() instanceof Worker worker && worker.scheduler == this) {
            int intent = worker.submission;
            if ((intent & Worker.SUBMIT_URGENT) != 0) {
                // A timer's task is late already: ahead of queued work (InjectQueue's overview).
                submitUrgent(task, worker);
                return;
            }
            Processor p = worker.processor;
            if (p != null && !p.retired) {
                submitLocal(worker, p, task, intent);
                return;
            }
            if ((intent & Worker.SUBMIT_NO_WAKE) != 0) {
                // The poller fires timers (I/O) without a P; it takes an idle P itself right
                // after and wakes others only for what it cannot run (Worker.acquireProcessor).
                global.push(task);
                return;
            }
        }
        if (TimerHeap.firingOutsideWorkers()) {
            global.pushUrgent(task);
        } else {
            global.push(task);
        }
        wakeP();
    }

    private void submitUrgent(Runnable task, Worker worker) {
        global.pushUrgent(task);
        if ((worker.submission & Worker.SUBMIT_NO_WAKE) == 0) {
            wakeP();
        }
    }

    private void submitLocal(Worker worker, Processor p, Runnable task, int intent) {
        boolean tail = (intent & Worker.SUBMIT_TAIL) != 0;
        if (task == worker.running) {
            Task<?> parking = worker.parkingTask;
            if (parking == null) {
                tail = true; // Thread.yield: the others run first
            } else if (parking.takeTimerWake()) {
                // Its timer fired while it was still parking (Worker's overview): the wake
                // keeps the urgency the timer gave it.
                submitUrgent(task, worker);
                return;
            }
        }
        if (tail) {
            if (processorCount == 1 && (!global.isEmpty() || p.queue.isFull())) {
                // One processor promises FIFO. The local queue runs before the global one, so
                // when it is full the newest task goes to the global queue (not the oldest half,
                // as with several processors), and newer ones queue behind it there.
                global.push(task);
                return;
            }
            p.queue.push(task, global);
            if (task != worker.running) {
                wakeP();
            }
            return;
        }
        Runnable displaced = p.queue.offerRunNext(task);
        if (displaced != null) {
            p.queue.push(displaced, global);
            wakeP();
        }
    }

    /**
     * Wakes an idle worker and gives it an idle P, if there is an idle P and nobody is already
     * spinning to look for work (Go's wakep). The woken worker starts out spinning.
     */
    void wakeP() {
        if (idleCount == 0 || spinning.get() != 0 || !spinning.compareAndSet(0, 1)) {
            return;
        }
        Processor p;
        Worker worker;
        lock.lock();
        try {
            p = popIdleProcessor();
            if (p == null || stopping) {
                if (p != null) {
                    pushIdleProcessor(p);
                }
                spinning.decrementAndGet();
                return;
            }
            p.state = Processor.SPINNING;
            worker = popIdleWorker();
            if (worker == null) {
                worker = newWorker(p);
            }
        } finally {
            lock.unlock();
        }
        startOrHandOver(worker, p);
    }

    /**
     * Outside the lock (starting a thread takes a while): a new worker starts with its P. A
     * start that fails (no memory for another thread) gives the P back as idle and the spinning
     * count it carried, and is logged at ERROR (the first, then at every power of two): the
     * submission that asked for a worker is queued, and the next wakeP or the monitor tries
     * again. It is not thrown at the submitter, whose work was accepted; nothing is left
     * half-handed (a P stuck SPINNING with no worker wedged the runtime silently).
     */
    private void startOrHandOver(Worker worker, Processor p) {
        if (worker.getState() != Thread.State.NEW) {
            worker.handOver(p, true);
            return;
        }
        try {
            workerStarter.accept(worker);
        } catch (Throwable failure) {
            lock.lock();
            try {
                workers.remove(worker);
                workersAlive = workers.size();
                p.state = Processor.IDLE;
                pushIdleProcessor(p);
            } finally {
                lock.unlock();
            }
            spinning.decrementAndGet();
            long n = startFailures.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                System.getLogger("dev.echo.runtime").log(System.Logger.Level.ERROR, "Echo runtime '" + name
                        + "' could not start a worker thread (" + n + " failures so far); queued work waits", failure);
            }
        }
    }

    /** Worker thread starts that failed (startOrHandOver). */
    final java.util.concurrent.atomic.AtomicLong startFailures = new java.util.concurrent.atomic.AtomicLong();

    /** Starts a new worker; a test knob (a start that fails). */
    java.util.function.Consumer<Worker> workerStarter = Thread::start;

    // ## Idle processors and workers ##

    /** Takes an idle P for a worker that has none; null if none is idle. */
    Processor tryAcquireIdleProcessor() {
        if (idleCount == 0) {
            return null;
        }
        lock.lock();
        try {
            return stopping ? null : popIdleProcessor();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The worker gives up {@code p}; it must hold it and its local queue must be empty. A P the
     * monitor retired meanwhile is dropped, not made idle: its slot already has a fresh P.
     * Retiring happens under the same lock, so the two cannot interleave.
     */
    void releaseProcessor(Processor p) {
        p.setState(Processor.IDLE);
        p.countPark();
        boolean allIdle;
        lock.lock();
        try {
            if (p.retired) {
                allIdle = false;
            } else {
                pushIdleProcessor(p);
                allIdle = idleCount == processorCount;
            }
        } finally {
            lock.unlock();
        }
        if (p.retired) {
            retiredGivenUp(p);
        }
        if (allIdle) {
            Runnable listener = onQuiescent;
            if (listener != null) {
                listener.run();
            }
        }
    }

    /**
     * Parks {@code worker} on the idle stack until {@link #wakeP} hands it a P (true) or the
     * scheduler stops (false). A surplus worker exits instead: one beyond
     * {@link #maxIdleWorkers}, the most that can be in flight at once without a hand-off (a
     * worker per P, as many again that have just released theirs and not parked yet, and the
     * poller). A lower bound (it was one per P) made workers exit and wakeP start new ones
     * over and over: about 15 thread starts per round of the timers benchmark, 150 in a 7 s
     * JFR recording. Surplus beyond it comes from Monitor hand-offs and should go.
     */
    boolean parkWorker(Worker worker) {
        lock.lock();
        try {
            if (stopping || idleWorkerCount >= maxIdleWorkers()) {
                return false;
            }
            worker.nextIdle = idleWorkers;
            idleWorkers = worker;
            idleWorkerCount++;
        } finally {
            lock.unlock();
        }
        return worker.awaitHandOver(this);
    }

    private int maxIdleWorkers() {
        return 2 * processorCount + 1;
    }

    boolean isStopping() {
        return stopping;
    }

    private Processor popIdleProcessor() {
        if (idleProcessorTop == 0) {
            return null;
        }
        Processor p = idleProcessors[--idleProcessorTop];
        idleProcessors[idleProcessorTop] = null;
        idleCount = idleProcessorTop;
        return p;
    }

    private void pushIdleProcessor(Processor p) {
        idleProcessors[idleProcessorTop++] = p;
        idleCount = idleProcessorTop;
    }

    private Worker popIdleWorker() {
        Worker w = idleWorkers;
        if (w != null) {
            idleWorkers = w.nextIdle;
            w.nextIdle = null;
            idleWorkerCount--;
        }
        return w;
    }

    /** Under lock: a worker that will begin with {@code first}, counted as spinning; not started. */
    private Worker newWorker(Processor first) {
        Worker w = new Worker(this, name + "-worker-" + workerSequence++, first);
        workers.add(w);
        workersAlive = workers.size();
        return w;
    }

    void workerExited(Worker worker) {
        lock.lock();
        try {
            workers.remove(worker);
            workersAlive = workers.size();
        } finally {
            lock.unlock();
        }
    }

    // ## Looking for work across processors ##

    Processor slot(int i) {
        return slots.get(i);
    }

    /** True if a worker may start spinning: fewer than half the busy Ps have a spinner. */
    boolean maySpin() {
        return 2 * spinning.get() < processorCount - idleCount;
    }

    /**
     * Re-check of step 7: is there work anywhere that an idle worker could take? Only what
     * steal() can take counts: another P's run-next slot does not (it is its owner's next turn,
     * or the monitor's to hand off). Counting it made an idle worker loop - acquire a P, fail to
     * steal, release it, see the slot again - for as long as the owner ran its current task:
     * a third of a tcpecho profile.
     */
    boolean hasVisibleWork() {
        if (!global.isEmpty()) {
            return true;
        }
        for (int i = 0; i < processorCount; i++) {
            if (!slots.get(i).queue.isRingEmpty()) {
                return true;
            }
        }
        return reactor.hasOverdueTimers(System.nanoTime());
    }

    /**
     * No P runs, no queue holds work; a moment's view. A retired processor whose worker still
     * runs its task counts as running: that task may yet wake others.
     */
    boolean isQuiescent() {
        if (idleCount != processorCount || !global.isEmpty() || retiredHeld.get() != 0) {
            return false;
        }
        for (int i = 0; i < processorCount; i++) {
            Processor p = slots.get(i);
            if (!p.queue.isEmpty() || p.state != Processor.IDLE) {
                return false;
            }
        }
        return true;
    }

    /** Sum of tasks run and global submissions: changes whenever anything is scheduled. */
    long activity() {
        long sum = global.pushes();
        for (int i = 0; i < processorCount; i++) {
            sum += slots.get(i).tasksRun();
        }
        return sum;
    }

    int idleProcessorCount() {
        return idleCount;
    }

    // ## Hand-off (called by the Monitor) ##

    /**
     * Retires {@code p}, held too long by one task while every processor is held, and gives
     * its slot to a fresh processor on another worker (new, or idle). Returns the fresh
     * processor, or null if {@code p} was already gone.
     */
    Processor handOff(Processor p) {
        Processor fresh = new Processor(p);
        Worker worker;
        lock.lock();
        try {
            if (stopping || slots.get(p.id) != p || p.state != Processor.RUNNING) {
                return null;
            }
            slots.set(p.id, fresh);
            p.retired = true;
            retiredHeld.incrementAndGet();
            fresh.state = Processor.SPINNING;
            spinning.incrementAndGet();
            worker = popIdleWorker();
            if (worker == null) {
                worker = newWorker(fresh);
            }
        } finally {
            lock.unlock();
        }
        p.queue.drainTo(global);
        startOrHandOver(worker, fresh);
        return fresh;
    }

    /** The worker that held retired {@code p} lets go of it: what it queued meanwhile moves on. */
    void retiredGivenUp(Processor p) {
        // Messages its long task sent or received after the hand-off counted here: keep them.
        lateMessagesSent.add(p.messagesSent() - p.messagesSentTakenOver);
        lateMessagesReceived.add(p.messagesReceived() - p.messagesReceivedTakenOver);
        p.queue.drainTo(global);
        retiredHeld.decrementAndGet();
        wakeP();
    }

    // ## Shutdown ##

    /** Stops every worker once it runs out of work; returns the workers to join. */
    List<Worker> stop() {
        List<Worker> toJoin;
        lock.lock();
        try {
            stopping = true;
            toJoin = new ArrayList<>(workers);
            for (Worker w = idleWorkers; w != null; w = w.nextIdle) {
                w.wakeForStop();
            }
        } finally {
            lock.unlock();
        }
        reactor.wakeup();
        return toJoin;
    }

    /** After every worker has exited: later submissions are rejected. */
    void markStopped() {
        stopped = true;
    }

    /** True once close() has stopped the workers: a task submitted now can never run. */
    boolean isStopped() {
        return stopped;
    }

    List<ProcessorStats> processorStats() {
        List<ProcessorStats> stats = new ArrayList<>(processorCount);
        for (int i = 0; i < processorCount; i++) {
            stats.add(slots.get(i).snapshot());
        }
        return stats;
    }

    /** Messages counted on retired processors after their hand-off (added when they are given up). */
    private final java.util.concurrent.atomic.LongAdder lateMessagesSent = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder lateMessagesReceived = new java.util.concurrent.atomic.LongAdder();

    /**
     * Channel messages sent (EventCounters), summed over the processors now in the slots and
     * the late counts of retired ones (a task still holding a retired processor adds its
     * messages when it lets go of it).
     */
    long messagesSent() {
        long sum = lateMessagesSent.sum();
        for (int i = 0; i < processorCount; i++) {
            sum += slots.get(i).messagesSent();
        }
        return sum;
    }

    /** Channel messages received (EventCounters), summed as {@link #messagesSent()} is. */
    long messagesReceived() {
        long sum = lateMessagesReceived.sum();
        for (int i = 0; i < processorCount; i++) {
            sum += slots.get(i).messagesReceived();
        }
        return sum;
    }

    /** Workers ever created (a thread start each). */
    int workersStarted() {
        lock.lock();
        try {
            return workerSequence;
        } finally {
            lock.unlock();
        }
    }

    /** Workers alive; a moment's view, read without the scheduler's lock. */
    int workerCount() {
        return workersAlive;
    }
}
