package dev.echo.runtime.reactive;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * An Echo runtime as a Reactor {@link Scheduler}: {@code subscribeOn(echo)} and
 * {@code publishOn(echo)} run their work as Echo tasks, so a blocking call inside
 * ({@code Mono.fromCallable(() -> jdbc.query(...))}, {@code Thread.sleep}) parks a cheap task
 * instead of holding one of {@code Schedulers.boundedElastic()}'s platform threads (10 per core
 * by default, with a queue behind them).
 *
 * <table>
 *   <caption>Semantics</caption>
 *   <tr><th>Call</th><th>What happens</th></tr>
 *   <tr><td>{@code schedule(r)}</td><td>r runs in a new task ({@link Schedulers#onSchedule} hooks applied)</td></tr>
 *   <tr><td>{@code schedule(r, delay, unit)}</td><td>a task sleeps on Echo's timers, then runs r</td></tr>
 *   <tr><td>{@code schedulePeriodically(r, initial, period, unit)}</td><td>one task runs r at a fixed
 *       rate (a late run is not repeated to catch up); it stops when r throws or is disposed; a
 *       zero period runs r again after a yield</td></tr>
 *   <tr><td>{@code createWorker()}</td><td>a {@link Scheduler.Worker} whose tasks run one at a time, in
 *       submission order (delayed ones in order of their due time), each in its own Echo task</td></tr>
 *   <tr><td>{@code Disposable.dispose()} of a scheduled task</td><td>pending: it never runs; running:
 *       its task is cancelled (the next suspension point throws) unless it disposes itself, which
 *       only stops a periodic task's next runs (Reactor's rule: no self-interrupt)</td></tr>
 *   <tr><td>{@code Worker.dispose()}</td><td>every pending task of the worker is dropped, the running
 *       one cancelled; later {@code schedule} calls are rejected</td></tr>
 *   <tr><td>{@code dispose()}</td><td>every task and worker of this scheduler is cancelled; later
 *       calls are rejected with {@link RejectedExecutionException}. The runtime is not closed: it
 *       belongs to whoever built it.</td></tr>
 *   <tr><td>a task throws</td><td>logged (as Reactor's schedulers report through the thread's
 *       uncaught-exception path); a worker goes on with its next task</td></tr>
 *   <tr><td>the runtime is closed</td><td>{@code schedule} throws {@link RejectedExecutionException}</td></tr>
 * </table>
 */
public final class EchoScheduler implements Scheduler {

    private static final System.Logger LOG = System.getLogger("dev.echo.runtime");

    private final EchoRuntime runtime;
    /** Live tasks and workers, cancelled by dispose(). */
    private final Set<Disposable> live = ConcurrentHashMap.newKeySet();
    private volatile boolean disposed;

    private EchoScheduler(EchoRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * A scheduler whose work runs as tasks of {@code runtime}.
     *
     * @throws NullPointerException if {@code runtime} is null
     */
    public static EchoScheduler of(EchoRuntime runtime) {
        return new EchoScheduler(Objects.requireNonNull(runtime, "runtime"));
    }

    /** The runtime the work runs in. */
    public EchoRuntime runtime() {
        return runtime;
    }

    @Override
    public Disposable schedule(Runnable task) {
        return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        return start(new Scheduled(Schedulers.onSchedule(task), unit.toNanos(delay), -1, null), live);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return start(periodic(task, initialDelay, period, unit, null), live);
    }

    /** The checked periodic work of both schedulePeriodically methods (worker: null for the scheduler's own). */
    private static Scheduled periodic(Runnable task, long initialDelay, long period, TimeUnit unit, SerialWorker worker) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        if (period < 0) {
            throw new IllegalArgumentException("period must not be negative, got " + period + " " + unit);
        }
        return new Scheduled(Schedulers.onSchedule(task), unit.toNanos(initialDelay), unit.toNanos(period), worker);
    }

    @Override
    public Worker createWorker() {
        rejectIfDisposed();
        SerialWorker worker = new SerialWorker();
        live.add(worker);
        if (disposed) {
            worker.dispose();
        }
        return worker;
    }

    @Override
    public void dispose() {
        disposed = true;
        for (Disposable d : live) {
            d.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    @Override
    public String toString() {
        return "EchoScheduler[" + runtime.name() + (disposed ? ", disposed]" : "]");
    }

    private void rejectIfDisposed() {
        if (disposed) {
            throw Exceptions.failWithRejected("EchoScheduler of runtime '" + runtime.name() + "' is disposed");
        }
    }

    /** Spawns {@code scheduled}'s task, tracked in {@code owner} until it ends. */
    private Scheduled start(Scheduled scheduled, Set<Disposable> owner) {
        rejectIfDisposed();
        Task<Void> task = runtime.spawn(scheduled);
        scheduled.attach(task);
        owner.add(scheduled);
        task.future().whenComplete((v, e) -> owner.remove(scheduled));
        if (disposed) {
            scheduled.dispose();
        }
        return scheduled;
    }

    private static void report(Throwable failure) {
        LOG.log(System.Logger.Level.WARNING, "a task scheduled on an EchoScheduler threw", failure);
    }

    /**
     * One task of the scheduler, or one timer of a worker: sleeps the initial delay, then runs
     * the work once or periodically. With a worker, "runs" means hands the work to the worker's
     * queue (it then runs in the worker's order).
     */
    private static final class Scheduled extends TaskWork {
        private final Runnable work;
        private final long delayNanos;
        private final long periodNanos;
        private final SerialWorker worker;

        Scheduled(Runnable work, long delayNanos, long periodNanos, SerialWorker worker) {
            this.work = work;
            this.delayNanos = Math.max(0, delayNanos);
            this.periodNanos = periodNanos;
            this.worker = worker;
        }

        void attach(Task<Void> task) {
            this.task = task;
        }

        @Override
        public void run() {
            try {
                long next = System.nanoTime() + delayNanos;
                do {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Echo.sleep(Duration.ofNanos(wait));
                    }
                    if (disposed) {
                        return;
                    }
                    if (worker != null) {
                        worker.enqueue(work);
                    } else {
                        work.run();
                    }
                    if (periodNanos == 0) {
                        Echo.yieldNow();
                        next = System.nanoTime();
                    } else if (periodNanos > 0) {
                        next += periodNanos;
                        long now = System.nanoTime();
                        if (next - now < 0) {
                            next = now; // late: run once now, do not catch up
                        }
                    }
                } while (periodNanos >= 0 && !disposed);
            } catch (CancellationException disposedWhileWaiting) {
                // dispose() cancelled the task: that is how a pending run is dropped.
            } catch (RejectedExecutionException workerDisposed) {
                // the worker went away between two periodic runs
            } catch (RuntimeException | Error failure) {
                report(failure);
            }
        }

    }

    /**
     * Work that runs as (or in) an Echo task: disposing it marks it and cancels its task, unless
     * the task is disposing itself (Reactor's schedulers never interrupt themselves).
     */
    private abstract static class TaskWork implements Disposable, Runnable {
        volatile Task<Void> task;
        volatile boolean disposed;

        @Override
        public void dispose() {
            disposed = true;
            Task<Void> t = task;
            if (t != null && !isCurrent(t)) {
                t.cancel();
            }
        }

        @Override
        public boolean isDisposed() {
            Task<Void> t = task;
            return disposed || (t != null && t.future().isDone());
        }
    }

    /** True if the caller is {@code task} itself: Reactor's schedulers never interrupt themselves. */
    private static boolean isCurrent(Task<?> task) {
        return Echo.inTask() && Echo.currentTask() == task;
    }

    /**
     * Reactor's Worker contract: tasks run one at a time, in order. Each task still runs in an
     * Echo task of its own (so disposing one can cancel it alone); the next is spawned only when
     * the previous has finished.
     *
     * Invariant: wip counts items offered and not yet finished (or skipped). Whoever moves it
     * from 0 to 1 starts the chain; whoever finishes an item and finds wip still above 0 after
     * decrementing starts the next. So exactly one item runs at a time, in queue order.
     */
    private final class SerialWorker implements Worker {
        private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger wip = new AtomicInteger();
        private final Set<Disposable> timers = ConcurrentHashMap.newKeySet();
        private volatile Item running;
        private volatile boolean workerDisposed;

        @Override
        public Disposable schedule(Runnable task) {
            Objects.requireNonNull(task, "task");
            return enqueue(Schedulers.onSchedule(task));
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(unit, "unit");
            if (delay <= 0) {
                return schedule(task);
            }
            rejectIfWorkerDisposed();
            return start(new Scheduled(Schedulers.onSchedule(task), unit.toNanos(delay), -1, this), timers);
        }

        @Override
        public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
            Scheduled periodic = periodic(task, initialDelay, period, unit, this);
            rejectIfWorkerDisposed();
            return start(periodic, timers);
        }

        Item enqueue(Runnable work) {
            rejectIfWorkerDisposed();
            Item item = new Item(work);
            queue.offer(item);
            if (wip.getAndIncrement() == 0) {
                runNext();
            }
            return item;
        }

        /** Starts the item at the head of the queue, skipping disposed ones; wip > 0 on entry. */
        private void runNext() {
            while (true) {
                Item item = queue.poll();
                if (item != null && !item.disposed && !workerDisposed) {
                    running = item;
                    Task<Void> task;
                    try {
                        task = runtime.spawn(item);
                    } catch (RejectedExecutionException closed) {
                        item.disposed = true;
                        if (wip.decrementAndGet() == 0) {
                            return;
                        }
                        continue;
                    }
                    item.task = task;
                    if (item.disposed) {
                        task.cancel();
                    }
                    // A task that is already done runs the callback right here: then this loop
                    // goes on instead of recursing (a long chain of quick tasks would otherwise
                    // grow the stack by one runNext per task).
                    Thread self = Thread.currentThread();
                    item.registrar = self;
                    task.future().whenComplete((v, e) -> {
                        if (item.registrar == Thread.currentThread()) {
                            item.doneInline = true;
                            return;
                        }
                        running = null;
                        if (wip.decrementAndGet() != 0) {
                            runNext();
                        }
                    });
                    item.registrar = null;
                    if (!item.doneInline) {
                        return;
                    }
                    running = null;
                    if (wip.decrementAndGet() == 0) {
                        return;
                    }
                    continue;
                }
                if (wip.decrementAndGet() == 0) {
                    return;
                }
            }
        }

        private void rejectIfWorkerDisposed() {
            if (workerDisposed || disposed) {
                throw Exceptions.failWithRejected("this worker of " + EchoScheduler.this + " is disposed");
            }
        }

        @Override
        public void dispose() {
            if (workerDisposed) {
                return;
            }
            workerDisposed = true;
            live.remove(this);
            for (Item item : queue) {
                item.disposed = true;
            }
            Item current = running;
            if (current != null) {
                current.dispose();
            }
            for (Disposable timer : timers) {
                timer.dispose();
            }
        }

        @Override
        public boolean isDisposed() {
            return workerDisposed;
        }
    }

    /** One task of a worker. */
    private static final class Item extends TaskWork {
        private final Runnable work;
        /** The thread registering the completion callback, while it does; see runNext. */
        volatile Thread registrar;
        /** Set and read by the registering thread only. */
        boolean doneInline;

        Item(Runnable work) {
            this.work = work;
        }

        @Override
        public void run() {
            if (disposed) {
                return;
            }
            try {
                work.run();
            } catch (CancellationException cancelled) {
                if (!disposed) {
                    report(cancelled);
                }
            } catch (RuntimeException | Error failure) {
                report(failure);
            }
        }

    }
}
