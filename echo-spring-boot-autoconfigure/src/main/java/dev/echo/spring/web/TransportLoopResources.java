package dev.echo.spring.web;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.echo.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty {@link LoopResources} with loop threads of their own (as Reactor Netty's
 * defaults have) but on a transport chosen by Echo, not by Reactor Netty's detection (which
 * prefers io_uring whenever its jar loads): used for {@code echo.web.loops=reactor-netty}, so
 * the server's transport follows {@code echo.runtime.transport} either way.
 *
 * <p>It owns its threads: {@link #disposeLater(Duration, Duration)} shuts them down (the
 * {@code ReactorResourceFactory} that created it calls that when the context stops).
 */
public final class TransportLoopResources implements LoopResources {

    private final Transport transport;

    private final EventLoopGroup loops;

    /**
     * @param transport a concrete transport that loads here (not {@link Transport#AUTO})
     * @param threads the number of loop threads, at least 1
     */
    public TransportLoopResources(Transport transport, int threads) {
        Objects.requireNonNull(transport, "transport");
        if (transport == Transport.AUTO) {
            throw new IllegalArgumentException("transport must be a concrete one (the runtime's), got " + transport);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.transport = transport;
        this.loops = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("reactor-http-" + transport.displayName(), true), handlerFactory(transport));
    }

    private static IoHandlerFactory handlerFactory(Transport transport) {
        return switch (transport) {
            case EPOLL -> EpollIoHandler.newFactory();
            case KQUEUE -> KQueueIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
            case AUTO -> throw new IllegalArgumentException("AUTO is not a transport of its own");
        };
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return this.loops;
    }

    @Override
    public boolean daemon() {
        return true;
    }

    @Override
    public boolean isDisposed() {
        return this.loops.isShutdown();
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            var termination = this.loops.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Mono.<Void>create((sink) -> termination.addListener((done) -> sink.success()));
        });
    }

    @Override
    public String toString() {
        return "TransportLoopResources[" + this.transport.displayName() + "]";
    }
}
