package dev.echo.runtime.reactive;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import java.time.Duration;

/**
 * Run by {@link OptionalDependenciesTest} in a child JVM whose class path lacks Reactor (and
 * Reactive Streams, and context-propagation): core must load and run tasks, futures, timers and
 * channels. Refers to nothing of Reactor, only to core.
 */
public final class CoreWithoutReactorMain {

    private CoreWithoutReactorMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("reactor.core.publisher.Mono");
            System.out.println("reactor is on the class path");
            return;
        } catch (ClassNotFoundException expected) {
            System.out.println("no reactor on the class path");
        }
        try (EchoRuntime runtime = EchoRuntime.builder().processors(1).name("noreactor")
                .shutdownGrace(Duration.ofMillis(200)).build()) {
            int sum = runtime.block(() -> {
                Channel<Integer> ch = Channel.buffered(2);
                Echo.spawn(() -> {
                    for (int i = 1; i <= 10; i++) {
                        ch.send(i);
                    }
                    ch.close(new IllegalStateException("closed with a cause"));
                });
                Echo.delay(Duration.ofMillis(5)).await();
                int total = 0;
                try {
                    for (int v : ch) {
                        total += v;
                    }
                } catch (dev.echo.runtime.chan.ChannelClosedException expected) {
                    // iteration rethrows the close cause once drained
                }
                return total;
            });
            System.out.println("core ran without reactor: sum " + sum);
        }
    }
}
