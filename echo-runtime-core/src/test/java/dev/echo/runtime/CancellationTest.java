package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.echo.runtime.spi.Parking;

/** Cancelling tasks: the suspension throws, registrations are removed, the future ends CANCELLED. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationTest {

    /** What the cancelled body saw at its suspension point. */
    private final AtomicReference<Throwable> seenBySuspension = new AtomicReference<>();

    private Task<Object> spawnRecording(EchoRuntime runtime, Runnable suspension) {
        return runtime.spawn(() -> {
            try {
                suspension.run();
                return "not cancelled";
            } catch (Throwable t) {
                seenBySuspension.set(t);
                throw t;
            }
        });
    }

    private void cancelAndExpectCancelled(Task<Object> task) {
        assertThat(task.cancel()).isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
        assertThat(task.future().state()).isEqualTo(FutureState.CANCELLED);
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(seenBySuspension.get()).as("the suspension threw").isInstanceOf(CancellationException.class);
    }

    private static void awaitParked(Task<?> task, Supplier<Boolean> registered) {
        await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING && registered.get());
    }

    @Test
    void cancellingATaskParkedInAwaitThrowsThereAndRemovesItsWaker() {
        try (EchoRuntime runtime = Tests.runtime(2, "cancelawait")) {
            Promise<String> never = new Promise<>();
            Task<Object> task = spawnRecording(runtime, () -> never.future().await());
            awaitParked(task, () -> never.future().waiterCount() == 1);

            cancelAndExpectCancelled(task);
            assertThat(never.future().waiterCount()).as("its waker was removed").isZero();
            assertThat(never.future().state()).as("the awaited future is untouched").isEqualTo(FutureState.PENDING);
        }
    }

    @Test
    void cancellingATaskParkedInATimedAwaitRemovesItsTimerAndWaker() {
        try (EchoRuntime runtime = Tests.runtime(2, "cancelawaittimed")) {
            Promise<String> never = new Promise<>();
            Task<Object> task = spawnRecording(runtime, () -> {
                try {
                    never.future().await(Duration.ofHours(1));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError(e);
                }
            });
            awaitParked(task, () -> never.future().waiterCount() == 1 && runtime.stats().timersPending() == 1);

            cancelAndExpectCancelled(task);
            assertThat(runtime.stats().timersPending()).as("its timer was removed").isZero();
            assertThat(never.future().waiterCount()).isZero();
        }
    }

    @Test
    void cancellingATaskInEchoSleepThrowsThereAndRemovesItsTimer() {
        try (EchoRuntime runtime = Tests.runtime(1, "cancelsleep")) {
            Task<Object> task = spawnRecording(runtime, () -> Echo.sleep(Duration.ofHours(1)));
            awaitParked(task, () -> runtime.stats().timersPending() == 1);

            cancelAndExpectCancelled(task);
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    @Test
    void cancellingATaskInParkingThrowsThereAndRemovesItsTimer() {
        try (EchoRuntime runtime = Tests.runtime(1, "cancelparking")) {
            Object blocker = new Object();
            Task<Object> task = spawnRecording(runtime, () -> {
                long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
                while (Parking.park(blocker, deadline)) {
                    // spurious: park again
                }
            });
            awaitParked(task, () -> runtime.stats().timersPending() == 1);

            cancelAndExpectCancelled(task);
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    @Test
    void cancellingATaskInParkingWithoutADeadlineThrowsThere() {
        try (EchoRuntime runtime = Tests.runtime(1, "cancelparkforever")) {
            Task<Object> task = spawnRecording(runtime, () -> {
                while (true) {
                    Parking.park(this, Parking.NO_DEADLINE);
                }
            });
            awaitParked(task, () -> true);
            cancelAndExpectCancelled(task);
        }
    }

    @Test
    void cancellingATaskThatJoinsAnotherLeavesTheOtherRunning() {
        try (EchoRuntime runtime = Tests.runtime(2, "canceljoin")) {
            Promise<String> release = new Promise<>();
            Task<String> inner = runtime.spawn(() -> release.future().await());
            Task<Object> outer = spawnRecording(runtime, inner::join);
            awaitParked(outer, () -> inner.future().waiterCount() == 1);

            cancelAndExpectCancelled(outer);
            assertThat(inner.future().waiterCount()).isZero();
            assertThat(inner.status()).isEqualTo(TaskStatus.WAITING);
            release.resolve("inner done");
            assertThat(inner.join()).isEqualTo("inner done");
        }
    }

    @Test
    void aTaskCancelledBeforeItStartsNeverRunsItsBody() {
        try (EchoRuntime runtime = Tests.runtime(1, "cancelbeforestart")) {
            AtomicBoolean ran = new AtomicBoolean();
            TaskStatus[] statusBeforeCancel = new TaskStatus[1];
            Throwable thrown = runtime.block(() -> {
                // With one processor the child cannot start before main parks.
                Task<Void> child = Echo.spawn(() -> ran.set(true));
                statusBeforeCancel[0] = child.status();
                child.cancel();
                try {
                    child.join();
                    return null;
                } catch (CancellationException e) {
                    return e;
                }
            });
            assertThat(statusBeforeCancel[0]).isEqualTo(TaskStatus.READY);
            assertThat(thrown).isInstanceOf(CancellationException.class);
            assertThat(ran.get()).as("the body ran").isFalse();
            assertThat(runtime.stats().tasksCancelled()).isEqualTo(1);
        }
    }

    @Test
    void aTaskBlockedInAJdkCallIsInterruptedAndEndsCancelled() {
        try (EchoRuntime runtime = Tests.runtime(1, "canceljdk")) {
            Task<Object> task = spawnRecording(runtime, () -> {
                try {
                    Thread.sleep(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            });
            awaitParked(task, () -> true);
            assertThat(task.cancel()).isTrue();
            assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
            assertThat(task.future().state()).isEqualTo(FutureState.CANCELLED);
            assertThat(seenBySuspension.get()).hasCauseInstanceOf(InterruptedException.class);
        }
    }

    @Test
    void aCpuLoopIsCancelledAtItsNextYield() {
        try (EchoRuntime runtime = Tests.runtime(2, "cancelyield")) {
            AtomicBoolean started = new AtomicBoolean();
            Task<Object> task = spawnRecording(runtime, () -> {
                started.set(true);
                while (true) {
                    Tests.busyWait(Duration.ofMillis(1));
                    Echo.yieldNow();
                }
            });
            await().atMost(Duration.ofSeconds(10)).untilTrue(started);
            cancelAndExpectCancelled(task);
        }
    }

    @Test
    void aBodyThatSwallowsTheCancellationStillEndsCancelled() {
        try (EchoRuntime runtime = Tests.runtime(1, "swallow")) {
            Task<String> task = runtime.spawn(() -> {
                try {
                    Echo.sleep(Duration.ofHours(1));
                } catch (CancellationException e) {
                    return "swallowed";
                }
                return "slept";
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
            task.cancel();
            assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
            assertThat(task.future().state()).isEqualTo(FutureState.CANCELLED);
        }
    }

    @Test
    void cancellingThroughTheFutureCancelsTheTask() {
        try (EchoRuntime runtime = Tests.runtime(1, "cancelfuture")) {
            Task<Object> task = spawnRecording(runtime, () -> Echo.sleep(Duration.ofHours(1)));
            awaitParked(task, () -> true);
            assertThat(task.future().cancel()).isTrue();
            assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
            assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(task.isCancelled()).isTrue();
        }
    }

    @Test
    void cancelReturnsFalseForAFinishedTaskAndForASecondRequest() {
        try (EchoRuntime runtime = Tests.runtime(1, "cancelfalse")) {
            Task<String> done = runtime.spawn(() -> "done");
            done.join();
            assertThat(done.cancel()).isFalse();
            assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);

            Task<Object> parked = spawnRecording(runtime, () -> Echo.sleep(Duration.ofHours(1)));
            awaitParked(parked, () -> true);
            assertThat(parked.cancel()).isTrue();
            assertThat(parked.cancel()).isFalse();
            assertThatThrownBy(parked::join).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void aTaskJoiningACancelledTaskEndsCancelledToo() {
        try (EchoRuntime runtime = Tests.runtime(2, "cancelspread")) {
            Task<Object> inner = spawnRecording(runtime, () -> Echo.sleep(Duration.ofHours(1)));
            Task<Object> outer = runtime.spawn(inner::join);
            awaitParked(outer, () -> inner.future().waiterCount() == 1);
            inner.cancel();
            assertThatThrownBy(outer::join).isInstanceOf(CancellationException.class);
            assertThat(outer.future().state()).isEqualTo(FutureState.CANCELLED);
        }
    }
}
