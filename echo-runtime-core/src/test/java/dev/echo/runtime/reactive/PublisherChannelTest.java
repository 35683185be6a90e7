package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/** One test per row of {@link PublisherChannel}'s semantics table, and its request bounds. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PublisherChannelTest {

    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "pubchan");

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 16})
    void valuesArriveInOrderThenTheChannelCloses(int capacity) {
        Channel<Integer> ch = PublisherChannel.open(RUNTIME, Flux.range(0, 500), capacity);
        List<Integer> received = RUNTIME.block(() -> {
            List<Integer> all = new ArrayList<>();
            ch.forEach(all::add);
            return all;
        });
        assertThat(received).hasSize(500).isSorted().startsWith(0).endsWith(499);
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.closeCause()).isNull();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 4, 16})
    void requestsAtMostCapacityAtATimeAndCapacityPlusOneInFlight(int capacity) throws Exception {
        List<Long> requests = new CopyOnWriteArrayList<>();
        long[] requestedTotal = {0};
        Flux<Integer> upstream = Flux.range(0, 1000).doOnRequest(n -> {
            requests.add(n);
            synchronized (requestedTotal) {
                requestedTotal[0] += n;
            }
        });
        Channel<Integer> ch = PublisherChannel.open(RUNTIME, upstream, capacity);
        await().atMost(Duration.ofSeconds(10)).until(() -> !requests.isEmpty());
        Thread.sleep(50); // let the feeder fill the buffer and park in its send
        long unconsumed;
        synchronized (requestedTotal) {
            unconsumed = requestedTotal[0];
        }
        assertThat(unconsumed).isLessThanOrEqualTo(capacity + 1L);
        int received = 0;
        while (received < 1000) {
            ch.receive();
            received++;
            synchronized (requestedTotal) {
                assertThat(requestedTotal[0] - received).isLessThanOrEqualTo(capacity + 1L);
            }
        }
        assertThat(requests).allSatisfy(n -> assertThat(n).isBetween(1L, (long) Math.max(capacity, 1)));
    }

    @Test
    void upstreamErrorReachesTheReceiverAfterTheValues() {
        IllegalStateException upstream = new IllegalStateException("upstream");
        Channel<Integer> ch = PublisherChannel.open(RUNTIME, Flux.concat(Flux.just(1, 2), Flux.error(upstream)), 4);
        assertThat(ch.receive()).isEqualTo(1);
        assertThat(ch.receive()).isEqualTo(2);
        assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class).hasCause(upstream);
    }

    @Test
    void consumerCloseCancelsUpstreamEvenWithNothingInFlight() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Channel<Integer> ch = PublisherChannel.open(RUNTIME, Flux.<Integer>never().doOnCancel(() -> cancelled.set(true)), 2);
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(20)).until(() -> true);
        ch.close();
        await().atMost(Duration.ofSeconds(10)).untilTrue(cancelled);
        ReactiveTests.awaitQuiet(RUNTIME);
    }

    @Test
    void consumerCloseCancelsUpstreamWhileTheFeederIsParkedInASend() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Channel<Integer> ch = PublisherChannel.open(RUNTIME, Flux.range(0, 1_000_000).doOnCancel(() -> cancelled.set(true)), 0);
        assertThat(ch.receive()).isEqualTo(0);
        ch.close();
        await().atMost(Duration.ofSeconds(10)).untilTrue(cancelled);
        ReactiveTests.awaitQuiet(RUNTIME);
    }

    @Test
    void theFeederRunsAsATaskOfTheRuntime() {
        long before = RUNTIME.stats().tasksSpawned();
        Channel<Integer> ch = PublisherChannel.open(RUNTIME, Flux.just(1), 1);
        assertThat(ch.receive()).isEqualTo(1);
        assertThat(RUNTIME.stats().tasksSpawned()).isGreaterThan(before);
    }

    @Test
    void badArgumentsAreRejectedByName() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> PublisherChannel.open(null, Flux.just(1), 1)).withMessage("runtime");
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> PublisherChannel.open(RUNTIME, null, 1)).withMessage("publisher");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> PublisherChannel.open(RUNTIME, Flux.just(1), -1)).withMessageContaining("-1");
    }
}
