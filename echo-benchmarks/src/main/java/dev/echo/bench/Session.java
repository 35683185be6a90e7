package dev.echo.bench;

import dev.echo.runtime.EchoRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What one child JVM shares between its measurements: the Echo runtime (built on first use,
 * one processor per CPU, closed when the child ends), the run mode, and what a workload keeps
 * from its warm-up to its last round (the HTTP workloads' server processes: {@link #kept}).
 *
 * <p>The runtime lives as long as the JVM, like the JDK's default virtual-thread scheduler and
 * kotlinx's {@code Dispatchers.Default}: no system pays its start-up inside a measurement. An
 * idle Echo runtime parks its workers, so it does not disturb the other systems' rounds.
 */
final class Session implements AutoCloseable {

    private final boolean quick;
    private final List<String> serverJvmOptions;
    private final Map<String, AutoCloseable> kept = new LinkedHashMap<>();
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

    /**
     * The resource kept under {@code key}, made by {@code start} on first use and closed (last
     * made first) when the session closes: a server JVM that the warm-up brought up and every
     * round then measures warm.
     */
    @SuppressWarnings("unchecked")
    synchronized <T extends AutoCloseable> T kept(String key, Callable<T> start) throws Exception {
        AutoCloseable resource = kept.get(key);
        if (resource == null) {
            resource = start.call();
            kept.put(key, resource);
        }
        return (T) resource;
    }

    /** Closes and forgets what {@link #kept} holds under {@code key} (a server that failed its round, say). */
    synchronized void discard(String key) {
        AutoCloseable resource = kept.remove(key);
        if (resource != null) {
            closeQuietly(resource);
        }
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> resources = new ArrayList<>(kept.values());
        kept.clear();
        for (int i = resources.size() - 1; i >= 0; i--) {
            closeQuietly(resources.get(i));
        }
        if (echo != null) {
            echo.close();
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("  closing " + resource + ": " + e);
        }
    }
}
