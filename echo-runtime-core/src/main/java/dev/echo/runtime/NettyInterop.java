package dev.echo.runtime;

import java.util.Objects;

import io.netty.channel.IoEventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * Netty interop, in one place: the runtime's Reactor is a Netty event loop on a native transport,
 * and Netty code (a {@code Bootstrap}, Reactor Netty's {@code LoopResources}, the Spring starter's
 * HTTP server) can run its channels there, so that their I/O is driven by Echo's workers between
 * tasks. The rest of Echo's API shows no Netty type; {@code dev.echo.runtime.net} is built on
 * this class.
 */
public final class NettyInterop {

    private NettyInterop() {
    }

    /**
     * The Netty event loop of {@code runtime}'s Reactor, on {@link EchoRuntime#transport()}:
     * register Netty channels of that transport here
     * ({@code Bootstrap.group(NettyInterop.eventLoop(runtime))}) and their I/O is driven by Echo's
     * workers, as the tasks' is. Handlers run on the loop's own thread ({@code inEventLoop()}),
     * which may be carried by any worker: they must not block. Once handed out, deadlock
     * detection counts the loop as a possible waker (channels may deliver I/O).
     *
     * @throws NullPointerException if {@code runtime} is null
     */
    public static IoEventLoop eventLoop(EchoRuntime runtime) {
        return Objects.requireNonNull(runtime, "runtime").eventLoop();
    }

    /**
     * Netty's channel class for a client connection on {@code transport} (for
     * {@code Bootstrap.channel}); {@link Transport#NIO} always works.
     *
     * @throws IllegalStateException if {@code transport} is {@link Transport#AUTO} (ask the
     *                               runtime's {@link EchoRuntime#transport()}) or its jar is missing
     * @throws NullPointerException if {@code transport} is null
     */
    public static Class<? extends SocketChannel> socketChannelType(Transport transport) {
        return Objects.requireNonNull(transport, "transport").socketChannelType();
    }

    /**
     * Netty's channel class for a listening socket on {@code transport} (for
     * {@code ServerBootstrap.channel}).
     *
     * @throws IllegalStateException if {@code transport} is {@link Transport#AUTO} or its jar is missing
     * @throws NullPointerException if {@code transport} is null
     */
    public static Class<? extends ServerSocketChannel> serverSocketChannelType(Transport transport) {
        return Objects.requireNonNull(transport, "transport").serverSocketChannelType();
    }

    /** Connections one read of a listening channel accepts at most, as Netty's default for server channels. */
    static final int ACCEPTS_PER_READ = 16;

    /**
     * A receive allocator for a listening channel ({@code ServerBootstrap.option(
     * ChannelOption.RCVBUF_ALLOCATOR, NettyInterop.acceptAllocator())}) that accepts up to 16
     * pending connections per read, until {@code accept} finds none.
     *
     * <p>Why: Netty 4.2's epoll server channel stops its accept loop after one connection with
     * the default allocator (its "maybe more data" test compares the accepted file descriptor with
     * the one byte it attempted to read, so it always says no), and the channel is read again only
     * in the loop's next round. Under load a round runs every ready connection's reads first, so
     * a burst of new connections waits in the kernel's accept queue, one accept per round: 1,000
     * connections opened at once took seconds to accept on this project's 2-core machine, and
     * their first requests were the whole p99 (docs/benchmarks.md). Echo's listeners and the
     * Spring starter's HTTP server use this allocator.
     */
    public static RecvByteBufAllocator acceptAllocator() {
        return new ServerChannelRecvByteBufAllocator().respectMaybeMoreData(false).maxMessagesPerRead(ACCEPTS_PER_READ);
    }
}
