package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Run by {@link OptionalDependenciesTest} in a child JVM with Reactor but without
 * io.micrometer:context-propagation: the bridge works, carrying only Reactor's Context.
 */
public final class ReactorWithoutPropagationMain {

    private ReactorWithoutPropagationMain() {
    }

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(1).name("nopropagation")
                .shutdownGrace(Duration.ofMillis(200)).build()) {
            String seen = FutureMono.spawn(runtime, () -> SubscriberContext.current().<String>get("k"))
                    .contextWrite(Context.of("k", "reactor context"))
                    .block(Duration.ofSeconds(10));
            System.out.println("propagates thread locals: " + SubscriberContext.propagatesThreadLocals());
            System.out.println("task saw: " + seen + "; " + Mono.just(1).block());
        }
    }
}
