package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.chan.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() returns in bounded time from any thread — including the threads the runtime itself
 * carries — and leaves nothing pending: no thread, no timer future, no task that never started.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseFromAnywhereTest {

    /** A Netty handler (any code on the runtime's event loop) closing the runtime. */
    @Test
    void closeFromTheEventLoopReturnsAndTheRuntimeStops() {
        EchoRuntime runtime = Tests.runtime(2, "closeloop");
        String name = runtime.name();
        Promise<String> returned = new Promise<>();
        NettyInterop.eventLoop(runtime).execute(() -> {
            runtime.close();
            returned.resolve("returned");
        });
        assertThat(returned.future().await()).isEqualTo("returned");
        await().atMost(Duration.ofSeconds(20)).until(() -> Tests.threadsOf(name).isEmpty());
        assertThat(runtime.isClosed()).isTrue();
    }

    /** A virtual thread started inside a task is carried by Echo but is not a task. */
    @Test
    void closeFromAVirtualThreadEchoCarriesReturnsAndTheRuntimeStops() throws Exception {
        EchoRuntime runtime = Tests.runtime(2, "closevt");
        String name = runtime.name();
        AtomicReference<Thread> closer = new AtomicReference<>();
        Task<Object> parked = runtime.spawn(() -> {
            closer.set(Thread.ofVirtual().start(runtime::close));
            return Channel.unbuffered().receive();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> closer.get() != null);
        assertThat(closer.get().join(Duration.ofSeconds(20))).as("close() returned").isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> Tests.threadsOf(name).isEmpty());
        assertThat(parked.status()).isEqualTo(TaskStatus.CANCELLED);
    }

    /**
     * A task that holds off cancellation (a long nonCancellable grace) is still parked on its
     * timer when the scheduler has stopped; abandoning the timers then unparks it. That must
     * throw at nobody (it used to be a RejectedExecutionException out of close(), which left
     * the remaining timer futures pending), and every timer future ends CANCELLED.
     */
    @Test
    void timersAbandonedAfterTheSchedulerStoppedThrowNowhereAndLeaveNoTimerFuturePending() {
        EchoRuntime runtime = Tests.runtime(1, "closetimers");
        List<EchoFuture<Void>> timers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            timers.add(runtime.timer(Duration.ofHours(1)));
        }
        Task<Object> stubborn = runtime.spawn(() -> Echo.nonCancellable(Duration.ofHours(1), () -> {
            Echo.sleep(Duration.ofHours(1));
            return null;
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> stubborn.status() == TaskStatus.WAITING);
        runtime.close(Duration.ofMillis(50));
        assertThat(timers).allSatisfy(t -> assertThat(t.state()).isEqualTo(FutureState.CANCELLED));
        assertThat(runtime.stats().timersPending()).isZero();
    }

    @Test
    void aTaskSpawnedWhileTheRuntimeClosesEndsCancelledIfItNeverStarted() {
        EchoRuntime runtime = Tests.runtime(1, "closespawn");
        List<Task<Integer>> late = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread spawner = new Thread(() -> {
            while (true) {
                try {
                    late.add(runtime.spawn(() -> 1));
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    return;
                }
            }
        });
        spawner.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> late.size() > 1_000);
        runtime.close(Duration.ZERO);
        assertThat(join(spawner)).isTrue();
        synchronized (late) {
            assertThat(late).allSatisfy(t -> assertThat(t.future().isDone()).as("%s settled", t).isTrue());
        }
    }

    private static boolean join(Thread t) {
        try {
            return t.join(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
