package dev.echo.runtime.net;

import dev.echo.runtime.DeadlineExceededException;
import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.Task;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TCP connection, used with plain blocking-style calls from an Echo task (or a plain
 * thread): {@link #read}, {@link #write}, {@link #shutdownOutput}, {@link #close}. A call that
 * has to wait parks only the calling task; the runtime's event loop wakes it.
 *
 * <pre>{@code
 * try (TcpConnection c = TcpConnection.connect(new InetSocketAddress("127.0.0.1", 7000))) {
 *     c.write("ping".getBytes(US_ASCII));
 *     byte[] reply = new byte[4];
 *     int n = c.read(reply);              // -1 once the peer has closed its side
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Reads</b> return what has arrived (at least one byte, waiting if none has), or -1
 *       at end of stream; a {@linkplain #readTimeout(Duration) read timeout} throws
 *       {@link SocketTimeoutException} and leaves the connection usable.</li>
 *   <li><b>Writes</b> return once the data is queued for sending; a writer whose peer does not
 *       read waits once {@value #OUTBOUND_HIGH_WATER} bytes are queued, so the memory a
 *       connection holds is bounded both ways.</li>
 *   <li><b>Errors</b>: a refused connect throws {@link java.net.ConnectException}; a reset or
 *       other socket error throws {@link IOException} at the call that sees it; any call after
 *       {@link #close} throws {@link SocketException} ("... is closed").</li>
 *   <li><b>Ownership</b>: a connection belongs to the tasks that have used it (connect,
 *       read, write; not accept): it is aborted when one of them ends failed or cancelled, and
 *       closed when the last of them ends, so a task that forgets close() leaks nothing. Hand a
 *       connection to another task before yours ends only once that task has used it
 *       ({@code TaskUsers}).</li>
 * </ul>
 *
 * <p>One task may read while another writes; two tasks reading (or writing) at once is an
 * {@link IllegalStateException}.
 */
public final class TcpConnection implements AutoCloseable, TaskUsers.Closable {

    /*
     * Implementation overview
     * =======================
     *
     * Two threads meet here: the event loop (Netty's handler methods in Inbound, running on the
     * Reactor's owner thread, which any worker may carry) and the user (a task or a plain
     * thread calling the public methods). `lock` guards the fields marked "guarded"; neither
     * side holds it while parking or doing I/O, and the loop never waits for the user.
     *
     * Invariants
     *  1. inboundBytes == the readable bytes of the ByteBufs in `inbound`; each ByteBuf in it is
     *     owned by this connection and is released exactly once: by the reader that drains it
     *     or by close (which empties the queue). After `closed`, the loop releases what arrives.
     *  2. readPaused => autoRead is off. The loop switches it off (under lock, in channelRead);
     *     the user clears readPaused after consuming and queues resumeReading, which switches it
     *     on, on the loop, only if readPaused is still clear and the input has not ended.
     *     inboundBytes < INBOUND_HIGH_WATER + one read's buffer.
     *  3. reader / writer: the one thread parked (or about to park) in read / write, or null.
     *     The loop clears the field it wakes, the user clears its own after parking.
     *  4. Netty's outbound buffer counts a write from the moment it is submitted (its WriteTask
     *     estimates the size on submit), so channel.isWritable() is already false when write()
     *     returns past the high water mark.
     *
     * Wake-up protocol (the same for read and write)
     *  1. User: under lock, look for data (or writability, end of stream, failure, close); if
     *     none, set reader = self; unlock; Parking.park(deadline); re-check from step 1.
     *  2. Loop: under lock, append the data (or record the event); take reader; unlock; unpark.
     *  The lock orders 1 and 2: either the user sees the data, or the loop sees the reader.
     *  Writability is Netty's volatile flag, read after `writer` is published and re-read after
     *  each wake-up; channelWritabilityChanged wakes the writer.
     *
     * Closing
     *  - close(): marks closed, releases unread data, wakes both sides, then lets Netty send what
     *    was written (an empty flushed write, then close), forcing the close after
     *    CLOSE_LINGER_MILLIS if the peer does not take it - the descriptor never outlives that.
     *  - abort(): same, but closes at once (a cancelled or failed owner, runtime shutdown).
     *  - shutdownOutput(): runs when an empty flushed write completes, i.e. after every earlier
     *    write has gone out; Netty fails writes still queued when the output shuts down.
     *
     * Rejected alternatives
     *  - autoRead off and one channel.read() per user read: one system call per read() and a
     *    cross-thread hop each time; toggling autoRead at water marks reads ahead up to 64 KiB,
     *    which is what a kernel socket buffer does.
     *  - A lock-free SPSC queue for inbound: the lock is uncontended in the common case (one
     *    reader, one loop) and keeps close, failure and end of stream in one critical section.
     *  - Blocking the writer until each write completes: one round trip through the loop per
     *    write; the water mark gives the same bound on memory.
     */

    /** Inbound bytes buffered (unread by the user) at which reading from the socket pauses. */
    static final int INBOUND_HIGH_WATER = 64 * 1024;
    /** Reading resumes once the user has consumed down to this. */
    static final int INBOUND_LOW_WATER = 16 * 1024;
    /** Outbound bytes queued at which a writer waits (Netty's write-buffer high water mark). */
    public static final int OUTBOUND_HIGH_WATER = 64 * 1024;
    static final int OUTBOUND_LOW_WATER = 32 * 1024;
    /** A large write is queued in chunks of this size, waiting for writability in between. */
    static final int WRITE_CHUNK = 64 * 1024;
    /** How long close() lets written data drain before it forces the socket shut. */
    static final long CLOSE_LINGER_MILLIS = 5_000;

    private final Channel channel;
    private final TaskUsers users = new TaskUsers(this);
    private final Inbound inbound = new Inbound();
    private final IoWait readWait = new IoWait("read from", this);
    private final IoWait writeWait = new IoWait("write to", this);

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock (invariant 1). */
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();
    private int inboundBytes;
    /** Guarded by lock (invariant 2). */
    private boolean readPaused;
    /** Guarded by lock: the peer shut its output down, or the connection is gone. */
    private boolean inputEnded;
    /** Guarded by lock: the first socket error the loop saw. */
    private IOException failure;
    /** Guarded by lock; also read without it as a fast check (volatile). */
    private volatile boolean closed;
    private volatile boolean outputShut;
    /** Guarded by lock (invariant 3). */
    private Thread reader;
    private Thread writer;

    /** Read timeout in nanoseconds, 0 for none; any thread. */
    private volatile long readTimeoutNanos = NO_READ_TIMEOUT;
    /** On the event loop, while the channel is initialised (before any event). */
    TcpConnection(Channel channel) {
        this.channel = channel;
        channel.pipeline().addLast(inbound);
    }

    /** The options of every connection (connect's and a listener's children). */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(OUTBOUND_LOW_WATER, OUTBOUND_HIGH_WATER);

    // ## Connecting ##

    /** Connects from inside a task, on the task's runtime, with no time limit. */
    public static TcpConnection connect(InetSocketAddress address) throws IOException {
        return connect(Echo.runtime(), address, Parking.NO_DEADLINE, null);
    }

    /** Connects from inside a task, on the task's runtime, waiting at most {@code timeout}. */
    public static TcpConnection connect(InetSocketAddress address, Duration timeout) throws IOException {
        return connect(Echo.runtime(), address, timeout);
    }

    /** Connects on {@code runtime}'s event loop with no time limit; see {@link #connect(EchoRuntime, InetSocketAddress, Duration)}. */
    public static TcpConnection connect(EchoRuntime runtime, InetSocketAddress address) throws IOException {
        return connect(runtime, address, Parking.NO_DEADLINE, null);
    }

    /**
     * Connects to {@code address} on {@code runtime}'s event loop, waiting at most
     * {@code timeout} (Echo's rule for timeouts: zero or negative does not wait, so it fails
     * unless the connection is made at once; no limit is the method without a timeout). Works
     * from a task (parks it) or a plain thread (blocks).
     *
     * @throws java.net.ConnectException if the peer refuses
     * @throws SocketTimeoutException if not connected within {@code timeout}
     * @throws java.net.UnknownHostException if an unresolved address cannot be resolved
     * @throws NullPointerException if an argument is null
     */
    public static TcpConnection connect(EchoRuntime runtime, InetSocketAddress address, Duration timeout) throws IOException {
        return connect(runtime, address, Parking.deadlineAfter(Objects.requireNonNull(timeout, "timeout")), timeout);
    }

    private static TcpConnection connect(EchoRuntime runtime, InetSocketAddress address, long deadline, Duration timeout)
            throws IOException {
        Objects.requireNonNull(runtime, "runtime");
        InetSocketAddress target = resolve(address);
        AtomicReference<TcpConnection> created = new AtomicReference<>();
        Bootstrap bootstrap = new Bootstrap().group(NettyInterop.eventLoop(runtime)).channel(NettyInterop.socketChannelType(runtime.transport()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        created.set(new TcpConnection(ch));
                    }
                });
        bootstrap.option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        ChannelFuture connected = bootstrap.connect(target);
        IoWait wait = new IoWait("connect to", target);
        boolean done;
        try {
            done = wait.await(connected, deadline);
        } catch (CancellationException e) {
            abandon(connected, created.get(), "the connecting task was cancelled");
            throw e;
        } catch (DeadlineExceededException e) {
            abandon(connected, created.get(), "the connecting task's deadline passed");
            throw e;
        }
        if (!done) {
            abandon(connected, created.get(), "connect timed out");
            throw new SocketTimeoutException("connect to " + target + " timed out after " + timeout);
        }
        if (!connected.isSuccess()) {
            abandon(connected, created.get(), "connect failed");
            throw asIOException(connected.cause(), "connect to " + target + " failed");
        }
        TcpConnection connection = created.get();
        connection.claim();
        return connection;
    }

    /** A connect that did not succeed: its channel closes and it leaves the open sockets. */
    private static void abandon(ChannelFuture connected, TcpConnection half, String reason) {
        if (half != null) {
            half.abort(reason);
        } else {
            connected.channel().close();
        }
    }

    static InetSocketAddress resolve(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        if (!address.isUnresolved()) {
            return address;
        }
        return new InetSocketAddress(InetAddress.getByName(address.getHostString()), address.getPort());
    }

    // ## Reading ##

    /**
     * Sets how long a {@link #read} waits for data before it throws
     * {@link SocketTimeoutException}. Echo's rule for timeouts holds: zero or negative does not
     * wait (a read with nothing received throws at once). By default, or after
     * {@link #clearReadTimeout()}, reads wait without limit.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public TcpConnection readTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException beyond292Years) {
            nanos = timeout.isNegative() ? 0 : Parking.MAX_WAIT_NANOS;
        }
        readTimeoutNanos = Math.max(0, Math.min(nanos, Parking.MAX_WAIT_NANOS));
        return this;
    }

    /** Reads wait without limit again (the default). */
    public TcpConnection clearReadTimeout() {
        readTimeoutNanos = NO_READ_TIMEOUT;
        return this;
    }

    /** The read timeout, or null when reads wait without limit. */
    public Duration readTimeout() {
        long nanos = readTimeoutNanos;
        return nanos == NO_READ_TIMEOUT ? null : Duration.ofNanos(nanos);
    }

    /** readTimeoutNanos when reads wait without limit. */
    private static final long NO_READ_TIMEOUT = -1;

    /** Reads into {@code buffer}; see {@link #read(byte[], int, int)}. */
    public int read(byte[] buffer) throws IOException {
        Objects.requireNonNull(buffer, "buffer");
        return read(buffer, 0, buffer.length);
    }

    /**
     * Reads up to {@code length} bytes into {@code buffer} at {@code offset}: what has arrived,
     * waiting until at least one byte has. Returns the number read, 0 if {@code length} is 0,
     * or -1 at end of stream (the peer shut down its output or closed).
     *
     * @throws SocketTimeoutException if the read timeout passes first (the connection stays usable)
     * @throws IOException if the connection failed (reset, ...)
     * @throws SocketException if this connection was closed
     * @throws IndexOutOfBoundsException if offset and length do not fit {@code buffer}
     */
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.requireNonNull(buffer, "buffer");
        Objects.checkFromIndexSize(offset, length, buffer.length);
        return read(ByteBuffer.wrap(buffer, offset, length));
    }

    /**
     * Reads into {@code destination}'s remaining space, advancing its position; see
     * {@link #read(byte[], int, int)}.
     *
     * @throws java.nio.ReadOnlyBufferException if {@code destination} is read-only
     */
    public int read(ByteBuffer destination) throws IOException {
        Objects.requireNonNull(destination, "destination");
        if (destination.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        claim();
        if (!destination.hasRemaining()) {
            ensureOpen();
            return 0;
        }
        long timeoutNanos = readTimeoutNanos;
        long deadline = timeoutNanos == NO_READ_TIMEOUT ? Parking.NO_DEADLINE : IoWait.deadlineAfter(timeoutNanos);
        Thread self = Thread.currentThread();
        boolean timedOut = false;
        while (true) {
            lock.lock();
            try {
                if (closed) {
                    throw closedException();
                }
                if (!received.isEmpty() || failure != null || inputEnded || timedOut) {
                    if (reader == self) {
                        reader = null;
                    }
                    if (!received.isEmpty()) {
                        return drainLocked(destination);
                    }
                    if (failure != null) {
                        throw new IOException("read from " + this + " failed: " + failure.getMessage(), failure);
                    }
                    if (inputEnded) {
                        return -1;
                    }
                    throw new SocketTimeoutException("read from " + this + " timed out after " + readTimeout());
                }
                if (reader != null && reader != self) {
                    throw new IllegalStateException("another thread (" + reader + ") is already reading from " + this);
                }
                reader = self; // protocol step 1
            } finally {
                lock.unlock();
            }
            try {
                timedOut = !Parking.park(readWait, deadline);
            } catch (CancellationException e) {
                abort("the reading task was cancelled");
                throw e;
            } catch (DeadlineExceededException e) {
                // Like a read timeout: the connection stays usable, by any reader.
                lock.lock();
                try {
                    if (reader == self) {
                        reader = null;
                    }
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        }
    }

    /** Copies what fits from the received buffers; resumes socket reads below the low water mark. */
    private int drainLocked(ByteBuffer destination) {
        int total = 0;
        while (destination.hasRemaining() && !received.isEmpty()) {
            ByteBuf head = received.peekFirst();
            int n = Math.min(head.readableBytes(), destination.remaining());
            int limit = destination.limit();
            destination.limit(destination.position() + n);
            head.readBytes(destination);
            destination.limit(limit);
            total += n;
            if (!head.isReadable()) {
                received.pollFirst().release();
            }
        }
        inboundBytes -= total;
        if (readPaused && inboundBytes <= INBOUND_LOW_WATER && !inputEnded) {
            readPaused = false;
            channel.eventLoop().execute(this::resumeReading);
        }
        return total;
    }

    /**
     * On the loop: switches autoRead back on unless the loop paused again meanwhile or the input
     * has ended. Done on the loop, not from the reader's thread, because Netty's epoll channel
     * fails a read request that lands after the peer's end of stream (epoll_ctl on a descriptor
     * it has already removed); on the loop the check and the request cannot be split.
     */
    private void resumeReading() {
        lock.lock();
        try {
            if (readPaused || inputEnded || closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (!(channel instanceof DuplexChannel duplex) || !duplex.isInputShutdown()) {
            channel.config().setAutoRead(true);
        }
    }

    // ## Writing ##

    /** Writes all of {@code data}; see {@link #write(byte[], int, int)}. */
    public void write(byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        write(data, 0, data.length);
    }

    /**
     * Queues {@code length} bytes of {@code data} from {@code offset} for sending and returns;
     * waits first while more than {@link #OUTBOUND_HIGH_WATER} bytes are queued (the peer is not
     * reading). The bytes are copied: {@code data} may be reused at once.
     *
     * @throws IOException if the connection failed (reset, broken pipe, ...)
     * @throws SocketException if this connection was closed or its output shut down
     * @throws IndexOutOfBoundsException if offset and length do not fit {@code data}
     */
    public void write(byte[] data, int offset, int length) throws IOException {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        write(ByteBuffer.wrap(data, offset, length));
    }

    /** Writes {@code source}'s remaining bytes, advancing its position; see {@link #write(byte[], int, int)}. */
    public void write(ByteBuffer source) throws IOException {
        Objects.requireNonNull(source, "source");
        claim();
        ensureWritable();
        while (source.hasRemaining()) {
            awaitWritable();
            int n = Math.min(source.remaining(), WRITE_CHUNK);
            ByteBuf chunk = channel.alloc().directBuffer(n);
            int limit = source.limit();
            source.limit(source.position() + n);
            chunk.writeBytes(source);
            source.limit(limit);
            // Thread-safe; a failure is fired into the pipeline (Inbound.exceptionCaught) and
            // seen by the next call; a closed channel releases the buffer.
            channel.writeAndFlush(chunk, channel.voidPromise());
        }
    }

    private void ensureWritable() throws IOException {
        if (closed) {
            throw closedException();
        }
        if (!channel.isOpen()) {
            IOException failed = failureNow();
            throw failed != null ? new IOException("write to " + this + " failed: " + failed.getMessage(), failed)
                    : new SocketException(this + " was closed by the peer or the network");
        }
        if (outputShut) {
            throw new SocketException("output of " + this + " is shut down");
        }
        IOException failed = failureNow();
        if (failed != null) {
            throw new IOException("write to " + this + " failed: " + failed.getMessage(), failed);
        }
    }

    /** Parks while Netty's outbound buffer is above the high water mark (invariant 4). */
    private void awaitWritable() throws IOException {
        if (channel.isWritable()) {
            return;
        }
        Thread self = Thread.currentThread();
        while (true) {
            lock.lock();
            try {
                if (writer != null && writer != self) {
                    throw new IllegalStateException("another thread (" + writer + ") is already writing to " + this);
                }
                writer = self;
            } finally {
                lock.unlock();
            }
            boolean ready = channel.isWritable();
            if (!ready) {
                ensureWritable();
                if (!channel.isActive()) {
                    clearWriter(self);
                    throw new SocketException(this + " was closed by the peer or the network");
                }
                try {
                    Parking.park(writeWait, Parking.NO_DEADLINE);
                } catch (CancellationException e) {
                    clearWriter(self);
                    abort("the writing task was cancelled");
                    throw e;
                } catch (DeadlineExceededException e) {
                    clearWriter(self); // nothing of this write was queued yet: the connection stays usable
                    throw e;
                }
                ready = channel.isWritable();
            }
            clearWriter(self);
            if (ready) {
                return;
            }
        }
    }

    private void clearWriter(Thread self) {
        lock.lock();
        try {
            if (writer == self) {
                writer = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Half-close: sends end of stream to the peer after everything written so far; this side
     * may still read. Later writes throw {@link SocketException}. Does not wait.
     */
    public void shutdownOutput() throws IOException {
        claim();
        ensureWritable();
        outputShut = true;
        if (channel instanceof DuplexChannel duplex) {
            // After the earlier writes have gone out (an empty write completes after them):
            // Netty fails writes still queued when the output shuts down.
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
        } else {
            throw new IllegalStateException(channel + " cannot half-close");
        }
    }

    // ## Closing ##

    /**
     * Closes the connection: unread data is dropped, a task blocked in {@link #read} or
     * {@link #write} gets a {@link SocketException}, and data already written is still sent (for
     * up to {@value #CLOSE_LINGER_MILLIS} ms if the peer is slow to take it). Idempotent.
     */
    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        try {
            ScheduledFuture<?> linger = channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> linger.cancel(false));
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            channel.close(); // the runtime's loop is shutting down and closes every channel anyway
        }
    }

    /** Closes at once, dropping unsent data. */
    @Override
    public void abort(String reason) {
        if (markClosed()) {
            channel.close();
        }
    }

    /** True until {@link #close} (or the connection was lost and closed by Netty). */
    public boolean isOpen() {
        return !closed && channel.isOpen();
    }

    /** Marks closed, releases unread data, wakes both sides. False if already closed. */
    private boolean markClosed() {
        Thread wakeReader;
        Thread wakeWriter;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            releaseReceivedLocked();
            wakeReader = reader;
            wakeWriter = writer;
            reader = null;
            writer = null;
        } finally {
            lock.unlock();
        }
        users.release();
        unpark(wakeReader);
        unpark(wakeWriter);
        return true;
    }

    private void releaseReceivedLocked() {
        ByteBuf buf;
        while ((buf = received.pollFirst()) != null) {
            buf.release();
        }
        inboundBytes = 0;
    }

    // ## Addresses, ownership ##

    /** The local address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The peer's address. */
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** Bytes received and not yet read (tests check the inbound bound). */
    int bufferedInboundBytes() {
        lock.lock();
        try {
            return inboundBytes;
        } finally {
            lock.unlock();
        }
    }

    /** The calling task becomes one of the connection's users (TaskUsers). Cheap when it is. */
    void claim() {
        users.claim();
    }

    /** Tasks using the connection now (tests). */
    int userCount() {
        return users.size();
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw closedException();
        }
    }

    private SocketException closedException() {
        return new SocketException(this + " is closed");
    }

    private IOException failureNow() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    static IOException asIOException(Throwable cause, String what) {
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException(what + ": " + cause, cause);
    }

    private static void unpark(Thread thread) {
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public String toString() {
        return "TcpConnection[" + channel.localAddress() + " -> " + channel.remoteAddress() + "]";
    }

    // ## The event-loop side ##

    /** Netty's end: runs on the event loop, never blocks, wakes the user (protocol step 2). */
    private final class Inbound extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof ByteBuf buf)) {
                io.netty.util.ReferenceCountUtil.release(message);
                return;
            }
            Thread wake;
            lock.lock();
            try {
                if (closed || !buf.isReadable()) {
                    buf.release();
                    return;
                }
                received.addLast(buf);
                inboundBytes += buf.readableBytes();
                if (!readPaused && inboundBytes >= INBOUND_HIGH_WATER) {
                    readPaused = true;
                    ctx.channel().config().setAutoRead(false);
                }
                wake = reader;
                reader = null;
            } finally {
                lock.unlock();
            }
            unpark(wake);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == ChannelInputShutdownEvent.INSTANCE) {
                endInput(null);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                Thread wake;
                lock.lock();
                try {
                    wake = writer;
                    writer = null;
                } finally {
                    lock.unlock();
                }
                unpark(wake);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            endInput(null);
            if (ctx.executor().isShuttingDown()) {
                markClosed(); // the runtime is closing: nobody will read the rest; release it
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void channelUnregistered(ChannelHandlerContext ctx) {
            ctx.fireChannelUnregistered();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A write that raced with a close fails with ClosedChannelException: that is not a
            // socket error to report, the close is (reads then see end of stream or "closed").
            boolean ownDoing = cause instanceof java.nio.channels.ClosedChannelException
                    || cause instanceof io.netty.channel.socket.ChannelOutputShutdownException;
            endInput(ownDoing ? null : asIOException(cause, "socket error"));
            ctx.close();
        }

        private void endInput(IOException error) {
            Thread wakeReader;
            Thread wakeWriter;
            lock.lock();
            try {
                inputEnded = true;
                if (error != null && failure == null) {
                    failure = error;
                }
                wakeReader = reader;
                wakeWriter = writer;
                reader = null;
                writer = null;
            } finally {
                lock.unlock();
            }
            unpark(wakeReader);
            unpark(wakeWriter);
        }
    }
}
