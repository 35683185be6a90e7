package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks: spawn and join, failures, the static entry points, and JDK blocking calls inside tasks. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskTest {

    @Test
    void spawnedTasksReturnTheirValuesThroughJoin() {
        try (EchoRuntime runtime = Tests.runtime(2, "spawnjoin")) {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                int n = i;
                tasks.add(runtime.spawn(() -> n * n));
            }
            int sum = 0;
            for (Task<Integer> t : tasks) {
                sum += t.join();
            }
            assertThat(sum).isEqualTo(2870);
            assertThat(tasks).allMatch(t -> t.status() == TaskStatus.COMPLETED);
            assertThat(tasks).allMatch(t -> t.future().state() == FutureState.RESOLVED);
        }
    }

    @Test
    void tasksSpawnedInsideTasksRunInTheSameRuntime() {
        try (EchoRuntime runtime = Tests.runtime(2, "nested")) {
            int result = runtime.block(() -> {
                Task<Integer> child = Echo.spawn(() -> {
                    Task<Integer> grandChild = Echo.spawn(() -> 40);
                    return grandChild.join() + 1;
                });
                return child.join() + 1;
            });
            assertThat(result).isEqualTo(42);
            assertThat(runtime.stats().tasksSpawned()).isEqualTo(3);
        }
    }

    @Test
    void anUncheckedExceptionInATaskLandsInItsFutureAndJoinRethrowsIt() {
        try (EchoRuntime runtime = Tests.runtime(2, "failure")) {
            IllegalStateException boom = new IllegalStateException("boom");
            Task<Object> task = runtime.spawn(() -> {
                throw boom;
            });
            Throwable thrown = catchThrowable(task::join);
            assertThat(thrown).isSameAs(boom);
            assertThat(task.future().state()).isEqualTo(FutureState.REJECTED);
            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(catchThrowable(() -> task.future().await())).as("every await rethrows").isSameAs(boom);
        }
    }

    @Test
    void aCheckedExceptionInATaskIsRethrownWrappedInCompletionException() {
        try (EchoRuntime runtime = Tests.runtime(1, "checked")) {
            IOException io = new IOException("disk on fire");
            Task<Object> task = runtime.spawn(() -> {
                throw io;
            });
            assertThatThrownBy(task::join).isInstanceOf(CompletionException.class).hasCause(io);
            assertThat(task.future().state()).isEqualTo(FutureState.REJECTED);
        }
    }

    @Test
    void anErrorInATaskLandsInItsFuture() {
        try (EchoRuntime runtime = Tests.runtime(1, "error")) {
            AssertionError error = new AssertionError("bad");
            Task<Void> task = runtime.spawn((Runnable) () -> {
                throw error;
            });
            assertThat(catchThrowable(task::join)).isSameAs(error);
            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(runtime.spawn(() -> "still works").join()).isEqualTo("still works");
        }
    }

    @Test
    void blockRethrowsTheMainTasksFailure() {
        try (EchoRuntime runtime = Tests.runtime(1, "blockfail")) {
            IllegalArgumentException boom = new IllegalArgumentException("main failed");
            assertThat(catchThrowable(() -> runtime.block(() -> {
                throw boom;
            }))).isSameAs(boom);
        }
    }

    @Test
    @Timeout(120)
    void aMillionTinyTasksAreSpawnedAndJoinedWithTheRightSum() {
        try (EchoRuntime runtime = Tests.runtime(2, "million")) {
            int n = 1_000_000;
            long start = System.nanoTime();
            long sum = runtime.block(() -> {
                List<Task<Integer>> tasks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int v = i;
                    tasks.add(Echo.spawn(() -> v));
                }
                long s = 0;
                for (Task<Integer> t : tasks) {
                    s += t.join();
                }
                return s;
            });
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("[TaskTest] 1,000,000 tasks spawned and joined on 2 processors in " + took.toMillis() + " ms");
            assertThat(sum).isEqualTo((long) n * (n - 1) / 2);

        }
    }

    @Test
    void currentTaskInTaskAndRuntimeDescribeTheCaller() {
        try (EchoRuntime runtime = Tests.runtime(1, "current")) {
            AtomicReference<Task<?>> seen = new AtomicReference<>();
            AtomicReference<EchoRuntime> seenRuntime = new AtomicReference<>();
            boolean[] inTask = new boolean[1];
            Task<String> task = runtime.spawn("worker-bee", () -> {
                seen.set(Echo.currentTask());
                seenRuntime.set(Echo.runtime());
                inTask[0] = Echo.inTask();
                return Echo.currentTask().name();
            });
            assertThat(task.join()).isEqualTo("worker-bee");
            assertThat(seen.get()).isSameAs(task);
            assertThat(seenRuntime.get()).isSameAs(runtime);
            assertThat(inTask[0]).isTrue();
            assertThat(Echo.inTask()).as("on the test thread").isFalse();
            assertThat(task.toString()).contains("worker-bee").contains(String.valueOf(task.id()));
        }
    }

    @Test
    void aVirtualThreadOutsideEchoIsNotAnEchoTask() throws Exception {
        boolean[] inTask = {true};
        Thread vt = Thread.ofVirtual().start(() -> inTask[0] = Echo.inTask());
        vt.join();
        assertThat(inTask[0]).isFalse();
    }

    @Test
    void taskIdsIncreaseInSpawnOrder() {
        try (EchoRuntime runtime = Tests.runtime(1, "ids")) {
            Task<Integer> a = runtime.spawn(() -> 1);
            Task<Integer> b = runtime.spawn(() -> 2);
            Task<Integer> c = runtime.spawn(() -> 3);
            assertThat(a.id()).isLessThan(b.id());
            assertThat(b.id()).isLessThan(c.id());
            a.join();
            b.join();
            c.join();
        }
    }

    @Test
    void yieldNowLetsTheOtherTasksRun() {
        try (EchoRuntime runtime = Tests.runtime(1, "yield")) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                Task<Void> a = Echo.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        log.add("a" + i);
                        Echo.yieldNow();
                    }
                });
                Task<Void> b = Echo.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        log.add("b" + i);
                        Echo.yieldNow();
                    }
                });
                a.join();
                b.join();
                return null;
            });
            assertThat(log).containsExactly("a0", "b0", "a1", "b1", "a2", "b2");
        }
    }

    @Test
    void echoSleepOfZeroReturnsAtOnce() {
        try (EchoRuntime runtime = Tests.runtime(1, "sleepzero")) {
            // One processor: had sleep(0) suspended the caller, the task spawned just before
            // would have run in between.
            boolean otherRan = runtime.block(() -> {
                java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
                Echo.spawn(() -> ran.set(true));
                Echo.sleep(Duration.ZERO);
                return ran.get();
            });
            assertThat(otherRan).as("another task ran during sleep(0)").isFalse();
            assertThat(runtime.stats().timersPending()).isZero();
        }
    }

    @Test
    void echoSleepOnAPlainThreadSleeps() {
        long start = System.nanoTime();
        Echo.sleep(Duration.ofMillis(30));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    }

    // ## JDK blocking calls suspend only the calling task ##

    @Test
    void threadSleepInATaskSuspendsOnlyThatTask() {
        try (EchoRuntime runtime = Tests.runtime(1, "threadsleep")) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                Task<Void> sleeper = Echo.spawn(() -> {
                    log.add("sleeper-start");
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    log.add("sleeper-end");
                });
                Task<Void> other = Echo.spawn(() -> {
                    log.add("other-ran");
                });
                sleeper.join();
                other.join();
                return null;
            });
            assertThat(log).containsExactly("sleeper-start", "other-ran", "sleeper-end");
            assertThat(runtime.stats().handOffs()).as("no hand-off was needed: the carrier was free").isZero();
        }
    }

    @Test
    void aTaskBlockedOnAJdkLockHeldByAnotherTaskSuspendsOnlyItself() {
        try (EchoRuntime runtime = Tests.runtime(1, "jdklock")) {
            ReentrantLock lock = new ReentrantLock();
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                Task<Void> holder = Echo.spawn(() -> {
                    lock.lock();
                    try {
                        log.add("holder-locked");
                        Echo.sleep(Duration.ofMillis(300));
                        log.add("holder-unlocks");
                    } finally {
                        lock.unlock();
                    }
                });
                Task<Void> waiter = Echo.spawn(() -> {
                    log.add("waiter-tries");
                    lock.lock();
                    try {
                        log.add("waiter-locked");
                    } finally {
                        lock.unlock();
                    }
                });
                Task<Void> other = Echo.spawn(() -> {
                    log.add("other-ran");
                });
                holder.join();
                waiter.join();
                other.join();
                return null;
            });
            assertThat(log).containsExactly("holder-locked", "waiter-tries", "other-ran", "holder-unlocks",
                    "waiter-locked");
            assertThat(runtime.stats().handOffs()).isZero();
        }
    }

    @Test
    void aTaskBlockedInJdkSocketIoSuspendsOnlyItself() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(1, "socket");
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = server.getLocalPort();
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            String received = runtime.block(() -> {
                Task<String> reader = Echo.spawn(() -> {
                    log.add("reader-accepting");
                    try (Socket s = server.accept();
                         BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                 StandardCharsets.UTF_8))) {
                        log.add("reader-reading");
                        String line = in.readLine();
                        log.add("reader-got-line");
                        return line;
                    }
                });
                Task<Void> other = Echo.spawn(() -> {
                    log.add("other-ran");
                });
                Task<Void> writer = Echo.spawn(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        log.add("writer-connected");
                        Echo.sleep(Duration.ofMillis(200));
                        OutputStream out = s.getOutputStream();
                        log.add("writer-writes");
                        out.write("hello over loopback\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        // keep the socket open until the reader has the line
                        Echo.sleep(Duration.ofMillis(50));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                other.join();
                writer.join();
                return reader.join();
            });
            assertThat(received).isEqualTo("hello over loopback");
            assertThat(log.indexOf("other-ran")).as("other ran while the reader was blocked in accept")
                    .isLessThan(log.indexOf("writer-connected"));
            assertThat(log.indexOf("reader-reading")).as("the reader waited in read while the writer slept")
                    .isLessThan(log.indexOf("writer-writes"));
            assertThat(log.indexOf("reader-got-line")).isGreaterThan(log.indexOf("writer-writes"));
            assertThat(runtime.stats().handOffs()).isZero();
        }
    }

    @Test
    void aTaskParkedInAJdkCallShowsAsWaiting() {
        try (EchoRuntime runtime = Tests.runtime(1, "waitingstatus")) {
            Task<Void> sleeper = runtime.spawn(() -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    // cancelled by the test
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> sleeper.status() == TaskStatus.WAITING);
            sleeper.cancel();
            await().atMost(Duration.ofSeconds(10)).until(() -> sleeper.future().isDone());
            assertThat(sleeper.status()).isEqualTo(TaskStatus.CANCELLED);
        }
    }
}
