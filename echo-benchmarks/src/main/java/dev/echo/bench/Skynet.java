package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxSkynet;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import java.util.List;

/**
 * {@code skynet}: a tree of tasks with fan-out 10 down to 1,000,000 leaves (1,111,111 tasks in
 * all); each leaf returns its number, each inner task the sum of its children's; ms for the
 * whole tree. The root's sum must be {@code n(n-1)/2}.
 *
 * <p>Echo joins {@code Task<Long>}s, kotlinx awaits {@code async}s, and the virtual threads
 * write their sums into their parent's array before it joins them (the natural JDK form, as
 * {@code Thread} has no result).
 */
final class Skynet extends Workload {

    static final int LEAVES = 1_000_000;
    static final int FAN_OUT = 10;

    Skynet() {
        super("skynet", "1,000,000 leaf tasks, fan-out 10, sums checked: ms",
                List.of(Metric.lower("skynet", "ms")), List.of(ECHO, VT, KOTLINX));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int leaves = LEAVES / divisor;
        long expected = (long) leaves * (leaves - 1) / 2;
        long nanos = switch (contender) {
            case ECHO -> session.echoMain(() -> {
                long start = System.nanoTime();
                long sum = echo(0, leaves);
                long elapsed = System.nanoTime() - start;
                check(sum == expected, "skynet echo: sum " + sum);
                return elapsed;
            });
            case VT -> Vt.main(() -> {
                long start = System.nanoTime();
                long sum = vt(0, leaves);
                long elapsed = System.nanoTime() - start;
                check(sum == expected, "skynet vt: sum " + sum);
                return elapsed;
            });
            case KOTLINX -> KotlinxSkynet.run(leaves, expected);
            default -> throw notMeasured(this, contender);
        };
        return List.of(metric().sample(contender, nanos / 1e6));
    }

    private static long echo(long num, int size) {
        if (size == 1) {
            return num;
        }
        int child = size / FAN_OUT;
        @SuppressWarnings("unchecked")
        Task<Long>[] children = (Task<Long>[]) new Task<?>[FAN_OUT];
        for (int i = 0; i < FAN_OUT; i++) {
            long first = num + (long) i * child;
            children[i] = Echo.spawn(() -> echo(first, child));
        }
        long sum = 0;
        for (Task<Long> task : children) {
            sum += task.join();
        }
        return sum;
    }

    private static long vt(long num, int size) throws InterruptedException {
        if (size == 1) {
            return num;
        }
        int child = size / FAN_OUT;
        long[] sums = new long[FAN_OUT];
        Thread[] children = new Thread[FAN_OUT];
        for (int i = 0; i < FAN_OUT; i++) {
            int slot = i;
            long first = num + (long) i * child;
            children[i] = Vt.start(() -> sums[slot] = vt(first, child));
        }
        Vt.joinAll(children);
        long sum = 0;
        for (long s : sums) {
            sum += s;
        }
        return sum;
    }
}
