package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The statistics snapshot: task counters, live tasks by status, per-processor counters. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatisticsTest {

    @Test
    void taskCountersAreExact() {
        try (EchoRuntime runtime = Tests.runtime(2, "counters")) {
            List<Task<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(runtime.spawn(() -> "ok"));
            }
            for (int i = 0; i < 3; i++) {
                tasks.add(runtime.spawn(() -> {
                    throw new IllegalStateException("fails on purpose");
                }));
            }
            Promise<Void> never = new Promise<>();
            List<Task<?>> toCancel = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                toCancel.add(runtime.spawn(() -> never.future().await()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> toCancel.stream().allMatch(t -> t.status() == TaskStatus.WAITING));
            toCancel.forEach(Task::cancel);
            for (Task<?> t : tasks) {
                try {
                    t.join();
                } catch (IllegalStateException expected) {
                    // the failing ones
                }
            }
            for (Task<?> t : toCancel) {
                assertThatThrownBy(t::join).isInstanceOf(CancellationException.class);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().tasksLive() == 0);
            RuntimeStats stats = runtime.stats();
            assertThat(stats.tasksSpawned()).isEqualTo(10);
            assertThat(stats.tasksCompleted()).isEqualTo(5);
            assertThat(stats.tasksFailed()).isEqualTo(3);
            assertThat(stats.tasksCancelled()).isEqualTo(2);
            assertThat(stats.liveByStatus()).containsEntry(TaskStatus.READY, 0L)
                    .containsEntry(TaskStatus.RUNNING, 0L).containsEntry(TaskStatus.WAITING, 0L);
        }
    }

    @Test
    void blockCountsItsMainTask() {
        try (EchoRuntime runtime = Tests.runtime(1, "countmain")) {
            runtime.block(() -> Echo.spawn(() -> 1).join());
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().tasksCompleted() == 2);
            assertThat(runtime.stats().tasksSpawned()).isEqualTo(2);
        }
    }

    @Test
    void liveByStatusShowsParkedTasksAsWaiting() {
        try (EchoRuntime runtime = Tests.runtime(2, "waiting")) {
            Promise<String> gate = new Promise<>();
            List<Task<String>> parked = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                parked.add(runtime.spawn(() -> gate.future().await()));
            }
            Task<Void> sleeper = runtime.spawn(() -> Echo.sleep(Duration.ofHours(1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().liveByStatus().get(TaskStatus.WAITING) == 4);
            RuntimeStats stats = runtime.stats();
            assertThat(stats.tasksLive()).isEqualTo(4);
            assertThat(stats.liveByStatus().get(TaskStatus.RUNNING)).isZero();
            assertThat(stats.timersPending()).isEqualTo(1);

            gate.resolve("go");
            sleeper.cancel();
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().tasksLive() == 0);
        }
    }

    @Test
    void liveByStatusShowsReadyTasksNotYetStartedAndTheRunningOne() {
        try (EchoRuntime runtime = Tests.runtime(1, "ready")) {
            Map<TaskStatus, Long> seen = runtime.block(() -> {
                List<Task<Integer>> children = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    children.add(Echo.spawn(() -> 1));
                }
                // One processor: the children cannot start while main runs.
                Map<TaskStatus, Long> byStatus = Echo.runtime().stats().liveByStatus();
                for (Task<Integer> c : children) {
                    c.join();
                }
                return byStatus;
            });
            assertThat(seen).containsEntry(TaskStatus.READY, 3L).containsEntry(TaskStatus.RUNNING, 1L)
                    .containsEntry(TaskStatus.WAITING, 0L);
        }
    }

    @ParameterizedTest(name = "processors = {0}")
    @ValueSource(ints = {1, 3})
    void theProcessorsListHasOneEntryPerProcessor(int processors) {
        try (EchoRuntime runtime = Tests.runtime(processors, "plist")) {
            RuntimeStats stats = runtime.stats();
            assertThat(stats.processors()).hasSize(processors);
            assertThat(stats.processors()).extracting(ProcessorStats::id)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, processors).boxed().toList());
            assertThat(stats.name()).isEqualTo(runtime.name());
            assertThat(runtime.processors()).isEqualTo(processors);
        }
    }

    @Test
    void perProcessorCountersArePlausibleAfterCpuWork() {
        try (EchoRuntime runtime = Tests.runtime(2, "perp")) {
            int n = 200;
            Duration work = Duration.ofMillis(1);
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    tasks.add(Echo.spawn(() -> Tests.busyWait(work)));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    runtime.stats().processors().stream().allMatch(p -> p.state().equals("idle")));
            RuntimeStats stats = runtime.stats();
            List<ProcessorStats> ps = stats.processors();
            assertThat(ps).hasSize(2);
            assertThat(ps).allSatisfy(p -> {
                assertThat(p.state()).isIn("running", "spinning", "idle");
                assertThat(p.queueLength()).isZero();
                assertThat(p.tasksRun()).isNotNegative();
                assertThat(p.stealsIn()).isNotNegative();
                assertThat(p.stealsOut()).isNotNegative();
                assertThat(p.globalTakes()).isNotNegative();
                assertThat(p.parks()).isNotNegative();
                assertThat(p.busyTimeNanos()).isNotNegative();
            });
            long runs = ps.stream().mapToLong(ProcessorStats::tasksRun).sum();
            assertThat(runs).as("task runs (main runs at least twice: start and after its joins)")
                    .isGreaterThanOrEqualTo(n + 1);
            long busy = ps.stream().mapToLong(ProcessorStats::busyTimeNanos).sum();
            assertThat(busy).as("busy time covers the CPU work done in tasks")
                    .isGreaterThanOrEqualTo(work.toNanos() * n);
            assertThat(ps).anyMatch(p -> p.parks() > 0);
            assertThat(stats.workers()).isBetween(1, 10);
            assertThat(stats.globalQueueLength()).isZero();
            assertThat(stats.transport()).isNotBlank();
        }
    }

    @Test
    void busyTimeDoesNotGrowWhileIdle() {
        try (EchoRuntime runtime = Tests.runtime(2, "busyidle")) {
            runtime.spawn(() -> Tests.busyWait(Duration.ofMillis(50))).join();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    runtime.stats().processors().stream().allMatch(p -> p.state().equals("idle")));
            long before = runtime.stats().processors().stream().mapToLong(ProcessorStats::busyTimeNanos).sum();
            assertThat(before).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
            await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
            long after = runtime.stats().processors().stream().mapToLong(ProcessorStats::busyTimeNanos).sum();
            assertThat(after).isEqualTo(before);
        }
    }

    @Test
    void tasksSubmittedFromOutsideAreCountedAsGlobalTakes() {
        try (EchoRuntime runtime = Tests.runtime(2, "globaltakes")) {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tasks.add(runtime.spawn(() -> 1));
            }
            tasks.forEach(Task::join);
            assertThat(runtime.stats().processors().stream().mapToLong(ProcessorStats::globalTakes).sum()).isPositive();
        }
    }

    @Test
    void theSnapshotIsImmutable() {
        try (EchoRuntime runtime = Tests.runtime(1, "immutable")) {
            RuntimeStats stats = runtime.stats();
            assertThatThrownBy(() -> stats.liveByStatus().put(TaskStatus.READY, 1L))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> stats.processors().clear()).isInstanceOf(UnsupportedOperationException.class);
            assertThat(Set.copyOf(stats.liveByStatus().keySet())).containsExactlyInAnyOrder(TaskStatus.READY,
                    TaskStatus.RUNNING, TaskStatus.WAITING);
        }
    }

    /**
     * Once join() has returned, the counters include the task: a snapshot taken then must not
     * miss a task that is finished as far as its joiner can tell. (Short callbacks registered
     * before the join run after the joiner is woken, on the task's own thread; they keep the
     * task busy for a while after it settled.)
     */
    @Test
    void countersIncludeATaskOnceItsJoinHasReturned() {
        try (EchoRuntime runtime = Tests.runtime(2, "countersnow")) {
            Promise<Void> go = new Promise<>();
            Task<Integer> task = runtime.spawn(() -> {
                go.future().await();
                return 1;
            });
            for (int i = 0; i < 200_000; i++) {
                task.future().whenComplete((v, e) -> Tests.busyWait(Duration.ofNanos(1_000)));
            }
            go.resolve(null);
            assertThat(task.join()).isEqualTo(1);
            RuntimeStats stats = runtime.stats();
            assertThat(stats.tasksCompleted()).as("completed tasks counted right after join returned").isEqualTo(1);
            assertThat(stats.tasksLive()).as("live tasks right after join returned").isZero();
        }
    }
}
