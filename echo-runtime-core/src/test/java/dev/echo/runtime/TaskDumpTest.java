package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.echo.runtime.chan.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.echo.runtime.spi.WaitTarget;

/** The task dump (what each live task waits on, from its WaitTarget) and the processor-hold view. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskDumpTest {

    @Test
    void describesAChannelReceiveASleepAndAJoinFromTheirWaitTargets() {
        try (EchoRuntime runtime = Tests.runtime(2, "dump")) {
            Channel<String> channel = Channel.buffered(16);
            Task<String> receiver = runtime.spawn("receiver", channel::receive);
            Task<Void> sleeper = runtime.spawn("sleeper", () -> {
                Echo.sleep(Duration.ofMinutes(10));
                return null;
            });
            Task<String> joiner = runtime.spawn("joiner", receiver::join);
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.taskDump(10, Set.of(TaskStatus.WAITING), false).matched() == 3);
            TaskDump dump = runtime.taskDump(10, Set.of(), false);
            assertThat(dump.tasks()).extracting(TaskInfo::id).containsExactly(receiver.id(), sleeper.id(), joiner.id());
            assertThat(dump.tasks().get(0).waitingOn()).startsWith("receive on Channel#").endsWith("[capacity=16, 0 queued]");
            assertThat(dump.tasks().get(1).waitingOn()).matches("sleep, timer in \\d+ ms");
            long timerMillis = Long.parseLong(dump.tasks().get(1).waitingOn().replaceAll("\\D", ""));
            assertThat(timerMillis).isBetween(1L, Duration.ofMinutes(10).toMillis());
            assertThat(dump.tasks().get(2).waitingOn()).isEqualTo("join of " + receiver);
            assertThat(dump.tasks()).allSatisfy((task) -> {
                assertThat(task.status()).isEqualTo(TaskStatus.WAITING);
                assertThat(task.age()).isPositive();
                assertThat(task.stack()).isEmpty();
            });
            assertThat(dump.tasks()).extracting(TaskInfo::name).containsExactly("receiver", "sleeper", "joiner");
            channel.send("done");
            assertThat(joiner.join()).isEqualTo("done");
            sleeper.cancel();
        }
    }

    @Test
    void listsStackFramesOnlyWhenAskedAndOneTaskById() {
        try (EchoRuntime runtime = Tests.runtime(1, "stack")) {
            Promise<Void> gate = new Promise<>();
            Task<Void> parked = runtime.spawn("parked", () -> gate.future().await());
            await().atMost(Duration.ofSeconds(10)).until(() -> parked.status() == TaskStatus.WAITING);
            TaskInfo info = runtime.taskInfo(parked.id(), true).orElseThrow();
            assertThat(info.name()).isEqualTo("parked");
            assertThat(info.stack()).isNotEmpty().anySatisfy((frame) -> assertThat(frame.getClassName()).isEqualTo(EchoFuture.class.getName()));
            assertThat(runtime.taskInfo(parked.id(), false).orElseThrow().stack()).isEmpty();
            gate.resolve(null);
            parked.join();
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.taskInfo(parked.id(), false).isEmpty());
            assertThat(runtime.taskInfo(987_654_321L, false)).isEmpty();
        }
    }

    @Test
    void limitCutsTheListButMatchedCountsEveryTaskOfTheStatus() {
        try (EchoRuntime runtime = Tests.runtime(2, "limit")) {
            Promise<Void> gate = new Promise<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                tasks.add(runtime.spawn(() -> gate.future().await()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> tasks.stream().allMatch((t) -> t.status() == TaskStatus.WAITING));
            TaskDump dump = runtime.taskDump(5, Set.of(TaskStatus.WAITING), false);
            assertThat(dump.matched()).isEqualTo(25);
            assertThat(dump.tasks()).extracting(TaskInfo::id).containsExactly(tasks.subList(0, 5).stream().map(Task::id).toArray(Long[]::new));
            assertThat(runtime.taskDump(100, Set.of(TaskStatus.RUNNING, TaskStatus.READY), false).matched()).isZero();
            assertThatThrownBy(() -> runtime.taskDump(10_001, Set.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10001");
            assertThatThrownBy(() -> runtime.taskDump(-1, Set.of(), false)).hasMessageContaining("-1");
            gate.resolve(null);
        }
    }

    /** Completes with 100,000 parked tasks while the runtime keeps running (no time bound here: benchmarks measure). */
    @Test
    void dumpsAHundredThousandParkedTasksWithoutStoppingTheRuntime() {
        try (EchoRuntime runtime = Tests.runtime(2, "many")) {
            Promise<Void> gate = new Promise<>();
            int count = 100_000;
            for (int i = 0; i < count; i++) {
                runtime.spawn(() -> gate.future().await());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> runtime.stats().liveByStatus().get(TaskStatus.WAITING) == count);
            TaskDump dump = runtime.taskDump(EchoRuntime.TASK_DUMP_MAX, Set.of(), false);
            assertThat(dump.matched()).isEqualTo(count);
            assertThat(dump.tasks()).hasSize(EchoRuntime.TASK_DUMP_MAX).allSatisfy((task) -> assertThat(task.waitingOn()).startsWith("await of "));
            // The runtime ran on meanwhile: a new task completes.
            assertThat(runtime.spawn(() -> "still running").join()).isEqualTo("still running");
            gate.resolve(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> runtime.stats().tasksLive() == 0);
        }
    }

    @Test
    void namesTheTaskHoldingTheOnlyProcessorInACpuLoop() {
        try (EchoRuntime runtime = Tests.runtime(1, "hold")) {
            AtomicBoolean stop = new AtomicBoolean();
            Task<Void> loop = runtime.spawn("cpu-loop", () -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
                return null;
            });
            Task<String> behind = runtime.spawn(() -> "ran after the loop");
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> !runtime.processorHolds().isEmpty()
                        && runtime.processorHolds().get(0).task() != null);
                ProcessorHold hold = runtime.processorHolds().get(0);
                assertThat(hold.processor()).isZero();
                assertThat(hold.heldFor()).isGreaterThanOrEqualTo(Duration.ofMillis(10));
                assertThat(hold.queueLength() + runtime.stats().globalQueueLength()).isPositive();
                assertThat(hold.task().id()).isEqualTo(loop.id());
                assertThat(hold.task().name()).isEqualTo("cpu-loop");
                assertThat(hold.task().stack()).isNotEmpty();
            } finally {
                stop.set(true);
            }
            assertThat(behind.join()).isEqualTo("ran after the loop");
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.processorHolds().isEmpty());
        }
    }
}
