package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** One test per row of {@link ChannelFlux}'s semantics table. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChannelFluxTest {

    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "channelflux");

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    private static Channel<Integer> filled(int capacity, int... values) {
        Channel<Integer> ch = Channel.buffered(capacity);
        for (int v : values) {
            ch.send(v);
        }
        return ch;
    }

    @Test
    void valuesThenCompletionOnceClosedAndDrained() {
        Channel<Integer> ch = filled(8, 1, 2, 3);
        ch.close();
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch))
                .expectNext(1, 2, 3)
                .verifyComplete();
    }

    @Test
    void emptyClosedChannelCompletesWithoutDemand() {
        Channel<Integer> ch = Channel.buffered(1);
        ch.close();
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 0).verifyComplete();
    }

    @Test
    void closeWhileTheSubscriberHasNoDemandCompletesAtOnce() {
        Channel<Integer> ch = Channel.buffered(1);
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(30))
                .then(ch::close)
                .verifyComplete();
    }

    @Test
    void requestOfNReceivesAtMostN() {
        Channel<Integer> ch = filled(8, 1, 2, 3, 4, 5);
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 2)
                .expectNext(1, 2)
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(ch.size()).isEqualTo(3))
                .thenRequest(1)
                .expectNext(3)
                .then(() -> assertThat(ch.size()).isEqualTo(2))
                .thenCancel()
                .verify();
    }

    @Test
    void noDemandMeansNoReceive() {
        Channel<Integer> ch = filled(4, 1);
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(100))
                .then(() -> assertThat(ch.size()).isEqualTo(1))
                .thenCancel()
                .verify();
    }

    @Test
    void unboundedRequestDrainsEverythingAsItIsSent() {
        Channel<Integer> ch = Channel.unbuffered();
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 1000; i++) {
                ch.send(i);
            }
            ch.close();
        });
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), Long.MAX_VALUE)
                .expectNextCount(1000)
                .verifyComplete();
        assertThat(producer.isAlive()).isFalse();
    }

    @Test
    void closeWithAFailureDeliversBufferedValuesThenThatFailure() {
        Channel<Integer> ch = filled(4, 1, 2);
        IllegalStateException upstream = new IllegalStateException("upstream");
        ch.close(upstream);
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch))
                .expectNext(1, 2)
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(upstream))
                .verify();
    }

    @Test
    void nonPositiveRequestIsAnIllegalArgumentSignal() throws Exception {
        Channel<Integer> ch = filled(4, 1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        ChannelFlux.consume(RUNTIME, ch).subscribe(new CoreSubscriber<Integer>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(Integer value) {
                error.set(new AssertionError("onNext " + value));
            }

            @Override
            public void onError(Throwable t) {
                error.compareAndSet(null, t);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9")
                .hasMessageContaining("0");
        assertThat(ch.isClosed()).isTrue();
    }

    @Test
    void cancelClosesTheChannelAndItsParkedSendersThrow() throws Exception {
        Channel<Integer> ch = Channel.unbuffered();
        AtomicReference<Throwable> senderSaw = new AtomicReference<>();
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                ch.send(1);
                ch.send(2);
            } catch (ChannelClosedException expected) {
                senderSaw.set(expected);
            }
        });
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 1)
                .expectNext(1)
                .thenCancel()
                .verify();
        sender.join(10_000);
        assertThat(ch.isClosed()).isTrue();
        assertThat(senderSaw.get()).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void cancelBeforeAnyRequestTakesNothing() {
        Channel<Integer> ch = filled(2, 1, 2);
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 0).thenCancel().verify();
        await().atMost(Duration.ofSeconds(10)).until(ch::isClosed);
        assertThat(ch.size()).isEqualTo(2);
    }

    @Test
    void valueReceivedWhenTheCancelCameGoesToTheDiscardHook() {
        // take(1) cancels from inside onNext; with unbounded demand the drain task may already
        // be receiving the next value, so every value sent is either emitted or discarded.
        for (int round = 0; round < 50; round++) {
            Channel<Integer> ch = Channel.buffered(4);
            List<Integer> discarded = new CopyOnWriteArrayList<>();
            List<Integer> emitted = new ArrayList<>();
            Thread producer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; ; i++) {
                        ch.send(i);
                    }
                } catch (ChannelClosedException closed) {
                    // the cancel closed it
                }
            });
            Flux.from(ChannelFlux.consume(RUNTIME, ch))
                    .doOnDiscard(Integer.class, discarded::add)
                    .take(3, false)
                    .doOnNext(emitted::add)
                    .blockLast(Duration.ofSeconds(10));
            try {
                producer.join(10_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            List<Integer> left = new ArrayList<>();
            ch.forEach(left::add);
            List<Integer> all = new ArrayList<>(emitted);
            all.addAll(discarded);
            all.addAll(left);
            all.sort(null);
            assertThat(emitted).containsExactly(0, 1, 2);
            assertThat(discarded).hasSizeLessThanOrEqualTo(1);
            // Nothing received was lost: emitted, discarded and left form a prefix 0..k.
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i)).isEqualTo(i);
            }
        }
    }

    @Test
    void secondSubscriberGetsAnError() {
        Channel<Integer> ch = filled(2, 1);
        Flux<Integer> flux = ChannelFlux.consume(RUNTIME, ch);
        StepVerifier.create(flux, 0).expectSubscription().then(() ->
                        StepVerifier.create(flux)
                                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                                        .hasMessageContaining("one subscriber"))
                                .verify())
                .thenCancel()
                .verify();
    }

    @Test
    void slowSubscriberHoldsTheProducerBackThroughTheBuffer() {
        Channel<Integer> ch = Channel.buffered(2);
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 20; i++) {
                ch.send(i);
            }
            ch.close();
        });
        StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 1)
                .expectNext(0)
                .then(() -> await().atMost(Duration.ofSeconds(10)).until(() -> ch.size() == 2))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> {
                    // One taken (the demand), two buffered, the producer parked on its 4th send.
                    assertThat(ch.size()).isEqualTo(2);
                    assertThat(producer.isAlive()).isTrue();
                })
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(19)
                .verifyComplete();
    }

    @Test
    void closedRuntimeIsAnErrorSignal() {
        EchoRuntime closed = ReactiveTests.runtime(1, "closedflux");
        closed.close();
        StepVerifier.create(ChannelFlux.consume(closed, Channel.<Integer>buffered(1)))
                .expectError(RejectedExecutionException.class)
                .verify();
    }

    @Test
    void drainTasksEndWithTheirSubscriptions() {
        for (int i = 0; i < 20; i++) {
            Channel<Integer> ch = filled(4, 1, 2, 3);
            StepVerifier.create(ChannelFlux.consume(RUNTIME, ch), 1).expectNext(1).thenCancel().verify();
        }
        ReactiveTests.awaitQuiet(RUNTIME);
    }

    @Test
    void badArgumentsAreRejectedByName() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> ChannelFlux.consume(null, Channel.buffered(1))).withMessage("runtime");
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> ChannelFlux.consume(RUNTIME, null)).withMessage("channel");
    }
}
