package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxTimers;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code timers}: 100,000 tasks, each sleeping a random 1–100 ms (whole milliseconds, drawn
 * from a {@link SplittableRandom} with a fixed seed, the same for every system).
 *
 * <p>Two metrics: {@code timers} is the wall time in ms from the first spawn until every task
 * has ended (at best a little over 100 ms); {@code timers-p99} is the 99th percentile of
 * lateness in ms, where a task's lateness is the time its sleep ended minus the time it asked
 * to wake (the clock read just before the sleep plus the duration). Echo sleeps with
 * {@code Echo.sleep}, virtual threads with {@code Thread.sleep}, kotlinx with {@code delay}.
 */
final class Timers extends Workload {

    static final int TASKS = 100_000;
    static final long SEED = 42;
    static final Metric WALL = Metric.lower("timers", "ms");
    static final Metric P99 = Metric.lower("timers-p99", "ms");

    Timers() {
        super("timers", "100,000 tasks sleeping a random 1-100 ms (fixed seed): wall ms and p99 lateness ms",
                List.of(WALL, P99), List.of(ECHO, VT, KOTLINX));
    }

    /** The sleep of each task in ms, 1..100. */
    static int[] durations(int n) {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] millis = new int[n];
        for (int i = 0; i < n; i++) {
            millis[i] = 1 + random.nextInt(100);
        }
        return millis;
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int[] millis = durations(TASKS / divisor);
        long[] lateness = new long[millis.length];
        long wall = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(millis, lateness));
            case VT -> Vt.main(() -> vt(millis, lateness));
            case KOTLINX -> KotlinxTimers.run(millis, lateness);
            default -> throw notMeasured(this, contender);
        };
        return List.of(WALL.sample(contender, wall / 1e6), P99.sample(contender, p99(lateness) / 1e6));
    }

    /** The 99th percentile (nearest rank) of {@code values}; sorts them. */
    static long p99(long[] values) {
        Arrays.sort(values);
        int rank = (int) Math.ceil(0.99 * values.length);
        return values[Math.max(0, rank - 1)];
    }

    private static long echo(int[] millis, long[] lateness) {
        long start = System.nanoTime();
        @SuppressWarnings("unchecked")
        Task<Void>[] tasks = (Task<Void>[]) new Task<?>[millis.length];
        for (int i = 0; i < millis.length; i++) {
            int index = i;
            tasks[i] = Echo.spawn(() -> {
                Duration sleep = Duration.ofMillis(millis[index]);
                long wake = System.nanoTime() + sleep.toNanos();
                Echo.sleep(sleep);
                lateness[index] = System.nanoTime() - wake;
            });
        }
        for (Task<Void> task : tasks) {
            task.join();
        }
        return System.nanoTime() - start;
    }

    private static long vt(int[] millis, long[] lateness) throws InterruptedException {
        long start = System.nanoTime();
        Thread[] threads = new Thread[millis.length];
        for (int i = 0; i < millis.length; i++) {
            int index = i;
            threads[i] = Vt.start(() -> {
                long wake = System.nanoTime() + millis[index] * 1_000_000L;
                Thread.sleep(millis[index]);
                lateness[index] = System.nanoTime() - wake;
            });
        }
        Vt.joinAll(threads);
        return System.nanoTime() - start;
    }
}
