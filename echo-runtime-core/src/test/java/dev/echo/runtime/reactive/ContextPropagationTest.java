package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * With io.micrometer:context-propagation, a trace-style ThreadLocal captured at subscribe is
 * set in the bridged task and survives parks that resume on other processors; values written
 * into the Reactor Context reach it too.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextPropagationTest {

    private static final String KEY = "echo.test.traceId";
    private static final ThreadLocal<String> TRACE_ID = new ThreadLocal<>();
    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "propagation");

    @BeforeAll
    static void registerAccessor() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(new ThreadLocalAccessor<String>() {
            @Override
            public Object key() {
                return KEY;
            }

            @Override
            public String getValue() {
                return TRACE_ID.get();
            }

            @Override
            public void setValue(String value) {
                TRACE_ID.set(value);
            }

            @Override
            public void setValue() {
                TRACE_ID.remove();
            }
        });
    }

    @AfterAll
    static void cleanUp() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(KEY);
        RUNTIME.close();
    }

    @Test
    void threadLocalCapturedAtSubscribeSurvivesParksThatResumeOnOtherProcessors() {
        assertThat(SubscriberContext.propagatesThreadLocals()).isTrue();
        Mono<List<String>> mono = FutureMono.spawn(RUNTIME, () -> {
            List<String> seen = new ArrayList<>();
            Set<String> carriers = new HashSet<>();
            for (int i = 0; i < 1000 && (carriers.size() < 2 || i < 20); i++) {
                // Keep the other processor busy now and then, so the resume is elsewhere.
                Echo.spawn(() -> {
                    long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                });
                Echo.sleep(Duration.ofMillis(1));
                seen.add(TRACE_ID.get());
                carriers.add(carrierName());
            }
            seen.add("carriers=" + Math.min(carriers.size(), 2));
            return seen;
        });
        // Subscribing captures the value: it is set on this thread for the subscribe only.
        TRACE_ID.set("trace-7");
        List<String> seen;
        try {
            seen = mono.block(Duration.ofSeconds(20));
        } finally {
            TRACE_ID.remove();
        }
        assertThat(seen.getLast()).isEqualTo("carriers=2");
        assertThat(seen.subList(0, seen.size() - 1)).isNotEmpty().containsOnly("trace-7");
    }

    @Test
    void aValueInTheReactorContextIsSetAsTheThreadLocalInTheTask() {
        StepVerifier.create(FutureMono.spawn(RUNTIME, TRACE_ID::get).contextWrite(Context.of(KEY, "from-context")))
                .expectNext("from-context")
                .verifyComplete();
    }

    @Test
    void theProducerOfAProducerFluxSeesIt() {
        StepVerifier.create(ProducerFlux.<String>produce(RUNTIME, ch -> {
                    Echo.sleep(Duration.ofMillis(1));
                    ch.send(TRACE_ID.get());
                }).contextWrite(Context.of(KEY, "producer-trace")))
                .expectNext("producer-trace")
                .verifyComplete();
    }

    @Test
    void theTaskDoesNotLeakItsValueIntoTheSubscribingThread() {
        FutureMono.spawn(RUNTIME, TRACE_ID::get).contextWrite(Context.of(KEY, "inner")).block(Duration.ofSeconds(10));
        assertThat(TRACE_ID.get()).isNull();
    }

    private static String carrierName() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "" : s.substring(at + 1);
    }
}
