package dev.echo.bench;

import java.util.List;
import java.util.Map;

/**
 * One workload of the suite, as issue 5 defines it: its name (the first field of its BENCH
 * lines), the metrics it reports, and how each system runs it.
 *
 * <p>A workload runs inside a child JVM ({@link ChildRun}); {@link #measure} does one full
 * measurement of one system and returns one sample per metric. The body of each system's
 * variant runs inside that system's own "main" (an Echo task in {@code block}, a virtual thread,
 * a coroutine in {@code runBlocking(Dispatchers.Default)}), and times only the workload itself,
 * not the start of that main.
 */
abstract class Workload {

    private final String name;
    private final String summary;
    private final List<Metric> metrics;
    private final List<Contender> contenders;

    /**
     * @param contenders the systems, in the order one round alternates between them
     */
    Workload(String name, String summary, List<Metric> metrics, List<Contender> contenders) {
        this.name = name;
        this.summary = summary;
        this.metrics = List.copyOf(metrics);
        this.contenders = List.copyOf(contenders);
    }

    final String name() {
        return name;
    }

    /** One line for {@code --list} and the docs: what one measurement does. */
    final String summary() {
        return summary;
    }

    final List<Metric> metrics() {
        return metrics;
    }

    /** Every system the workload compares, including any this build cannot run. */
    final List<Contender> contenders() {
        return contenders;
    }

    /**
     * Systems this build cannot run, each with the reason; the harness prints an
     * {@code UNAVAILABLE} line for each instead of a number.
     */
    Map<Contender, String> unavailable() {
        return Map.of();
    }

    /**
     * True when every measurement needs a JVM of its own: the parent then forks one child per
     * measurement instead of one per process (see {@link Parked}, whose RSS figure a reused JVM
     * would hide).
     */
    boolean isolated() {
        return false;
    }

    /**
     * Heap options of the child JVMs that run this workload. A fixed 2 GB heap by default: room
     * for a million virtual threads (skynet, spawnjoin), and no resizing inside a measurement.
     */
    List<String> jvmOptions() {
        return List.of("-Xms2g", "-Xmx2g");
    }

    /** Child JVMs per workload when {@code --processes} is not given. */
    int defaultProcesses(boolean quick) {
        return quick ? 2 : 3;
    }

    /** Measured rounds per child when {@code --rounds} is not given. */
    int defaultRounds(boolean quick) {
        return quick ? 2 : 5;
    }

    /** Seconds a child JVM may run before it is killed, when {@code --timeout} is not given. */
    long defaultChildTimeoutSeconds(boolean quick) {
        return quick ? 240 : 900;
    }

    /**
     * Seconds one measurement may take before it counts as hung: the suite's
     * {@code --measure-timeout}, unless the workload's own measurement is longer (the soak).
     */
    long measureTimeoutSeconds(long suite, boolean quick) {
        return suite;
    }

    /**
     * The divisor of the defined size that warms the JIT before the measured rounds: a tenth of
     * the work by default.
     */
    int warmupDivisor() {
        return 10;
    }

    /**
     * Runs the workload once for {@code contender} at its defined size divided by
     * {@code divisor} (1 for a measured round), checks its result, and returns one sample per
     * metric.
     *
     * @throws IllegalStateException if the result is wrong (a lost or duplicated message, a bad
     *         sum): a wrong program's speed is no measurement
     */
    abstract List<Sample> measure(Contender contender, Session session, int divisor) throws Exception;

    /** The workload's main metric (its name is the workload's name). */
    final Metric metric() {
        return metrics.getFirst();
    }

    static IllegalArgumentException notMeasured(Workload workload, Contender contender) {
        return new IllegalArgumentException(workload.name + " has no " + contender.id() + " variant");
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("wrong result: " + what);
        }
    }
}
