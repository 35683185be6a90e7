package dev.echo.spring.web;

import java.util.Objects;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import io.netty.channel.EventLoopGroup;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty {@link LoopResources} that put every channel — the server's listening socket,
 * its connections, and {@code WebClient}'s connections — on the Echo runtime's own event loop
 * ({@link EchoRuntime#eventLoop()}). Readiness is then polled by Echo's workers between tasks, so
 * a request is read, handled as an Echo task and written on the same carriers.
 *
 * <p>The loop is a Netty {@code IoEventLoop} (a group of one), on the runtime's transport;
 * Reactor Netty picks the matching channel classes (epoll channels on an epoll loop) whatever
 * {@code useNative} says, because the transport is the runtime's choice. The runtime owns the
 * loop: disposing these resources does nothing, and the loop closes with the runtime.
 */
public final class EchoLoopResources implements LoopResources {

    private final EchoRuntime runtime;

    public EchoLoopResources(EchoRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return NettyInterop.eventLoop(this.runtime);
    }

    @Override
    public String toString() {
        return "EchoLoopResources[" + this.runtime + ", " + this.runtime.transport().displayName() + "]";
    }
}
