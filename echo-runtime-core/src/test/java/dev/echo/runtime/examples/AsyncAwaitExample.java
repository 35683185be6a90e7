package dev.echo.runtime.examples;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Poll;
import dev.echo.runtime.Promise;
import dev.echo.runtime.Waker;

import java.time.Duration;
import java.util.List;

/**
 * The original design's "async / await" and its closed loop: a TimerFuture is polled (Pending),
 * its waker is registered with the Reactor's timer, the timer fires, the waker wakes the task,
 * the scheduler resumes it, and the poll returns Ready.
 */
public final class AsyncAwaitExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("async").build()) {
            String result = runtime.block(() -> {
                // 1. The closed loop, by hand: poll, park until woken, poll again.
                EchoFuture<Void> timer = Echo.delay(Duration.ofMillis(20));
                long start = System.nanoTime();
                Waker waker = Waker.current();
                int polls = 1;
                while (!(timer.poll(waker) instanceof Poll.Ready<Void>)) {
                    java.util.concurrent.locks.LockSupport.park(timer);
                    polls++;
                }
                System.out.printf("async: timer future ready after %.1f ms and %d polls%n",
                        (System.nanoTime() - start) / 1e6, polls);

                // 2. await on a promise settled by another task.
                Promise<String> promise = new Promise<>();
                Echo.spawn(() -> {
                    Echo.sleep(Duration.ofMillis(5));
                    promise.resolve("hello from a task");
                });
                System.out.println("async: " + promise.future().await());

                // 3. all / any combinators.
                EchoFuture<List<Integer>> all = EchoFuture.all(List.of(
                        Echo.spawn(() -> 1).future(), Echo.spawn(() -> 2).future(), Echo.spawn(() -> 3).future()));
                EchoFuture<String> any = EchoFuture.any(List.of(
                        Echo.spawn(() -> { Echo.sleep(Duration.ofMillis(50)); return "slow"; }).future(),
                        Echo.spawn(() -> "fast").future()));
                return "all=" + all.await() + " any=" + any.await();
            });
            System.out.println("async: " + result);
        }
    }
}
