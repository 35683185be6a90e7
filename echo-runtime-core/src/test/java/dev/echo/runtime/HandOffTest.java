package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The monitor hands a processor's queue to another carrier when one task holds it too long. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandOffTest {

    record Outcome(int othersDone, boolean spinnerDoneWhenOthersWere, long spinnerEnd, long lastOtherEnd) {
    }

    /** One CPU loop, then {@code others} small tasks spawned right away. */
    private static Outcome spinnerWithOthers(EchoRuntime runtime, Duration spin, int others) {
        return spinnersWithOthers(runtime, 1, spin, Duration.ZERO, others);
    }

    @Test
    void withTwoProcessorsACpuLoopDoesNotStopTheOtherTasks() {
        try (EchoRuntime runtime = Tests.runtime(2, "handoff2")) {
            Outcome outcome = spinnerWithOthers(runtime, Duration.ofMillis(500), 20);
            assertThat(outcome.othersDone()).isEqualTo(20);
            assertThat(outcome.spinnerDoneWhenOthersWere()).as("the others finished while the spinner spun").isFalse();
            assertThat(outcome.lastOtherEnd()).isLessThan(outcome.spinnerEnd());
        }
    }

    /**
     * The same, checked by where the small tasks ran: never on the spinner's carrier, which the
     * loop holds from its start to its end (it never suspends).
     */
    @Test
    void withTwoProcessorsTheOtherTasksRunOnAnotherCarrierWhileTheLoopHoldsItsOwn() {
        try (EchoRuntime runtime = Tests.runtime(2, "handoffcarrier")) {
            List<String> carriers = runtime.block(() -> {
                Promise<String> spinnerCarrier = new Promise<>();
                java.util.concurrent.atomic.AtomicBoolean spinning = new java.util.concurrent.atomic.AtomicBoolean(true);
                Task<Void> spinner = Echo.spawn("spinner", () -> {
                    spinnerCarrier.resolve(Tests.carrierName());
                    Tests.busyWait(Duration.ofMillis(300));
                    spinning.set(false);
                    return null;
                });
                String held = spinnerCarrier.future().await();
                List<Task<String>> small = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    small.add(Echo.spawn(() -> spinning.get() ? Tests.carrierName() : "after the loop"));
                }
                List<String> seen = new ArrayList<>();
                seen.add(held);
                for (Task<String> t : small) {
                    seen.add(t.join());
                }
                spinner.join();
                return seen;
            });
            String held = carriers.getFirst();
            assertThat(carriers.subList(1, carriers.size())).as("carriers of the small tasks (the loop held %s)", held)
                    .doesNotContain(held, "after the loop");
        }
    }


    /**
     * Holds every processor with CPU loops for {@code spin}; while no hand-off has happened, the
     * loops keep spawning no-op tasks, so work waits behind them (a reason to hand off).
     */
    private static void holdEveryProcessor(EchoRuntime runtime, Duration spin) {
        runtime.block(() -> {
            List<Task<Void>> loops = new ArrayList<>();
            for (int i = 0; i < runtime.processors(); i++) {
                loops.add(Echo.spawn(() -> {
                    long end = System.nanoTime() + spin.toNanos();
                    long nextFiller = System.nanoTime();
                    while (System.nanoTime() - end < 0) {
                        if (System.nanoTime() - nextFiller >= 0 && Echo.runtime().stats().handOffs() == 0) {
                            Echo.spawn(() -> { });
                            nextFiller = System.nanoTime() + 2_000_000L;
                        }
                        Thread.onSpinWait();
                    }
                }));
            }
            for (Task<Void> t : loops) {
                t.join();
            }
            return null;
        });
    }

    /** After a hand-off the runtime keeps working normally (the retired processor is given up). */
    @Test
    void afterAHandOffTheRuntimeKeepsRunningTasksCorrectly() {
        try (EchoRuntime runtime = Tests.runtime(2, "afterhandoff")) {
            holdEveryProcessor(runtime, Duration.ofMillis(300));
            assertThat(runtime.stats().handOffs()).as("hand-offs while every processor was held").isGreaterThanOrEqualTo(1);
            for (int round = 0; round < 3; round++) {
                int sum = runtime.block(() -> {
                    List<Task<Integer>> tasks = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        int v = i;
                        tasks.add(Echo.spawn(() -> {
                            Echo.yieldNow();
                            return v;
                        }));
                    }
                    int s = 0;
                    for (Task<Integer> t : tasks) {
                        s += t.join();
                    }
                    return s;
                });
                assertThat(sum).isEqualTo(4950);
            }
            assertThat(runtime.stats().processors()).hasSize(2);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    runtime.stats().processors().stream().allMatch(p -> p.state().equals("idle")));
        }
    }

    /** Holder of a class initializer that blocks: a virtual thread inside it pins its carrier. */
    static final class SlowInit {
        static final long READY_AT;

        static {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            READY_AT = System.nanoTime();
        }

        private SlowInit() {
        }
    }

    /** Called from class initializers; lives in the (already initialised) test class. */
    static long sleepThenNow() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return System.nanoTime();
    }

    static final class SlowInitA {
        static final long READY_AT = sleepThenNow();

        private SlowInitA() {
        }
    }

    static final class SlowInitB {
        static final long READY_AT = sleepThenNow();

        private SlowInitB() {
        }
    }

    /** Two carriers pinned at once (every processor held): the monitor hands one off. */
    @Test
    void withTwoProcessorsBothCarriersPinnedAreHandedOff() {
        try (EchoRuntime runtime = Tests.runtime(2, "pinned2")) {
            long[] result = runtime.block(() -> {
                Task<Long> a = Echo.spawn("pinned-a", () -> SlowInitA.READY_AT);
                Task<Long> b = Echo.spawn("pinned-b", () -> SlowInitB.READY_AT);
                Echo.sleep(Duration.ofMillis(30)); // both initialisers are under way
                List<Task<Long>> others = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    others.add(Echo.spawn(() -> System.nanoTime()));
                }
                long last = 0;
                for (Task<Long> t : others) {
                    last = Math.max(last, t.join());
                }
                return new long[] {last, Math.min(a.join(), b.join())};
            });
            assertThat(result[0]).as("the others finished before either pinned initialiser did")
                    .isLessThan(result[1]);
            assertThat(runtime.stats().handOffs()).isGreaterThanOrEqualTo(1);
        }
    }


    /**
     * Spawns {@code spinners} CPU loops that hold every processor, then {@code others} small
     * tasks; returns when all are done. The small ones can only run if the monitor retires a
     * held processor and gives its slot to a fresh one on another carrier.
     */
    private static Outcome allProcessorsHeldWithOthers(EchoRuntime runtime, int spinners, Duration spin, int others) {
        // main holds its P too for a moment, so every P is busy when the small tasks arrive
        return spinnersWithOthers(runtime, spinners, spin, Duration.ofMillis(30), others);
    }

    /**
     * Spawns {@code spinners} CPU loops, keeps main busy for {@code mainHold}, then spawns
     * {@code others} small tasks and joins everything; the Outcome says who finished first.
     */
    private static Outcome spinnersWithOthers(EchoRuntime runtime, int spinners, Duration spin, Duration mainHold,
                                              int others) {
        return runtime.block(() -> {
            long[] spinnerEnd = new long[1];
            List<Task<Void>> spinning = new ArrayList<>();
            for (int i = 0; i < spinners; i++) {
                spinning.add(Echo.spawn("spinner-" + i, () -> {
                    Tests.busyWait(spin);
                    synchronized (spinnerEnd) {
                        spinnerEnd[0] = spinnerEnd[0] == 0 ? System.nanoTime() : Math.min(spinnerEnd[0], System.nanoTime());
                    }
                    return null;
                }));
            }
            Tests.busyWait(mainHold);
            List<Task<Long>> small = new ArrayList<>();
            for (int i = 0; i < others; i++) {
                small.add(Echo.spawn(() -> System.nanoTime()));
            }
            long last = 0;
            for (Task<Long> t : small) {
                last = Math.max(last, t.join());
            }
            boolean spinnersDone = spinning.stream().allMatch(t -> t.future().isDone());
            for (Task<Void> t : spinning) {
                t.join();
            }
            return new Outcome(small.size(), spinnersDone, spinnerEnd[0], last);
        });
    }

    /**
     * With one processor the runtime is the original's single-threaded executor: one carrier, a
     * deterministic order, no hand-off. A CPU loop holds it and the queued tasks run after it
     * (as in Tokio's current-thread runtime).
     */
    @Test
    void withOneProcessorACpuLoopHoldsTheOnlyCarrierAndTheOthersRunAfterIt() {
        try (EchoRuntime runtime = Tests.runtime(1, "handoff1")) {
            Outcome outcome = spinnerWithOthers(runtime, Duration.ofMillis(100), 10);
            assertThat(outcome.othersDone()).isEqualTo(10);
            assertThat(outcome.spinnerDoneWhenOthersWere()).as("the spinner finished before the others ran").isTrue();
            assertThat(outcome.lastOtherEnd()).isGreaterThan(outcome.spinnerEnd());
            RuntimeStats stats = runtime.stats();
            assertThat(stats.handOffs()).isZero();
            assertThat(stats.processors()).hasSize(1);
        }
    }

    /** When every processor is held by a CPU loop, the monitor retires one so queued tasks run. */
    @Test
    void withEveryProcessorHeldTheMonitorRetiresOneAndTheQueuedTasksStillRun() {
        try (EchoRuntime runtime = Tests.runtime(2, "allheld")) {
            Outcome outcome = allProcessorsHeldWithOthers(runtime, 2, Duration.ofMillis(400), 10);
            assertThat(outcome.othersDone()).isEqualTo(10);
            assertThat(outcome.spinnerDoneWhenOthersWere()).as("the others finished while the spinners spun").isFalse();
            assertThat(outcome.lastOtherEnd()).isLessThan(outcome.spinnerEnd());
            RuntimeStats stats = runtime.stats();
            assertThat(stats.handOffs()).isGreaterThanOrEqualTo(1);
            assertThat(stats.processors()).as("still exactly two processors").hasSize(2);
        }
    }

    /**
     * A task that blocks inside a class initializer pins its carrier (JEP 491 left that case
     * pinned): its P is held though the task is not running. With the other processor held by a
     * CPU loop, the monitor must hand off so the queued tasks still run.
     */
    @Test
    void aPinnedCarrierIsHandedOffSoTheQueuedTasksStillRun() {
        try (EchoRuntime runtime = Tests.runtime(2, "pinned")) {
            java.util.concurrent.atomic.AtomicBoolean pinnedStarted = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean spinnerStarted = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean othersDone = new java.util.concurrent.atomic.AtomicBoolean();
            long[] result = runtime.block(() -> {
                Task<Long> pinned = Echo.spawn("pinned", () -> {
                    pinnedStarted.set(true);
                    return SlowInit.READY_AT;
                });
                Task<Void> spinner = Echo.spawn("spinner", () -> {
                    spinnerStarted.set(true);
                    long giveUp = System.nanoTime() + 10_000_000_000L;
                    while (!othersDone.get() && System.nanoTime() - giveUp < 0) {
                        Thread.onSpinWait();
                    }
                    return null;
                });
                // Park until both hold their processors (the initializer pinned, the loop
                // spinning): waking up then needs a processor, which only a hand-off frees.
                // (Busy-waiting here instead, as before, let the queued tasks run on this
                // task's own processor before the spinner took it, on a loaded machine.)
                long giveUp = System.nanoTime() + 10_000_000_000L;
                while (!(pinnedStarted.get() && spinnerStarted.get()) && System.nanoTime() - giveUp < 0) {
                    Echo.sleep(Duration.ofMillis(2));
                }
                List<Task<Long>> others = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    others.add(Echo.spawn(() -> System.nanoTime()));
                }
                long last = 0;
                for (Task<Long> t : others) {
                    last = Math.max(last, t.join());
                }
                othersDone.set(true);
                spinner.join();
                return new long[] {last, pinned.join()};
            });
            assertThat(result[0]).as("the others finished before the pinned task's initializer did")
                    .isLessThan(result[1]);
            assertThat(runtime.stats().handOffs()).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * White-box, deterministic replay of a race: the worker holding a processor checks
     * {@code retired} at the top of its loop, finds no work and releases the processor to the
     * idle stack; meanwhile the monitor retired that processor and gave its slot to a fresh one.
     * Releasing the retired processor must not put a processor too many on the idle stack.
     */
    @Test
    void releasingAProcessorTheMonitorRetiredMeanwhileDoesNotCorruptTheIdleStack() throws Exception {
        String name = Tests.uniqueName("retirerace");
        Reactor reactor = new Reactor(name, Transport.select(Transport.AUTO), 1);
        Scheduler scheduler = new Scheduler(name, 1, reactor);
        try {
            // This thread plays the worker that holds the only processor, running a long task.
            Processor held = scheduler.tryAcquireIdleProcessor();
            assertThat(held).isNotNull();
            held.setState(Processor.RUNNING);
            held.queue.push(() -> { }, scheduler.global); // work waits behind the long task

            // The monitor hands off: no processor is idle, so it retires ours for a fresh one.
            Processor fresh = scheduler.handOff(held);
            assertThat(fresh).isNotNull();
            assertThat(held.retired).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.idleProcessorCount() == 1);

            // Our worker missed the flag (it checked before the hand-off) and idles its processor.
            Throwable thrown = catchThrowable(() -> scheduler.releaseProcessor(held));

            assertThat(thrown).as("releasing the retired processor").isNull();
            assertThat(scheduler.idleProcessorCount()).as("idle processors (there is only one)").isLessThanOrEqualTo(1);
        } finally {
            for (Worker w : scheduler.stop()) {
                w.join(5_000);
            }
            reactor.close(System.nanoTime() + 5_000_000_000L);
            scheduler.markStopped();
        }
    }
}
