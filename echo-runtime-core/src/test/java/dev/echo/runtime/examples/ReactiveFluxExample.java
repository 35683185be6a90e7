package dev.echo.runtime.examples;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.reactive.ChannelFlux;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Flux fed by a channel, with a slow subscriber: the producer task sends 20 values into a
 * channel of capacity 4 as fast as it can; the subscriber takes one every 20 ms. The producer
 * runs ahead only by the buffer (and the few values Reactor's operators hold): the log shows its
 * sends waiting for the subscriber, which is backpressure crossing from Reactor's request(n)
 * into a channel.
 */
public final class ReactiveFluxExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("reactive-flux").build()) {
            Channel<Integer> channel = Channel.buffered(4);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            dev.echo.runtime.Task<Integer> producer = runtime.spawn(() -> {
                int ahead = 0;
                for (int i = 1; i <= 20; i++) {
                    channel.send(i); // parks while the buffer is full
                    sent.set(i);
                    ahead = Math.max(ahead, i - received.get());
                }
                channel.close();
                return ahead;
            });
            ChannelFlux.consume(runtime, channel)
                    .limitRate(1)
                    .delayElements(Duration.ofMillis(20))
                    .doOnNext(v -> {
                        received.set(v);
                        if (v % 5 == 0) {
                            System.out.printf("reactive-flux: subscriber got %2d, producer has sent %2d%n",
                                    v, sent.get());
                        }
                    })
                    .blockLast(Duration.ofSeconds(30));
            System.out.printf("reactive-flux: all 20 received; the producer was at most %d ahead"
                    + " (the channel's 4, plus the values Reactor's operators hold)%n", producer.join());
        }
    }
}
