package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input gets a clear exception naming the bad value; misuse fails fast instead of hanging. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {

    private static final Duration MINUS_5_MS = Duration.ofMillis(-5);

    @Test
    void nullBodiesAreRejectedWithNullPointerException() {
        try (EchoRuntime runtime = Tests.runtime(1, "nulls")) {
            assertThatThrownBy(() -> runtime.spawn((Callable<Object>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runtime.spawn((Runnable) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runtime.spawn("named", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runtime.spawn(null, () -> 1)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runtime.block(null)).isInstanceOf(NullPointerException.class);
            assertThat(runtime.stats().tasksSpawned()).as("nothing was spawned").isZero();

            List<Throwable> inside = runtime.block(() -> Arrays.asList(
                    catchThrowable(() -> Echo.spawn((Callable<Object>) null)),
                    catchThrowable(() -> Echo.spawn((Runnable) null)),
                    catchThrowable(() -> Echo.spawn("named", null))));
            assertThat(inside).allSatisfy(t -> assertThat(t).isInstanceOf(NullPointerException.class));
        }
    }

    @Test
    void otherNullArgumentsAreRejectedWithNullPointerException() {
        try (EchoRuntime runtime = Tests.runtime(1, "othernulls")) {
            Promise<String> promise = new Promise<>();
            assertThatThrownBy(() -> runtime.timer(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runtime.close(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Echo.sleep(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> promise.future().await(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> promise.future().poll(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> promise.future().whenComplete(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> promise.reject(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Waker.of(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> EchoFuture.from(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> EchoFuture.rejected(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> EchoFuture.all(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> EchoFuture.any(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> EchoFuture.all(Arrays.asList(promise.future(), null)))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("1");
            assertThatThrownBy(() -> EchoRuntime.builder().name(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> EchoRuntime.builder().shutdownGrace(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void processorsBelowOneAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> EchoRuntime.builder().processors(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processors").hasMessageContaining("0");
        assertThatThrownBy(() -> EchoRuntime.builder().processors(-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
        assertThatThrownBy(() -> EchoRuntime.builder().processors(Integer.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(Integer.MIN_VALUE));
    }

    @Test
    void aBlankNameIsRejectedNamingTheValue() {
        assertThatThrownBy(() -> EchoRuntime.builder().name("  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'  '");
    }

    /**
     * Configuration is validated; a negative timeout is not bad input but an expired one
     * (TimeoutRuleTest).
     */
    @Test
    void aNegativeShutdownGraceIsRejectedNamingTheValue() {
        assertThatThrownBy(() -> EchoRuntime.builder().shutdownGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    @Test
    void nullTimeoutsAreRejectedNamingTheParameter() {
        try (EchoRuntime runtime = Tests.runtime(1, "nulltimeout")) {
            assertThatThrownBy(() -> runtime.timer(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> runtime.close(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("grace");
            assertThatThrownBy(() -> new Promise<String>().future().await(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("timeout");
            assertThatThrownBy(() -> Echo.sleep(null)).isInstanceOf(NullPointerException.class);
            assertThat(runtime.isClosed()).isFalse();
        }
    }

    @Test
    void spawnAfterCloseIsRejected() {
        EchoRuntime runtime = Tests.runtime(1, "spawnclosed");
        runtime.close();
        assertThatThrownBy(() -> runtime.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void blockFromInsideATaskOfTheSameRuntimeIsIllegal() {
        try (EchoRuntime runtime = Tests.runtime(1, "blockinside")) {
            Throwable thrown = runtime.block(() -> catchThrowable(() -> runtime.block(() -> 1)));
            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("block");
            Task<Throwable> task = runtime.spawn(() -> catchThrowable(() -> runtime.block(() -> 1)));
            assertThat(task.join()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void echoMethodsThatNeedATaskFailOutsideOne() {
        assertThatThrownBy(Echo::currentTask).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(Echo::runtime).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Echo.spawn(() -> 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Echo.delay(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anyOfNothingIsIllegal() {
        assertThatThrownBy(() -> EchoFuture.any(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    /**
     * Interrupting the plain thread that waits in block() must not turn the wait into a busy
     * loop: either block() gives up (an exception) or it keeps waiting quietly.
     */
    @Test
    void interruptingAThreadWaitingInBlockDoesNotMakeItSpin() throws Exception {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(1).name(Tests.uniqueName("interruptblock"))
                .shutdownGrace(Duration.ofMillis(200)).build()) {
            Promise<String> release = new Promise<>();
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    outcome.set(runtime.block(() -> release.future().await()));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }, "block-caller");
            caller.setDaemon(true);
            caller.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().liveByStatus().get(TaskStatus.WAITING) == 1);

            caller.interrupt();
            long cpuBefore = Tests.threadBean().getThreadCpuTime(caller.threadId());
            long wallBefore = System.nanoTime();
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            long cpu = Tests.threadBean().getThreadCpuTime(caller.threadId()) - cpuBefore;
            long wall = System.nanoTime() - wallBefore;
            boolean stillWaiting = caller.isAlive();

            release.resolve("released");
            caller.join(5_000);
            if (stillWaiting) {
                assertThat(cpu).as("CPU burnt by the interrupted block() caller in %d ms", wall / 1_000_000)
                        .isLessThan(wall / 5);
            }
            assertThat(caller.isAlive()).isFalse();
            assertThat(outcome.get()).isNotNull();
        }
    }
}
