package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task failure nobody observed is logged once, when its future is garbage-collected; an
 * observed one is not logged. The runtime logs through System.Logger "dev.echo.runtime", which
 * goes to java.util.logging by default.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnobservedFailureTest {

    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private static final Logger JUL = Logger.getLogger("dev.echo.runtime");

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void attach() {
        handler.setLevel(Level.ALL);
        JUL.addHandler(handler);
    }

    @AfterEach
    void detach() {
        JUL.removeHandler(handler);
    }

    private long logged(String marker) {
        return records.stream().filter(r -> mentions(r, marker)).count();
    }

    private static boolean mentions(LogRecord r, String marker) {
        Throwable t = r.getThrown();
        for (; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(marker)) {
                return true;
            }
        }
        return String.valueOf(r.getMessage()).contains(marker);
    }

    /** Collects garbage until {@code condition} holds (or the timeout). */
    private static void gcUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return condition.call();
        });
    }

    /** Spawns a failing task from the test thread and drops every reference to it. */
    private static WeakReference<EchoFuture<?>> spawnFailingFromOutside(EchoRuntime runtime, String marker) {
        Task<Object> task = runtime.spawn(() -> {
            throw new IllegalStateException(marker);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> task.future().isDone());
        return new WeakReference<>(task.future());
    }

    @Test
    void anUnobservedFailureIsLoggedOnceWhenItsFutureIsCollected() {
        try (EchoRuntime runtime = Tests.runtime(2, "unobserved")) {
            String marker = "unobserved-" + System.nanoTime();
            WeakReference<EchoFuture<?>> future = spawnFailingFromOutside(runtime, marker);
            assertThat(runtime.stats().tasksFailed()).isEqualTo(1);

            gcUntil(() -> logged(marker) > 0);

            assertThat(future.get()).isNull();
            LogRecord record = records.stream().filter(r -> mentions(r, marker)).findFirst().orElseThrow();
            assertThat(record.getLevel().intValue()).isGreaterThanOrEqualTo(Level.WARNING.intValue());
            assertThat(record.getThrown()).isInstanceOf(IllegalStateException.class).hasMessage(marker);
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> logged(marker) == 1);
        }
    }

    /** The same, for a task spawned by a task (its continuation went through a local run queue). */
    @Test
    void anUnobservedFailureOfATaskSpawnedByATaskIsLogged() {
        try (EchoRuntime runtime = Tests.runtime(1, "unobservedinner")) {
            String marker = "unobserved-inner-" + System.nanoTime();
            runtime.block(() -> {
                Echo.spawn(() -> {
                    throw new IllegalStateException(marker);
                });
                Echo.sleep(Duration.ofMillis(20)); // let it run and fail; drop the handle
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.stats().tasksFailed() == 1);

            try {
                gcUntil(() -> logged(marker) > 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the unobserved failure of a task spawned by a task was never logged "
                        + "(something still references its future)", e);
            }
            assertThat(logged(marker)).isEqualTo(1);
        }
    }

    @Test
    void anObservedFailureIsNotLogged() {
        try (EchoRuntime runtime = Tests.runtime(2, "observed")) {
            String observedMarker = "observed-" + System.nanoTime();
            String controlMarker = "control-" + System.nanoTime();
            WeakReference<EchoFuture<?>> observed = spawnFailingObserved(runtime, observedMarker);
            WeakReference<EchoFuture<?>> control = spawnFailingFromOutside(runtime, controlMarker);

            // Both futures collected and the control's failure logged: the Cleaner has been at work.
            gcUntil(() -> observed.get() == null && control.get() == null && logged(controlMarker) > 0);
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> logged(observedMarker) == 0);
            assertThat(logged(controlMarker)).isEqualTo(1);
        }
    }

    /** Spawns a failing task, lets it fail, then observes the failure by joining; drops it. */
    private static WeakReference<EchoFuture<?>> spawnFailingObserved(EchoRuntime runtime, String marker) {
        Task<Object> task = runtime.spawn(() -> {
            throw new IllegalStateException(marker);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> task.future().isDone());
        try {
            task.join();
        } catch (IllegalStateException expected) {
            // observed
        }
        return new WeakReference<>(task.future());
    }
}
