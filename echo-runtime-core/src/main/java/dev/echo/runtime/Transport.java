package dev.echo.runtime;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * How the {@linkplain EchoRuntime runtime}'s Reactor waits for I/O: one of Netty 4.2's
 * {@code IoHandler}s. Chosen with {@link EchoRuntime.Builder#transport(Transport)}; the one in
 * use is {@link EchoRuntime#transport()} and {@link RuntimeStats#transport()}.
 *
 * <table>
 *   <caption>Transports</caption>
 *   <tr><th>value</th><th>Netty handler</th><th>where</th></tr>
 *   <tr><td>{@link #EPOLL}</td><td>{@code EpollIoHandler}</td><td>Linux (the tested one)</td></tr>
 *   <tr><td>{@link #IO_URING}</td><td>{@code IoUringIoHandler}</td><td>Linux 5.14+, where the kernel allows it</td></tr>
 *   <tr><td>{@link #KQUEUE}</td><td>{@code KQueueIoHandler}</td><td>macOS, BSD</td></tr>
 *   <tr><td>{@link #NIO}</td><td>{@code NioIoHandler} (JDK selector)</td><td>everywhere</td></tr>
 *   <tr><td>{@link #AUTO}</td><td colspan="2">the first that loads of epoll, kqueue, NIO (io_uring only when asked for)</td></tr>
 * </table>
 *
 * <p>The native transports are looked up by class name, so a build that leaves out their jars
 * only makes them unavailable: asking for one then fails in {@code build()} with Netty's
 * reason, and {@code AUTO} falls back to NIO.
 */
public enum Transport {

    /** The best native transport that loads here, else NIO. Never fails. */
    AUTO(null, null, null, null, null),
    /** Linux epoll ({@code netty-transport-native-epoll}). */
    EPOLL("io.netty.channel.epoll.Epoll", "io.netty.channel.epoll.EpollIoHandler",
            "io.netty.channel.epoll.EpollSocketChannel", "io.netty.channel.epoll.EpollServerSocketChannel",
            "netty-transport-native-epoll (classifier linux-x86_64 or linux-aarch_64)"),
    /** BSD / macOS kqueue ({@code netty-transport-native-kqueue}). */
    KQUEUE("io.netty.channel.kqueue.KQueue", "io.netty.channel.kqueue.KQueueIoHandler",
            "io.netty.channel.kqueue.KQueueSocketChannel", "io.netty.channel.kqueue.KQueueServerSocketChannel",
            "netty-transport-native-kqueue (classifier osx-x86_64 or osx-aarch_64)"),
    /** Linux io_uring ({@code netty-transport-native-io_uring}); optional, never picked by AUTO. */
    IO_URING("io.netty.channel.uring.IoUring", "io.netty.channel.uring.IoUringIoHandler",
            "io.netty.channel.uring.IoUringSocketChannel", "io.netty.channel.uring.IoUringServerSocketChannel",
            "netty-transport-native-io_uring (classifier linux-x86_64)"),
    /** The JDK's selector; always available. */
    NIO(null, null, null, null, null);

    private final String availabilityClass;
    private final String handlerClass;
    private final String socketChannelClass;
    private final String serverSocketChannelClass;
    private final String artifact;

    Transport(String availabilityClass, String handlerClass, String socketChannelClass,
              String serverSocketChannelClass, String artifact) {
        this.availabilityClass = availabilityClass;
        this.handlerClass = handlerClass;
        this.socketChannelClass = socketChannelClass;
        this.serverSocketChannelClass = serverSocketChannelClass;
        this.artifact = artifact;
    }

    /** The name shown in statistics: "epoll", "kqueue", "io_uring", "nio" (or "auto"). */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True if this transport can be used here ({@link #AUTO} and {@link #NIO} always can). */
    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Why this transport cannot be used here, as Netty reports it (a missing jar shows as a
     * {@link ClassNotFoundException}), or null if it can.
     */
    public Throwable unavailabilityCause() {
        if (availabilityClass == null) {
            return null;
        }
        try {
            Class<?> type = Class.forName(availabilityClass);
            if ((boolean) type.getMethod("isAvailable").invoke(null)) {
                return null;
            }
            Throwable cause = (Throwable) type.getMethod("unavailabilityCause").invoke(null);
            return cause != null ? cause : new UnsupportedOperationException(displayName() + " is not available");
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return new ClassNotFoundException(availabilityClass + " is not on the class path; add " + artifact, e);
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (ReflectiveOperationException | LinkageError e) {
            return e;
        }
    }

    /** Netty's channel class for a client connection on this transport: see {@link NettyInterop#socketChannelType}. */
    Class<? extends SocketChannel> socketChannelType() {
        if (this == NIO) {
            return NioSocketChannel.class;
        }
        return loadChannelType(socketChannelClass, SocketChannel.class);
    }

    /** Netty's channel class for a listening socket on this transport: see {@link NettyInterop#serverSocketChannelType}. */
    Class<? extends ServerSocketChannel> serverSocketChannelType() {
        if (this == NIO) {
            return NioServerSocketChannel.class;
        }
        return loadChannelType(serverSocketChannelClass, ServerSocketChannel.class);
    }

    private <C> Class<? extends C> loadChannelType(String className, Class<C> expected) {
        if (className == null) {
            throw new IllegalStateException(this + " is not a concrete transport; use EchoRuntime.transport()");
        }
        try {
            return Class.forName(className).asSubclass(expected);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path; add " + artifact, e);
        }
    }

    // ## Selection (package-private: EchoRuntime.Builder and Reactor) ##

    /** A concrete transport with the factory of its IoHandler, and why it was chosen. */
    record Selected(Transport transport, IoHandlerFactory factory, String reason) {
    }

    /**
     * Resolves the requested transport. {@link #AUTO} tries epoll, then kqueue, then NIO and
     * never fails; any other value fails with Netty's unavailability cause in the message.
     *
     * @throws IllegalStateException if a concrete transport was asked for and cannot load
     */
    static Selected select(Transport requested) {
        if (requested != AUTO) {
            Throwable cause = requested.unavailabilityCause();
            if (cause != null) {
                throw new IllegalStateException("transport " + requested.displayName() + " was asked for but cannot load here: "
                        + describe(cause), cause);
            }
            return new Selected(requested, requested.newFactory(), "asked for");
        }
        StringBuilder why = new StringBuilder();
        for (Transport candidate : List.of(EPOLL, KQUEUE)) {
            Throwable cause = candidate.unavailabilityCause();
            if (cause == null) {
                try {
                    return new Selected(candidate, candidate.newFactory(),
                            why.isEmpty() ? "first native transport that loads" : why + "; " + candidate.displayName() + " loads");
                } catch (RuntimeException | LinkageError e) {
                    cause = e;
                }
            }
            if (!why.isEmpty()) {
                why.append("; ");
            }
            why.append(candidate.displayName()).append(" unavailable: ").append(describe(cause));
        }
        return new Selected(NIO, NIO.newFactory(), why.toString());
    }

    /**
     * The factory of this transport's IoHandler. io_uring's factory says its ring may not change
     * threads (IORING_SETUP_SINGLE_ISSUER; turning that off makes Netty 4.2.15's ring setup fail
     * with EINVAL here), so the Reactor drives it from one dedicated thread.
     */
    IoHandlerFactory newFactory() {
        if (this == NIO) {
            return NioIoHandler.newFactory();
        }
        if (this == AUTO) {
            throw new IllegalStateException("AUTO has no factory of its own; use select(AUTO)");
        }
        try {
            Class<?> handler = Class.forName(handlerClass);
            return (IoHandlerFactory) handler.getMethod("newFactory").invoke(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create the " + displayName() + " IoHandler: " + describe(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the " + displayName() + " IoHandler: " + describe(e), e);
        }
    }

    /** A one-line description of a cause and its causes (Netty's are often nested). */
    static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 400; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }
}
