package dev.echo.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a child JVM does: one workload, a warm-up pass of every system at a fraction of the
 * size, then {@code rounds} measured rounds alternating between the systems (echo, vt,
 * kotlinx, echo, vt, kotlinx, ...), each measurement preceded by a full GC so that no system
 * pays for another's garbage. Each sample goes to standard output as a {@code RESULT} line as
 * soon as it is measured; a system that fails (or hangs: see {@link #measureWithin}) is
 * reported once as {@code FAILED} and left out of the later rounds; progress goes to standard
 * error.
 *
 * <p>Run by hand (for a profiler, say) it is
 * {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp echo-benchmarks.jar
 * dev.echo.bench.BenchMain --child pingpong --rounds 5}.
 */
final class ChildRun {

    static final String FAILED = "FAILED";
    /** A child's line for the notes under the report's table (how an HTTP run pinned its CPUs, say). */
    static final String NOTE = "NOTE";

    private final Workload workload;
    private final List<Contender> contenders;
    private final int rounds;
    private final boolean quick;
    private final long measureTimeoutSeconds;
    private final List<String> serverJvmOptions;
    private final PrintStream out = System.out;
    private final PrintStream log = System.err;

    ChildRun(Workload workload, List<Contender> contenders, int rounds, boolean quick, long measureTimeoutSeconds,
             List<String> serverJvmOptions) {
        this.workload = workload;
        this.contenders = new ArrayList<>(contenders);
        this.contenders.removeAll(workload.unavailable().keySet());
        this.rounds = rounds;
        this.quick = quick;
        this.measureTimeoutSeconds = measureTimeoutSeconds;
        this.serverJvmOptions = List.copyOf(serverJvmOptions);
    }

    void run() {
        try (Session session = new Session(quick, serverJvmOptions)) {
            for (Contender contender : List.copyOf(contenders)) {
                attempt(session, contender, workload.warmupDivisor(), "warm-up");
            }
            pauseForJit();
            for (int round = 1; round <= rounds; round++) {
                for (Contender contender : List.copyOf(contenders)) {
                    attempt(session, contender, 1, "round " + round);
                }
            }
        }
    }

    private void attempt(Session session, Contender contender, int divisor, String what) {
        try {
            settle();
            long start = System.nanoTime();
            List<Sample> samples = measureWithin(session, contender, divisor);
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (divisor == 1) {
                for (Sample sample : samples) {
                    out.println(sample.toResultLine());
                }
                out.flush();
            }
            log.printf("  %s %s %s: %s (%d ms)%n", workload.name(), contender.id(), what,
                    String.join(", ", samples.stream().map(Sample::toString).toList()), millis);
        } catch (Throwable failure) {
            contenders.remove(contender);
            out.println(String.join(" ", FAILED, workload.name(), contender.id(),
                    String.valueOf(failure).replace('\n', ' ')));
            out.flush();
            failure.printStackTrace(log);
        }
    }

    /**
     * Runs one measurement on a thread of its own and waits at most {@link #measureTimeoutSeconds}.
     * A measurement that does not finish by then has hung (a runtime deadlock, say): it is
     * reported as failed with a thread dump (virtual threads included), its thread is abandoned,
     * and if it was Echo's, the session drops that runtime unclosed (closing a wedged runtime may
     * wait forever). The other systems' rounds go on, so one system's hang does not cost the
     * others their figures.
     */
    private List<Sample> measureWithin(Session session, Contender contender, int divisor) throws Throwable {
        @SuppressWarnings("unchecked")
        List<Sample>[] result = new List[1];
        Throwable[] failure = new Throwable[1];
        Thread measurement = Thread.ofPlatform().daemon().name("measure-" + workload.name() + "-" + contender.id())
                .start(() -> {
                    try {
                        result[0] = workload.measure(contender, session, divisor);
                    } catch (Throwable t) {
                        failure[0] = t;
                    }
                });
        if (!measurement.join(Duration.ofSeconds(measureTimeoutSeconds))) {
            if (contender == Contender.ECHO) {
                session.abandonEcho();
            }
            throw new IllegalStateException("measurement still running after " + measureTimeoutSeconds
                    + " s (hung?); " + ThreadDump.write(workload.name() + "-" + contender.id()));
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    /**
     * Gives the JIT's compile queue, filled by the warm-up, time to drain before the first
     * measured round (on a loaded 2-core machine compiler threads lag): code still interpreted
     * is slower, and its frames are larger, which shows in {@code parked}'s stack sizes.
     */
    private static void pauseForJit() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A full GC and a short pause, so the measurement starts from a quiet heap. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(50);
    }
}
