package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.RuntimeStats;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * Bounded stress of the bridge (each test stops by itself, sized to take seconds on 2 loaded
 * cores): cancellation at random points leaks nothing, a long pipeline loses and duplicates
 * nothing, and cancel racing completion never gives a subscriber two endings.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReactiveStressTest {

    private static final int SUBSCRIPTIONS = 10_000;

    /**
     * 10,000 subscriptions to the three task-backed publishers, each cancelled at a random
     * point (at once, after a random number of elements, from another thread while running).
     * Afterwards: no live task, no pending timer, and every channel closed, which (Channel
     * invariant I4) means no sender or receiver is parked on it.
     */
    @Test
    void tenThousandRandomCancellationsLeaveNoTaskTimerOrParkedWaiter() throws Exception {
        try (EchoRuntime runtime = ReactiveTests.runtime(2, "stresscancel")) {
            List<Channel<Integer>> channels = new ArrayList<>();
            CountDownLatch finished = new CountDownLatch(SUBSCRIPTIONS);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < SUBSCRIPTIONS; i++) {
                Publisher<Integer> publisher;
                switch (i % 3) {
                    case 0 -> publisher = FutureMono.spawn(runtime, () -> {
                        Echo.sleep(Duration.ofMillis(1 + (System.nanoTime() & 3)));
                        return 1;
                    });
                    case 1 -> {
                        Channel<Integer> ch = Channel.buffered(random.nextInt(3));
                        channels.add(ch);
                        runtime.spawn(() -> {
                            try {
                                for (int v = 0; ; v++) {
                                    ch.send(v);
                                }
                            } catch (ChannelClosedException closedByTheCancel) {
                                // expected: the subscriber's cancel closes the channel
                            }
                        });
                        publisher = ChannelFlux.consume(runtime, ch);
                    }
                    default -> publisher = ProducerFlux.<Integer>produce(runtime, ch -> {
                        for (int v = 0; ; v++) {
                            ch.send(v);
                            if ((v & 7) == 7) {
                                Echo.sleep(Duration.ofMillis(1));
                            }
                        }
                    });
                }
                int cancelAfter = random.nextInt(6); // 0: cancel in onSubscribe
                boolean fromOutside = random.nextBoolean();
                publisher.subscribe(new CancellingSubscriber(cancelAfter, fromOutside, finished));
            }
            assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
            RuntimeStats stats = ReactiveTests.awaitQuiet(runtime);
            assertThat(stats.tasksLive()).isZero();
            assertThat(stats.liveByStatus().get(TaskStatus.WAITING)).isZero();
            assertThat(stats.timersPending()).isZero();
            assertThat(channels).allSatisfy(ch -> assertThat(ch.isClosed()).isTrue());
        }
    }

    /** Cancels after {@code cancelAfter} elements, on the signalling task or on another thread. */
    private static final class CancellingSubscriber implements CoreSubscriber<Integer> {
        private final int cancelAfter;
        private final boolean fromOutside;
        private final CountDownLatch finished;
        private Subscription subscription;
        private int seen;
        private boolean counted;

        CancellingSubscriber(int cancelAfter, boolean fromOutside, CountDownLatch finished) {
            this.cancelAfter = cancelAfter;
            this.fromOutside = fromOutside;
            this.finished = finished;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            if (cancelAfter == 0) {
                cancel();
                return;
            }
            s.request(cancelAfter);
        }

        @Override
        public void onNext(Integer value) {
            if (++seen == cancelAfter) {
                cancel();
            }
        }

        @Override
        public void onError(Throwable t) {
            done();
        }

        @Override
        public void onComplete() {
            done();
        }

        private void cancel() {
            if (fromOutside) {
                Subscription s = subscription;
                Thread.ofVirtual().start(() -> {
                    s.cancel();
                    done();
                });
            } else {
                subscription.cancel();
                done();
            }
        }

        private synchronized void done() {
            if (!counted) {
                counted = true;
                finished.countDown();
            }
        }
    }

    /**
     * 1,000,000 elements: Flux.range -> PublisherChannel -> a task pipeline (receive, add one,
     * send) -> ChannelFlux -> subscriber. Count and sum of what arrives must match exactly
     * (a loss or a duplicate changes one of them; order is checked too).
     */
    @Test
    void millionElementsThroughFluxChannelTaskPipelineFluxLoseAndDuplicateNothing() {
        int n = 1_000_000;
        try (EchoRuntime runtime = ReactiveTests.runtime(2, "stresspipe")) {
            Channel<Integer> in = PublisherChannel.open(runtime, Flux.range(0, n), 256);
            Channel<Integer> out = Channel.buffered(256);
            runtime.spawn(() -> {
                for (int v : in) {
                    out.send(v + 1);
                }
                out.close();
            });
            AtomicLong count = new AtomicLong();
            AtomicLong sum = new AtomicLong();
            AtomicLong last = new AtomicLong();
            AtomicInteger outOfOrder = new AtomicInteger();
            ChannelFlux.consume(runtime, out)
                    .doOnNext(v -> {
                        if (v != last.get() + 1) {
                            outOfOrder.incrementAndGet();
                        }
                        last.set(v);
                        count.incrementAndGet();
                        sum.addAndGet(v);
                    })
                    .blockLast(Duration.ofSeconds(90));
            assertThat(count).hasValue(n);
            assertThat(sum).hasValue((long) n * (n + 1) / 2);
            assertThat(outOfOrder).hasValue(0);
        }
    }

    /**
     * Cancel racing the end of the stream: for the Mono (value vs cancel) and the channel Flux
     * (close vs cancel), no subscriber sees more than one terminal signal, nor an error beside a
     * value, nor anything after its terminal signal.
     */
    @Test
    void cancelRacingCompletionNeverGivesTwoEndings() throws Exception {
        try (EchoRuntime runtime = ReactiveTests.runtime(2, "stressrace")) {
            int rounds = 2_000;
            AtomicInteger violations = new AtomicInteger();
            CountDownLatch racesRun = new CountDownLatch(rounds);
            for (int i = 0; i < rounds; i++) {
                Publisher<Integer> publisher;
                Runnable finish;
                if ((i & 1) == 0) {
                    publisher = FutureMono.spawn(runtime, () -> 1);
                    finish = () -> { };
                } else {
                    Channel<Integer> ch = Channel.buffered(1);
                    ch.send(1);
                    publisher = ChannelFlux.consume(runtime, ch);
                    finish = () -> {
                        try {
                            ch.close();
                        } catch (IllegalStateException closedByTheCancel) {
                            // the cancel won
                        }
                    };
                }
                publisher.subscribe(new CoreSubscriber<Integer>() {
                    private int values;
                    private int endings;

                    @Override
                    public void onSubscribe(Subscription s) {
                        s.request(1);
                        Thread.ofVirtual().start(() -> {
                            Thread.ofVirtual().start(finish);
                            s.cancel();
                            racesRun.countDown();
                        });
                    }

                    @Override
                    public synchronized void onNext(Integer value) {
                        if (endings > 0 || ++values > 1) {
                            violations.incrementAndGet();
                        }
                    }

                    @Override
                    public synchronized void onError(Throwable t) {
                        if (++endings > 1 || values > 0) {
                            violations.incrementAndGet();
                        }
                    }

                    @Override
                    public synchronized void onComplete() {
                        if (++endings > 1) {
                            violations.incrementAndGet();
                        }
                    }
                });
            }
            assertThat(racesRun.await(60, TimeUnit.SECONDS)).isTrue();
            ReactiveTests.awaitQuiet(runtime);
            assertThat(violations).hasValue(0);
        }
    }
}
