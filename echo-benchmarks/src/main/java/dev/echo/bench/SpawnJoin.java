package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.FLOOR;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxSpawnJoin;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import java.util.List;

/**
 * {@code spawnjoin}: 1,000,000 tasks each returning its index, all spawned, then all joined in
 * order, the sum checked; ns per task.
 *
 * <p>Echo: {@code Echo.spawn(() -> i)} and {@code join()} (the value boxed, as {@code Callable}
 * requires); kotlinx: {@code async { i }} and {@code await()} (boxed likewise); virtual threads:
 * {@code Thread.ofVirtual().start(...)} writing {@code i} into a {@code long[]} slot and
 * {@code join()} (no boxing: the JDK's form has no result); floor: the vt program, its threads
 * started on {@link Floor}'s one carrier. There every spawn is a plain append to the carrier's
 * queue and nothing runs until the main thread parks in its first {@code join()}; the carrier
 * then runs the spawned threads in order, and the main thread, woken by the first one's end,
 * is queued behind the rest, so its remaining joins find their threads already ended.
 */
final class SpawnJoin extends Workload {

    static final int TASKS = 1_000_000;

    SpawnJoin() {
        super("spawnjoin", "1,000,000 tasks each returning its index, all joined, sum checked: ns per task",
                List.of(Metric.lower("spawnjoin", "ns/op")), List.of(ECHO, VT, KOTLINX, FLOOR));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int n = TASKS / divisor;
        long expected = (long) n * (n - 1) / 2;
        long nanos = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(n, expected));
            case VT -> Vt.main(() -> vt(n, expected));
            case KOTLINX -> KotlinxSpawnJoin.run(n, expected);
            case FLOOR -> Floor.main(floor -> floor(floor, n, expected));
            default -> throw notMeasured(this, contender);
        };
        return List.of(metric().sample(contender, (double) nanos / n));
    }

    static long echo(int n, long expected) {
        @SuppressWarnings("unchecked")
        Task<Integer>[] tasks = (Task<Integer>[]) new Task<?>[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks[i] = Echo.spawn(() -> index);
        }
        long sum = 0;
        for (Task<Integer> task : tasks) {
            sum += task.join();
        }
        long elapsed = System.nanoTime() - start;
        check(sum == expected, "spawnjoin echo: sum " + sum);
        return elapsed;
    }

    static long vt(int n, long expected) throws InterruptedException {
        Thread[] threads = new Thread[n];
        long[] values = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int index = i;
            threads[i] = Thread.ofVirtual().start(() -> values[index] = index);
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            threads[i].join();
            sum += values[i];
        }
        long elapsed = System.nanoTime() - start;
        check(sum == expected, "spawnjoin vt: sum " + sum);
        return elapsed;
    }

    static long floor(Floor floor, int n, long expected) throws InterruptedException {
        Thread[] threads = new Thread[n];
        long[] values = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int index = i;
            threads[i] = floor.startPlain(() -> values[index] = index);
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            threads[i].join();
            sum += values[i];
        }
        long elapsed = System.nanoTime() - start;
        check(sum == expected, "spawnjoin floor: sum " + sum);
        return elapsed;
    }
}
