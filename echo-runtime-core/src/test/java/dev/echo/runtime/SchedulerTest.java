package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The GMP scheduler: ordering with one processor, parallelism, wake-ups, idling. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchedulerTest {

    // ## processors = 1: the original's single-threaded executor, in a deterministic order ##

    @Test
    void withOneProcessorSpawnOrderIsRunOrder() {
        try (EchoRuntime runtime = Tests.runtime(1, "spawnorder")) {
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int id = i;
                    tasks.add(Echo.spawn(() -> {
                        ran.add(id);
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            assertThat(ran).containsExactlyElementsOf(range(50));
        }
    }

    /**
     * More tasks than a local run queue holds (256): the surplus spills to the global queue.
     * Spawn order must still be run order with one processor.
     */
    @Test
    void withOneProcessorSpawnOrderIsRunOrderEvenBeyondTheLocalQueuesCapacity() {
        try (EchoRuntime runtime = Tests.runtime(1, "spawnorderbig")) {
            int n = 1000;
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int id = i;
                    tasks.add(Echo.spawn(() -> {
                        ran.add(id);
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            assertThat(ran).hasSize(n);
            int firstOutOfOrder = -1;
            for (int i = 0; i < n; i++) {
                if (ran.get(i) != i) {
                    firstOutOfOrder = i;
                    break;
                }
            }
            assertThat(firstOutOfOrder).as("first position where run order differs from spawn order; ran: %s",
                    ran.subList(0, Math.min(n, 80))).isEqualTo(-1);
        }
    }

    /**
     * A yield goes to the back of the queue, not to the run-next slot: three tasks that log,
     * yield and log again interleave. (Through the run-next slot each would run twice in a row.)
     */
    @Test
    void withOneProcessorAYieldGoesToTheBackOfTheQueue() {
        try (EchoRuntime runtime = Tests.runtime(1, "yieldback")) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (String name : List.of("A", "B", "C")) {
                    tasks.add(Echo.spawn(() -> {
                        log.add(name + 1);
                        Echo.yieldNow();
                        log.add(name + 2);
                        Echo.yieldNow();
                        log.add(name + 3);
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            assertThat(log).containsExactly("A1", "B1", "C1", "A2", "B2", "C2", "A3", "B3", "C3");
        }
    }

    /** A task woken by another goes to the run-next slot: it runs before tasks queued earlier. */
    @Test
    void withOneProcessorAWokenTaskRunsNextAheadOfQueuedTasks() {
        try (EchoRuntime runtime = Tests.runtime(1, "runnext")) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            Promise<String> signal = new Promise<>();
            runtime.block(() -> {
                Task<Void> waiter = Echo.spawn(() -> {
                    log.add("waiter-parks");
                    log.add("waiter-woken:" + signal.future().await());
                });
                Task<Void> waker = Echo.spawn(() -> {
                    log.add("waker-resolves");
                    signal.resolve("go");
                    log.add("waker-ends");
                });
                Task<Void> x = Echo.spawn(() -> {
                    log.add("x");
                });
                Task<Void> y = Echo.spawn(() -> {
                    log.add("y");
                });
                waiter.join();
                waker.join();
                x.join();
                y.join();
                return null;
            });
            assertThat(log).containsExactly("waiter-parks", "waker-resolves", "waker-ends", "waiter-woken:go",
                    "x", "y");
        }
    }

    @Test
    void withOneProcessorTheSameProgramGivesTheSameTraceEveryTime() {
        List<String> first = tracedProgram();
        for (int run = 0; run < 3; run++) {
            assertThat(tracedProgram()).as("run %d", run + 2).containsExactlyElementsOf(first);
        }
        assertThat(first).hasSize(4 * 5 + 3);
    }

    /** Spawns, yields, promise wake-ups and joins, traced. */
    private static List<String> tracedProgram() {
        try (EchoRuntime runtime = Tests.runtime(1, "trace")) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            runtime.block(() -> {
                List<Promise<Integer>> promises = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    promises.add(new Promise<>());
                }
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int id = i;
                    tasks.add(Echo.spawn(() -> {
                        for (int step = 0; step < 5; step++) {
                            log.add("p" + id + "." + step);
                            if (step == 2 && id > 0) {
                                log.add("p" + id + " got " + promises.get(id - 1).future().await());
                            } else {
                                Echo.yieldNow();
                            }
                            if (step == 3) {
                                promises.get(id).resolve(id);
                            }
                        }
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            return List.copyOf(log);
        }
    }

    @Test
    void withOneProcessorEveryTaskRunsOnOneCarrier() {
        try (EchoRuntime runtime = Tests.runtime(1, "onecarrier")) {
            Set<String> carriers = ConcurrentHashMap.newKeySet();
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    tasks.add(Echo.spawn(() -> {
                        carriers.add(Tests.carrierName());
                        Echo.yieldNow();
                        carriers.add(Tests.carrierName());
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            assertThat(carriers).hasSize(1);
            assertThat(carriers.iterator().next()).startsWith(runtime.name() + "-worker-");
        }
    }

    // ## processors > 1 ##

    @Test
    void atMostProcessorsTasksRunAtOnceAndBothProcessorsAreUsed() {
        try (EchoRuntime runtime = Tests.runtime(2, "parallel")) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    tasks.add(Echo.spawn(() -> {
                        for (int k = 0; k < 50; k++) {
                            int now = running.incrementAndGet();
                            maxRunning.accumulateAndGet(now, Math::max);
                            Tests.busyWait(Duration.ofMillis(1));
                            running.decrementAndGet();
                            Echo.yieldNow();
                        }
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            // A hand-off (the monitor saw a processor held 10 ms, e.g. its carrier was descheduled
            // by the OS) legitimately adds one carrier still finishing its task.
            long handOffs = runtime.stats().handOffs();
            assertThat(maxRunning.get()).as("tasks running at once (hand-offs: %d)", handOffs)
                    .isBetween(2, 2 + (int) handOffs);
        }
    }

    @Test
    void tasksSpawnedFromManyPlainThreadsAllRun() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(2, "external")) {
            int threads = 4;
            int perThread = 5_000;
            AtomicLong sum = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        List<Task<Void>> mine = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            mine.add(runtime.spawn(() -> {
                                sum.incrementAndGet();
                            }));
                        }
                        for (Task<Void> task : mine) {
                            task.join();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                submitters.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : submitters) {
                thread.join(30_000);
                assertThat(thread.isAlive()).as("submitter finished (no lost wake-up)").isFalse();
            }
            assertThat(failure.get()).isNull();
            assertThat(sum.get()).isEqualTo((long) threads * perThread);
            assertThat(runtime.stats().processors()).anyMatch(p -> p.globalTakes() > 0);
        }
    }

    @ParameterizedTest(name = "processors = {0}")
    @ValueSource(ints = {1, 2, 4})
    void pingPongBetweenTwoTasksNeverLosesAWakeUp(int processors) {
        try (EchoRuntime runtime = Tests.runtime(processors, "pingpong")) {
            int rounds = 20_000;
            List<Promise<Integer>> toPong = new ArrayList<>();
            List<Promise<Integer>> toPing = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                toPong.add(new Promise<>());
                toPing.add(new Promise<>());
            }
            long total = runtime.block(() -> {
                Task<Long> ping = Echo.spawn(() -> {
                    long sum = 0;
                    for (int i = 0; i < rounds; i++) {
                        toPong.get(i).resolve(i);
                        sum += toPing.get(i).future().await();
                    }
                    return sum;
                });
                Task<Long> pong = Echo.spawn(() -> {
                    long count = 0;
                    for (int i = 0; i < rounds; i++) {
                        int v = toPong.get(i).future().await();
                        count++;
                        toPing.get(i).resolve(v + 1);
                    }
                    return count;
                });
                return ping.join() + pong.join();
            });
            assertThat(total).isEqualTo((long) rounds * (rounds + 1) / 2 + rounds);
        }
    }

    @ParameterizedTest(name = "processors = {0}")
    @ValueSource(ints = {2, 4})
    void recursiveForkJoinComputesTheRightResult(int processors) {
        try (EchoRuntime runtime = Tests.runtime(processors, "fib")) {
            long result = runtime.block(() -> fib(24));
            assertThat(result).isEqualTo(46368);
        }
    }

    private static long fib(int n) {
        if (n < 12) {
            return sequentialFib(n);
        }
        Task<Long> left = Echo.spawn(() -> fib(n - 1));
        long right = fib(n - 2);
        return left.join() + right;
    }

    private static long sequentialFib(int n) {
        return n < 2 ? n : sequentialFib(n - 1) + sequentialFib(n - 2);
    }

    // ## Idle workers park, and wake promptly when work appears ##

    @Test
    void idleWorkersParkAndBurnNoCpu() {
        try (EchoRuntime runtime = Tests.runtime(2, "idle")) {
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    tasks.add(Echo.spawn(() -> Tests.busyWait(Duration.ofMillis(1))));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    runtime.stats().processors().stream().allMatch(p -> p.state().equals("idle")));
            RuntimeStats stats = runtime.stats();
            assertThat(stats.processors()).allMatch(p -> p.queueLength() == 0);
            assertThat(stats.processors()).anyMatch(p -> p.parks() > 0);

            List<Thread> carriers = Tests.threadsOf(runtime.name());
            assertThat(carriers).isNotEmpty();
            long before = cpuTime(carriers);
            long wallStart = System.nanoTime();
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            long wall = System.nanoTime() - wallStart;
            long used = cpuTime(carriers) - before;
            assertThat(used).as("CPU used by the idle runtime's threads over %d ms", wall / 1_000_000)
                    .isLessThan(wall / 10);
        }
    }

    private static long cpuTime(List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            long cpu = Tests.threadBean().getThreadCpuTime(t.threadId());
            if (cpu > 0) {
                sum += cpu;
            }
        }
        return sum;
    }

    /**
     * Work submitted to an idle runtime is picked up through the submission protocol (the
     * submitter's wakeP), never left for the monitor's lost-wake-up backstop: counted, not timed.
     */
    @Test
    void anIdleRuntimeRunsNewWorkPromptly() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(2, "wakeidle")) {
            runtime.spawn(() -> 1).join();
            for (int i = 0; i < 10; i++) {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        runtime.stats().processors().stream().allMatch(p -> p.state().equals("idle")));
                runtime.spawn(() -> 1).join();
            }
            assertThat(runtime.monitor.lostWakeUps).as("submissions only the monitor's backstop picked up").isZero();
        }
    }

    /**
     * A worker thread that cannot be started (no memory for another thread) must not wedge the
     * runtime: its processor goes back to idle, the failure is counted and logged, and the
     * queued work runs once a start succeeds.
     */
    @Test
    void aWorkerThatFailsToStartLeavesNoProcessorStrandedAndTheWorkStillRuns() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(2, "startfail")) {
            java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
            runtime.scheduler.workerStarter = worker -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("unable to create native thread (simulated)");
                }
                worker.start();
            };
            Task<Integer> task = runtime.spawn(() -> 42);
            assertThat(task.future().await(Duration.ofSeconds(20))).isEqualTo(42);
            assertThat(runtime.scheduler.startFailures.get()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.scheduler.spinning.get() == 0
                    && runtime.scheduler.idleProcessorCount() == 2);
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    /**
     * Bursts of wake-ups with idle gaps between them (tasks sleeping random short times) used
     * to make workers exit at every idle moment and wakeP start new ones: about 15 thread
     * starts per round of 100,000 sleepers. Idle workers must be reused instead.
     */
    @Test
    void burstsOfTimerWakeUpsReuseIdleWorkersInsteadOfStartingNewOnes() {
        try (EchoRuntime runtime = Tests.runtime(2, "workerchurn")) {
            Callable<Void> round = () -> {
                SplittableRandom random = new SplittableRandom(7);
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    Duration sleep = Duration.ofMillis(1 + random.nextInt(30));
                    tasks.add(Echo.spawn(() -> Echo.sleep(sleep)));
                }
                for (Task<Void> task : tasks) {
                    task.join();
                }
                return null;
            };
            runtime.block(round); // warm-up: the workers this load needs get started here
            int before = runtime.scheduler.workersStarted();
            for (int i = 0; i < 5; i++) {
                runtime.block(round);
            }
            int started = runtime.scheduler.workersStarted() - before;
            assertThat(started).as("workers started during 5 more rounds of the same load").isLessThanOrEqualTo(2);
        }
    }
}
