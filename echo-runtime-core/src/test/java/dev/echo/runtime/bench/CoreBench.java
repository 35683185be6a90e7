package dev.echo.runtime.bench;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 2's two figures, Echo beside plain JDK virtual threads in one run, alternating:
 * spawn + join cost per task (1,000,000 tasks, each returning its index, joined in order, sum
 * checked) and a two-task yield ping-pong (two tasks each yielding 1,000,000 times; ns per yield).
 * Echo runs with 2 processors (spawn+join) and 1 processor (yield: the two tasks alternate on
 * one carrier); the virtual threads run on the JDK's default scheduler. The whole suite with
 * medians over processes is echo-benchmarks (./echo.sh bench).
 *
 * <pre>
 * ./echo.sh mvn -q -pl echo-runtime-core test-compile exec:exec -Dexec.executable=java \
 *   -Dexec.classpathScope=test -Dexec.args="--add-opens java.base/java.lang=ALL-UNNAMED \
 *   -Xms2g -Xmx2g -cp %classpath dev.echo.runtime.bench.CoreBench"
 * </pre>
 */
public final class CoreBench {

    private static final int TASKS = 1_000_000;
    private static final int YIELDS = 1_000_000;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double[][] results = new double[4][rounds];
        for (int round = 0; round < rounds; round++) {
            results[0][round] = echoSpawnJoin();
            results[1][round] = vtSpawnJoin();
            results[2][round] = echoYield();
            results[3][round] = vtYield();
        }
        String[] names = {"spawn+join echo (2 processors)", "spawn+join vt", "yield ping-pong echo (1 processor)", "yield ping-pong vt"};
        for (int i = 0; i < 4; i++) {
            System.out.printf("%-36s median %8.1f ns   rounds %s%n", names[i], median(results[i]), Arrays.toString(
                    Arrays.stream(results[i]).mapToLong(Math::round).toArray()));
        }
        System.out.printf("echo / vt: spawn+join %.2f, yield %.2f%n", median(results[0]) / median(results[1]),
                median(results[2]) / median(results[3]));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double echoSpawnJoin() {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("bench-spawn").build()) {
            return runtime.block(() -> {
                long start = System.nanoTime();
                List<Task<Integer>> tasks = new ArrayList<>(TASKS);
                for (int i = 0; i < TASKS; i++) {
                    int index = i;
                    tasks.add(Echo.spawn(() -> index));
                }
                long sum = 0;
                for (Task<Integer> task : tasks) {
                    sum += task.join();
                }
                check(sum);
                return (System.nanoTime() - start) / (double) TASKS;
            });
        }
    }

    private static double vtSpawnJoin() throws Exception {
        double[] result = new double[1];
        Thread main = Thread.ofVirtual().start(() -> {
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>(TASKS);
            long[] values = new long[TASKS];
            for (int i = 0; i < TASKS; i++) {
                int index = i;
                threads.add(Thread.ofVirtual().start(() -> values[index] = index));
            }
            long sum = 0;
            try {
                for (int i = 0; i < TASKS; i++) {
                    threads.get(i).join();
                    sum += values[i];
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            check(sum);
            result[0] = (System.nanoTime() - start) / (double) TASKS;
        });
        main.join();
        return result[0];
    }

    private static double echoYield() {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(1).name("bench-yield").build()) {
            return runtime.block(() -> {
                long start = System.nanoTime();
                Task<Void> a = Echo.spawn(CoreBench::yieldLoop);
                Task<Void> b = Echo.spawn(CoreBench::yieldLoop);
                a.join();
                b.join();
                return (System.nanoTime() - start) / (2.0 * YIELDS);
            });
        }
    }

    private static double vtYield() throws Exception {
        long start = System.nanoTime();
        Thread a = Thread.ofVirtual().start(CoreBench::yieldLoop);
        Thread b = Thread.ofVirtual().start(CoreBench::yieldLoop);
        a.join();
        b.join();
        return (System.nanoTime() - start) / (2.0 * YIELDS);
    }

    private static void yieldLoop() {
        for (int i = 0; i < YIELDS; i++) {
            Thread.yield();
        }
    }

    private static void check(long sum) {
        long expected = (long) TASKS * (TASKS - 1) / 2;
        if (sum != expected) {
            throw new IllegalStateException("sum " + sum + " != " + expected);
        }
    }
}
