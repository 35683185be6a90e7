package dev.echo.runtime.examples;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;

import java.util.ArrayList;
import java.util.List;

/** The original design's "basic spawn": start tasks, let them run on the GMP scheduler, join them. */
public final class BasicSpawnExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("basic").build()) {
            long total = runtime.block(() -> {
                List<Task<Long>> tasks = new ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    int n = i;
                    tasks.add(Echo.spawn("square-" + n, () -> {
                        Echo.yieldNow();
                        return (long) n * n;
                    }));
                }
                long sum = 0;
                for (Task<Long> task : tasks) {
                    sum += task.join();
                }
                return sum;
            });
            System.out.println("basic: sum of squares 1..10 = " + total);
            System.out.println("basic: " + runtime.stats());
        }
    }
}
