package dev.echo.spring.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Asks for the next read once a response has been written, so that a kept-alive HTTP/1.1
 * connection is never left with a request unread in its socket.
 *
 * <p>Why: Reactor Netty's server reads on demand ({@code autoRead} off) and re-arms the read in
 * its {@code HttpTrafficHandler} when a request's operations terminate. In Reactor Netty 1.3.6
 * and 1.3.7 one path never re-arms it: a request that arrived while the previous one was still
 * terminating is buffered, then dispatched from the buffer; if it is answered at once (an
 * already-completed {@code Mono} — for Echo, a task that finished before WebFlux subscribed),
 * the buffer drains without a read being requested, and the next request waits forever
 * (reactor-netty#4347, #4361). Echo's handlers finish on task threads, off the event loop, which
 * widens the window in which a request arrives "early"; {@code EchoWebApplicationTests} met it
 * in one run of three. An extra read after a written response is harmless: with nothing to read
 * it only keeps the socket's read interest, and a request read early is buffered by Reactor
 * Netty as a pipelined one.
 *
 * <p>Sits just before {@code HttpTrafficHandler} (between it and the HTTP codec), so it sees
 * each response's last content on its way out. The read is asked for on the event loop after
 * the write completes, behind the drain task Reactor Netty queues when the operations terminate.
 */
@ChannelHandler.Sharable
public final class KeepAliveReadResumer extends ChannelOutboundHandlerAdapter {

    static final String NAME = "echo.keepAliveReadResumer";

    static final KeepAliveReadResumer INSTANCE = new KeepAliveReadResumer();

    private KeepAliveReadResumer() {
    }

    /** Installs the resumer in every HTTP/1.1 connection of {@code server}. */
    public static HttpServer installOn(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> install(channel.pipeline()));
    }

    static void install(ChannelPipeline pipeline) {
        if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
            pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, INSTANCE);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            ChannelPromise written = promise.unvoid();
            written.addListener((future) -> {
                if (future.isSuccess()) {
                    ctx.executor().execute(() -> {
                        if (ctx.channel().isActive() && !ctx.channel().config().isAutoRead()) {
                            ctx.read();
                        }
                    });
                }
            });
            ctx.write(msg, written);
            return;
        }
        ctx.write(msg, promise);
    }
}
