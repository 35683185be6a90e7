package dev.echo.bench;

import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The tcpecho load generator, the same whichever server it drives: {@code connections} TCP
 * connections over loopback, each a closed loop (send one message, wait for all its bytes to
 * come back, send the next), on one Netty epoll event-loop thread.
 *
 * <p>After {@code warmupNanos} of traffic it counts, for {@code measureNanos}, the round trips
 * that complete, and records each one's latency (send to last byte back) in a histogram of
 * 1 µs buckets up to 1 s. Everything but {@link #run}'s setup happens on the event loop, so
 * the counters need no synchronisation; the latch that ends the run publishes them.
 *
 * <p>The client shares the machine's cores with the server it drives: on 2 cores its own
 * event loop takes up to one of them. That is the same for every server.
 */
final class LoadClient {

    /** The figures of one run: round trips per second and their 99th-percentile latency in µs. */
    record Result(double requestsPerSecond, double p99Micros, long requests) {
    }

    private static final int MAX_MICROS = 1_000_000;

    private final int messageSize;
    private final ByteBuf message;
    private final long[] histogram = new long[MAX_MICROS + 1];
    private long requests;
    private long measureStart;
    private long measureEnd;
    private CountDownLatch finished;

    private LoadClient(int messageSize) {
        this.messageSize = messageSize;
        byte[] bytes = new byte[messageSize];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        this.message = Unpooled.unreleasableBuffer(Unpooled.directBuffer(messageSize).writeBytes(bytes));
    }

    static Result run(InetSocketAddress server, int connections, int messageSize, long warmupNanos,
            long measureNanos) throws InterruptedException {
        return new LoadClient(messageSize).drive(server, connections, warmupNanos, measureNanos);
    }

    private Result drive(InetSocketAddress server, int connections, long warmupNanos, long measureNanos)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<EpollSocketChannel>() {
                        @Override
                        protected void initChannel(EpollSocketChannel channel) {
                            channel.pipeline().addLast(new Connection());
                        }
                    });
            List<Channel> channels = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                channels.add(bootstrap.connect(server).sync().channel());
            }
            finished = new CountDownLatch(connections);
            // Set on the event loop, before the first message goes out, so that every
            // connection reads them there without a race.
            group.next().submit(() -> {
                measureStart = System.nanoTime() + warmupNanos;
                measureEnd = measureStart + measureNanos;
            }).sync();
            for (Channel channel : channels) {
                channel.eventLoop().execute(() -> ((Connection) channel.pipeline().last()).send(channel));
            }
            long budget = warmupNanos + measureNanos + TimeUnit.SECONDS.toNanos(30);
            if (!finished.await(budget, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("tcpecho: connections still waiting for replies after the run");
            }
            for (Channel channel : channels) {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        Workload.check(requests > 0, "tcpecho: no round trip completed");
        return new Result(requests / (measureNanos / 1e9), p99Micros(), requests);
    }

    private double p99Micros() {
        long rank = (long) Math.ceil(0.99 * requests);
        long seen = 0;
        for (int micros = 0; micros <= MAX_MICROS; micros++) {
            seen += histogram[micros];
            if (seen >= rank) {
                return micros;
            }
        }
        return MAX_MICROS;
    }

    /** One connection's closed loop; lives on the client's single event loop. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private long sentAt;
        private int awaited;

        void send(Channel channel) {
            sentAt = System.nanoTime();
            awaited = messageSize;
            channel.writeAndFlush(message.duplicate());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            awaited -= bytes.readableBytes();
            bytes.release();
            if (awaited > 0) {
                return;
            }
            Workload.check(awaited == 0, "tcpecho: the server sent more bytes than it was sent");
            long now = System.nanoTime();
            if (sentAt >= measureStart && now <= measureEnd) {
                requests++;
                histogram[(int) Math.min(MAX_MICROS, (now - sentAt) / 1000)]++;
            }
            if (now < measureEnd) {
                send(ctx.channel());
            } else {
                finished.countDown();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
            throw new IllegalStateException("tcpecho client connection failed", cause);
        }
    }
}
