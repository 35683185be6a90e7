package dev.echo.runtime;

/**
 * Countable domain events of the original design that no existing counter already gives:
 * channel messages sent and received. (TaskCreated is {@link RuntimeStats#tasksSpawned()};
 * TaskWoken is {@link RuntimeStats#tasksWoken()}, derived from the processors' task runs.)
 *
 * <p>Cheap enough to leave on: each event is one plain increment, published with an opaque
 * store, of a counter of the {@link Processor} whose worker carries the caller — the same
 * owner-only scheme as the processor's other counters, so no atomic and no shared cache line
 * on the hot path. Statistics sum the processors at read time. An event on a thread no worker
 * carries (a plain thread, a foreign virtual thread) belongs to no runtime and is not counted.
 * {@code -Decho.events=false} compiles the counting out (a static final the JIT folds), which
 * is how the benchmarks measure what it costs.
 *
 * <p>{@code dev.echo.runtime.chan} reaches it through {@link dev.echo.runtime.internal.RuntimeAccess}.
 */
final class EventCounters {

    /** Whether events are counted at all ({@code -Decho.events=false} turns counting off). */
    static final boolean ENABLED = !"false".equals(System.getProperty("echo.events"));

    private EventCounters() {
    }

    /**
     * Counts {@code sent} values that entered a channel (into its buffer or straight to a
     * receiver) and {@code received} values that left it to a receiver. Called by the channel
     * with its lock held, so it must stay this small.
     */
    static void channelMessages(int sent, int received) {
        if (ENABLED && JdkHooks.currentCarrierThread() instanceof Worker worker && worker.processor != null) {
            // The worker carries the caller, so this thread is the processor's owner.
            worker.processor.countMessages(sent, received);
        }
    }
}
