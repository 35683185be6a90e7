package dev.echo.runtime.examples;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.reactive.EchoScheduler;
import dev.echo.runtime.reactive.FutureMono;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A Mono from an Echo task doing blocking-style work: 1,000 "slow calls" of 50 ms each, written
 * as plain blocking code, run at once on two processors, because each one
 * parks a task rather than holding a thread (a fraction of the 50 s they would take one after
 * another; the first round includes JIT warm-up). Then the same through {@code subscribeOn} with
 * Echo as a Reactor Scheduler.
 */
public final class ReactiveMonoExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("reactive-mono").build()) {
            Mono<String> slowCall = FutureMono.spawn(runtime, () -> {
                Thread.sleep(50); // blocking-style: parks the task, the carrier runs others
                return "user " + dev.echo.runtime.reactive.SubscriberContext.current().get("tenant");
            }).contextWrite(Context.of("tenant", "acme"));

            long start = System.nanoTime();
            Long count = Flux.range(0, 1_000).flatMap(i -> slowCall, 1_000).count().block(Duration.ofSeconds(30));
            System.out.printf("reactive-mono: %d blocking-style calls of 50 ms in %.0f ms on %d processors; one said '%s'%n",
                    count, (System.nanoTime() - start) / 1e6, runtime.processors(), slowCall.block());

            EchoScheduler echo = EchoScheduler.of(runtime);
            start = System.nanoTime();
            count = Flux.range(0, 1_000)
                    .flatMap(i -> Mono.fromCallable(() -> {
                        Thread.sleep(50);
                        return i;
                    }).subscribeOn(echo), 1_000)
                    .count().block(Duration.ofSeconds(30));
            System.out.printf("reactive-mono: %d Mono.fromCallable(sleep 50 ms).subscribeOn(echo) in %.0f ms%n",
                    count, (System.nanoTime() - start) / 1e6);
            echo.dispose();
        }
    }
}
