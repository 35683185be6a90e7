package dev.echo.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

/**
 * An Echo runtime: a GMP scheduler, its Reactor (I/O on a Netty transport, and timers) and its monitor. Tasks spawned here
 * are virtual threads carried by the runtime's own workers.
 *
 * <pre>{@code
 * try (EchoRuntime runtime = EchoRuntime.builder().processors(4).name("app").build()) {
 *     long sum = runtime.block(() -> {
 *         Task<Long> a = Echo.spawn(() -> work(1));
 *         Task<Long> b = Echo.spawn(() -> work(2));
 *         return a.join() + b.join();
 *     });
 * }
 * }</pre>
 *
 * <p>{@link #block} is Go's {@code main} and Tokio's {@code block_on}: it runs a main task to
 * completion and returns its result or rethrows its failure; with
 * {@linkplain Builder#deadlockDetection(boolean) deadlock detection} on, when every task is
 * asleep forever it throws {@link DeadlockException} instead of hanging. {@link #close} shuts down: it rejects
 * new tasks, gives running ones a grace period, cancels the rest and joins every carrier.
 *
 * <p>Echo needs the JVM flag {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it
 * {@link Builder#build()} throws an {@link IllegalStateException} naming the flag.
 */
public final class EchoRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.echo.runtime");
    /** How often block() re-checks for a deadlock even without a quiescence signal. */
    private static final long DEADLOCK_RECHECK_NANOS = 100_000_000L;
    /** transport(AUTO) says once per JVM which transport it chose and why. */
    private static final java.util.concurrent.atomic.AtomicBoolean AUTO_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

    private final String name;
    final Scheduler scheduler;
    final Reactor reactor;
    final Monitor monitor;
    private final Thread.Builder.OfVirtual threadBuilder;
    private final Duration shutdownGrace;
    private final boolean deadlockDetection;

    private final TaskRegistry live;
    private final AtomicLong ids = new AtomicLong();
    /** Spawns refused because the runtime closed while they started. */
    private final LongAdder rejected = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    /** Plain threads in block() or close(), woken when every processor goes idle. */
    private final ConcurrentLinkedQueue<Thread> idleWatchers = new ConcurrentLinkedQueue<>();

    /** Set once eventLoop() has been handed out: Netty channels may be registered from then on. */
    private volatile boolean loopHandedOut;

    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile boolean terminated;

    private EchoRuntime(Builder builder) {
        JdkHooks.requireAvailable();
        JdkHooks.startJdkPollers();
        this.name = builder.name;
        this.shutdownGrace = builder.shutdownGrace;
        this.deadlockDetection = builder.deadlockDetection;
        this.live = new TaskRegistry(builder.processors);
        Transport.Selected transport = Transport.select(builder.transport);
        if (builder.transport == Transport.AUTO && AUTO_LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "Echo transport auto: using " + transport.transport().displayName()
                    + " (" + transport.reason() + ")");
        }
        this.reactor = new Reactor(name, transport, builder.processors);
        this.scheduler = new Scheduler(name, builder.processors, reactor);
        this.scheduler.onQuiescent = this::wakeIdleWatchers;
        this.threadBuilder = JdkHooks.virtualThreadBuilder(scheduler);
        this.monitor = new Monitor(scheduler);
        this.monitor.start();
    }

    /** A builder with defaults: one processor per available CPU, name "echo". */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a runtime. */
    public static final class Builder {
        private int processors = Runtime.getRuntime().availableProcessors();
        private String name = "echo";
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private boolean deadlockDetection = false;
        private Transport transport = Transport.AUTO;

        private Builder() {
        }

        /**
         * How the Reactor waits for I/O (default {@link Transport#AUTO}: epoll on Linux, kqueue on
         * macOS, else NIO). A concrete transport that cannot load here makes {@link #build()}
         * fail with Netty's reason.
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Number of processors (Go's GOMAXPROCS): tasks that run at once. At least 1. */
        public Builder processors(int processors) {
            if (processors < 1) {
                throw new IllegalArgumentException("processors must be >= 1, got " + processors);
            }
            this.processors = processors;
            return this;
        }

        /** The runtime's name; prefixes its thread names. Not blank. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** How long {@link #close()} lets running tasks finish before cancelling them. */
        public Builder shutdownGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, got " + grace);
            }
            this.shutdownGrace = grace;
            return this;
        }

        /**
         * Whether {@link #block} reports "all tasks are asleep" as a {@link DeadlockException}
         * (default false). Turning it on declares a <em>closed world</em>, Go's: while block()
         * waits, nothing outside this runtime's tasks acts on them — no plain thread or foreign
         * virtual thread sends to their channels, completes their promises, cancels them or
         * closes the runtime. Echo cannot know that by itself: a thread that will send in
         * 300 ms has not touched anything yet (see {@link DeadlockException} for the rule and
         * for the waits that are never part of a report).
         */
        public Builder deadlockDetection(boolean enabled) {
            this.deadlockDetection = enabled;
            return this;
        }

        /**
         * Starts the runtime's monitor (workers start on demand).
         *
         * @throws IllegalStateException if the JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED},
         *         or the {@linkplain #transport(Transport) transport} asked for cannot load (the
         *         message carries Netty's unavailability cause)
         */
        public EchoRuntime build() {
            return new EchoRuntime(this);
        }
    }

    // ## Tasks ##

    /** Spawns a task running {@code body}; its value or failure lands in the task's future. */
    public <T> Task<T> spawn(Callable<T> body) {
        return start(null, body);
    }

    /** Spawns a named task; the name shows in thread dumps, statistics and deadlock reports. */
    public <T> Task<T> spawn(String name, Callable<T> body) {
        Objects.requireNonNull(name, "name");
        return start(name, body);
    }

    /** Spawns a task with no value. */
    public Task<Void> spawn(Runnable body) {
        Objects.requireNonNull(body, "body");
        return start(null, () -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs {@code main} as a task and waits for it from this (plain) thread: returns its value
     * or rethrows its failure (unchecked as thrown, checked wrapped in
     * {@link java.util.concurrent.CompletionException}).
     *
     * @throws DeadlockException if main can never finish (see that class)
     * @throws IllegalStateException if called from inside a task of this runtime
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted:
     *         main is cancelled and the interrupt status is kept (kotlinx's runBlocking does
     *         the same, with InterruptedException)
     */
    public <T> T block(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        Task<?> caller = Task.currentOrNull();
        if (caller != null && caller.runtime == this) {
            throw new IllegalStateException("block() called from " + caller
                    + " of runtime '" + name + "' would wait for itself; use spawn(...).join()");
        }
        Task<T> task = start("main", main);
        Waker waker = Waker.current();
        Thread self = Thread.currentThread();
        idleWatchers.add(self);
        try {
            while (true) {
                if (task.future().poll(waker) instanceof Poll.Ready<T> ready) {
                    return ready.value();
                }
                LockSupport.parkNanos(this, DEADLOCK_RECHECK_NANOS);
                if (Thread.currentThread().isInterrupted()) {
                    task.cancel();
                    throw new java.util.concurrent.CancellationException(
                            "block() interrupted; main task " + task + " cancelled");
                }
                if (deadlockDetection && !task.future().isDone()) {
                    List<String> report = deadlockReport();
                    if (report != null) {
                        throw new DeadlockException(report);
                    }
                }
            }
        } finally {
            idleWatchers.remove(self);
        }
    }

    /**
     * A timer future (the original's TimerFuture): resolves with null after {@code delay}, woken
     * by the Reactor; zero or negative fires at the next scheduling turn. Cancelling it removes
     * its timer. Callbacks on it ({@code whenComplete}, {@code toCompletableFuture()}
     * dependents) run in a task of this runtime, never inside the timer fire, so one that
     * blocks delays nobody else's wake-up.
     *
     * @throws NullPointerException if {@code delay} is null
     * @throws RejectedExecutionException if the runtime is closed
     */
    public EchoFuture<Void> timer(Duration delay) {
        long deadline = Parking.deadlineAfter(delay);
        if (closed) {
            throw new RejectedExecutionException("Echo runtime '" + name + "' is closed; cannot start a timer");
        }
        EchoFuture<Void> future = new EchoFuture<>(null);
        future.runCallbacksOn(this::runCallbacks);
        TimerHeap.Entry entry = reactor.schedule(deadline, future);
        future.onCancel(() -> reactor.cancel(entry));
        return future;
    }

    /** A timer future's callbacks, off the scheduler thread that fired it. */
    private void runCallbacks(Runnable callbacks) {
        start("timer-callbacks", () -> {
            callbacks.run();
            return null;
        });
    }

    private <T> Task<T> start(String taskName, Callable<T> body) {
        return start(taskName, body, null);
    }

    /**
     * Spawns; {@code beforeStart} (TaskScope.fork: scope, deadline, ScopedValue bindings) sees
     * the task after it is counted live and before its thread starts.
     */
    <T> Task<T> start(String taskName, Callable<T> body, java.util.function.Consumer<Task<T>> beforeStart) {
        Objects.requireNonNull(body, "body");
        if (closed) {
            throw new RejectedExecutionException("Echo runtime '" + name + "' is closed; cannot spawn a task");
        }
        Task<T> task = new Task<>(ids.incrementAndGet(), taskName, this, body, threadBuilder);
        live.add(task);
        if (beforeStart != null) {
            beforeStart.accept(task);
        }
        try {
            if (JdkHooks.currentCarrierThread() instanceof Worker worker && worker.scheduler == scheduler) {
                int outer = worker.submission;
                worker.submission = outer | Worker.SUBMIT_TAIL;
                try {
                    task.thread.start();
                } finally {
                    worker.submission = outer;
                }
            } else {
                task.thread.start();
            }
        } catch (RejectedExecutionException e) {
            live.remove(task);
            rejected.increment();
            throw new RejectedExecutionException("Echo runtime '" + name + "' is closed; cannot spawn a task", e);
        }
        // A spawn that passed the closed check just before close() ran to its end: close()'s
        // sweep of unstarted tasks may have missed this one, and no worker will ever run it.
        // Dekker-style: the task is in `live` (stripe lock) before this volatile read, and close()
        // writes `stopped` before its sweep locks the stripes, so at least one of the two sees
        // the other and the task settles CANCELLED (abandonIfUnstarted is a CAS: once).
        if (scheduler.isStopped()) {
            task.abandonIfUnstarted();
        }
        return task;
    }

    /** Called on the task's thread just before its future settles. */
    void countOutcome(FutureState outcome) {
        switch (outcome) {
            case RESOLVED -> completed.increment();
            case REJECTED -> failed.increment();
            default -> cancelled.increment();
        }
    }

    /** Called on the task's thread after its future settled and its waiters were woken. */
    void taskFinished(Task<?> task) {
        live.remove(task);
        if (closed && live.isEmpty()) {
            wakeIdleWatchers();
        }
    }

    // ## Statistics ##

    /** A snapshot of the runtime's statistics. */
    public RuntimeStats stats() {
        Map<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
        byStatus.put(TaskStatus.READY, 0L);
        byStatus.put(TaskStatus.RUNNING, 0L);
        byStatus.put(TaskStatus.WAITING, 0L);
        for (Task<?> task : live.snapshot()) {
            TaskStatus status = task.status();
            if (!status.isTerminal()) {
                byStatus.merge(status, 1L, Long::sum);
            }
        }
        return new RuntimeStats(name, reactor.transport.displayName(), ids.get() - rejected.sum(), completed.sum(), failed.sum(), cancelled.sum(),
                byStatus, scheduler.global.size(), reactor.timers.size(), scheduler.workerCount(),
                monitor.handOffs(), scheduler.processorStats(), scheduler.messagesSent(), scheduler.messagesReceived(),
                reactor.pendingTasks());
    }

    // ## Diagnostics (the task dump and stall detection) ##

    /** Most tasks one {@link #taskDump} lists. */
    public static final int TASK_DUMP_MAX = 10_000;

    /**
     * The live tasks, oldest first: each one's id, name, status, age and what it waits on
     * ({@link TaskInfo}), with its stack frames if {@code withStack}. Does not stop the runtime:
     * it walks the live-task registry one stripe lock at a time (as {@link #stats()} does),
     * reads each task's state without locking it, and takes stacks only of the tasks listed.
     * A moment's view per task, not one instant for all.
     *
     * @param limit    most tasks to list, 0 to {@link #TASK_DUMP_MAX}
     * @param statuses statuses to list (READY, RUNNING, WAITING); empty lists every live task
     * @param withStack whether to include stack frames (costly: one stack walk per task listed)
     * @throws IllegalArgumentException if {@code limit} is out of range, naming it
     * @throws NullPointerException if {@code statuses} is null
     */
    public TaskDump taskDump(int limit, java.util.Set<TaskStatus> statuses, boolean withStack) {
        if (limit < 0 || limit > TASK_DUMP_MAX) {
            throw new IllegalArgumentException("limit must be between 0 and " + TASK_DUMP_MAX + ", got " + limit);
        }
        Objects.requireNonNull(statuses, "statuses");
        long now = System.nanoTime();
        List<Task<?>> tasks = live.snapshot();
        tasks.sort(java.util.Comparator.comparingLong(Task::id));
        List<TaskInfo> listed = new ArrayList<>(Math.min(limit, tasks.size()));
        int matched = 0;
        for (Task<?> task : tasks) {
            TaskStatus status = task.status();
            if (status.isTerminal() || !statuses.isEmpty() && !statuses.contains(status)) {
                continue;
            }
            matched++;
            if (listed.size() < limit) {
                listed.add(TaskInfo.of(task, status, now, withStack));
            }
        }
        return new TaskDump(matched, listed);
    }

    /** The live task with this id, as in {@link #taskDump}; empty once it has ended (or never existed). */
    public java.util.Optional<TaskInfo> taskInfo(long id, boolean withStack) {
        Task<?> task = live.find(id);
        if (task == null) {
            return java.util.Optional.empty();
        }
        TaskStatus status = task.status();
        return status.isTerminal() ? java.util.Optional.empty()
                : java.util.Optional.of(TaskInfo.of(task, status, System.nanoTime(), withStack));
    }

    /**
     * The processors held by one task now ({@link ProcessorHold}): running, and no other task
     * run on them for longer than the monitor's hold limit. Reads what the monitor records each
     * round, without any lock; finding the task holding one walks the live tasks, only when a
     * processor is held. Empty while every processor makes progress (the usual answer).
     */
    public List<ProcessorHold> processorHolds() {
        List<ProcessorHold> holds = new ArrayList<>(0);
        long now = System.nanoTime();
        for (int i = 0; i < scheduler.processorCount; i++) {
            Processor p = scheduler.slot(i);
            // Ticks before since: the monitor writes them in the other order (Monitor.check).
            long seen = p.progressTicks;
            long since = p.progressSince;
            if (p.state != Processor.RUNNING || seen < 0 || seen != p.tasksRun()
                    || now - since < Monitor.HOLD_LIMIT_NANOS) {
                continue;
            }
            holds.add(new ProcessorHold(p.id, Duration.ofNanos(now - since), p.queue.size(), holderOf(p, now)));
        }
        return holds;
    }

    /**
     * The task whose carrier holds {@code p} now, with its stack, or null. Reads each worker's
     * owner-only {@code processor} field racily: a diagnostic view, never a decision.
     */
    private TaskInfo holderOf(Processor p, long now) {
        for (Task<?> task : live.snapshot()) {
            if (JdkHooks.carrierOf(task.thread) instanceof Worker worker && worker.scheduler == scheduler
                    && worker.processor == p) {
                return TaskInfo.of(task, task.status(), now, true);
            }
        }
        return null;
    }

    /** The runtime's name. */
    public String name() {
        return name;
    }

    /** The transport the Reactor uses (never {@link Transport#AUTO}). */
    public Transport transport() {
        return reactor.transport;
    }

    /** The Reactor's event loop, handed out: see {@link NettyInterop#eventLoop(EchoRuntime)}. */
    io.netty.channel.IoEventLoop eventLoop() {
        loopHandedOut = true;
        if (!reactor.hasPoller()) {
            // Workers start on demand: make sure one exists to drive the loop for a caller that
            // is not a task (it becomes the poller when it finds nothing to run).
            scheduler.wakeP();
        }
        return reactor.eventLoop();
    }

    /** The number of processors. */
    public int processors() {
        return scheduler.processorCount;
    }

    /** True once {@link #close} has begun: new tasks are rejected. */
    public boolean isClosed() {
        return closed;
    }

    // ## Deadlock detection ##

    private void wakeIdleWatchers() {
        for (Thread watcher : idleWatchers) {
            LockSupport.unpark(watcher);
        }
    }

    /**
     * The parked tasks if the runtime is deadlocked, else null (DeadlockException states the
     * rule). Deadlocked means, under the closed world deadlockDetection(true) declares: no
     * processor runs, no queue holds work, no timer is pending, the event loop was never handed
     * out (so no Netty channel can deliver I/O), and every live task is parked without a
     * deadline on a {@link WaitTarget} that says nothing outside the runtime has used it — and
     * the scheduler's activity count did not move while we looked (no wake-up slipped past).
     * A timed wait always ends, so one in the set makes it no deadlock: that also covers a
     * timer being fired right now (taken off the heap, not yet woken its task).
     */
    private List<String> deadlockReport() {
        long before = scheduler.activity();
        if (!scheduler.isQuiescent() || reactor.hasTimers() || loopHandedOut) {
            return null;
        }
        List<String> parked = new ArrayList<>();
        for (Task<?> task : live.snapshot()) {
            if (task.future().isDone()) {
                continue;
            }
            if (!(task.waitingOn() instanceof WaitTarget target) || target.wakeableFromOutside()
                    || task.isInTimedWait() || task.thread.getState() != Thread.State.WAITING) {
                return null;
            }
            parked.add(task + " [" + target.describeWait() + "]");
        }
        if (parked.isEmpty() || scheduler.activity() != before || !scheduler.isQuiescent() || reactor.hasTimers()) {
            return null;
        }
        return parked;
    }

    // ## Shutdown ##

    /** Closes with the builder's shutdown grace (default 5 s). */
    @Override
    public void close() {
        close(shutdownGrace);
    }

    /**
     * Shuts down: rejects new tasks; waits up to {@code grace} for live tasks to finish; cancels
     * the rest and waits up to {@code grace} again for them to stop; stops and joins every
     * worker and the monitor; closes the event loop and every channel on it; cancels what can
     * no longer run (timer futures, tasks spawned too late to start). Returns within about
     * twice {@code grace} plus a bounded margin (at least 100 ms per step) whatever the tasks do:
     * a task that ignores cancellation (a CPU loop that never suspends) keeps its carrier and
     * is named in a WARNING log, as is anything else that could not be stopped in time.
     * Zero or negative {@code grace}: no grace, cancel at once. Idempotent.
     *
     * <p>Called from a thread this runtime carries — a Netty handler on its {@linkplain
     * NettyInterop#eventLoop(EchoRuntime) event loop}, a virtual thread started inside one of its tasks — close()
     * cannot wait, since the shutdown needs that very carrier back: it marks the runtime
     * closed, starts the shutdown on a platform thread ({@code <name>-closer}) and returns.
     *
     * @throws IllegalStateException if called from inside a task of this runtime
     * @throws NullPointerException if {@code grace} is null
     */
    public void close(Duration grace) {
        long graceNanos = Math.max(0, Parker.cappedNanos(Objects.requireNonNull(grace, "grace")));
        Task<?> caller = Task.currentOrNull();
        if (caller != null && caller.runtime == this) {
            throw new IllegalStateException("close() called from " + caller + " would wait for itself");
        }
        if (isCarriedByThisRuntime()) {
            closed = true;
            Thread.ofPlatform().name(name + "-closer").start(() -> close(grace));
            return;
        }
        closeLock.lock();
        try {
            if (terminated) {
                return;
            }
            closed = true;
            long stepNanos = Math.max(graceNanos, MIN_CLOSE_STEP_NANOS);
            Thread self = Thread.currentThread();
            idleWatchers.add(self);
            try {
                if (!awaitNoLiveTasks(System.nanoTime() + graceNanos)) {
                    for (Task<?> task : live.snapshot()) {
                        task.cancel();
                    }
                    awaitNoLiveTasks(System.nanoTime() + stepNanos);
                }
            } finally {
                idleWatchers.remove(self);
            }
            List<Worker> workers = scheduler.stop();
            monitor.stop();
            // Idle workers exit at once; only a worker carrying a task that ignored cancellation
            // stays, and waiting longer than the grace would not change that.
            long joinDeadline = System.nanoTime() + stepNanos;
            boolean interrupted = false;
            List<String> notStopped = new ArrayList<>();
            for (Worker worker : workers) {
                interrupted |= joinUntil(worker, joinDeadline);
            }
            interrupted |= joinUntil(monitor.thread(), joinDeadline);
            // Closes every channel still open, then the loop's file descriptors; the reactor's
            // owner thread ends. Before markStopped: closing channels may wake tasks.
            String reactorLeft = reactor.close(System.nanoTime() + stepNanos);
            if (reactorLeft != null) {
                notStopped.add(reactorLeft);
            }
            scheduler.markStopped();
            // Timers nobody waits for any more (a timer future dropped by its caller): they would
            // never fire now. Their futures end CANCELLED; nothing stays scheduled.
            reactor.timers.abandonAll();
            // Spawned while close() ran and never started: they never will.
            for (Task<?> task : live.snapshot()) {
                task.abandonIfUnstarted();
            }
            if (!live.isEmpty()) {
                notStopped.add("tasks that ignored cancellation (their carriers stay alive): " + live.snapshot());
            }
            for (Worker worker : workers) {
                if (worker.isAlive()) {
                    notStopped.add("carrier " + worker.getName());
                }
            }
            if (!notStopped.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "Echo runtime '" + name + "' closed, but could not stop: "
                        + String.join("; ", notStopped));
            }
            terminated = true;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            closeLock.unlock();
        }
    }

    /** The least close() waits at each step, even with no grace: idle threads exit in far less. */
    private static final long MIN_CLOSE_STEP_NANOS = 100_000_000L;

    /** True on the reactor's owner, or on a thread one of this runtime's workers carries. */
    private boolean isCarriedByThisRuntime() {
        return reactor.isOwner(Thread.currentThread())
                || JdkHooks.currentCarrierThread() instanceof Worker worker && worker.scheduler == scheduler;
    }

    private boolean awaitNoLiveTasks(long deadline) {
        while (!live.isEmpty()) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(wait, 10_000_000L));
        }
        return true;
    }

    /** Joins {@code thread} until the deadline; returns true if interrupted meanwhile. */
    private static boolean joinUntil(Thread thread, long deadline) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                break;
            }
            try {
                thread.join(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    @Override
    public String toString() {
        return "EchoRuntime[" + name + ", processors=" + scheduler.processorCount + (closed ? ", closed" : "") + "]";
    }
}
