package dev.echo.bench;

import dev.echo.runtime.EchoRuntime;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What one child JVM shares between its measurements: the Echo runtime (built on first use,
 * one processor per CPU, closed when the child ends) and the run mode.
 *
 * <p>The runtime lives as long as the JVM, like the JDK's default virtual-thread scheduler and
 * kotlinx's {@code Dispatchers.Default}: no system pays its start-up inside a measurement. An
 * idle Echo runtime parks its workers, so it does not disturb the other systems' rounds.
 */
final class Session implements AutoCloseable {

    private final boolean quick;
    private final List<String> serverJvmOptions;
    private EchoRuntime echo;

    Session(boolean quick, List<String> serverJvmOptions) {
        this.quick = quick;
        this.serverJvmOptions = List.copyOf(serverJvmOptions);
    }

    boolean quick() {
        return quick;
    }

    /** Extra options for the server JVMs of the HTTP workloads ({@code --server-jvm-arg}): a profiler, say. */
    List<String> serverJvmOptions() {
        return serverJvmOptions;
    }

    EchoRuntime echo() {
        if (echo == null) {
            echo = EchoRuntime.builder()
                    .processors(Runtime.getRuntime().availableProcessors())
                    .name("bench")
                    .build();
        }
        return echo;
    }

    /** Runs {@code main} as an Echo task (Go's main) and returns what it returns. */
    <T> T echoMain(Callable<T> main) {
        return echo().block(main);
    }

    /**
     * Forgets a runtime that a hung measurement left wedged, without closing it (its workers may
     * never finish); a later Echo measurement would build a fresh one, but a hung system is
     * measured no more in this child anyway.
     */
    void abandonEcho() {
        echo = null;
    }

    @Override
    public void close() {
        if (echo != null) {
            echo.close();
        }
    }
}
