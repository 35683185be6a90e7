package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** EchoFuture, Promise, Waker and Poll. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoFutureTest {

    // ## poll and wakers ##

    @Test
    void pollReturnsPendingThenReady() {
        Promise<String> promise = new Promise<>();
        EchoFuture<String> future = promise.future();
        Waker waker = Waker.current();

        Poll<String> first = future.poll(waker);
        assertThat(first).isInstanceOf(Poll.Pending.class);
        assertThat(first.isReady()).isFalse();
        assertThat(future.waiterCount()).isEqualTo(1);

        assertThat(promise.resolve("value")).isTrue();
        Poll<String> second = future.poll(waker);
        assertThat(second).isEqualTo(new Poll.Ready<>("value"));
        assertThat(future.waiterCount()).as("resolving consumed the registration").isZero();
    }

    @Test
    void pollingTwiceWithTheSameWakerRegistersItOnce() {
        Promise<String> promise = new Promise<>();
        EchoFuture<String> future = promise.future();
        future.poll(Waker.current());
        future.poll(Waker.current());
        future.poll(Waker.of(Thread.currentThread()));
        assertThat(future.waiterCount()).isEqualTo(1);

        Thread other = new Thread(() -> { });
        future.poll(Waker.of(other));
        assertThat(future.waiterCount()).as("a different waker registers").isEqualTo(2);
    }

    @Test
    void resolvingWakesEveryRegisteredWaker() throws Exception {
        Promise<Integer> promise = new Promise<>();
        EchoFuture<Integer> future = promise.future();
        int n = 4;
        AtomicIntegerArray polls = new AtomicIntegerArray(n);
        AtomicIntegerArray values = new AtomicIntegerArray(n);
        CountDownLatch registered = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                Waker waker = Waker.current();
                Poll<Integer> poll = future.poll(waker);
                polls.incrementAndGet(id);
                registered.countDown();
                while (!(poll instanceof Poll.Ready<Integer> ready)) {
                    LockSupport.park(future);
                    poll = future.poll(waker);
                    polls.incrementAndGet(id);
                }
                values.set(id, ready.value());
            });
            threads.add(t);
            t.start();
        }
        assertThat(registered.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> future.waiterCount() == n);
        promise.resolve(7);
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("woken").isFalse();
        }
        for (int i = 0; i < n; i++) {
            assertThat(values.get(i)).isEqualTo(7);
        }
        assertThat(future.waiterCount()).isZero();
    }

    @Test
    void resolvingWakesEveryWakerOfParkedTasks() {
        try (EchoRuntime runtime = Tests.runtime(2, "wakeall")) {
            Promise<Integer> promise = new Promise<>();
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(runtime.spawn(() -> {
                    Waker waker = Waker.current();
                    Poll<Integer> poll;
                    while (!((poll = promise.future().poll(waker)) instanceof Poll.Ready<Integer>)) {
                        LockSupport.park(promise);
                    }
                    return ((Poll.Ready<Integer>) poll).value();
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> promise.future().waiterCount() == 5
                    && tasks.stream().allMatch(t -> t.status() == TaskStatus.WAITING));
            promise.resolve(3);
            assertThat(tasks.stream().mapToInt(Task::join).sum()).isEqualTo(15);
        }
    }

    /**
     * Many callbacks registered while several threads race to settle: exactly one settle wins and
     * every callback (a registered waiter, as a waker is) runs exactly once.
     */
    @Test
    void racingSettlersAndRegistrantsFireEveryWaiterExactlyOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            Promise<Integer> promise = new Promise<>();
            int registrants = 3;
            int perRegistrant = 50;
            AtomicIntegerArray fired = new AtomicIntegerArray(registrants * perRegistrant);
            AtomicInteger wins = new AtomicInteger();
            CyclicBarrier barrier = new CyclicBarrier(registrants + 2);
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < registrants; r++) {
                int base = r * perRegistrant;
                threads.add(new Thread(() -> {
                    awaitBarrier(barrier);
                    for (int i = 0; i < perRegistrant; i++) {
                        int id = base + i;
                        promise.future().whenComplete((v, e) -> fired.incrementAndGet(id));
                    }
                }));
            }
            for (int s = 0; s < 2; s++) {
                int value = s;
                threads.add(new Thread(() -> {
                    awaitBarrier(barrier);
                    if (promise.resolve(value)) {
                        wins.incrementAndGet();
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertThat(wins.get()).as("round %d: one settle wins", round).isEqualTo(1);
            for (int i = 0; i < fired.length(); i++) {
                assertThat(fired.get(i)).as("round %d: callback %d fired", round, i).isEqualTo(1);
            }
        }
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Two wakes of a parked task make it runnable once: it runs once (one more continuation run
     * on the only processor) and parks again, with no stray permit left behind. The two wakes
     * come from one uninterrupted run of another task, so with one processor the woken task
     * cannot run between them.
     */
    @Test
    void wakingATaskTwiceRunsItOnce() {
        try (EchoRuntime runtime = Tests.runtime(1, "twowakes")) {
            Promise<Waker> wakerOf = new Promise<>();
            AtomicInteger resumed = new AtomicInteger();
            Task<Void> task = runtime.spawn(() -> {
                wakerOf.resolve(Waker.current());
                while (resumed.get() < 2) {
                    LockSupport.park(wakerOf);
                    resumed.incrementAndGet();
                }
            });
            Waker waker = wakerOf.future().await();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> task.status() == TaskStatus.WAITING);
            long runsBefore = Tests.tasksRun(runtime);

            runtime.spawn(() -> {
                waker.wake();
                waker.wake();
            }).join();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> resumed.get() >= 1 && task.status() == TaskStatus.WAITING);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> resumed.get() == 1);
            assertThat(Tests.tasksRun(runtime)).as("continuation runs: the waking task's and one of the woken task's")
                    .isEqualTo(runsBefore + 2);
            assertThat(task.future().isDone()).isFalse();

            waker.wake();
            task.join();
            assertThat(resumed.get()).isEqualTo(2);
        }
    }

    @Test
    void wakingAFinishedTaskDoesNothing() {
        try (EchoRuntime runtime = Tests.runtime(1, "wakedone")) {
            Task<Waker> task = runtime.spawn(() -> Waker.current());
            Waker waker = task.join();
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().tasksLive() == 0);
            long runsBefore = Tests.tasksRun(runtime);
            long spawnedBefore = runtime.stats().tasksSpawned();

            waker.wake();
            waker.wake();

            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> Tests.tasksRun(runtime) == runsBefore);
            assertThat(task.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(runtime.stats().tasksSpawned()).isEqualTo(spawnedBefore);
            assertThat(runtime.spawn(() -> "ok").join()).isEqualTo("ok");
        }
    }

    // ## await ##

    @Test
    void awaitWithATimeoutOnAPlainThreadThrowsTimeoutExceptionAndLeavesNoWaiter() throws Exception {
        Promise<String> promise = new Promise<>();
        long start = System.nanoTime();
        assertThatThrownBy(() -> promise.future().await(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(promise.future().waiterCount()).isZero();
        assertThat(promise.future().state()).as("the future itself is left as it is").isEqualTo(FutureState.PENDING);
        promise.resolve("late");
        assertThat(promise.future().await(Duration.ofSeconds(1))).isEqualTo("late");
    }

    @Test
    void awaitWithATimeoutInsideATaskLeavesNoWaiter() {
        try (EchoRuntime runtime = Tests.runtime(2, "awaittimeout")) {
            Promise<String> promise = new Promise<>();
            Throwable thrown = runtime.block(() -> catchThrowable(() -> promise.future().await(Duration.ofMillis(30))));
            assertThat(thrown).isInstanceOf(TimeoutException.class);
            assertThat(promise.future().waiterCount()).isZero();
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    @Test
    void manyTimedOutAwaitsLeaveNoWaitersBehind() throws Exception {
        Promise<String> promise = new Promise<>();
        for (int i = 0; i < 200; i++) {
            assertThatThrownBy(() -> promise.future().await(Duration.ZERO)).isInstanceOf(TimeoutException.class);
        }
        assertThat(promise.future().waiterCount()).isZero();
    }

    @Test
    void awaitRethrowsUncheckedFailuresAsThrownAndWrapsCheckedOnes() {
        RuntimeException unchecked = new IllegalStateException("x");
        assertThat(catchThrowable(() -> EchoFuture.rejected(unchecked).await())).isSameAs(unchecked);
        IOException checked = new IOException("y");
        assertThatThrownBy(() -> EchoFuture.rejected(checked).await())
                .isInstanceOf(CompletionException.class).hasCause(checked);
        assertThatThrownBy(() -> EchoFuture.rejected(checked).poll(Waker.current()))
                .isInstanceOf(CompletionException.class).hasCause(checked);
    }

    @Test
    void aTaskAwaitingItsOwnFutureGetsIllegalStateExceptionNotAHang() {
        try (EchoRuntime runtime = Tests.runtime(1, "selfawait")) {
            Throwable[] thrown = new Throwable[2];
            runtime.block(() -> {
                thrown[0] = catchThrowable(() -> Echo.currentTask().join());
                thrown[1] = catchThrowable(() -> Echo.currentTask().future().await(Duration.ofHours(1)));
                return null;
            });
            assertThat(thrown[0]).isInstanceOf(IllegalStateException.class);
            assertThat(thrown[1]).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aPlainThreadCanAwaitATasksFuture() {
        try (EchoRuntime runtime = Tests.runtime(2, "plainawait")) {
            Task<String> task = runtime.spawn(() -> {
                Echo.sleep(Duration.ofMillis(50));
                return "from a task";
            });
            assertThat(task.future().await()).isEqualTo("from a task");
        }
    }

    @Test
    void aTaskAwaitingAPromiseResolvedByAPlainThreadResumes() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(1, "promiseplain")) {
            Promise<String> promise = new Promise<>();
            Task<String> task = runtime.spawn(() -> promise.future().await() + "!");
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
            Thread resolver = new Thread(() -> promise.resolve("hi"));
            resolver.start();
            resolver.join();
            assertThat(task.join()).isEqualTo("hi!");
        }
    }

    // ## states, cancel ##

    @Test
    void aFutureSettlesOnceAndForAll() {
        Promise<String> promise = new Promise<>();
        assertThat(promise.future().state()).isEqualTo(FutureState.PENDING);
        assertThat(promise.future().isDone()).isFalse();
        assertThat(promise.isDone()).isFalse();
        assertThat(promise.resolve("first")).isTrue();
        assertThat(promise.resolve("second")).isFalse();
        assertThat(promise.reject(new IllegalStateException())).isFalse();
        assertThat(promise.future().cancel()).isFalse();
        assertThat(promise.future().state()).isEqualTo(FutureState.RESOLVED);
        assertThat(promise.future().resultNow()).isEqualTo("first");

        Promise<String> failing = new Promise<>();
        assertThat(failing.reject(new IllegalArgumentException("no"))).isTrue();
        assertThat(failing.future().state()).isEqualTo(FutureState.REJECTED);
        assertThatThrownBy(() -> failing.future().resultNow()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("REJECTED");
        assertThat(failing.resolve("late")).isFalse();

        Promise<String> cancelledByReject = new Promise<>();
        cancelledByReject.reject(new CancellationException());
        assertThat(cancelledByReject.future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void cancellingAPendingFutureSettlesItCancelled() {
        Promise<String> promise = new Promise<>();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        promise.future().whenComplete((v, e) -> seen.set(e));
        assertThat(promise.future().cancel()).isTrue();
        assertThat(promise.future().cancel()).isFalse();
        assertThat(promise.future().state()).isEqualTo(FutureState.CANCELLED);
        assertThat(promise.resolve("late")).isFalse();
        assertThatThrownBy(() -> promise.future().await()).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> promise.future().poll(Waker.current())).isInstanceOf(CancellationException.class);
        assertThat(seen.get()).isInstanceOf(CancellationException.class);
    }

    @Test
    void aTasksFutureMovesFromPendingToResolved() {
        try (EchoRuntime runtime = Tests.runtime(1, "taskstates")) {
            Promise<Void> go = new Promise<>();
            Task<String> task = runtime.spawn(() -> {
                go.future().await();
                return "done";
            });
            assertThat(task.future().state()).isEqualTo(FutureState.PENDING);
            go.resolve(null);
            assertThat(task.join()).isEqualTo("done");
            assertThat(task.future().state()).isEqualTo(FutureState.RESOLVED);
        }
    }

    @Test
    void whenCompleteRunsAtOnceOnASettledFuture() {
        AtomicReference<String> seen = new AtomicReference<>();
        EchoFuture.resolved("now").whenComplete((v, e) -> seen.set(v));
        assertThat(seen.get()).isEqualTo("now");
    }

    // ## CompletableFuture, both ways ##

    @Test
    void toCompletableFutureFollowsResolutionRejectionAndCancellation() throws Exception {
        Promise<String> ok = new Promise<>();
        CompletableFuture<String> okCf = ok.future().toCompletableFuture();
        assertThat(okCf).isNotDone();
        ok.resolve("v");
        assertThat(okCf.get(1, TimeUnit.SECONDS)).isEqualTo("v");

        Promise<String> bad = new Promise<>();
        CompletableFuture<String> badCf = bad.future().toCompletableFuture();
        IllegalStateException boom = new IllegalStateException("boom");
        bad.reject(boom);
        assertThatThrownBy(() -> badCf.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(boom);

        Promise<String> cancelled = new Promise<>();
        CompletableFuture<String> cancelledCf = cancelled.future().toCompletableFuture();
        cancelled.future().cancel();
        assertThat(cancelledCf.isCancelled()).isTrue();
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheEchoFuture() {
        Promise<String> promise = new Promise<>();
        CompletableFuture<String> cf = promise.future().toCompletableFuture();
        assertThat(cf.cancel(true)).isTrue();
        assertThat(promise.future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void cancellingTheCompletableFutureOfATaskCancelsTheTask() {
        try (EchoRuntime runtime = Tests.runtime(1, "cfcancel")) {
            Promise<String> never = new Promise<>();
            Task<String> task = runtime.spawn(() -> never.future().await());
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
            CompletableFuture<String> cf = task.future().toCompletableFuture();
            cf.cancel(true);
            assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
            assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(never.future().waiterCount()).isZero();
        }
    }

    @Test
    void fromCompletionStageFollowsResolutionRejectionAndCancellation() throws Exception {
        CompletableFuture<String> ok = new CompletableFuture<>();
        EchoFuture<String> okEcho = EchoFuture.from(ok);
        assertThat(okEcho.state()).isEqualTo(FutureState.PENDING);
        ok.complete("v");
        assertThat(okEcho.await(Duration.ofSeconds(1))).isEqualTo("v");

        CompletableFuture<String> bad = new CompletableFuture<>();
        EchoFuture<String> badEcho = EchoFuture.from(bad);
        IOException io = new IOException("io");
        bad.completeExceptionally(io);
        assertThat(badEcho.state()).isEqualTo(FutureState.REJECTED);
        assertThatThrownBy(badEcho::await).isInstanceOf(CompletionException.class).hasCause(io);

        CompletableFuture<String> source = new CompletableFuture<>();
        EchoFuture<Integer> chained = EchoFuture.from(source.thenApply(s -> {
            throw new IllegalArgumentException("in a stage");
        }));
        source.complete("x");
        assertThat(chained.state()).isEqualTo(FutureState.REJECTED);
        assertThatThrownBy(chained::await).as("the CompletionException of a stage is unwrapped")
                .isInstanceOf(IllegalArgumentException.class).hasMessage("in a stage");

        CompletableFuture<String> cancelled = new CompletableFuture<>();
        EchoFuture<String> cancelledEcho = EchoFuture.from(cancelled);
        cancelled.cancel(true);
        assertThat(cancelledEcho.state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void cancellingTheEchoFutureCancelsTheCompletionStage() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        EchoFuture<String> echo = EchoFuture.from(cf);
        assertThat(echo.cancel()).isTrue();
        assertThat(cf.isCancelled()).isTrue();
        assertThat(echo.state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void aTaskCanAwaitACompletableFutureCompletedByAPlainThread() {
        try (EchoRuntime runtime = Tests.runtime(1, "cfawait")) {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Task<String> task = runtime.spawn(() -> EchoFuture.from(cf).await());
            CompletableFuture.runAsync(() -> cf.complete("async"), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            assertThat(task.join()).isEqualTo("async");
        }
    }

    // ## all / any ##

    @Test
    void allResolvesWithTheValuesInInputOrder() {
        Promise<Integer> a = new Promise<>();
        Promise<Integer> b = new Promise<>();
        Promise<Integer> c = new Promise<>();
        EchoFuture<List<Integer>> all = EchoFuture.all(List.of(a.future(), b.future(), c.future()));
        c.resolve(3);
        b.resolve(2);
        assertThat(all.state()).isEqualTo(FutureState.PENDING);
        a.resolve(1);
        assertThat(all.state()).isEqualTo(FutureState.RESOLVED);
        assertThat(all.await()).containsExactly(1, 2, 3);
    }

    @Test
    void allOfTasksInsideTheRuntime() {
        try (EchoRuntime runtime = Tests.runtime(2, "alltasks")) {
            List<Integer> values = runtime.block(() -> {
                List<EchoFuture<Integer>> futures = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int v = i;
                    futures.add(Echo.spawn(() -> {
                        Echo.sleep(Duration.ofMillis(10 * (10 - v)));
                        return v;
                    }).future());
                }
                return EchoFuture.all(futures).await();
            });
            assertThat(values).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void allFailsFastOnTheFirstRejection() {
        Promise<Integer> never = new Promise<>();
        Promise<Integer> failing = new Promise<>();
        EchoFuture<List<Integer>> all = EchoFuture.all(List.of(never.future(), failing.future()));
        IllegalStateException boom = new IllegalStateException("boom");
        failing.reject(boom);
        assertThat(all.state()).as("rejected while another input is still pending").isEqualTo(FutureState.REJECTED);
        assertThat(catchThrowable(all::await)).isSameAs(boom);
    }

    @Test
    void allIsCancelledWhenAnInputIsCancelled() {
        Promise<Integer> never = new Promise<>();
        Promise<Integer> cancelled = new Promise<>();
        EchoFuture<List<Integer>> all = EchoFuture.all(List.of(never.future(), cancelled.future()));
        cancelled.future().cancel();
        assertThat(all.state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void allOfAnEmptyListResolvesAtOnceWithAnEmptyList() {
        EchoFuture<List<Object>> all = EchoFuture.all(List.of());
        assertThat(all.state()).isEqualTo(FutureState.RESOLVED);
        assertThat(all.await()).isEmpty();
    }

    @Test
    void anyResolvesWithTheFirstValue() {
        Promise<String> slow = new Promise<>();
        Promise<String> fast = new Promise<>();
        Promise<String> failing = new Promise<>();
        EchoFuture<String> any = EchoFuture.any(List.of(slow.future(), fast.future(), failing.future()));
        failing.reject(new IllegalStateException("ignored while others may succeed"));
        assertThat(any.state()).isEqualTo(FutureState.PENDING);
        fast.resolve("fast");
        slow.resolve("slow");
        assertThat(any.await()).isEqualTo("fast");
    }

    @Test
    void anyRejectsOnlyWhenAllFailWithTheFirstFailureAndTheOthersSuppressed() {
        Promise<String> a = new Promise<>();
        Promise<String> b = new Promise<>();
        Promise<String> c = new Promise<>();
        EchoFuture<String> any = EchoFuture.any(List.of(a.future(), b.future(), c.future()));
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        UnsupportedOperationException third = new UnsupportedOperationException("third");
        b.reject(first);
        c.reject(second);
        assertThat(any.state()).isEqualTo(FutureState.PENDING);
        a.reject(third);
        assertThat(any.state()).isEqualTo(FutureState.REJECTED);
        Throwable thrown = catchThrowable(any::await);
        assertThat(thrown).isSameAs(first);
        assertThat(thrown.getSuppressed()).containsExactly(second, third);
    }

    @Test
    void anyCancelsTheLosersOnceOneResolves() {
        Promise<Integer> winner = new Promise<>();
        Promise<Integer> loser = new Promise<>();
        EchoFuture<Integer> any = EchoFuture.any(List.of(winner.future(), loser.future()));
        winner.resolve(1);
        assertThat(any.resultNow()).isEqualTo(1);
        assertThat(loser.future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void allFailsFastAndCancelsTheInputsStillPending() {
        Promise<Integer> failing = new Promise<>();
        Promise<Integer> pending = new Promise<>();
        Promise<Integer> done = new Promise<>();
        done.resolve(3);
        EchoFuture<List<Integer>> all = EchoFuture.all(List.of(done.future(), failing.future(), pending.future()));
        failing.reject(new IOException("boom"));
        assertThat(all.state()).isEqualTo(FutureState.REJECTED);
        assertThat(pending.future().state()).isEqualTo(FutureState.CANCELLED);
        assertThat(done.future().state()).isEqualTo(FutureState.RESOLVED);
    }

    @Test
    void cancellingTheResultOfAllOrAnyCancelsEveryInput() {
        Promise<Integer> a = new Promise<>();
        Promise<Integer> b = new Promise<>();
        EchoFuture.all(List.of(a.future())).cancel();
        EchoFuture.any(List.of(b.future())).cancel();
        assertThat(a.future().state()).isEqualTo(FutureState.CANCELLED);
        assertThat(b.future().state()).isEqualTo(FutureState.CANCELLED);
    }

    @Test
    void aWakerRegisteredByPollCanBeUnregistered() {
        Promise<Integer> promise = new Promise<>();
        Waker waker = Waker.current();
        assertThat(promise.future().poll(waker)).isInstanceOf(Poll.Pending.class);
        assertThat(promise.future().waiterCount()).isEqualTo(1);
        assertThat(promise.future().unregister(waker)).isTrue();
        assertThat(promise.future().waiterCount()).isZero();
        assertThat(promise.future().unregister(waker)).as("nothing left to remove").isFalse();
    }

    /** Polling costs O(1) however many others wait: no scan of every waiter per poll. */
    @Test
    void repeatedPollsWithTheSameWakerRegisterOnceAmongFewOthers() throws Exception {
        Promise<Integer> promise = new Promise<>();
        List<Thread> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = Thread.ofVirtual().unstarted(() -> { });
            others.add(t);
            promise.future().poll(Waker.of(t));
        }
        Waker mine = Waker.current();
        for (int i = 0; i < 1_000; i++) {
            promise.future().poll(mine);
        }
        assertThat(promise.future().waiterCount()).isEqualTo(4);
    }

    @Test
    void anyOfAnEmptyListIsIllegal() {
        assertThatThrownBy(() -> EchoFuture.any(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * whenComplete callbacks run on the settling thread. One that throws must not keep the
     * waiters registered before it from being woken (a task parked in await would hang forever).
     */
    @Test
    void aCallbackThatThrowsDoesNotStopTheOtherWaitersFromBeingWoken() throws Exception {
        Promise<String> promise = new Promise<>();
        Thread waiter = new Thread(() -> promise.future().await());
        waiter.setDaemon(true);
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> promise.future().waiterCount() == 1);
        AtomicBoolean earlierCallbackRan = new AtomicBoolean();
        promise.future().whenComplete((v, e) -> earlierCallbackRan.set(true));
        promise.future().whenComplete((v, e) -> {
            throw new IllegalStateException("a bad callback");
        });

        catchThrowable(() -> promise.resolve("v"));

        assertThat(promise.future().state()).isEqualTo(FutureState.RESOLVED);
        waiter.join(2_000);
        boolean waiterWoken = !waiter.isAlive();
        if (!waiterWoken) {
            LockSupport.unpark(waiter); // let it go
        }
        assertThat(waiterWoken).as("the thread awaiting since before the bad callback was woken").isTrue();
        assertThat(earlierCallbackRan.get()).as("the callback registered before the bad one ran").isTrue();
    }
}
