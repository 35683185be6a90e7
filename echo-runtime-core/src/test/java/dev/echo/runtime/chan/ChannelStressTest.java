package dev.echo.runtime.chan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads hammering channels with every kind of operation at once. Each test keeps two
 * ledgers, what senders were told they sent and what receivers got (count and sum of distinct
 * values), and demands they agree: a lost message, a duplicate, or a send reported failed that
 * was delivered anyway, breaks the balance. Half the parties are virtual threads, half platform
 * threads.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChannelStressTest {

    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;

    private final AtomicLong sentCount = new AtomicLong();
    private final AtomicLong sentSum = new AtomicLong();
    private final AtomicLong receivedCount = new AtomicLong();
    private final AtomicLong receivedSum = new AtomicLong();

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 16})
    void blockingProducersAndConsumersLoseAndDuplicateNothing(int capacity) throws Exception {
        Channel<Integer> ch = Channel.buffered(capacity);
        int perProducer = 25_000;
        List<Thread> producers = start(PRODUCERS, p -> {
            for (int i = 0; i < perProducer; i++) {
                int value = p * perProducer + i + 1;
                ch.send(value);
                recordSent(value);
            }
        });
        List<Thread> consumers = start(CONSUMERS, c -> {
            for (int value : ch) {
                recordReceived(value);
            }
        });

        joinAll(producers);
        ch.close();
        joinAll(consumers);

        assertThat(sentCount).hasValue((long) PRODUCERS * perProducer);
        assertBalanced();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 4})
    void timedOperationsRacingTheirTimeoutsLoseAndDuplicateNothing(int capacity) throws Exception {
        Channel<Integer> ch = Channel.buffered(capacity);
        int perProducer = 20_000;
        List<Thread> producers = start(PRODUCERS, p -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < perProducer; i++) {
                int value = p * perProducer + i + 1;
                boolean sent = switch (random.nextInt(3)) {
                    case 0 -> ch.trySend(value);
                    case 1 -> ch.send(value, Duration.ofNanos(random.nextInt(1, 50_000)));
                    default -> ch.send(value, Duration.ofMillis(5));
                };
                if (sent) {
                    recordSent(value);
                }
            }
        });
        List<Thread> consumers = start(CONSUMERS, c -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (;;) {
                Received<Integer> received = random.nextBoolean()
                        ? ch.tryReceive()
                        : ch.receive(Duration.ofNanos(random.nextInt(1, 50_000)));
                if (received instanceof Received.Value<Integer>(Integer value)) {
                    recordReceived(value);
                } else if (received.isClosed()) {
                    return;
                }
            }
        });

        joinAll(producers);
        ch.close();
        joinAll(consumers);

        assertThat(sentCount.get()).as("some sends succeeded").isPositive();
        assertBalanced();
        assertThat(ch.waitingSenders() + ch.waitingReceivers()).isZero();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void selectsOverTwoChannelsLoseAndDuplicateNothing(int capacity) throws Exception {
        Channel<Integer> a = Channel.buffered(capacity);
        Channel<Integer> b = Channel.buffered(capacity);
        int perProducer = 20_000;
        List<Thread> producers = start(PRODUCERS, p -> {
            for (int i = 0; i < perProducer; i++) {
                int value = p * perProducer + i + 1;
                boolean sent = Select.<Boolean>create()
                        .onSend(a, value, () -> true)
                        .onSend(b, value, () -> true)
                        .onTimeout(Duration.ofNanos(ThreadLocalRandom.current().nextInt(1, 100_000)), () -> false)
                        .run();
                if (sent) {
                    recordSent(value);
                }
            }
        });
        List<Thread> consumers = start(CONSUMERS, c -> {
            boolean aOpen = true;
            boolean bOpen = true;
            while (aOpen || bOpen) {
                Select<Integer> select = Select.create();
                if (aOpen) {
                    select.onReceiveOrClosed(a, r -> r instanceof Received.Value<Integer>(Integer v) ? v : -1);
                }
                if (bOpen) {
                    select.onReceiveOrClosed(b, r -> r instanceof Received.Value<Integer>(Integer v) ? v : -2);
                }
                int outcome = select.onTimeout(Duration.ofNanos(ThreadLocalRandom.current().nextInt(1, 100_000)),
                        () -> 0).run();
                if (outcome > 0) {
                    recordReceived(outcome);
                } else if (outcome == -1) {
                    aOpen = false;
                } else if (outcome == -2) {
                    bOpen = false;
                }
            }
        });

        joinAll(producers);
        a.close();
        b.close();
        joinAll(consumers);

        assertThat(sentCount.get()).isPositive();
        assertBalanced();
        assertThat(a.waitingSenders() + a.waitingReceivers() + b.waitingSenders() + b.waitingReceivers()).isZero();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 8})
    void closeInTheMiddleOfTrafficLosesAndDuplicatesNothing(int capacity) throws Exception {
        Channel<Integer> ch = Channel.buffered(capacity);
        AtomicInteger closedSends = new AtomicInteger();
        List<Thread> producers = start(PRODUCERS, p -> {
            for (int i = 0; ; i++) {
                int value = p * 1_000_000 + i + 1;
                try {
                    ch.send(value);
                } catch (ChannelClosedException e) {
                    closedSends.incrementAndGet();
                    return;
                }
                recordSent(value);
            }
        });
        List<Thread> consumers = start(CONSUMERS, c -> {
            for (int value : ch) {
                if (recordReceived(value) == 20_000) {
                    ch.close();
                }
            }
        });

        joinAll(producers);
        joinAll(consumers);

        assertThat(closedSends).as("every producer saw the close").hasValue(PRODUCERS);
        assertBalanced();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 8})
    void cancellingConsumersInTheMiddleOfTrafficLosesAndDuplicatesNothing(int capacity) throws Exception {
        Channel<Integer> ch = Channel.buffered(capacity);
        int perProducer = 10_000;
        List<Thread> producers = start(PRODUCERS, p -> {
            for (int i = 0; i < perProducer; i++) {
                int value = p * perProducer + i + 1;
                ch.send(value);
                recordSent(value);
            }
        });
        List<Thread> consumers = start(CONSUMERS, c -> {
            try {
                for (int value : ch) {
                    recordReceived(value);
                }
            } catch (CancellationException cancelled) {
                // this consumer is gone; the others take over its share
            }
        });
        while (receivedCount.get() < 5_000) {
            Thread.onSpinWait();
        }
        consumers.get(0).interrupt();
        consumers.get(1).interrupt();
        joinAll(List.of(consumers.get(0), consumers.get(1)));

        joinAll(producers);
        ch.close();
        joinAll(consumers);

        assertThat(sentCount).hasValue((long) PRODUCERS * perProducer);
        assertBalanced();
        assertThat(ch.waitingReceivers()).isZero();
    }

    private void recordSent(int value) {
        sentCount.incrementAndGet();
        sentSum.addAndGet(value);
    }

    /** @return how many messages have been received so far, this one included */
    private long recordReceived(int value) {
        receivedSum.addAndGet(value);
        return receivedCount.incrementAndGet();
    }

    private void assertBalanced() {
        assertThat(receivedCount.get()).as("messages received vs sent").isEqualTo(sentCount.get());
        assertThat(receivedSum.get()).as("checksum received vs sent").isEqualTo(sentSum.get());
    }

    private interface Party {
        void run(int index) throws Exception;
    }

    /** Starts {@code n} parties, even ones on virtual threads, odd ones on platform threads. */
    private static List<Thread> start(int n, Party party) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Runnable body = () -> {
                try {
                    party.run(index);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            threads.add(i % 2 == 0 ? Thread.ofVirtual().start(body) : Thread.ofPlatform().daemon().start(body));
        }
        return threads;
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(20))).as("%s ends", thread).isTrue();
        }
    }
}
