package dev.echo.runtime.net;

import static dev.echo.runtime.net.NetTests.anyLoopbackPort;
import static dev.echo.runtime.net.NetTests.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Promise;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.examples.TcpEchoExample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP for tasks, behaviour by behaviour, on a two-processor runtime on epoll over loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpConnectionTest {

    private static EchoRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = NetTests.epollRuntime(2, "tcp");
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    // ## Data ##

    @Test
    void bytesWrittenByOneTaskAreReadByAnotherAsByteArraysAndByteBuffers() {
        byte[] sent = payload(1, 200_000);
        byte[] echoed = runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Task<Integer> server = TcpEchoExample.serve(listener);
                try (TcpConnection c = TcpConnection.connect(listener.localAddress())) {
                    c.write(ByteBuffer.wrap(sent, 0, 100_000));
                    c.write(sent, 100_000, 100_000);
                    c.shutdownOutput();
                    ByteBuffer in = ByteBuffer.allocateDirect(sent.length);
                    while (in.hasRemaining() && c.read(in) >= 0) {
                        // fills
                    }
                    assertThat(c.read(new byte[1])).as("end of stream after the echo").isEqualTo(-1);
                    in.flip();
                    byte[] out = new byte[in.remaining()];
                    in.get(out);
                    return out;
                } finally {
                    listener.close();
                    server.join();
                }
            }
        });
        assertThat(echoed).isEqualTo(sent);
    }

    @Test
    void readAfterThePeerClosedReturnsEndOfStreamAndDataSentBeforeIsStillRead() {
        int[] result = runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Task<Void> peer = Echo.spawn(() -> {
                    try (TcpConnection c = listener.accept()) {
                        c.write(new byte[] {1, 2, 3});
                    }
                    return null;
                });
                try (TcpConnection c = TcpConnection.connect(listener.localAddress())) {
                    peer.join();
                    byte[] buffer = new byte[10];
                    int first = c.read(buffer);
                    int second = c.read(buffer);
                    int third = c.read(buffer);
                    return new int[] {first, second, third};
                }
            }
        });
        assertThat(result).containsExactly(3, -1, -1);
    }

    @Test
    void halfCloseLetsThePeerFinishWritingAfterReadingEndOfStream() {
        String reply = runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Echo.spawn(() -> {
                    try (TcpConnection c = listener.accept()) {
                        byte[] all = new byte[100];
                        int total = 0;
                        int n;
                        while ((n = c.read(all, total, all.length - total)) > 0) {
                            total += n;
                        }
                        c.write(("got " + total + " bytes").getBytes());
                    }
                    return null;
                });
                byte[] echoed = TcpEchoExample.exchange(listener.localAddress(), "twelve bytes".getBytes());
                return new String(echoed);
            }
        });
        assertThat(reply).isEqualTo("got 12 bytes");
    }

    // ## Timeouts ##

    @Test
    void aReadTimeoutThrowsSocketTimeoutExceptionAndTheConnectionStaysUsable() {
        String outcome = runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Task<Integer> server = TcpEchoExample.serve(listener);
                try (TcpConnection c = TcpConnection.connect(listener.localAddress())) {
                    c.readTimeout(Duration.ofMillis(50));
                    long start = System.nanoTime();
                    try {
                        c.read(new byte[4]);
                        return "no timeout";
                    } catch (SocketTimeoutException expected) {
                        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        assertThat(waited).isBetween(45L, 5_000L);
                    }
                    c.clearReadTimeout();
                    c.write("ok".getBytes());
                    byte[] back = new byte[2];
                    int n = c.read(back);
                    return new String(back, 0, n);
                } finally {
                    listener.close();
                    server.join();
                }
            }
        });
        assertThat(outcome).isEqualTo("ok");
    }

    @Test
    void aConnectThatGetsNoAnswerTimesOut() throws Exception {
        // A listener that never accepts, its backlog filled by plain sockets: SYNs go unanswered.
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
            java.util.List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    java.nio.channels.SocketChannel filler = java.nio.channels.SocketChannel.open();
                    filler.configureBlocking(false);
                    filler.connect(address);
                    fillers.add(filler);
                }
                Thread.sleep(50);
                long start = System.nanoTime();
                assertThatThrownBy(() -> runtime.block(() -> TcpConnection.connect(address, Duration.ofMillis(200))))
                        .cause().isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining(address.toString().replace("localhost", ""))
                        .hasMessageContaining("timed out");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 5_000L);
            } finally {
                for (java.nio.channels.SocketChannel filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    // ## Errors ##

    @Test
    void connectingToAPortNobodyListensOnThrowsConnectException() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        assertThatThrownBy(() -> runtime.block(() -> TcpConnection.connect(address)))
                .cause().isInstanceOf(ConnectException.class)
                .hasMessageContaining(String.valueOf(port));
    }

    @Test
    void listeningOnAnAddressInUseThrowsBindExceptionNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> TcpListener.bind(runtime, address))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void aResetByThePeerThrowsIOExceptionAtTheReadThatSeesIt() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", peer.getLocalPort());
            Thread resetter = Thread.ofPlatform().start(() -> {
                try (Socket s = peer.accept()) {
                    s.getInputStream().read();
                    s.setSoLinger(true, 0); // close with RST
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Throwable thrown = runtime.block(() -> {
                try (TcpConnection c = TcpConnection.connect(address)) {
                    c.write(new byte[] {42});
                    try {
                        c.read(new byte[10]);
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }
            });
            resetter.join();
            assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void everyOperationOnAClosedConnectionThrowsAnExceptionSayingItIsClosed() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Task<Integer> server = TcpEchoExample.serve(listener);
                TcpConnection c = TcpConnection.connect(listener.localAddress());
                c.close();
                c.close(); // idempotent
                assertThat(c.isOpen()).isFalse();
                assertThatThrownBy(() -> c.read(new byte[1])).isInstanceOf(SocketException.class).hasMessageContaining("is closed");
                assertThatThrownBy(() -> c.write(new byte[1])).isInstanceOf(SocketException.class).hasMessageContaining("is closed");
                assertThatThrownBy(c::shutdownOutput).isInstanceOf(SocketException.class).hasMessageContaining("is closed");
                listener.close();
                assertThatThrownBy(listener::accept).isInstanceOf(SocketException.class).hasMessageContaining("is closed");
                server.join();
            }
            return null;
        });
    }

    @Test
    void writingAfterShutdownOutputThrows() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort());
                 TcpConnection c = TcpConnection.connect(listener.localAddress())) {
                c.shutdownOutput();
                assertThatThrownBy(() -> c.write(new byte[1])).isInstanceOf(SocketException.class)
                        .hasMessageContaining("shut down");
            }
            return null;
        });
    }

    @Test
    void closingAConnectionWakesATaskBlockedReadingIt() {
        Throwable thrown = runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                TcpConnection c = TcpConnection.connect(listener.localAddress());
                Task<Throwable> reader = Echo.spawn(() -> {
                    try {
                        c.read(new byte[1]);
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                });
                await().atMost(Duration.ofSeconds(5)).until(() -> reader.status() == TaskStatus.WAITING);
                c.close();
                return reader.join();
            }
        });
        assertThat(thrown).isInstanceOf(SocketException.class).hasMessageContaining("is closed");
    }

    // ## Backpressure ##

    @Test
    void aWriterWhosePeerDoesNotReadWaitsWithBoundedBufferingThenFinishesWhenThePeerReads() {
        int total = 8 * 1024 * 1024;
        long[] observed = runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                TcpConnection client = TcpConnection.connect(listener.localAddress());
                TcpConnection server = listener.accept();
                AtomicLong written = new AtomicLong();
                Task<Void> writer = Echo.spawn(() -> {
                    byte[] chunk = new byte[16 * 1024];
                    while (written.get() < total) {
                        server.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    server.close();
                    return null;
                });
                // The client does not read: the writer must stall with little queued.
                await().atMost(Duration.ofSeconds(10)).until(() -> writer.status() == TaskStatus.WAITING);
                Echo.sleep(Duration.ofMillis(100));
                long stalledAt = written.get();
                assertThat(writer.status()).isEqualTo(TaskStatus.WAITING);
                // Now read everything: the writer finishes.
                long read = 0;
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = client.read(buffer)) >= 0) {
                    read += n;
                }
                writer.join();
                client.close();
                return new long[] {stalledAt, read};
            }
        });
        assertThat(observed[0]).as("bytes written before the writer stalled (kernel buffers + 64 KiB)")
                .isLessThan(total / 2);
        assertThat(observed[1]).isEqualTo(total);
    }

    @Test
    void aPeerThatFloodsAConnectionNobodyReadsIsHeldToTheInboundWaterMark() throws Exception {
        try (TcpListener listener = TcpListener.bind(runtime, anyLoopbackPort())) {
            InetSocketAddress address = listener.localAddress();
            CountDownLatch stop = new CountDownLatch(1);
            AtomicLong sent = new AtomicLong();
            Thread flooder = Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                    s.setSoTimeout(100);
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[8192];
                    while (stop.getCount() > 0) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // blocked write interrupted by close at the end
                }
            });
            TcpConnection server = listener.accept();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.bufferedInboundBytes() >= TcpConnection.INBOUND_HIGH_WATER);
            long before = sent.get();
            Thread.sleep(200);
            assertThat(server.bufferedInboundBytes()).as("bytes buffered for a reader that never reads")
                    .isLessThanOrEqualTo(TcpConnection.INBOUND_HIGH_WATER + 256 * 1024);
            assertThat(sent.get() - before).as("the flooder stalls once kernel buffers are full").isLessThan(8L * 1024 * 1024);
            // Reading drains it and reading resumes.
            byte[] buffer = new byte[64 * 1024];
            long drained = 0;
            server.readTimeout(Duration.ofMillis(500));
            while (drained < 4L * 1024 * 1024) {
                drained += server.read(buffer);
            }
            stop.countDown();
            server.close();
            flooder.join(5_000);
        }
    }

    // ## Tasks and threads ##

    @Test
    void cancellingATaskBlockedInReadClosesItsConnection() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                TcpConnection[] held = new TcpConnection[1];
                Task<Void> reader = Echo.spawn(() -> {
                    held[0] = TcpConnection.connect(listener.localAddress());
                    held[0].read(new byte[1]);
                    return null;
                });
                TcpConnection peer = listener.accept();
                await().atMost(Duration.ofSeconds(5)).until(() -> reader.status() == TaskStatus.WAITING && held[0] != null);
                reader.cancel();
                assertThatThrownBy(reader::join).isInstanceOf(CancellationException.class);
                assertThat(held[0].isOpen()).isFalse();
                peer.readTimeout(Duration.ofSeconds(5));
                assertThat(peer.read(new byte[1])).as("the peer sees the close").isEqualTo(-1);
                peer.close();
            }
            return null;
        });
    }

    @Test
    void aTaskThatFailsHoldingAConnectionHasItClosed() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                TcpConnection[] held = new TcpConnection[1];
                Task<Void> failing = Echo.spawn(() -> {
                    held[0] = TcpConnection.connect(listener.localAddress());
                    throw new IllegalStateException("boom while holding a connection");
                });
                TcpConnection peer = listener.accept();
                assertThatThrownBy(failing::join).hasMessageContaining("boom");
                await().atMost(Duration.ofSeconds(5)).until(() -> !held[0].isOpen());
                peer.readTimeout(Duration.ofSeconds(5));
                assertThat(peer.read(new byte[1])).isEqualTo(-1);
                peer.close();
            }
            return null;
        });
    }

    @Test
    void ownershipMovesToTheTaskThatUsesTheConnectionSoAHandOverSurvivesTheAcceptor() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                TcpConnection client = TcpConnection.connect(listener.localAddress());
                Task<TcpConnection> acceptor = Echo.spawn(() -> listener.accept());
                TcpConnection accepted = acceptor.join();
                Task<Integer> handler = Echo.spawn(() -> accepted.read(new byte[1]));
                await().atMost(Duration.ofSeconds(5)).until(() -> handler.status() == TaskStatus.WAITING);
                Echo.sleep(Duration.ofMillis(60));
                assertThat(accepted.isOpen()).as("a normally finished acceptor does not close what it handed over").isTrue();
                client.write(new byte[] {7});
                assertThat(handler.join()).isEqualTo(1);
                client.close();
                accepted.close();
            }
            return null;
        });
    }

    /** A task that ends normally without close() leaks nothing: its connection closes with it. */
    @Test
    void aTaskThatEndsWithoutClosingItsConnectionClosesItOnItsWayOut() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Promise<TcpConnection> forgotten = new Promise<>();
                Task<Void> careless = Echo.spawn(() -> {
                    TcpConnection c = TcpConnection.connect(listener.localAddress());
                    c.write(new byte[] {1});
                    forgotten.resolve(c);
                    return null; // no close()
                });
                try (TcpConnection peer = listener.accept()) {
                    careless.join();
                    assertThat(forgotten.future().await().isOpen()).as("closed when its only user ended").isFalse();
                    byte[] one = new byte[1];
                    assertThat(peer.read(one)).isEqualTo(1);
                    assertThat(peer.read(one)).as("the peer sees the end of stream").isEqualTo(-1);
                }
            }
            return null;
        });
    }

    /** A reader task and a writer task share one connection: the writer's end does not close it. */
    @Test
    void aConnectionUsedByTwoTasksStaysOpenUntilTheLastOfThemEnds() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                TcpConnection client = TcpConnection.connect(runtime, listener.localAddress()); // a plain user: main
                TcpConnection accepted = listener.accept();
                Task<Integer> reader = Echo.spawn(() -> accepted.read(new byte[1]));
                await().atMost(Duration.ofSeconds(5)).until(() -> reader.status() == TaskStatus.WAITING);
                Echo.spawn(() -> {
                    accepted.write(new byte[] {9});
                    return null;
                }).join();
                assertThat(accepted.isOpen()).as("open while the reader still uses it").isTrue();
                assertThat(accepted.userCount()).isEqualTo(1);
                client.write(new byte[] {7});
                assertThat(reader.join()).isEqualTo(1);
                assertThat(accepted.isOpen()).as("closed once its last user ended").isFalse();
                client.close();
            }
            return null;
        });
    }

    @Test
    void aUserTaskThatFailsAbortsTheConnection() {
        runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                Promise<TcpConnection> used = new Promise<>();
                Task<Void> failing = Echo.spawn(() -> {
                    TcpConnection c = TcpConnection.connect(listener.localAddress());
                    used.resolve(c);
                    throw new IllegalStateException("the handler failed");
                });
                try (TcpConnection peer = listener.accept()) {
                    catchThrowable(failing::join);
                    assertThat(used.future().await().isOpen()).isFalse();
                    assertThat(catchThrowable(() -> peer.read(new byte[1]))).satisfiesAnyOf(
                            t -> assertThat(t).isInstanceOf(java.io.IOException.class), // reset
                            t -> assertThat(t).isNull());                               // or EOF first
                }
            }
            return null;
        });
    }

    @Test
    void plainThreadsConnectReadAndWriteBlockingThemselves() throws Exception {
        try (TcpListener listener = TcpListener.bind(runtime, anyLoopbackPort())) {
            Task<Integer> server = runtime.spawn(() -> {
                try (TcpConnection c = listener.accept()) {
                    byte[] b = new byte[5];
                    int n = c.read(b);
                    c.write(b, 0, n);
                    return n;
                }
            });
            try (TcpConnection c = TcpConnection.connect(runtime, listener.localAddress(), Duration.ofSeconds(5))) {
                c.write("hello".getBytes());
                byte[] back = new byte[5];
                int n = 0;
                while (n < 5) {
                    n += c.read(back, n, 5 - n);
                }
                assertThat(new String(back)).isEqualTo("hello");
            }
            assertThat(server.join()).isEqualTo(5);
        }
    }

    @Test
    void aJdkSocketClientTalksToAnEchoServer() throws Exception {
        try (TcpListener listener = TcpListener.bind(runtime, anyLoopbackPort())) {
            Task<Integer> server = runtime.spawn(() -> TcpEchoExample.serve(listener).join());
            try (Socket s = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
                s.setSoTimeout(5_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write("via the JDK".getBytes());
                s.shutdownOutput();
                assertThat(new String(in.readAllBytes())).isEqualTo("via the JDK");
            }
            listener.close();
            assertThat(server.join()).isEqualTo(1);
        }
    }

    // ## Bad input ##

    @Test
    void badArgumentsAreRejectedNamingTheBadValue() throws Exception {
        assertThatThrownBy(() -> TcpConnection.connect(runtime, null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("address");
        assertThatThrownBy(() -> TcpConnection.connect(runtime, anyLoopbackPort(), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> TcpConnection.connect(anyLoopbackPort())).as("outside a task, without a runtime")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not inside an Echo task");
        assertThatThrownBy(() -> TcpListener.bind(null, anyLoopbackPort())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("runtime");
        try (TcpListener listener = TcpListener.bind(runtime, anyLoopbackPort())) {
            assertThatThrownBy(() -> listener.accept(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("timeout");
            assertThatThrownBy(() -> listener.accept(Duration.ofMillis(20))).isInstanceOf(SocketTimeoutException.class);
            try (TcpConnection c = TcpConnection.connect(runtime, listener.localAddress())) {
                assertThatThrownBy(() -> c.read(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining("3").hasMessageContaining("2");
                assertThatThrownBy(() -> c.write(new byte[4], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining("-1");
                assertThatThrownBy(() -> c.readTimeout(null)).isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("timeout");
                assertThatThrownBy(() -> c.read((ByteBuffer) null)).isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("destination");
                assertThatThrownBy(() -> c.read(ByteBuffer.allocate(4).asReadOnlyBuffer()))
                        .isInstanceOf(java.nio.ReadOnlyBufferException.class);
                assertThat(c.read(new byte[0])).isZero();
                assertThat(Arrays.asList(c.localAddress().getPort(), c.remoteAddress().getPort()))
                        .contains(listener.localAddress().getPort());
            }
        }
    }
}
