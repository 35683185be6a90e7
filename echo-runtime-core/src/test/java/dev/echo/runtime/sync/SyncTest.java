package dev.echo.runtime.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.DeadlineExceededException;
import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mutex, Semaphore and WaitGroup: fairness, no lost unlock, timeouts, deadlines, plain threads, describe. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static EchoRuntime runtime(int processors) {
        return EchoRuntime.builder().processors(processors).name("s" + SEQUENCE.incrementAndGet() + "_syncx")
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    private static void awaitWaiting(Task<?> task) {
        await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
    }

    @Test
    void mutexGrantsWaitersInArrivalOrder() {
        try (EchoRuntime runtime = runtime(2)) {
            runtime.block(() -> {
                Mutex mutex = new Mutex("fair");
                mutex.lock();
                List<Integer> order = new CopyOnWriteArrayList<>();
                List<Task<Void>> waiters = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    Task<Void> t = Echo.spawn(() -> {
                        mutex.lock();
                        order.add(n);
                        mutex.unlock();
                    });
                    awaitWaiting(t); // queued before the next one arrives
                    waiters.add(t);
                }
                assertThat(mutex.tryLock()).as("a newcomer cannot barge past the queue").isFalse();
                mutex.unlock();
                waiters.forEach(Task::join);
                assertThat(order).containsExactly(0, 1, 2, 3, 4);
                assertThat(mutex.isLocked()).isFalse();
                return null;
            });
        }
    }

    @Test
    void cancellingAQueuedWaiterLosesNoUnlock() {
        try (EchoRuntime runtime = runtime(2)) {
            runtime.block(() -> {
                Mutex mutex = new Mutex("cancel");
                mutex.lock();
                Task<Void> cancelled = Echo.spawn(() -> mutex.lock());
                awaitWaiting(cancelled);
                Task<String> next = Echo.spawn(() -> {
                    mutex.lock();
                    mutex.unlock();
                    return "got it";
                });
                awaitWaiting(next);
                assertThat(cancelled.describe()).contains("lock of Mutex[cancel]");
                cancelled.cancel();
                assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
                mutex.unlock();
                assertThat(next.join()).isEqualTo("got it");
                // The race: the grant lands, then the cancellation: the waiter passes the lock on.
                for (int round = 0; round < 200; round++) {
                    mutex.lock();
                    Task<Void> racer = Echo.spawn(() -> mutex.lock());
                    Task<Void> after = Echo.spawn(() -> {
                        mutex.lock();
                        mutex.unlock();
                    });
                    awaitWaiting(after);
                    mutex.unlock();
                    racer.cancel();
                    try {
                        racer.join();
                        mutex.unlock(); // the racer won the lock before the cancel: release it for it
                    } catch (CancellationException expected) {
                        // it passed the lock on, or never had it
                    }
                    after.join();
                    assertThat(mutex.isLocked()).as("round " + round).isFalse();
                }
                return null;
            });
        }
    }

    @Test
    void timedLockTimesOutAndADeadlineEndsALockWait() {
        try (EchoRuntime runtime = runtime(2)) {
            runtime.block(() -> {
                Mutex mutex = new Mutex("timed");
                mutex.lock();
                Task<Boolean> timed = Echo.spawn(() -> mutex.tryLock(Duration.ofMillis(20)));
                assertThat(timed.join()).isFalse();
                assertThat(Echo.spawn(() -> mutex.tryLock(Duration.ZERO)).join()).isFalse();
                Task<Object> deadline = Echo.spawn(() -> Echo.withTimeout(Duration.ofMillis(20), () -> {
                    mutex.lock();
                    return null;
                }));
                assertThatThrownBy(deadline::join).isInstanceOf(DeadlineExceededException.class);
                mutex.unlock();
                assertThat(mutex.tryLock()).as("no waiter left behind holding it").isTrue();
                mutex.unlock();
                assertThatThrownBy(mutex::unlock).isInstanceOf(IllegalStateException.class);
                return null;
            });
        }
    }

    @Test
    void mutexWorksBetweenPlainThreadsAndTasks() throws Exception {
        try (EchoRuntime runtime = runtime(2)) {
            Mutex mutex = new Mutex("mixed");
            int[] counter = new int[1];
            Runnable work = () -> {
                for (int i = 0; i < 2_000; i++) {
                    mutex.lock();
                    try {
                        counter[0]++;
                    } finally {
                        mutex.unlock();
                    }
                }
            };
            Thread plain = Thread.ofPlatform().start(work);
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    tasks.add(Echo.spawn(work));
                }
                tasks.forEach(Task::join);
                return null;
            });
            plain.join();
            assertThat(counter[0]).isEqualTo(5 * 2_000);
        }
    }

    @Test
    void semaphoreBoundsConcurrencyAndRejectsAnExtraRelease() {
        try (EchoRuntime runtime = runtime(2)) {
            runtime.block(() -> {
                Semaphore permits = new Semaphore(3);
                AtomicInteger inside = new AtomicInteger();
                AtomicInteger most = new AtomicInteger();
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    tasks.add(Echo.spawn(() -> {
                        permits.acquire();
                        try {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Echo.sleep(Duration.ofMillis(1));
                            inside.decrementAndGet();
                        } finally {
                            permits.release();
                        }
                    }));
                }
                tasks.forEach(Task::join);
                assertThat(most.get()).isBetween(1, 3);
                assertThat(permits.availablePermits()).isEqualTo(3);
                assertThatThrownBy(permits::release).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(() -> new Semaphore(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
                return null;
            });
        }
    }

    @Test
    void waitGroupWaitsForTenThousandTasks() {
        try (EchoRuntime runtime = runtime(2)) {
            runtime.block(() -> {
                WaitGroup group = new WaitGroup();
                AtomicInteger finished = new AtomicInteger();
                for (int i = 0; i < 10_000; i++) {
                    group.add(1);
                    Echo.spawn(() -> {
                        try {
                            Echo.yieldNow();
                            finished.incrementAndGet();
                        } finally {
                            group.done();
                        }
                    });
                }
                group.await();
                assertThat(finished.get()).isEqualTo(10_000);
                assertThat(group.count()).isZero();
                return null;
            });
        }
    }

    @Test
    void waitGroupRejectsANegativeCountAndItsTimedWaitTimesOut() {
        WaitGroup group = new WaitGroup();
        assertThatThrownBy(group::done).isInstanceOf(IllegalStateException.class).hasMessageContaining("-1");
        group.add(1);
        assertThat(group.await(Duration.ofMillis(10))).as("on a plain thread").isFalse();
        group.done();
        assertThat(group.await(Duration.ZERO)).isTrue();
    }

    @Test
    void twoTasksLockingCrosswiseAreReportedAsADeadlockNamingBothMutexes() {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("s" + SEQUENCE.incrementAndGet() + "_crossx")
                .deadlockDetection(true).shutdownGrace(Duration.ofSeconds(1)).build()) {
            assertThatThrownBy(() -> runtime.block(() -> {
                Mutex a = new Mutex("a");
                Mutex b = new Mutex("b");
                WaitGroup bothHoldOne = new WaitGroup();
                bothHoldOne.add(2);
                Task<Void> first = Echo.spawn(() -> {
                    a.lock();
                    bothHoldOne.done();
                    bothHoldOne.await();
                    b.lock();
                });
                Task<Void> second = Echo.spawn(() -> {
                    b.lock();
                    bothHoldOne.done();
                    bothHoldOne.await();
                    a.lock();
                });
                first.join();
                second.join();
                return null;
            })).isInstanceOf(dev.echo.runtime.DeadlockException.class)
                    .hasMessageContaining("lock of Mutex[a]").hasMessageContaining("lock of Mutex[b]");
        }
    }
}
