package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

/** One test per row of {@link EchoScheduler}'s semantics table. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoSchedulerTest {

    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "scheduler");
    private static final EchoScheduler ECHO = EchoScheduler.of(RUNTIME);

    @AfterAll
    static void close() {
        ECHO.dispose();
        RUNTIME.close();
    }

    @Test
    void subscribeOnRunsABlockingCallableInAnEchoTask() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(10);
                    return Echo.inTask();
                }).subscribeOn(ECHO))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void manyBlockingCallablesShareTwoCarriers() {
        // 500 sleeps of 50 ms on 2 processors: parked tasks, not held threads.
        StepVerifier.create(Flux.range(0, 500)
                        .flatMap(i -> Mono.fromCallable(() -> {
                            Thread.sleep(50);
                            return i;
                        }).subscribeOn(ECHO), 500)
                        .count())
                .expectNext(500L)
                .verifyComplete();
    }

    @Test
    void publishOnDeliversInOrderOnEchoTasks() {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean allInTasks = new AtomicBoolean(true);
        StepVerifier.create(Flux.range(0, 2000).publishOn(ECHO, 16).doOnNext(i -> {
                    seen.add(i);
                    if (!Echo.inTask()) {
                        allInTasks.set(false);
                    }
                }))
                .expectNextCount(2000)
                .verifyComplete();
        assertThat(seen).isSorted().hasSize(2000);
        assertThat(allInTasks).isTrue();
    }

    @Test
    void workerRunsItsTasksOneAtATimeInOrder() throws Exception {
        Scheduler.Worker worker = ECHO.createWorker();
        List<Integer> order = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            int n = i;
            worker.schedule(() -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                if (n % 10 == 0) {
                    Echo.sleep(Duration.ofMillis(1)); // a park must not let the next one start
                }
                order.add(n);
                concurrent.decrementAndGet();
                done.countDown();
            });
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(order).isSorted().hasSize(200);
        assertThat(maxConcurrent).hasValue(1);
        worker.dispose();
    }

    @Test
    void delayedWorkerTasksRunInDueOrder() throws Exception {
        Scheduler.Worker worker = ECHO.createWorker();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        worker.schedule(() -> { order.add("late"); done.countDown(); }, 60, TimeUnit.MILLISECONDS);
        worker.schedule(() -> { order.add("soon"); done.countDown(); }, 20, TimeUnit.MILLISECONDS);
        worker.schedule(() -> { order.add("now"); done.countDown(); });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("now", "soon", "late");
        worker.dispose();
    }

    @Test
    void workerDisposeDropsPendingCancelsRunningAndRejectsNew() throws Exception {
        Scheduler.Worker worker = ECHO.createWorker();
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean pendingRan = new AtomicBoolean();
        worker.schedule(() -> {
            running.countDown();
            try {
                Echo.sleep(Duration.ofSeconds(30));
            } catch (java.util.concurrent.CancellationException e) {
                interrupted.set(true);
            }
        });
        worker.schedule(() -> pendingRan.set(true));
        worker.schedule(() -> pendingRan.set(true), 10, TimeUnit.MILLISECONDS);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        worker.dispose();
        await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
        Thread.sleep(50);
        assertThat(pendingRan).isFalse();
        assertThat(worker.isDisposed()).isTrue();
        assertThatThrownBy(() -> worker.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void disposingAPendingDelayedTaskKeepsItFromRunning() {
        AtomicBoolean ran = new AtomicBoolean();
        Disposable d = ECHO.schedule(() -> ran.set(true), 30, TimeUnit.SECONDS);
        d.dispose();
        // Its task ends (cancelled in its sleep) and its timer is gone, long before 30 s.
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(ran).isFalse();
        assertThat(d.isDisposed()).isTrue();
    }

    @Test
    void selfDisposeOfAPeriodicTaskStopsItWithoutInterruptingTheRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean interruptedInRun = new AtomicBoolean();
        Disposable[] self = new Disposable[1];
        CountDownLatch stopped = new CountDownLatch(1);
        self[0] = ECHO.schedulePeriodically(() -> {
            if (runs.incrementAndGet() == 3) {
                while (self[0] == null) {
                    Thread.onSpinWait();
                }
                self[0].dispose();
                interruptedInRun.set(Thread.currentThread().isInterrupted());
                stopped.countDown();
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(runs).hasValue(3);
        assertThat(interruptedInRun).isFalse();
    }

    @Test
    void periodicTaskStopsWhenItThrows() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ECHO.schedulePeriodically(() -> {
            if (runs.incrementAndGet() == 2) {
                throw new IllegalStateException("stop me (this warning is expected)");
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2);
        Thread.sleep(50);
        assertThat(runs).hasValue(2);
    }

    @Test
    void schedulerDisposeCancelsItsTasksAndRejectsNewOnesButLeavesTheRuntime() throws Exception {
        EchoScheduler own = EchoScheduler.of(RUNTIME);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean cancelled = new AtomicBoolean();
        own.schedule(() -> {
            running.countDown();
            try {
                Echo.sleep(Duration.ofSeconds(30));
            } catch (java.util.concurrent.CancellationException e) {
                cancelled.set(true);
            }
        });
        Scheduler.Worker worker = own.createWorker();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        own.dispose();
        await().atMost(Duration.ofSeconds(10)).untilTrue(cancelled);
        assertThat(own.isDisposed()).isTrue();
        assertThat(worker.isDisposed()).isTrue();
        assertThatThrownBy(() -> own.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(own::createWorker).isInstanceOf(RejectedExecutionException.class);
        assertThat(RUNTIME.isClosed()).isFalse();
    }

    @Test
    void closedRuntimeRejects() {
        EchoRuntime closed = ReactiveTests.runtime(1, "closedsched");
        closed.close();
        assertThatThrownBy(() -> EchoScheduler.of(closed).schedule(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void badArgumentsAreRejectedByName() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> EchoScheduler.of(null)).withMessage("runtime");
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> ECHO.schedule(null)).withMessage("task");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> ECHO.schedulePeriodically(() -> { }, 0, -1, TimeUnit.SECONDS))
                .withMessageContaining("-1");
    }
}
