package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.IoEventLoop;
import io.netty.channel.socket.SocketChannel;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop every channel of a runtime sees ({@link CountingEventLoop}): it counts the tasks
 * queued and not yet begun ({@link RuntimeStats#reactorPendingTasks()}), and is still the loop
 * Netty's channels register with and run on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CountingEventLoopTest {

    private static EchoRuntime runtime(String label) {
        return EchoRuntime.builder().processors(2).name(Tests.uniqueName(label)).transport(Transport.EPOLL)
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    /** Holds the loop's owner inside a task until {@code release} opens; returns once it is held. */
    private static void holdTheLoop(IoEventLoop loop, CountDownLatch release) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        loop.execute(() -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(entered.await(20, TimeUnit.SECONDS)).as("the loop ran the holding task").isTrue();
    }

    @Test
    void tasksQueuedBehindABusyLoopArePendingUntilTheLoopRunsThem() throws Exception {
        int queued = 25;
        try (EchoRuntime runtime = runtime("pending")) {
            IoEventLoop loop = NettyInterop.eventLoop(runtime);
            assertThat(runtime.stats().reactorPendingTasks()).as("pending before anything was queued").isZero();
            CountDownLatch release = new CountDownLatch(1);
            holdTheLoop(loop, release);
            assertThat(runtime.stats().reactorPendingTasks()).as("the holding task has begun: not pending").isZero();

            List<Integer> ran = new CopyOnWriteArrayList<>();
            for (int i = 0; i < queued; i++) {
                int index = i;
                loop.execute(() -> ran.add(index));
            }
            assertThat(runtime.stats().reactorPendingTasks()).as("pending while the loop is held").isEqualTo(queued);
            assertThat(ran).as("tasks run while the loop is held").isEmpty();

            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> ran.size() == queued);
            assertThat(ran).as("the queued tasks, in order").containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, queued).boxed().toList());
            assertThat(runtime.stats().reactorPendingTasks()).as("pending after they ran").isZero();
        }
    }

    @Test
    void aTaskThatThrowsStillLeavesThePendingCount() throws Exception {
        try (EchoRuntime runtime = runtime("throws")) {
            IoEventLoop loop = NettyInterop.eventLoop(runtime);
            CountDownLatch release = new CountDownLatch(1);
            holdTheLoop(loop, release);
            CountDownLatch after = new CountDownLatch(1);
            loop.execute(() -> {
                throw new IllegalStateException("a handler's bug (expected in this test's log)");
            });
            loop.execute(after::countDown);
            assertThat(runtime.stats().reactorPendingTasks()).isEqualTo(2);
            release.countDown();
            assertThat(after.await(20, TimeUnit.SECONDS)).as("the task after the throwing one ran").isTrue();
            assertThat(runtime.stats().reactorPendingTasks()).isZero();
        }
    }

    @Test
    void channelsRegisteredOnTheLoopReportItAsTheirEventLoopAndCarryEpollTcp() throws Exception {
        try (EchoRuntime runtime = runtime("register")) {
            IoEventLoop loop = NettyInterop.eventLoop(runtime);
            List<io.netty.channel.Channel> serverChildren = new CopyOnWriteArrayList<>();
            ServerBootstrap server = new ServerBootstrap().group(loop)
                    .channel(NettyInterop.serverSocketChannelType(runtime.transport()))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel child) {
                            serverChildren.add(child);
                            child.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg); // echo
                                }
                            });
                        }
                    });
            io.netty.channel.Channel listening = server.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            byte[] message = "over the counted loop".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            CompletableFuture<byte[]> echoed = new CompletableFuture<>();
            Bootstrap client = new Bootstrap().group(loop).channel(NettyInterop.socketChannelType(runtime.transport()))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            try {
                                byte[] bytes = new byte[buf.readableBytes()];
                                buf.readBytes(bytes);
                                received.writeBytes(bytes);
                            } finally {
                                buf.release();
                            }
                            if (received.size() >= message.length) {
                                echoed.complete(received.toByteArray());
                            }
                        }
                    });
            io.netty.channel.Channel connection = client.connect(listening.localAddress()).sync().channel();
            // Written from this thread, not the loop's: each write is an execute on the loop.
            for (int i = 0; i < message.length; i++) {
                connection.writeAndFlush(Unpooled.wrappedBuffer(message, i, 1));
            }

            assertThat(echoed.get(20, TimeUnit.SECONDS)).asString(StandardCharsets.US_ASCII).isEqualTo("over the counted loop");
            assertThat(listening.eventLoop()).as("the listening channel's loop").isSameAs(loop);
            assertThat(connection.eventLoop()).as("the client channel's loop").isSameAs(loop);
            assertThat(serverChildren).hasSize(1);
            assertThat(serverChildren.get(0).eventLoop()).as("the accepted channel's loop").isSameAs(loop);
            assertThat(connection.getClass().getSimpleName()).isEqualTo("EpollSocketChannel");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(
                    () -> assertThat(runtime.stats().reactorPendingTasks()).as("pending once the traffic is done").isZero());
            connection.close().sync();
            listening.close().sync();
        }
    }

    @Test
    void executeAfterCloseIsRejectedAndLeavesNothingPending() {
        EchoRuntime runtime = runtime("closed");
        IoEventLoop loop = NettyInterop.eventLoop(runtime);
        AtomicInteger ran = new AtomicInteger();
        loop.execute(ran::incrementAndGet);
        runtime.close();

        assertThat(loop.isTerminated()).isTrue();
        assertThatThrownBy(() -> loop.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining(runtime.name());
        assertThat(runtime.stats().reactorPendingTasks()).isZero();
        assertThat(ran.get()).as("the task queued before close ran; the rejected one did not").isEqualTo(1);
    }
}
