package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.PUBLISH_ON_PARALLEL;

import dev.echo.bench.kotlinx.KotlinxChannelFlux;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.reactive.ChannelFlux;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@code reactive-stream}: 1,000,000 integers from a producer to a Reactor subscriber across a
 * thread hand-off with a 256-element buffer, in elements per second. Echo: a producer task sends
 * into {@code Channel.buffered(256)}, {@link ChannelFlux#consume} drains it. Reactor:
 * {@code Flux.range(..).subscribeOn(parallel()).publishOn(parallel(), 256)} (producer and
 * consumer on two parallel workers). kotlinx: a coroutine on {@code Dispatchers.Default} sends
 * into {@code Channel(256)}, {@code consumeAsFlow().asFlux()} drains it. The subscriber is the
 * same for all three ({@code reduce(0L, Long::sum).block()}, checked against the exact sum).
 */
final class ReactiveStream extends Workload {

    static final int ELEMENTS = 1_000_000;
    static final int BUFFER = 256;
    static final Metric RATE = Metric.higher("reactive-stream", "msg/s");

    ReactiveStream() {
        super("reactive-stream", "1,000,000 elements producer -> 256 buffer -> Flux subscriber: Echo Channel->Flux, publishOn(parallel), kotlinx consumeAsFlow().asFlux()",
                List.of(RATE), List.of(ECHO, PUBLISH_ON_PARALLEL, KOTLINX));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) {
        int n = ELEMENTS / divisor;
        long start = System.nanoTime();
        Flux<Integer> flux = switch (contender) {
            case ECHO -> echo(session.echo(), n);
            case PUBLISH_ON_PARALLEL -> Flux.range(0, n).subscribeOn(Schedulers.parallel()).publishOn(Schedulers.parallel(), BUFFER);
            case KOTLINX -> KotlinxChannelFlux.flux(n, BUFFER);
            default -> throw notMeasured(this, contender);
        };
        Long sum = flux.reduce(0L, (total, v) -> total + v).block(Duration.ofMinutes(2));
        long elapsed = System.nanoTime() - start;
        check(sum != null && sum == (long) n * (n - 1) / 2, "sum " + sum + " for " + n + " elements");
        return List.of(RATE.sample(contender, n / (elapsed / 1e9)));
    }

    private static Flux<Integer> echo(EchoRuntime runtime, int n) {
        Channel<Integer> channel = Channel.buffered(BUFFER);
        runtime.spawn(() -> {
            for (int i = 0; i < n; i++) {
                channel.send(i);
            }
            channel.close();
        });
        return ChannelFlux.consume(runtime, channel);
    }
}
