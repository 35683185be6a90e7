package dev.echo.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoRegistration;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Reactor's event loop as Netty code sees it: Echo's {@link ManualIoEventLoop}, plus a count
 * of the tasks queued on it and not yet run ({@link #pendingTasks()}, published as
 * {@link RuntimeStats#reactorPendingTasks()}). Every channel of the runtime has this object as its
 * {@code eventLoop()}, so whatever a channel, a pipeline or a promise queues goes through
 * {@link #execute} and is counted.
 *
 * <p>Netty keeps that count only in {@code SingleThreadEventExecutor.pendingTasks()}, which
 * Reactor Netty's gauge {@code reactor.netty.eventloop.pending.tasks} reads (its registrar tests
 * {@code instanceof SingleThreadEventExecutor}). {@code ManualIoEventLoop} is not one; its
 * {@code execute} is final and its task queue private, so counting has to happen in front of it.
 */
final class CountingEventLoop extends AbstractEventExecutor implements IoEventLoop {

    /*
     * Implementation overview
     * =======================
     *
     * Invariants
     *  1. pending = submitted - started, and 0 <= pending. `submitted` is raised by execute
     *     before the task is queued; `started` is raised by the loop's owner as a counted task
     *     begins, before it runs. A counted task is one Counted wrapper in the loop's queue.
     *  2. A rejected execute leaves `submitted` as it found it: execute refuses before counting
     *     once the loop is shut down (Netty's own rule for rejecting), and takes its increment
     *     back if the loop throws anyway.
     *  3. Once the loop has terminated nothing is pending: pendingTasks() says 0. (A task that
     *     slipped past the shutdown check as the loop terminated stays in Netty's queue, unrun -
     *     ManualIoEventLoop cannot take it out of its MPSC queue - and would otherwise count
     *     for ever.)
     *  4. Only what goes through this object counts. The Reactor's own WAKE tasks, Netty's
     *     scheduled tasks as they come due, and the tasks ManualIoEventLoop queues into itself
     *     (registering an IoHandle from another thread) go to the loop directly: they are not
     *     "pending tasks" in Reactor Netty's sense either, whose gauge reads the queue of work
     *     submitted with execute.
     *
     * Memory-ordering protocol (why invariant 1's 0 <= pending holds for any reader)
     *  1. execute: submitted.increment() (a volatile write), then the loop's queue offer.
     *  2. The owner polls the wrapper (the queue's acquire pairs with the offer of step 1), then
     *     setRelease(started, started + 1), then runs the task.
     *  3. pendingTasks: getAcquire(started) (pairs with step 2's release), then submitted.sum().
     *     Every task counted in the `started` it read was counted in `submitted` before it was
     *     queued, so the sum it reads next is at least that.
     *
     * Who writes what: `submitted` any thread (a LongAdder: producers do not contend on one
     * cache line); `started` the owner only (plain read, release store, no atomic). Nothing
     * here takes a lock, so a scrape of the gauge never waits for the loop.
     *
     * The rest delegates. register(Channel...) hands this object, not the ManualIoEventLoop, to
     * channel.unsafe().register, which stores it as the channel's eventLoop(); the channel's
     * doRegister then calls register(IoHandle) here, which registers with the loop's handler.
     * inEventLoop, schedule*, shutdown and termination are the loop's.
     *
     * Rejected alternatives
     *  - Reading ManualIoEventLoop's private taskQueue by reflection: Netty internals (see
     *    Reactor's overview).
     *  - A subclass of ManualIoEventLoop: execute is final.
     *  - One AtomicLong both sides update: every producer and the owner would contend on it.
     *
     * Declaration order: fields, execute and the count, registration, delegation, Counted,
     * VarHandle mechanics.
     */

    private final ManualIoEventLoop loop;
    /** For the message of a rejected execute. */
    private final String runtimeName;
    /** Counted tasks queued, ever (invariant 1); any thread. */
    private final LongAdder submitted = new LongAdder();
    /** Counted tasks begun, ever; written by the loop's owner only (release), read with acquire. */
    private long started;

    CountingEventLoop(ManualIoEventLoop loop, String runtimeName) {
        this.loop = loop;
        this.runtimeName = runtimeName;
    }

    // ## Execute and the count ##

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (loop.isShutdown()) {
            throw new RejectedExecutionException("the event loop of Echo runtime '" + runtimeName + "' is shut down");
        }
        submitted.increment();
        try {
            loop.execute(new Counted(task));
        } catch (Throwable rejected) {
            submitted.decrement(); // invariant 2
            throw rejected;
        }
    }

    /** Tasks queued through {@link #execute} and not begun yet; 0 once the loop has terminated. */
    long pendingTasks() {
        if (loop.isTerminated()) {
            return 0; // invariant 3
        }
        long begun = getAcquireStarted();
        return submitted.sum() - begun;
    }

    /** A task queued through execute; run by the loop's owner only. */
    private final class Counted implements Runnable {

        private final Runnable task;

        Counted(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            setReleaseStarted(CountingEventLoop.this.started + 1); // protocol step 2: begun, before it runs (and whether or not it throws)
            task.run();
        }

        @Override
        public String toString() {
            return task.toString(); // Netty logs a task that throws by its toString
        }
    }

    // ## Registration: the channel's event loop is this object ##

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel) {
        return register(new DefaultChannelPromise(Objects.requireNonNull(channel, "channel"), this));
    }

    @Deprecated
    @Override
    public ChannelFuture register(ChannelPromise promise) {
        Objects.requireNonNull(promise, "promise");
        promise.channel().unsafe().register(this, promise);
        return promise;
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(promise, "promise");
        channel.unsafe().register(this, promise);
        return promise;
    }

    @Override
    public Future<IoRegistration> register(IoHandle handle) {
        return loop.register(handle);
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return loop.isCompatible(handleType);
    }

    @Override
    public boolean isIoType(Class<? extends IoHandler> handlerType) {
        return loop.isIoType(handlerType);
    }

    // ## Everything else is the loop's ##

    @Override
    public IoEventLoop next() {
        return this;
    }

    @Override
    public IoEventLoopGroup parent() {
        return loop.parent();
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return loop.inEventLoop(thread);
    }

    @Override
    public Ticker ticker() {
        return loop.ticker();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return loop.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return loop.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return loop.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return loop.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return loop.shutdownGracefully(quietPeriod, timeout, unit);
    }

    @Deprecated
    @Override
    public void shutdown() {
        loop.shutdown();
    }

    @Override
    public Future<?> terminationFuture() {
        return loop.terminationFuture();
    }

    @Override
    public boolean isShuttingDown() {
        return loop.isShuttingDown();
    }

    @Override
    public boolean isShutdown() {
        return loop.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return loop.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return loop.awaitTermination(timeout, unit);
    }

    // As ManualIoEventLoop's: waiting on the loop from its own thread would never end.

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        rejectIfInEventLoop("invokeAny");
        return super.invokeAny(tasks);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        rejectIfInEventLoop("invokeAny");
        return super.invokeAny(tasks, timeout, unit);
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        rejectIfInEventLoop("invokeAll");
        return super.invokeAll(tasks);
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout,
            TimeUnit unit) throws InterruptedException {
        rejectIfInEventLoop("invokeAll");
        return super.invokeAll(tasks, timeout, unit);
    }

    private void rejectIfInEventLoop(String method) {
        if (inEventLoop()) {
            throw new RejectedExecutionException("calling " + method + " on the event loop's own thread would deadlock");
        }
    }

    @Override
    public String toString() {
        return "CountingEventLoop[" + runtimeName + ", " + loop + "]";
    }

    // VarHandle mechanics

    private long getAcquireStarted() {
        return (long) STARTED.getAcquire(this);
    }

    private void setReleaseStarted(long value) {
        STARTED.setRelease(this, value);
    }

    private static final VarHandle STARTED;

    static {
        try {
            STARTED = MethodHandles.lookup().findVarHandle(CountingEventLoop.class, "started", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
