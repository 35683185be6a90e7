package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.FutureState;
import dev.echo.runtime.Promise;
import dev.echo.runtime.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** One test per row of {@link FutureMono}'s semantics table, plus subscription counts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FutureMonoTest {

    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "futuremono");
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @BeforeEach
    void recordDroppedErrors() {
        Hooks.onErrorDropped(dropped::add);
    }

    @AfterEach
    void resetHooks() {
        Hooks.resetOnErrorDropped();
    }

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    @Test
    void spawnedTaskValueIsEmittedOnceRequestedThenCompletes() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> "v"), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNext("v")
                .verifyComplete();
    }

    @Test
    void spawnedBodyRunsInsideAnEchoTaskThatMayPark() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> {
                    Echo.sleep(Duration.ofMillis(5));
                    return Echo.inTask();
                }))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void eachSubscriptionSpawnsItsOwnTask() {
        AtomicInteger runs = new AtomicInteger();
        Mono<Integer> mono = FutureMono.spawn(RUNTIME, runs::incrementAndGet);
        StepVerifier.create(mono).expectNext(1).verifyComplete();
        StepVerifier.create(mono).expectNext(2).verifyComplete();
        assertThat(runs).hasValue(2);
    }

    @Test
    void nullResultIsAnEmptyMono() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> null)).verifyComplete();
        StepVerifier.create(FutureMono.from(EchoFuture.resolved(null))).verifyComplete();
    }

    @Test
    void failureCrossesUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> {
                    throw boom;
                }))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(boom))
                .verify();
        Exception checked = new java.io.IOException("checked");
        StepVerifier.create(FutureMono.from(EchoFuture.rejected(checked)))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(checked))
                .verify();
    }

    @Test
    void futureCancelledBySomeoneElseIsACancellationError() {
        Promise<String> promise = new Promise<>();
        promise.future().cancel();
        StepVerifier.create(FutureMono.from(promise.future()))
                .expectError(CancellationException.class)
                .verify();
    }

    @Test
    void cancelBeforeTheTaskRunsCancelsTheTaskWithoutASignal() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Task<?>> task = new AtomicReference<>();
        Mono<String> mono = FutureMono.spawn(RUNTIME, () -> {
            task.set(Echo.currentTask());
            started.countDown();
            Echo.sleep(Duration.ofSeconds(30));
            return "never";
        });
        StepVerifier.create(mono)
                .then(() -> awaitLatch(started))
                .thenCancel()
                .verify();
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(task.get().future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void cancelInsideOnSubscribeSpawnsNothing() {
        long spawnedBefore = RUNTIME.stats().tasksSpawned();
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> "x"), 0)
                .thenCancel()
                .verify();
        // StepVerifier cancels after onSubscribe; either no task or a cancelled one, never a value.
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(RUNTIME.stats().tasksSpawned() - spawnedBefore).isLessThanOrEqualTo(1);
    }

    @Test
    void cancelAfterCompletionChangesNothing() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> "done"))
                .expectNext("done")
                .thenCancel()
                .verify();
        assertThat(dropped).isEmpty();
    }

    @Test
    void lateFailureAfterCancelGoesToOnErrorDropped() {
        // StepVerifier plugs and resets the global hooks itself, so this one subscribes by hand.
        IllegalStateException late = new IllegalStateException("late");
        Promise<String> promise = new Promise<>();
        FutureMono.from(promise.future(), true).subscribe(v -> { }, e -> { }).dispose();
        promise.reject(late);
        assertThat(dropped).containsExactly(late);
    }

    @Test
    void cancellationCausedByTheCancelIsNotDropped() {
        FutureMono.spawn(RUNTIME, () -> {
            Echo.sleep(Duration.ofSeconds(30));
            return "never";
        }).subscribe(v -> { }, e -> { }).dispose();
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(dropped).isEmpty();
    }

    @Test
    void cancellingTheMonoOfAFutureCancelsItByDefault() {
        Promise<String> promise = new Promise<>();
        StepVerifier.create(FutureMono.from(promise.future())).thenCancel().verify();
        assertThat(promise.future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void suppressCancelLeavesASharedFutureToItsOtherSubscribers() {
        Promise<String> promise = new Promise<>();
        Mono<String> shared = FutureMono.from(promise.future(), true);
        StepVerifier.create(shared).thenCancel().verify();
        assertThat(promise.future().state()).isEqualTo(FutureState.PENDING);
        StepVerifier.create(shared)
                .then(() -> promise.resolve("for the other one"))
                .expectNext("for the other one")
                .verifyComplete();
    }

    @Test
    void monoOfATaskCancelsTheTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = RUNTIME.spawn(() -> {
            started.countDown();
            Echo.sleep(Duration.ofSeconds(30));
            return "never";
        });
        awaitLatch(started);
        StepVerifier.create(FutureMono.from(task)).thenCancel().verify();
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(task.future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void requestOfLongMaxValueAndSlowSubscriberGetTheValueOnce() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> 7), Long.MAX_VALUE)
                .expectNext(7)
                .verifyComplete();
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> 8), 0)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(100))
                .thenRequest(1)
                .expectNext(8)
                .verifyComplete();
    }

    @Test
    void closedRuntimeIsAnErrorSignal() {
        EchoRuntime closed = ReactiveTests.runtime(1, "closed");
        closed.close();
        StepVerifier.create(FutureMono.spawn(closed, () -> "x"))
                .expectError(RejectedExecutionException.class)
                .verify();
    }

    @Test
    void subscriberContextIsVisibleInsideTheSpawnedTask() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, () -> SubscriberContext.current().<String>get("user"))
                        .contextWrite(Context.of("user", "ada")))
                .expectNext("ada")
                .verifyComplete();
    }

    @Test
    void cancelRacingCompletionNeverGivesAValueAndAnError() throws Exception {
        for (int i = 0; i < 300; i++) {
            AtomicInteger signals = new AtomicInteger();
            CountDownLatch terminated = new CountDownLatch(1);
            var disposable = FutureMono.spawn(RUNTIME, () -> "v")
                    .doOnCancel(terminated::countDown)
                    .subscribe(v -> signals.incrementAndGet(), e -> signals.addAndGet(100),
                            terminated::countDown);
            disposable.dispose();
            terminated.await(5, TimeUnit.SECONDS);
            assertThat(signals.get()).isIn(0, 1);
        }
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(dropped).isEmpty();
    }

    @Test
    void nonPositiveRequestFromAPlainSubscriberIsAnIllegalArgumentSignal() throws Exception {
        // The TCK cannot check rule 3.9 on a one-element publisher (it needs ten); this does.
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        FutureMono.spawn(RUNTIME, () -> "x").subscribe(new org.reactivestreams.Subscriber<String>() {
            @Override
            public void onSubscribe(org.reactivestreams.Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(String value) {
                error.set(new AssertionError("onNext " + value));
            }

            @Override
            public void onError(Throwable t) {
                error.compareAndSet(null, t);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
    }

    @Test
    void badArgumentsAreRejectedByName() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> FutureMono.spawn(null, () -> 1)).withMessage("runtime");
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> FutureMono.spawn(RUNTIME, null)).withMessage("body");
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> FutureMono.from((EchoFuture<Object>) null)).withMessage("future");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
