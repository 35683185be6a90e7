package dev.echo.runtime.reactive;

import static org.awaitility.Awaitility.await;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.RuntimeStats;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the reactive bridge tests. */
final class ReactiveTests {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private ReactiveTests() {
    }

    /** A runtime with a unique name and a short shutdown grace. */
    static EchoRuntime runtime(int processors, String label) {
        return EchoRuntime.builder().processors(processors)
                .name("r" + SEQUENCE.incrementAndGet() + "_" + label + "x")
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    /** Waits until no task of {@code runtime} is live and no timer is pending. */
    static RuntimeStats awaitQuiet(EchoRuntime runtime) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> runtime.stats().tasksLive() == 0 && runtime.stats().timersPending() == 0);
        return runtime.stats();
    }
}
