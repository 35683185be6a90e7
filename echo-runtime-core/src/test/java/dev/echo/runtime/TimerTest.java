package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The closed loop of the original design and the Reactor's timers, seen through the runtime. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerTest {

    record LoopTrace(boolean firstPending, int waitersWhilePending, int timersWhilePending,
                     boolean virtualWhilePolling, String threadWhilePolling, boolean lastReady,
                     int parks, long elapsedNanos, boolean virtualAfterWake, String threadAfterWake,
                     int timersAfter) {
    }

    @Test
    void timerFutureIsPendingUntilTheReactorFiresThenTheWokenTaskResumesOnAWorkerAndPollIsReady() {
        try (EchoRuntime runtime = Tests.runtime(2, "closedloop")) {
            Duration delay = Duration.ofMillis(100);
            LoopTrace trace = runtime.block(() -> {
                long start = System.nanoTime();
                EchoFuture<Void> timer = Echo.delay(delay);
                Waker waker = Waker.current();
                Poll<Void> poll = timer.poll(waker);
                boolean firstPending = poll instanceof Poll.Pending;
                int waiters = timer.waiterCount();
                int timers = Echo.runtime().stats().timersPending();
                boolean virtualBefore = Thread.currentThread().isVirtual();
                String before = Thread.currentThread().toString();
                int parks = 0;
                while (!poll.isReady()) {
                    LockSupport.park(timer);
                    parks++;
                    poll = timer.poll(waker);
                }
                long elapsed = System.nanoTime() - start;
                return new LoopTrace(firstPending, waiters, timers, virtualBefore, before, poll.isReady(), parks,
                        elapsed, Thread.currentThread().isVirtual(), Thread.currentThread().toString(),
                        Echo.runtime().stats().timersPending());
            });

            assertThat(trace.firstPending()).as("first poll is Pending").isTrue();
            assertThat(trace.waitersWhilePending()).as("the waker is registered with the timer future").isEqualTo(1);
            assertThat(trace.timersWhilePending()).as("the Reactor holds the timer").isEqualTo(1);
            assertThat(trace.virtualWhilePolling()).isTrue();
            assertThat(trace.threadWhilePolling()).contains(runtime.name() + "-worker-");
            assertThat(trace.parks()).as("the task parked and was woken").isGreaterThanOrEqualTo(1);
            assertThat(trace.lastReady()).isTrue();
            assertThat(trace.elapsedNanos()).as("not woken before the deadline").isGreaterThanOrEqualTo(delay.toNanos());
            assertThat(trace.virtualAfterWake()).isTrue();
            assertThat(trace.threadAfterWake()).as("resumed on an Echo worker")
                    .contains(runtime.name() + "-worker-");
            assertThat(trace.timersAfter()).as("the fired timer is gone").isZero();
        }
    }

    @Test
    void awaitingATimerFutureInsideATaskResumesAfterTheDelayOnAWorker() {
        try (EchoRuntime runtime = Tests.runtime(1, "delayawait")) {
            long start = System.nanoTime();
            String carrier = runtime.block(() -> {
                Echo.delay(Duration.ofMillis(50)).await();
                return Thread.currentThread().toString();
            });
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
            assertThat(carrier).contains(runtime.name() + "-worker-");
        }
    }

    @Test
    void aPlainThreadCanAwaitATimerFutureOfAnIdleRuntime() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(2, "plaintimer")) {
            long start = System.nanoTime();
            EchoFuture<Void> timer = runtime.timer(Duration.ofMillis(50));
            assertThat(timer.state()).isEqualTo(FutureState.PENDING);
            timer.await(Duration.ofSeconds(10));
            assertThat(timer.state()).isEqualTo(FutureState.RESOLVED);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    @Test
    void echoSleepSuspendsForAtLeastTheDurationAndResumesOnAWorker() {
        try (EchoRuntime runtime = Tests.runtime(2, "sleep")) {
            long[] elapsed = new long[1];
            String carrier = runtime.block(() -> {
                long start = System.nanoTime();
                Echo.sleep(Duration.ofMillis(80));
                elapsed[0] = System.nanoTime() - start;
                return Thread.currentThread().toString();
            });
            assertThat(elapsed[0]).isGreaterThanOrEqualTo(Duration.ofMillis(80).toNanos());
            assertThat(carrier).contains(runtime.name() + "-worker-");
        }
    }

    @Test
    void timerFuturesFireInDeadlineOrderNotCreationOrder() {
        try (EchoRuntime runtime = Tests.runtime(2, "timerorder")) {
            List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
            List<EchoFuture<Void>> timers = new ArrayList<>();
            for (int ms : new int[] {300, 100, 200}) {
                timers.add(runtime.timer(Duration.ofMillis(ms)).whenComplete((v, e) -> fired.add(ms)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> fired.size() == 3);
            assertThat(fired).containsExactly(100, 200, 300);
            assertThat(timers).allMatch(t -> t.state() == FutureState.RESOLVED);
        }
    }

    @Test
    void cancellingATimerFutureRemovesItsTimer() {
        try (EchoRuntime runtime = Tests.runtime(1, "timercancel")) {
            EchoFuture<Void> timer = runtime.timer(Duration.ofHours(1));
            assertThat(runtime.stats().timersPending()).isEqualTo(1);
            assertThat(timer.cancel()).isTrue();
            assertThat(timer.state()).isEqualTo(FutureState.CANCELLED);
            assertThat(runtime.stats().timersPending()).isZero();
            assertThatThrownBy(timer::await).isInstanceOf(CancellationException.class);
            assertThat(timer.cancel()).as("second cancel").isFalse();
        }
    }

    @Test
    void awaitWithATimeoutInsideATaskTimesOutOnEchoTimersAndRemovesItsTimer() {
        try (EchoRuntime runtime = Tests.runtime(1, "awaittimeout")) {
            Promise<String> never = new Promise<>();
            long[] elapsed = new long[1];
            Throwable thrown = runtime.block(() -> {
                long start = System.nanoTime();
                try {
                    never.future().await(Duration.ofMillis(60));
                    return null;
                } catch (TimeoutException e) {
                    elapsed[0] = System.nanoTime() - start;
                    return e;
                }
            });
            assertThat(thrown).isInstanceOf(TimeoutException.class);
            assertThat(elapsed[0]).isGreaterThanOrEqualTo(Duration.ofMillis(60).toNanos());
            assertThat(runtime.stats().timersPending()).isZero();
            assertThat(never.future().waiterCount()).isZero();
        }
    }

    @Test
    void hundredThousandConcurrentTimerFuturesAllFireWithoutAThreadPerTimer() {
        try (EchoRuntime runtime = Tests.runtime(2, "manytimers")) {
            int n = 100_000;
            int threadsBefore = Tests.threadBean().getThreadCount();
            AtomicInteger fired = new AtomicInteger();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < n; i++) {
                runtime.timer(Duration.ofMillis(200 + random.nextInt(300))).whenComplete((v, e) -> fired.incrementAndGet());
            }
            assertThat(runtime.stats().timersPending()).isGreaterThan(n / 2);
            assertThat(Tests.threadBean().getThreadCount()).as("no thread per timer").isLessThan(threadsBefore + 20);
            await().atMost(Duration.ofSeconds(20)).until(() -> fired.get() == n);
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    @Test
    void manyTasksSleepingAtOnceAllWakeUp() {
        try (EchoRuntime runtime = Tests.runtime(2, "manysleepers")) {
            int n = 10_000;
            long total = runtime.block(() -> {
                List<Task<Integer>> tasks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int ms = 50 + (i % 100);
                    tasks.add(Echo.spawn(() -> {
                        Echo.sleep(Duration.ofMillis(ms));
                        return 1;
                    }));
                }
                long sum = 0;
                for (Task<Integer> t : tasks) {
                    sum += t.join();
                }
                return sum;
            });
            assertThat(total).isEqualTo(n);
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    /**
     * Duration.ofNanos(Long.MAX_VALUE) is a common "no timeout". Such a timer must not stop
     * the runtime's other timers from firing.
     */
    @Test
    void aPracticallyInfiniteTimerDoesNotStopOtherTimersFromFiring() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(1, "infinitetimer")) {
            EchoFuture<Void> forever = runtime.timer(Duration.ofNanos(Long.MAX_VALUE));
            EchoFuture<Void> soon = runtime.timer(Duration.ofMillis(20));
            try {
                soon.await(Duration.ofSeconds(3));
            } catch (TimeoutException e) {
                throw new AssertionError("a 20 ms timer did not fire within 3 s while a timer of "
                        + "Duration.ofNanos(Long.MAX_VALUE) was pending", e);
            }
            assertThat(soon.state()).isEqualTo(FutureState.RESOLVED);
            assertThat(forever.state()).isEqualTo(FutureState.PENDING);
            forever.cancel();
        }
    }

    /**
     * Timer futures settle on whichever thread fires the timers (a worker or the monitor). A
     * callback that throws must not lose the other timers due in the same batch, nor stop the
     * runtime from firing later timers.
     */
    @Test
    void aThrowingTimerCallbackDoesNotLoseOtherTimers() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(1, "badtimercallback")) {
            EchoFuture<Void> bad = runtime.timer(Duration.ofMillis(20));
            bad.whenComplete((v, e) -> {
                throw new IllegalStateException("a bad timer callback");
            });
            EchoFuture<Void> sameBatch = runtime.timer(Duration.ofMillis(20));
            try {
                sameBatch.await(Duration.ofSeconds(3));
            } catch (TimeoutException e) {
                throw new AssertionError("a timer due together with one whose callback threw never fired", e);
            }
            EchoFuture<Void> later = runtime.timer(Duration.ofMillis(20));
            later.await(Duration.ofSeconds(3));
            assertThat(runtime.spawn(() -> {
                Echo.sleep(Duration.ofMillis(20));
                return "slept";
            }).future().await(Duration.ofSeconds(3))).isEqualTo("slept");
        }
    }
}
