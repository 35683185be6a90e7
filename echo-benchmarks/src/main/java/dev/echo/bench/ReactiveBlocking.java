package dev.echo.bench;

import static dev.echo.bench.Contender.BOUNDED_ELASTIC;
import static dev.echo.bench.Contender.BOUNDED_ELASTIC_VT;
import static dev.echo.bench.Contender.ECHO;

import dev.echo.runtime.reactive.EchoScheduler;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code reactive-blocking}: 10,000 concurrent {@code Mono.fromCallable(() -> { Thread.sleep(10);
 * return i; }).subscribeOn(scheduler)} (one {@code flatMap} with concurrency 10,000), on Echo's
 * {@link EchoScheduler}, on Reactor's {@code Schedulers.boundedElastic()} (platform threads, 10
 * per CPU, the rest queued) and on Reactor's bounded elastic on virtual threads (what
 * {@code reactor.schedulers.defaultBoundedElasticOnVirtualThreads=true} selects; same caps).
 *
 * <p>Two metrics: {@code reactive-blocking}, the wall ms until every Mono has completed (at best
 * a little over 10 ms), and {@code reactive-blocking-p99}, the 99th percentile in ms of one
 * Mono's time from its subscription to its value.
 */
final class ReactiveBlocking extends Workload {

    static final int MONOS = 10_000;
    static final Metric WALL = Metric.lower("reactive-blocking", "ms");
    static final Metric P99 = Metric.lower("reactive-blocking-p99", "ms");

    /** Built once per child JVM, like the JDK's and kotlinx's pools (Session's rule). */
    private Scheduler echo;
    private Scheduler boundedElasticVt;

    ReactiveBlocking() {
        super("reactive-blocking", "10,000 concurrent Mono.fromCallable(sleep 10 ms).subscribeOn(S): wall ms and p99 ms per Mono",
                List.of(WALL, P99), List.of(ECHO, BOUNDED_ELASTIC, BOUNDED_ELASTIC_VT));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) {
        Scheduler scheduler = switch (contender) {
            case ECHO -> echo == null ? echo = EchoScheduler.of(session.echo()) : echo;
            case BOUNDED_ELASTIC -> Schedulers.boundedElastic();
            case BOUNDED_ELASTIC_VT -> boundedElasticVt == null ? boundedElasticVt = boundedElasticOnVirtualThreads() : boundedElasticVt;
            default -> throw notMeasured(this, contender);
        };
        int n = MONOS / divisor;
        long[] latency = new long[n];
        long start = System.nanoTime();
        Long count = Flux.range(0, n)
                .flatMap(i -> {
                    long subscribed = System.nanoTime();
                    return Mono.fromCallable(() -> {
                        Thread.sleep(10);
                        return i;
                    }).subscribeOn(scheduler).doOnNext(v -> latency[v] = System.nanoTime() - subscribed);
                }, n)
                .count()
                .block(Duration.ofMinutes(2));
        long wall = System.nanoTime() - start;
        check(count != null && count == n, "completed " + count + " of " + n);
        return List.of(WALL.sample(contender, wall / 1e6), P99.sample(contender, Timers.p99(latency) / 1e6));
    }

    /**
     * Reactor's own code path for the flag: {@code Schedulers.boundedElastic()} calls this
     * factory method with these caps and a virtual-thread factory when the property is set.
     */
    private static Scheduler boundedElasticOnVirtualThreads() {
        Scheduler scheduler = new Schedulers.Factory() { }.newThreadPerTaskBoundedElastic(
                Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
                Thread.ofVirtual().name("boundedElastic-vt-", 0).factory());
        scheduler.init();
        return scheduler;
    }
}
