package dev.echo.runtime.net;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.Transport;
import dev.echo.runtime.examples.TcpEchoExample;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Echo-server throughput and latency, Echo's blocking-style server (one task per connection,
 * {@link TcpEchoExample}) against a plain Netty echo server on the same epoll transport with its
 * own 2-thread event-loop group, in one run. The load is the same for both: one Netty client
 * (its own 1-thread epoll group) holding {@value #CONNECTIONS} connections on 127.0.0.1, each
 * sending a {@value #MESSAGE}-byte message and waiting for its echo before the next (closed
 * loop), for {@value #MEASURE_MILLIS} ms after {@value #WARMUP_MILLIS} ms of warm-up.
 *
 * <p>Run: {@code ./echo.sh mvn -q test-compile -pl echo-runtime-core} then the command in
 * docs/reactor.md. Echo is measured twice: with the event loop driven by whichever worker polls
 * (the design) and with one dedicated driver thread ({@code echo.reactor.driver=dedicated}).
 */
public final class TcpEchoBench {

    static final int CONNECTIONS = 100;
    static final int MESSAGE = 64;
    static final int WARMUP_MILLIS = 1_000;
    static final int MEASURE_MILLIS = 3_000;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            for (int round = 1; round <= rounds; round++) {
                System.out.println("round " + round);
                report("echo (rotating poller)", measureEcho(clientGroup, false));
                report("echo (dedicated driver)", measureEcho(clientGroup, true));
                report("plain netty (2 loops)", measureNetty(clientGroup));
            }
        } finally {
            clientGroup.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    private static Result measureEcho(EventLoopGroup clientGroup, boolean dedicated) throws Exception {
        if (dedicated) {
            System.setProperty("echo.reactor.driver", "dedicated");
        }
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name(dedicated ? "bench-dedicated" : "bench")
                .transport(Transport.EPOLL).build()) {
            System.clearProperty("echo.reactor.driver");
            TcpListener listener = TcpListener.bind(runtime, new InetSocketAddress("127.0.0.1", 0));
            Task<Integer> server = runtime.spawn(() -> TcpEchoExample.serve(listener).join());
            Result result = load(clientGroup, listener.localAddress());
            listener.close();
            server.join();
            return result;
        }
    }

    private static Result measureNetty(EventLoopGroup clientGroup) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg, ctx.voidPromise());
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close(); // a client hanging up at the end of the run
                                }
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Result result = load(clientGroup, (InetSocketAddress) server.localAddress());
            server.close().sync();
            return result;
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    /** A closed-loop client connection: one message in flight, latencies recorded while measuring. */
    private static final class Pinger extends ChannelInboundHandlerAdapter {
        final ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[MESSAGE]));
        volatile boolean running = true;
        volatile boolean measuring;
        long sentAt;
        int received;
        long[] latencies = new long[1 << 16];
        int count;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            received = 0;
            sentAt = System.nanoTime();
            ctx.writeAndFlush(message.duplicate(), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            buf.release();
            if (received < MESSAGE) {
                return;
            }
            if (measuring) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = System.nanoTime() - sentAt;
            }
            if (running) {
                send(ctx);
            }
        }
    }

    record Result(double requestsPerSecond, double p50Micros, double p99Micros) {
    }

    private static Result load(EventLoopGroup clientGroup, InetSocketAddress server) throws Exception {
        List<Pinger> pingers = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Pinger pinger = new Pinger();
            pingers.add(pinger);
            channels.add(new Bootstrap().group(clientGroup).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true).handler(pinger).connect(server).sync().channel());
        }
        Thread.sleep(WARMUP_MILLIS);
        for (Pinger p : pingers) {
            p.measuring = true;
        }
        long start = System.nanoTime();
        Thread.sleep(MEASURE_MILLIS);
        for (Pinger p : pingers) {
            p.measuring = false;
        }
        long elapsed = System.nanoTime() - start;
        for (Pinger p : pingers) {
            p.running = false;
        }
        for (Channel c : channels) {
            c.close().sync();
        }
        int total = 0;
        for (Pinger p : pingers) {
            total += p.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (Pinger p : pingers) {
            System.arraycopy(p.latencies, 0, all, at, p.count);
            at += p.count;
        }
        Arrays.sort(all);
        return new Result(total / (elapsed / 1e9), all[total / 2] / 1e3, all[(int) (total * 0.99)] / 1e3);
    }

    private static void report(String name, Result r) {
        System.out.printf("  %-26s %,10.0f req/s   p50 %7.1f us   p99 %7.1f us%n", name, r.requestsPerSecond(), r.p50Micros(), r.p99Micros());
    }
}
