package dev.echo.runtime.chan;

import static dev.echo.runtime.chan.TestThreads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour, memory and stress of the {@link SegmentChannel} prototype. */
class SegmentChannelTest {

    @AfterEach
    void restoreSegmentSize() {
        SegmentChannel.segmentSizeForNewChannels = 32;
    }

    private static <T> SegmentChannel<T> channel(int capacity, int segmentSize) {
        SegmentChannel.segmentSizeForNewChannels = segmentSize;
        return new SegmentChannel<>(capacity);
    }

    @Test
    void bufferedChannelKeepsFifoOrderAcrossSegmentsAndRefusesBeyondCapacity() {
        SegmentChannel<Integer> ch = channel(5, 2);
        for (int i = 0; i < 5; i++) {
            assertThat(ch.trySend(i)).isTrue();
        }
        assertThat(ch.trySend(99)).as("full").isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(ch.receive(0, false)).isEqualTo(i);
        }
        assertThat(ch.receive(0, false)).isSameAs(Channel.NOTHING);
        assertThat(ch.trySend(5)).isTrue();
        assertThat(ch.receive(0, false)).isEqualTo(5);
    }

    @Test
    void parkedSendersEnterTheBufferInArrivalOrder() throws Exception {
        SegmentChannel<Integer> ch = channel(1, 2);
        ch.send(0);
        List<TestThreads.Started<Object>> senders = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            int value = v;
            senders.add(TestThreads.virtual(() -> {
                ch.send(value);
                return null;
            }));
            eventually(() -> ch.waitingSenders() == value);
        }
        List<Object> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.add(ch.receive());
        }
        assertThat(got).containsExactly(0, 1, 2, 3);
        for (TestThreads.Started<Object> sender : senders) {
            sender.outcome().get();
        }
        assertThat(ch.waitingSenders()).isZero();
    }

    @Test
    void closeFailsParkedSendersWakesReceiversAndKeepsBufferedValues() throws Exception {
        SegmentChannel<Integer> buffered = channel(1, 2);
        buffered.send(1);
        TestThreads.Started<Object> sender = TestThreads.virtual(() -> {
            buffered.send(2);
            return "sent";
        });
        eventually(() -> buffered.waitingSenders() == 1);
        buffered.close();
        assertThatThrownBy(() -> sender.outcome().get()).hasCauseInstanceOf(ChannelClosedException.class);
        assertThat(buffered.receive(0, false)).isEqualTo(1);
        assertThat(buffered.receive(0, false)).isSameAs(Channel.CLOSED);
        assertThatThrownBy(() -> buffered.send(3)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(buffered::close).isInstanceOf(IllegalStateException.class);

        SegmentChannel<Integer> unbuffered = channel(0, 2);
        TestThreads.Started<Object> receiver = TestThreads.virtual(() -> unbuffered.receive(Long.MAX_VALUE, true));
        eventually(() -> unbuffered.waitingReceivers() == 1);
        unbuffered.close();
        assertThat(receiver.outcome().get()).isSameAs(Channel.CLOSED);
        assertThat(unbuffered.waitingReceivers()).isZero();
    }

    @Test
    void interruptedReceiverLeavesNoRegistration() {
        SegmentChannel<Integer> ch = channel(0, 2);
        TestThreads.Started<Object> receiver = TestThreads.platform(() -> ch.receive(Long.MAX_VALUE, true));
        eventually(() -> ch.waitingReceivers() == 1);
        receiver.thread().interrupt();
        assertThatThrownBy(() -> receiver.outcome().get()).hasCauseInstanceOf(CancellationException.class);
        assertThat(ch.waitingReceivers()).isZero();
        assertThat(ch.trySend(1)).as("the cancelled receiver took nothing").isFalse();
    }

    /** A select-with-timeout loop on a quiet channel: each wait cancels its cell. */
    @Test
    void cancelledWaitsOnAQuietChannelDoNotPileUp() {
        for (int capacity : new int[] {0, 3}) {
            SegmentChannel<Integer> ch = channel(capacity, 4);
            for (int i = 0; i < 200_000; i++) {
                assertThat(ch.receive(System.nanoTime(), true)).isSameAs(Channel.NOTHING);
            }
            assertThat(ch.reachableSegments()).as("segments reachable, capacity " + capacity).isLessThan(8);
            for (int i = 0; i < capacity; i++) {
                assertThat(ch.trySend(42)).isTrue();
            }
            assertThat(ch.trySend(42)).as("full").isFalse();
            for (int i = 0; i < 200_000; i++) {
                assertThat(ch.send(i, System.nanoTime(), true)).isFalse();
            }
            assertThat(ch.reachableSegments()).isLessThan(8);
        }
    }

    @Test
    void tenMillionMessagesRunInBoundedMemory() throws Exception {
        SegmentChannel<Integer> ch = channel(64, 32);
        int messages = 10_000_000;
        AtomicLong maxSegments = new AtomicLong();
        TestThreads.Started<Long> consumer = TestThreads.platform(() -> {
            long sum = 0;
            for (int i = 0; i < messages; i++) {
                sum += ch.receive();
                if ((i & 0xFFFF) == 0) {
                    maxSegments.accumulateAndGet(ch.reachableSegments(), Math::max);
                }
            }
            return sum;
        });
        Integer boxed = 1;
        for (int i = 0; i < messages; i++) {
            ch.send(boxed);
        }
        assertThat(consumer.outcome().get()).isEqualTo(messages);
        assertThat(maxSegments.get()).as("segments reachable while 10M messages passed").isLessThan(16);
        assertThat(ch.reachableSegments()).isLessThan(4);
    }

    @Test
    void manyProducersAndConsumersWithTimeoutsBalanceTheLedger() throws Exception {
        for (int capacity : new int[] {0, 1, 16}) {
            for (int segmentSize : new int[] {2, 32}) {
                balance(channel(capacity, segmentSize));
            }
        }
    }

    private static void balance(SegmentChannel<Integer> ch) throws Exception {
        LongAdder sent = new LongAdder();
        LongAdder received = new LongAdder();
        List<TestThreads.Started<Object>> parties = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            parties.add(TestThreads.virtual(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 20_000; i++) {
                    int value = random.nextInt(1, 100);
                    boolean done = switch (random.nextInt(3)) {
                        case 0 -> {
                            ch.send(value);
                            yield true;
                        }
                        case 1 -> ch.send(value, System.nanoTime() + random.nextInt(1, 20_000), true);
                        default -> ch.trySend(value);
                    };
                    if (done) {
                        sent.add(value);
                    }
                }
                return null;
            }));
        }
        List<TestThreads.Started<Object>> consumers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            consumers.add(TestThreads.virtual(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (;;) {
                    Object got = switch (random.nextInt(3)) {
                        case 0 -> ch.receive(Long.MAX_VALUE, true);
                        case 1 -> ch.receive(System.nanoTime() + random.nextInt(1, 20_000), true);
                        default -> ch.receive(0, false);
                    };
                    if (got == Channel.CLOSED) {
                        return null;
                    }
                    if (got instanceof Integer value) {
                        received.add(value);
                    }
                }
            }));
        }
        for (TestThreads.Started<Object> party : parties) {
            party.outcome().get();
        }
        ch.close();
        for (TestThreads.Started<Object> consumer : consumers) {
            consumer.outcome().get();
        }
        assertThat(received.sum()).isEqualTo(sent.sum());
        assertThat(ch.waitingSenders() + ch.waitingReceivers()).isZero();
    }
}
