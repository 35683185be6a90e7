package dev.echo.runtime;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 10 item 9's measurement (not a test): what schedule() into a stripe gets while 100,000
 * due timers of that stripe are fired, with the per-hold bound (TimerHeap.MAX_TAKE_PER_HOLD)
 * and without it (the old "take everything due in one hold"). A platform thread schedules
 * far-future timers into the stripe in a loop; reported: how many of its calls completed while
 * fireDue ran, their p99, and the fire's duration. Medians of 7 rounds each, alternating.
 *
 * <pre>
 * ./echo.sh mvn -q -pl echo-runtime-core test-compile exec:exec -Dexec.executable=java \
 *   -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.echo.runtime.TimerHoldProbe"
 * </pre>
 */
public final class TimerHoldProbe {

    public static void main(String[] args) throws Exception {
        int rounds = 7;
        int bound = TimerHeap.MAX_TAKE_PER_HOLD;
        double[][] bounded = new double[4][rounds];
        double[][] unbounded = new double[4][rounds];
        for (int round = -2; round < rounds; round++) { // two warm-up rounds
            TimerHeap.MAX_TAKE_PER_HOLD = bound;
            double[] b = scheduleDuringFire();
            TimerHeap.MAX_TAKE_PER_HOLD = Integer.MAX_VALUE;
            double[] u = scheduleDuringFire();
            if (round >= 0) {
                for (int k = 0; k < 4; k++) {
                    bounded[k][round] = b[k];
                    unbounded[k][round] = u[k];
                }
            }
        }
        String[] what = {"schedule() calls completed during the fire", "p99 schedule() during the fire (us)",
                "max schedule() during the fire (us)", "fire (ms)"};
        for (int k = 0; k < 4; k++) {
            System.out.printf("%-46s bounded (%d per hold) median %10.1f   unbounded median %10.1f%n", what[k], bound,
                    median(bounded[k]), median(unbounded[k]));
        }
    }

    private static double median(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    /** {schedules completed while fireDue ran, their p99 and max latency in us, fire time in ms}. */
    private static double[] scheduleDuringFire() throws Exception {
        TimerHeap heap = new TimerHeap(1);
        long now = System.nanoTime();
        Runnable nothing = () -> { };
        for (int i = 0; i < 100_000; i++) {
            heap.schedule(now - 1_000 + (i % 1_000), nothing);
        }
        AtomicBoolean firing = new AtomicBoolean(false);
        AtomicBoolean done = new AtomicBoolean(false);
        long[] latencies = new long[1 << 20];
        int[] count = new int[1];
        Thread scheduler = Thread.ofPlatform().start(() -> {
            long far = System.nanoTime() + 3_600_000_000_000L;
            while (!done.get()) {
                long start = System.nanoTime();
                heap.schedule(far, nothing);
                long took = System.nanoTime() - start;
                if (firing.get() && count[0] < latencies.length) {
                    latencies[count[0]++] = took;
                }
            }
        });
        Thread.sleep(5);
        firing.set(true);
        long start = System.nanoTime();
        heap.fireDue(System.nanoTime());
        long fire = System.nanoTime() - start;
        firing.set(false);
        done.set(true);
        scheduler.join();
        long[] seen = Arrays.copyOf(latencies, count[0]);
        Arrays.sort(seen);
        double p99 = seen.length == 0 ? Double.NaN : seen[(int) (seen.length * 0.99)] / 1e3;
        double max = seen.length == 0 ? Double.NaN : seen[seen.length - 1] / 1e3;
        return new double[] {seen.length, p99, max, fire / 1e6};
    }
}
