package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.ChannelClosedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** One test per row of {@link ProducerFlux}'s semantics table, and its exact backpressure. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProducerFluxTest {

    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "producer");
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @BeforeEach
    void recordDropped() {
        Hooks.onErrorDropped(dropped::add);
    }

    @AfterEach
    void reset() {
        Hooks.resetOnErrorDropped();
    }

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    @Test
    void sentValuesThenCompletionWhenTheBodyReturns() {
        StepVerifier.create(ProducerFlux.<Integer>produce(RUNTIME, ch -> {
                    for (int i = 1; i <= 3; i++) {
                        ch.send(i);
                    }
                }))
                .expectNext(1, 2, 3)
                .verifyComplete();
    }

    @Test
    void exactlyNSendsCompleteForRequestN() {
        AtomicInteger completedSends = new AtomicInteger();
        Flux<Integer> flux = ProducerFlux.produce(RUNTIME, ch -> {
            for (int i = 0; ; i++) {
                ch.send(i);
                completedSends.incrementAndGet();
            }
        });
        StepVerifier.create(flux, 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(completedSends).hasValue(0))
                .thenRequest(3)
                .expectNext(0, 1, 2)
                .then(() -> org.awaitility.Awaitility.await().until(() -> completedSends.get() == 3))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(completedSends).hasValue(3))
                .thenRequest(2)
                .expectNext(3, 4)
                .then(() -> org.awaitility.Awaitility.await().until(() -> completedSends.get() == 5))
                .thenCancel()
                .verify();
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(completedSends).hasValue(5);
    }

    @Test
    void bodyFailureIsTheErrorSignal() {
        IllegalStateException boom = new IllegalStateException("boom");
        StepVerifier.create(ProducerFlux.<Integer>produce(RUNTIME, ch -> {
                    ch.send(1);
                    throw boom;
                }))
                .expectNext(1)
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(boom))
                .verify();
    }

    @Test
    void bodyClosingWithACauseIsTheErrorSignal() {
        IllegalStateException cause = new IllegalStateException("closed with");
        StepVerifier.create(ProducerFlux.<Integer>produce(RUNTIME, ch -> ch.close(cause)))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(cause))
                .verify();
    }

    @Test
    void cancelStopsAParkedSendAndCancelsTheProducer() throws Exception {
        AtomicReference<Throwable> producerSaw = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        Flux<Integer> flux = ProducerFlux.produce(RUNTIME, ch -> {
            try {
                ch.send(1);
                ch.send(2);
            } catch (ChannelClosedException | java.util.concurrent.CancellationException e) {
                producerSaw.set(e);
                throw e;
            } finally {
                ended.countDown();
            }
        });
        StepVerifier.create(flux, 1).expectNext(1).thenCancel().verify();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(producerSaw.get()).isNotNull();
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(dropped).isEmpty();
    }

    @Test
    void cancelInterruptsAProducerThatIsNotSending() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        AtomicReference<Throwable> producerSaw = new AtomicReference<>();
        Flux<Integer> flux = ProducerFlux.produce(RUNTIME, ch -> {
            sleeping.countDown();
            try {
                Echo.sleep(Duration.ofSeconds(30));
            } catch (java.util.concurrent.CancellationException e) {
                producerSaw.set(e);
            }
        });
        StepVerifier.create(flux).then(() -> {
            try {
                sleeping.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).thenCancel().verify();
        ReactiveTests.awaitQuiet(RUNTIME);
        assertThat(producerSaw.get()).isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void producerSeesTheSubscriberContext() {
        StepVerifier.create(ProducerFlux.<String>produce(RUNTIME, ch -> ch.send(SubscriberContext.current().get("k")))
                        .contextWrite(Context.of("k", "v")))
                .expectNext("v")
                .verifyComplete();
    }

    @Test
    void eachSubscriptionRunsItsOwnProducer() {
        AtomicInteger runs = new AtomicInteger();
        Flux<Integer> flux = ProducerFlux.produce(RUNTIME, ch -> ch.send(runs.incrementAndGet()));
        StepVerifier.create(flux).expectNext(1).verifyComplete();
        StepVerifier.create(flux).expectNext(2).verifyComplete();
    }
}
