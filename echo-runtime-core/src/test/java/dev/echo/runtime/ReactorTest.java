package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.examples.TcpEchoExample;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;

import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Reactor on Netty: transports, timers at scale, starvation, shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorTest {

    private static EchoRuntime runtime(int processors, String label, Transport transport) {
        return EchoRuntime.builder().processors(processors).name(Tests.uniqueName(label)).transport(transport)
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    private static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private static String echoOnce(EchoRuntime runtime) {
        return runtime.block(() -> {
            try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
                Task<Integer> server = TcpEchoExample.serve(listener);
                String back = new String(TcpEchoExample.exchange(listener.localAddress(), "over the wire".getBytes()));
                listener.close();
                server.join();
                return back;
            }
        });
    }

    // ## Transports ##

    @Test
    void autoPicksEpollOnLinuxAndStatisticsSayWhichTransportIsInUse() {
        try (EchoRuntime runtime = runtime(2, "auto", Transport.AUTO)) {
            assertThat(runtime.transport()).isEqualTo(Transport.EPOLL);
            assertThat(runtime.stats().transport()).isEqualTo("epoll");
            assertThat(echoOnce(runtime)).isEqualTo("over the wire");
        }
    }

    @Test
    void askingForATransportThatCannotLoadFailsInBuildWithNettysReason() {
        assertThat(Transport.KQUEUE.isAvailable()).as("kqueue on Linux").isFalse();
        assertThatThrownBy(() -> EchoRuntime.builder().transport(Transport.KQUEUE).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kqueue")
                .hasMessageContaining("cannot load")
                .hasCauseReference(Transport.KQUEUE.unavailabilityCause());
        assertThatThrownBy(() -> EchoRuntime.builder().transport(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("transport");
    }

    @Test
    void nioAndIoUringCarryTheSameTcpWhenAskedFor() {
        try (EchoRuntime runtime = runtime(2, "nio", Transport.NIO)) {
            assertThat(runtime.stats().transport()).isEqualTo("nio");
            assertThat(echoOnce(runtime)).isEqualTo("over the wire");
        }
        if (Transport.IO_URING.isAvailable()) {
            try (EchoRuntime runtime = runtime(2, "uring", Transport.IO_URING)) {
                assertThat(runtime.stats().transport()).isEqualTo("io_uring");
                assertThat(runtime.reactor.isDedicated()).as("io_uring's ring stays on one thread").isTrue();
                assertThat(echoOnce(runtime)).isEqualTo("over the wire");
            }
        }
    }

    // ## Timers at scale ##

    @Test
    void aHundredThousandTasksSleepingRandomTimesAllWakeNoneEarly() {
        int tasks = 100_000;
        Random random = new Random(42);
        long[] sleeps = new long[tasks];
        for (int i = 0; i < tasks; i++) {
            sleeps[i] = TimeUnit.MILLISECONDS.toNanos(1 + random.nextInt(100));
        }
        long[] lateness = new long[tasks];
        AtomicInteger early = new AtomicInteger();
        try (EchoRuntime runtime = runtime(2, "timers", Transport.EPOLL)) {
            runtime.block(() -> {
                List<Task<Void>> all = new ArrayList<>(tasks);
                for (int i = 0; i < tasks; i++) {
                    int index = i;
                    all.add(Echo.spawn(() -> {
                        long start = System.nanoTime();
                        Echo.sleep(Duration.ofNanos(sleeps[index]));
                        long slept = System.nanoTime() - start;
                        if (slept < sleeps[index]) {
                            early.incrementAndGet();
                        }
                        lateness[index] = slept - sleeps[index];
                        return null;
                    }));
                }
                for (Task<Void> task : all) {
                    task.join();
                }
                return null;
            });
        }
        long[] sorted = lateness.clone();
        Arrays.sort(sorted);
        double p50 = sorted[tasks / 2] / 1e6;
        double p99 = sorted[(int) (tasks * 0.99)] / 1e6;
        double max = sorted[tasks - 1] / 1e6;
        System.out.printf("timers at scale: %d tasks, lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", tasks, p50, p99, max);
        // Lateness is measured by the benchmarks (./echo.sh bench timers), not bounded here: on
        // a loaded 2-core box any bound is either loose or flaky. Counts are exact.
        assertThat(early.get()).as("tasks that woke before their time").isZero();
        assertThat(Arrays.stream(lateness).allMatch(l -> l >= 0)).as("every sleeper woke after its time").isTrue();
    }

    // ## Starvation ##

    @Test
    void aReaderIsWokenWhileEveryWorkerRunsACpuLoop() {
        try (EchoRuntime runtime = runtime(2, "starve", Transport.EPOLL)) {
            long[] latency = runtime.block(() -> {
                try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                     TcpConnection client = TcpConnection.connect(listener.localAddress());
                     TcpConnection server = listener.accept()) {
                    java.util.concurrent.atomic.AtomicLong readAt = new java.util.concurrent.atomic.AtomicLong();
                    Task<Void> reader = Echo.spawn(() -> {
                        server.read(new byte[1]);
                        readAt.set(System.nanoTime());
                        return null;
                    });
                    await().atMost(Duration.ofSeconds(5)).until(() -> reader.status() == TaskStatus.WAITING);
                    // The loops spin until the reader has read (or 20 s): if they ended by the
                    // cap, the reader was only woken after they let go of the processors.
                    java.util.concurrent.atomic.AtomicBoolean readWhileSpinning = new java.util.concurrent.atomic.AtomicBoolean();
                    List<Task<Void>> loops = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        loops.add(Echo.spawn(() -> {
                            long cap = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                            while (readAt.get() == 0 && System.nanoTime() - cap < 0) {
                                Thread.onSpinWait();
                            }
                            if (readAt.get() != 0) {
                                readWhileSpinning.set(true);
                            }
                            return null;
                        }));
                    }
                    Echo.sleep(Duration.ofMillis(50)); // both loops hold both processors now
                    long sentAt = System.nanoTime();
                    client.write(new byte[] {1});
                    reader.join();
                    for (Task<Void> loop : loops) {
                        loop.join();
                    }
                    return new long[] {readAt.get() - sentAt, runtime.reactor.monitorRounds.sum(), readWhileSpinning.get() ? 1 : 0};
                }
            });
            System.out.printf("reader woken %.1f ms after the write while both workers spun; monitor rounds %d%n",
                    latency[0] / 1e6, latency[1]);
            assertThat(latency[2]).as("the reader was woken while both loops still held the processors").isEqualTo(1);
        }
    }

    // ## Shutdown ##

    @Test
    void closeClosesTheEventLoopAndLeavesNoThreadTimerOrFileDescriptor() throws Exception {
        int fdsBefore = openFileDescriptors();
        String name;
        EchoRuntime runtime = runtime(2, "close", Transport.EPOLL);
        name = runtime.name();
        TcpListener listener = TcpListener.bind(runtime, new InetSocketAddress("127.0.0.1", 0));
        runtime.spawn(() -> TcpEchoExample.serve(listener).join());
        TcpConnection idle = TcpConnection.connect(runtime, listener.localAddress(), Duration.ofSeconds(5));
        runtime.timer(Duration.ofHours(1));
        assertThat(openFileDescriptors()).isGreaterThan(fdsBefore);
        runtime.close();

        assertThat(runtime.reactor.isClosed()).isTrue();
        assertThat(runtime.reactor.eventLoop().isTerminated()).isTrue();
        assertThat(runtime.stats().timersPending()).isZero();
        assertThat(idle.isOpen()).isFalse();
        assertThat(listener.isOpen()).isFalse();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(Tests.threadsOf(name)).as("threads of the runtime").isEmpty();
            assertThat(openFileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(fdsBefore);
        });
    }
}
