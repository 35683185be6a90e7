package dev.echo.runtime.net;

import dev.echo.runtime.DeadlineExceededException;
import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.Task;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening TCP socket: {@link #bind} it, then {@link #accept} connections, one task per
 * connection as in Go.
 *
 * <pre>{@code
 * try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     while (true) {
 *         TcpConnection c = listener.accept();
 *         Echo.spawn(() -> serve(c));
 *     }
 * }
 * }</pre>
 *
 * <p>Connections the kernel has accepted wait in a bounded queue until a task accepts them; when
 * {@value #ACCEPT_QUEUE_HIGH} wait, the listener stops accepting from the kernel (its backlog then
 * holds further clients), so a burst of clients cannot exhaust memory. Like a connection, a
 * listener belongs to the tasks that have used it (bind, accept): it is closed when one of them
 * ends failed or cancelled, or the last of them ends ({@code TaskUsers}). A connection it
 * accepts belongs to no task until a task reads or writes it.
 */
public final class TcpListener implements AutoCloseable, TaskUsers.Closable {

    /** Accepted connections waiting for accept() at which the listener pauses. */
    static final int ACCEPT_QUEUE_HIGH = 256;
    static final int ACCEPT_QUEUE_LOW = 64;
    /** The kernel's accept backlog asked for. */
    static final int BACKLOG = 1024;

    private final Channel channel;
    private final TaskUsers users = new TaskUsers(this);
    private final InetSocketAddress localAddress;
    private final IoWait acceptWait = new IoWait("accept on", this);

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: connections accepted from the kernel, not yet by a task. */
    private final ArrayDeque<TcpConnection> pending = new ArrayDeque<>();
    /** Guarded by lock: threads parked in accept(), in arrival order. */
    private final ArrayDeque<Thread> acceptors = new ArrayDeque<>();
    /** Guarded by lock: autoRead of the server channel is off. */
    private boolean paused;
    private volatile boolean closed;

    private TcpListener(Channel channel) {
        this.channel = channel;
        this.localAddress = (InetSocketAddress) channel.localAddress();
    }

    /** Listens on {@code address} (port 0: any free port) from inside a task, on its runtime. */
    public static TcpListener bind(InetSocketAddress address) throws IOException {
        return bind(Echo.runtime(), address);
    }

