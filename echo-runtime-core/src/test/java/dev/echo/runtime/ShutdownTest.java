package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** close(): rejects spawns, grants the grace period, cancels the rest, joins every carrier. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownTest {

    /**
     * Nothing spawned is lost to a close(): plain threads spawn as fast as they can while the
     * runtime closes; every spawn either throws RejectedExecutionException or returns a task
     * that settles (run, or CANCELLED if it never started) - including a spawn that passed the
     * closed check just before close() swept the unstarted tasks.
     */
    @Test
    void everyTaskSpawnedWhileTheRuntimeClosesSettles() throws Exception {
        for (int round = 0; round < 20; round++) {
            EchoRuntime runtime = Tests.runtime(2, "closing-" + round);
            List<Task<Integer>> spawned = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean rejected = new AtomicBoolean();
            List<Thread> spawners = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                spawners.add(Thread.ofPlatform().start(() -> {
                    while (true) {
                        try {
                            spawned.add(runtime.spawn(() -> 1));
                        } catch (RejectedExecutionException closed) {
                            rejected.set(true);
                            return;
                        }
                    }
                }));
            }
            Thread.sleep(2);
            runtime.close();
            for (Thread spawner : spawners) {
                spawner.join(30_000);
            }
            assertThat(rejected).as("round %d: the spawners met the closed runtime", round).isTrue();
            List<Task<Integer>> unsettled = new ArrayList<>();
            for (Task<Integer> task : List.copyOf(spawned)) {
                try {
                    task.future().await(Duration.ofSeconds(10));
                } catch (TimeoutException e) {
                    unsettled.add(task);
                } catch (CancellationException expected) {
                    // never started: abandoned by close()
                }
            }
            assertThat(unsettled).as("round %d: tasks that never settled after close()", round).isEmpty();
        }
    }

    @Test
    void closeRejectsLaterSpawns() {
        EchoRuntime runtime = Tests.runtime(2, "reject");
        runtime.spawn(() -> 1).join();
        runtime.close();
        assertThat(runtime.isClosed()).isTrue();
        assertThatThrownBy(() -> runtime.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining(runtime.name());
        assertThatThrownBy(() -> runtime.spawn(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> runtime.spawn("named", () -> 1)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> runtime.block(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aRunningTaskThatFinishesWithinTheGracePeriodCompletesNormally() {
        // An hour's grace: had close() waited for the whole grace, the test's timeout would end it.
        EchoRuntime runtime = EchoRuntime.builder().processors(2).name(Tests.uniqueName("grace"))
                .shutdownGrace(Duration.ofHours(1)).build();
        Promise<Void> started = new Promise<>();
        Task<String> task = runtime.spawn(() -> {
            started.resolve(null);
            Echo.sleep(Duration.ofMillis(100));
            return "finished";
        });
        started.future().await();
        runtime.close();
        assertThat(task.future().state()).isEqualTo(FutureState.RESOLVED);
        assertThat(task.join()).isEqualTo("finished");
    }

    @Test
    void tasksStillParkedAfterTheGracePeriodAreCancelled() {
        EchoRuntime runtime = EchoRuntime.builder().processors(2).name(Tests.uniqueName("cancelrest"))
                .shutdownGrace(Duration.ofMillis(200)).build();
        Promise<String> never = new Promise<>();
        Task<String> parked = runtime.spawn(() -> never.future().await());
        Task<Void> sleeping = runtime.spawn(() -> Echo.sleep(Duration.ofHours(1)));
        Task<Void> jdkSleeping = runtime.spawn(() -> {
            try {
                Thread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                throw new CancellationException("interrupted");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> parked.status() == TaskStatus.WAITING
                && sleeping.status() == TaskStatus.WAITING && jdkSleeping.status() == TaskStatus.WAITING);
        long start = System.nanoTime();
        runtime.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(parked.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(sleeping.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(jdkSleeping.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(took).as("the grace was given").isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(never.future().waiterCount()).isZero();
        assertThat(runtime.stats().tasksCancelled()).isEqualTo(3);
        assertThat(runtime.stats().timersPending()).isZero();
    }

    @Test
    void aTaskBlockedInSocketIoIsCancelledByClose() throws Exception {
        EchoRuntime runtime = EchoRuntime.builder().processors(1).name(Tests.uniqueName("cancelio"))
                .shutdownGrace(Duration.ofMillis(200)).build();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Task<Integer> reader = runtime.spawn(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    InputStream in = s.getInputStream();
                    return in.read(); // nobody writes
                }
            });
            try (Socket accepted = server.accept()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> reader.status() == TaskStatus.WAITING);
                runtime.close();
                assertThat(reader.status()).isEqualTo(TaskStatus.CANCELLED);
            }
        }
        assertThat(Tests.threadsOf(runtime.name())).isEmpty();
    }

    @Test
    void closeJoinsEveryCarrierAndTheMonitor() {
        String name = Tests.uniqueName("carriers");
        EchoRuntime runtime = EchoRuntime.builder().processors(2).name(name)
                .shutdownGrace(Duration.ofMillis(500)).build();
        assertThat(Tests.threadsOf(name)).as("the monitor runs from the start").isNotEmpty();
        // Work on both processors, a hand-off (an extra carrier) and parked tasks.
        runtime.block(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            tasks.add(Echo.spawn(() -> Tests.busyWait(Duration.ofMillis(100))));
            for (int i = 0; i < 100; i++) {
                tasks.add(Echo.spawn(() -> Echo.sleep(Duration.ofMillis(5))));
            }
            for (Task<Void> t : tasks) {
                t.join();
            }
            return null;
        });
        runtime.spawn(() -> Echo.sleep(Duration.ofHours(1)));
        List<Thread> before = Tests.threadsOf(name);
        assertThat(before).hasSizeGreaterThanOrEqualTo(2);

        runtime.close();

        assertThat(Tests.threadsOf(name)).as("threads of the runtime left after close").isEmpty();
        assertThat(before).noneMatch(Thread::isAlive);
        assertThat(runtime.stats().workers()).isZero();
    }

    @Test
    void theJvmWideThreadCountReturnsToItsBaselineAfterClose() {
        // Warm up: JDK-global threads (virtual-thread unparker, pollers, cleaners) start lazily once.
        runWorkload(Tests.uniqueName("warmup"));
        runWorkload(Tests.uniqueName("warmup"));
        int baseline = stableThreadCount();

        String name = Tests.uniqueName("baseline");
        runWorkload(name);

        assertThat(Tests.threadsOf(name)).isEmpty();
        // Polled on this thread: Awaitility's own poller thread would count.
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Tests.threadBean().getThreadCount()).as("live threads (baseline %d): %s", baseline,
                        Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList())
                        .isLessThanOrEqualTo(baseline));
    }

    /** Waits until the thread count has not changed for 200 ms; returns it. */
    private static int stableThreadCount() {
        int last = -1;
        long stableSince = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() - deadline < 0) {
            int now = Tests.threadBean().getThreadCount();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 200_000_000L) {
                return now;
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return last;
    }

    private static void runWorkload(String name) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(4).name(name)
                .shutdownGrace(Duration.ofMillis(300)).build()) {
            runtime.block(() -> {
                List<Task<?>> tasks = new ArrayList<>();
                tasks.add(Echo.spawn(() -> Tests.busyWait(Duration.ofMillis(50))));
                for (int i = 0; i < 200; i++) {
                    int k = i;
                    tasks.add(Echo.spawn(() -> {
                        if (k % 2 == 0) {
                            Echo.sleep(Duration.ofMillis(2));
                        } else {
                            Thread.sleep(2);
                        }
                        Echo.yieldNow();
                        return null;
                    }));
                }
                for (Task<?> t : tasks) {
                    t.join();
                }
                return null;
            });
            runtime.spawn(() -> Echo.sleep(Duration.ofHours(1)));
            runtime.timer(Duration.ofMillis(1)).await();
        }
    }

    @Test
    void closeIsIdempotent() {
        EchoRuntime runtime = Tests.runtime(2, "idempotent");
        runtime.spawn(() -> 1).join();
        runtime.close();
        runtime.close();
        runtime.close(Duration.ZERO);
        assertThat(runtime.isClosed()).isTrue();
        assertThat(Tests.threadsOf(runtime.name())).isEmpty();
    }

    /**
     * Regression: stop() wakes the poller with a task queued into the event loop; a worker's
     * non-blocking round could consume it before the poller blocked, and close() then waited
     * forever for the poller's driver lock. Many short runtimes make that window likely.
     */
    @Test
    void closeNeverWaitsForeverForAWorkerBlockedPollingIo() {
        for (int i = 0; i < 300; i++) {
            EchoRuntime runtime = Tests.runtime(2, "poll-race");
            runtime.block(() -> {
                Task<Integer> child = Echo.spawn(() -> Echo.spawn(() -> 40).join() + 1);
                return child.join() + 1;
            });
            long start = System.nanoTime();
            runtime.close(Duration.ZERO);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close of runtime %d", i)
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(Tests.threadsOf(runtime.name())).isEmpty();
        }
    }

    @Test
    void closeFromInsideATaskThrowsIllegalStateException() {
        try (EchoRuntime runtime = Tests.runtime(1, "closeinside")) {
            Throwable thrown = runtime.block(() -> catchThrowable(runtime::close));
            assertThat(thrown).isInstanceOf(IllegalStateException.class);
            assertThat(runtime.isClosed()).isFalse();
            assertThat(runtime.spawn(() -> "still open").join()).isEqualTo("still open");
        }
    }

    @Test
    void closeFromATaskOfAnotherRuntimeIsAllowed() {
        try (EchoRuntime outer = Tests.runtime(1, "outer")) {
            EchoRuntime inner = Tests.runtime(1, "inner");
            inner.spawn(() -> 1).join();
            outer.block(() -> {
                inner.close();
                return null;
            });
            assertThat(inner.isClosed()).isTrue();
            assertThat(Tests.threadsOf(inner.name())).isEmpty();
        }
    }

    @Test
    void concurrentClosesAllReturnAfterTheShutdown() throws Exception {
        EchoRuntime runtime = EchoRuntime.builder().processors(2).name(Tests.uniqueName("concurrentclose"))
                .shutdownGrace(Duration.ofMillis(200)).build();
        runtime.spawn(() -> Echo.sleep(Duration.ofHours(1)));
        List<Thread> closers = new ArrayList<>();
        AtomicBoolean sawThreadsAlive = new AtomicBoolean();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                runtime.close();
                if (!Tests.threadsOf(runtime.name()).isEmpty()) {
                    sawThreadsAlive.set(true);
                }
            });
            closers.add(t);
            t.start();
        }
        for (Thread t : closers) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(sawThreadsAlive.get()).as("a close() returned before the carriers were joined").isFalse();
    }

    /**
     * A timer future asked for after close could never fire (no worker, no monitor): the
     * request is rejected, naming the runtime, rather than a future that hangs.
     */
    @Test
    void aTimerRequestedAfterCloseIsRejected() {
        EchoRuntime runtime = Tests.runtime(1, "timerafterclose");
        runtime.close();
        assertThat(catchThrowable(() -> runtime.timer(Duration.ofMillis(10))))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining(runtime.name());
    }

    /**
     * A task in a CPU loop ignores cancellation: close reports it (in the log) and returns; the
     * carrier stays until the loop ends, then exits.
     */
    @Test
    void aTaskThatIgnoresCancellationKeepsItsCarrierOnlyUntilItEnds() {
        EchoRuntime runtime = EchoRuntime.builder().processors(1).name(Tests.uniqueName("stubborn"))
                .shutdownGrace(Duration.ofMillis(100)).build();
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean release = new AtomicBoolean();
        Task<Void> stubborn = runtime.spawn(() -> {
            started.set(true);
            while (!release.get()) {
                Thread.onSpinWait(); // never suspends: cancellation cannot reach it
            }
        });
        await().atMost(Duration.ofSeconds(10)).untilTrue(started);
        runtime.close();
        assertThat(stubborn.future().isDone()).as("close returned while the loop still ran").isFalse();
        release.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> stubborn.future().isDone());
        assertThat(stubborn.status()).isEqualTo(TaskStatus.CANCELLED);
        await().atMost(Duration.ofSeconds(10)).until(() -> Tests.threadsOf(runtime.name()).isEmpty());
    }

    /**
     * After close nobody fires timers any more. A timer future still pending at close must not
     * be left pending for ever: close settles it (cancelled) so its awaiters get an answer.
     */
    @Test
    void closeSettlesTimerFuturesThatWouldOtherwiseNeverFire() {
        EchoRuntime runtime = Tests.runtime(1, "pendingtimer");
        EchoFuture<Void> timer = runtime.timer(Duration.ofHours(1));
        runtime.close();
        assertThat(runtime.stats().timersPending()).as("timers left in a closed runtime").isZero();
        assertThat(timer.isDone()).as("the pending timer future was settled by close").isTrue();
    }
}
