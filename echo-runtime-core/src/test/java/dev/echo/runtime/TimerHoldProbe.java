package dev.echo.runtime;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 10 item 9's measurement (not a test): the worst time one schedule() call takes while
 * 100,000 due timers of the same stripe are fired, with the per-hold bound
 * (TimerHeap.MAX_TAKE_PER_HOLD) and without it (the old "take everything due in one hold").
 * A platform thread schedules far-future timers into the stripe in a loop during the fire and
 * records its slowest call. Medians of 7 rounds each, alternating.
 *
 * <pre>
 * ./echo.sh mvn -q -pl echo-runtime-core test-compile exec:exec -Dexec.executable=java \
 *   -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.echo.runtime.TimerHoldProbe"
 * </pre>
 */
public final class TimerHoldProbe {

    public static void main(String[] args) throws Exception {
        int rounds = 7;
        long[] bounded = new long[rounds];
        long[] unbounded = new long[rounds];
        int bound = TimerHeap.MAX_TAKE_PER_HOLD;
        for (int round = -2; round < rounds; round++) { // two warm-up rounds
            TimerHeap.MAX_TAKE_PER_HOLD = bound;
            long b = worstScheduleDuringFire();
            TimerHeap.MAX_TAKE_PER_HOLD = Integer.MAX_VALUE;
            long u = worstScheduleDuringFire();
            if (round >= 0) {
                bounded[round] = b;
                unbounded[round] = u;
            }
        }
        Arrays.sort(bounded);
        Arrays.sort(unbounded);
        System.out.printf("worst schedule() while 100,000 due timers fire: bounded (%d per hold) median %.1f us, max %.1f us;"
                        + " unbounded median %.1f us, max %.1f us%n", bound, bounded[rounds / 2] / 1e3, bounded[rounds - 1] / 1e3,
                unbounded[rounds / 2] / 1e3, unbounded[rounds - 1] / 1e3);
    }

    private static long worstScheduleDuringFire() throws Exception {
        TimerHeap heap = new TimerHeap(1);
        long now = System.nanoTime();
        Runnable nothing = () -> { };
        for (int i = 0; i < 100_000; i++) {
            heap.schedule(now - 1_000 + (i % 1_000), nothing);
        }
        AtomicBoolean firing = new AtomicBoolean(true);
        long[] worst = new long[1];
        Thread scheduler = Thread.ofPlatform().start(() -> {
            long far = System.nanoTime() + 3_600_000_000_000L;
            while (firing.get()) {
                long start = System.nanoTime();
                heap.schedule(far, nothing);
                worst[0] = Math.max(worst[0], System.nanoTime() - start);
            }
        });
        Thread.sleep(5);
        heap.fireDue(System.nanoTime());
        firing.set(false);
        scheduler.join();
        return worst[0];
    }
}