    /**
     * Listens on {@code address} (port 0: any free port) on {@code runtime}'s event loop. Works
     * from a task or a plain thread.
     *
     * @throws BindException naming the address if it is in use (or cannot be bound)
     */
    public static TcpListener bind(EchoRuntime runtime, InetSocketAddress address) throws IOException {
        Objects.requireNonNull(runtime, "runtime");
        InetSocketAddress target = TcpConnection.resolve(address);
        Acceptor acceptor = new Acceptor();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(NettyInterop.eventLoop(runtime))
                .channel(NettyInterop.serverSocketChannelType(runtime.transport()))
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, NettyInterop.acceptAllocator())
                .handler(acceptor)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TcpConnection.WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel child) {
                        acceptor.accepted(new TcpConnection(child));
                    }
                });
        ChannelFuture bound = bootstrap.bind(target);
        try {
            new IoWait("bind to", target).await(bound, Parking.NO_DEADLINE);
        } catch (CancellationException | DeadlineExceededException e) {
            bound.channel().close();
            throw e;
        }
        if (!bound.isSuccess()) {
            bound.channel().close();
            Throwable cause = bound.cause();
            String message = String.valueOf(cause.getMessage());
            BindException failure = new BindException("cannot listen on " + target
                    + (message.contains("in use") ? ": address already in use" : ": " + message));
            failure.initCause(cause);
            throw failure;
        }
        TcpListener listener = new TcpListener(bound.channel());
        acceptor.listener = listener;
        listener.users.claim();
        bound.channel().eventLoop().execute(acceptor::drainEarly);
        return listener;
    }

    /** Waits without limit for the next connection; see {@link #accept(Duration)}. */
    public TcpConnection accept() throws IOException {
        return accept(Parking.NO_DEADLINE, null);
    }

    /**
     * Waits at most {@code timeout} for the next connection and returns it; the calling task
     * becomes its owner. Echo's rule for timeouts: zero or negative does not wait (returns a
     * connection already pending, or throws at once); no limit is {@link #accept()}.
     *
     * @throws SocketTimeoutException if none arrives in time
     * @throws SocketException if the listener is (or gets) closed
     * @throws NullPointerException if {@code timeout} is null
     */
    public TcpConnection accept(Duration timeout) throws IOException {
        return accept(Parking.deadlineAfter(Objects.requireNonNull(timeout, "timeout")), timeout);
    }

    private TcpConnection accept(long deadline, Duration timeout) throws IOException {
        users.claim();
        Thread self = Thread.currentThread();
        boolean timedOut = false;
        while (true) {
            lock.lock();
            try {
                TcpConnection next = pending.pollFirst();
                if (next != null || closed || timedOut) {
                    acceptors.remove(self);
                    if (next == null) {
                        wakeNextAcceptorLocked();
                        throw closed ? new SocketException(this + " is closed")
                                : new SocketTimeoutException("accept on " + this + " timed out after " + timeout);
                    }
                    if (paused && pending.size() <= ACCEPT_QUEUE_LOW) {
                        paused = false;
                        channel.config().setAutoRead(true);
                    }
                    wakeNextAcceptorLocked(); // more may be waiting for more acceptors
                    return next;
                }
                if (!acceptors.contains(self)) {
                    acceptors.addLast(self);
                }
            } finally {
                lock.unlock();
            }
            try {
                timedOut = !Parking.park(acceptWait, deadline);
            } catch (CancellationException | DeadlineExceededException e) {
                lock.lock();
                try {
                    acceptors.remove(self);
                    wakeNextAcceptorLocked(); // it may have been woken for a connection it now leaves
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        }
    }

    private void wakeNextAcceptorLocked() {
        if (!pending.isEmpty() || closed) {
            Thread next = acceptors.pollFirst();
            if (next != null) {
                LockSupport.unpark(next);
            }
        }
    }

    /** The address listened on (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** True until {@link #close} (or the runtime closed). */
    public boolean isOpen() {
        return !closed && channel.isOpen();
    }

    /**
     * Stops listening: connections not yet accepted are closed, tasks blocked in
     * {@link #accept} get a {@link SocketException}; connections already accepted are not
     * affected. Idempotent.
     */
    @Override
    public void close() {
        abort("closed");
    }

    @Override
    public void abort(String reason) {
        ArrayDeque<TcpConnection> dropped;
        ArrayDeque<Thread> waiting;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dropped = new ArrayDeque<>(pending);
            pending.clear();
            waiting = new ArrayDeque<>(acceptors);
            acceptors.clear();
        } finally {
            lock.unlock();
        }
        users.release();
        channel.close();
        for (TcpConnection connection : dropped) {
            connection.abort("its listener closed before it was accepted");
        }
        for (Thread thread : waiting) {
            LockSupport.unpark(thread);
        }
    }



    @Override
    public String toString() {
        return "TcpListener[" + localAddress + "]";
    }

    // ## The event-loop side ##

    /**
     * The server channel's handler: takes each accepted connection into the listener's queue.
     * Connections accepted before bind() has built the listener (a client quicker than the
     * binding task) wait in `early` until drainEarly runs, on the loop, after bind.
     */
    private static final class Acceptor extends ChannelInboundHandlerAdapter {
        /** Written by bind() before it queues drainEarly on the loop; read on the loop. */
        volatile TcpListener listener;
        /** Loop only. */
        private ArrayDeque<TcpConnection> early = new ArrayDeque<>();

        /** On the loop, from the child's initializer. */
        void accepted(TcpConnection connection) {
            if (early != null) {
                early.add(connection);
            } else {
                listener.enqueue(connection);
            }
        }

        void drainEarly() {
            ArrayDeque<TcpConnection> waiting = early;
            early = null;
            for (TcpConnection connection : waiting) {
                listener.enqueue(connection);
            }
        }
    }

    /** On the loop: a connection joins the queue; one acceptor is woken. */
    private void enqueue(TcpConnection connection) {
        Thread wake = null;
        boolean rejected;
        lock.lock();
        try {
            rejected = closed;
            if (!rejected) {
                pending.addLast(connection);
                if (!paused && pending.size() >= ACCEPT_QUEUE_HIGH) {
                    paused = true;
                    channel.config().setAutoRead(false);
                }
                wake = acceptors.pollFirst();
            }
        } finally {
            lock.unlock();
        }
        if (rejected) {
            connection.abort("its listener is closed");
        } else if (wake != null) {
            LockSupport.unpark(wake);
        }
    }
}
