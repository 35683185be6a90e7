package dev.echo.runtime.chan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lock-free buffer fast path of buffered channels under real threads: no loss, no
 * duplicate, per-producer FIFO order at every consumer, close racing the fast path, selects
 * parking on a ring channel while fast operations run, and no memory kept per message.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BufferRingTest {

    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 3, 1024})
    void fourByFourKeepsEveryMessageOnceAndPerProducerOrder(int capacity) throws Exception {
        Channel<Long> ch = Channel.buffered(capacity);
        int perProducer = 50_000;
        AtomicLong receivedCount = new AtomicLong();
        AtomicLong receivedSum = new AtomicLong();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            long base = (long) p << 32;
            producers.add(builder(p).start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    ch.send(base + i);
                }
            }));
        }
        List<Thread> consumers = new ArrayList<>();
        List<String> orderFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < CONSUMERS; c++) {
            consumers.add(builder(c).start(() -> {
                long[] last = new long[PRODUCERS];
                java.util.Arrays.fill(last, -1);
                for (long value : ch) {
                    int producer = (int) (value >>> 32);
                    long index = value & 0xFFFF_FFFFL;
                    if (index <= last[producer]) {
                        orderFailures.add(producer + ": " + index + " after " + last[producer]);
                    }
                    last[producer] = index;
                    receivedCount.incrementAndGet();
                    receivedSum.addAndGet(index);
                }
            }));
        }
        for (Thread t : producers) {
            t.join();
        }
        ch.close();
        for (Thread t : consumers) {
            t.join();
        }
        long perProducerSum = (long) perProducer * (perProducer - 1) / 2;
        assertThat(orderFailures).isEmpty();
        assertThat(receivedCount).hasValue((long) PRODUCERS * perProducer);
        assertThat(receivedSum).hasValue(PRODUCERS * perProducerSum);
        assertThat(ch.waitingSenders() + ch.waitingReceivers()).isZero();
    }

    @Test
    void closeRacingFastSendsLosesNothingThatWasReportedSent() throws Exception {
        for (int round = 0; round < 200; round++) {
            Channel<Integer> ch = Channel.buffered(8);
            AtomicLong sent = new AtomicLong();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 1_000; i++) {
                            if (ch.trySend(1)) {
                                sent.incrementAndGet();
                            }
                        }
                    } catch (ChannelClosedException expected) {
                        // the close won; later sends must all throw
                    }
                }));
            }
            long received = 0;
            Thread closer = Thread.ofPlatform().start(ch::close);
            for (Thread t : senders) {
                while (t.isAlive()) {
                    Received<Integer> r = ch.tryReceive();
                    if (r instanceof Received.Value<Integer>) {
                        received++;
                    }
                }
            }
            closer.join();
            for (Integer ignored : ch) {
                received++;
            }
            assertThat(received).as("round %d", round).isEqualTo(sent.get());
        }
    }

    @Test
    void selectParkedOnRingChannelIsServedByFastPathSenders() throws Exception {
        Channel<Integer> ring = Channel.buffered(4);
        Channel<Integer> other = Channel.unbuffered();
        int rounds = 20_000;
        Thread sender = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                ring.send(i);
            }
        });
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            sum += Select.<Integer>create()
                    .onReceive(ring, v -> v)
                    .onReceive(other, v -> -1)
                    .run();
        }
        sender.join();
        assertThat(sum).isEqualTo((long) rounds * (rounds - 1) / 2);
        assertThat(ring.waitingSenders() + ring.waitingReceivers()).isZero();
        assertThat(ring.tryReceive()).isInstanceOf(Received.Empty.class);
    }

    @Test
    void ringChannelKeepsNoReferenceToReceivedMessages() throws Exception {
        Channel<Object> ch = Channel.buffered(16);
        List<java.lang.ref.WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Object message = new byte[1024];
            refs.add(new java.lang.ref.WeakReference<>(message));
            ch.send(message);
            assertThat(ch.receive()).isSameAs(message);
        }
        TestThreads.eventually(() -> {
            System.gc();
            return refs.stream().allMatch(r -> r.get() == null);
        });
    }

    private static Thread.Builder builder(int i) {
        return i % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
    }
}
