package dev.echo.runtime.chan;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.spi.WaitTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChannelTest {

    // ## Unbuffered: direct hand-off ##

    @Test
    void unbufferedSendHandsValueToParkedReceiver() throws Exception {
        Channel<String> ch = Channel.unbuffered();
        var receiver = TestThreads.virtual(ch::receive);
        TestThreads.eventually(() -> ch.waitingReceivers() == 1);

        assertThat(ch.trySend("hello")).as("a parked receiver makes a non-waiting send succeed").isTrue();
        assertThat(receiver.outcome().get(5, SECONDS)).isEqualTo("hello");
        assertThat(ch.size()).isZero();
    }

    @Test
    void unbufferedReceiveTakesValueFromParkedSender() throws Exception {
        Channel<String> ch = Channel.unbuffered();
        var sender = TestThreads.virtual(() -> {
            ch.send("hello");
            return "returned";
        });
        TestThreads.eventually(() -> ch.waitingSenders() == 1);
        assertThat(sender.outcome()).as("an unbuffered send waits for its receiver").isNotDone();

        assertThat(ch.tryReceive()).isEqualTo(new Received.Value<>("hello"));
        assertThat(sender.outcome().get(5, SECONDS)).isEqualTo("returned");
    }

    @Test
    void unbufferedChannelHasNothingForNonWaitingOperationsWithoutCounterpart() {
        Channel<Integer> ch = Channel.unbuffered();

        assertThat(ch.trySend(1)).isFalse();
        assertThat(ch.tryReceive()).isInstanceOf(Received.Empty.class);
        assertThat(ch.capacity()).isZero();
        assertThat(ch.size()).isZero();
    }

    @Test
    void parkedSendersAreServedInArrivalOrder() {
        Channel<Integer> ch = Channel.unbuffered();
        for (int i = 0; i < 5; i++) {
            int value = i;
            TestThreads.virtual(() -> {
                ch.send(value);
                return null;
            });
            TestThreads.eventually(() -> ch.waitingSenders() == value + 1);
        }

        List<Integer> received = IntStream.range(0, 5).mapToObj(i -> ch.receive()).toList();

        assertThat(received).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void parkedReceiversAreServedInArrivalOrder() throws Exception {
        Channel<Integer> ch = Channel.unbuffered();
        List<CompletableFuture<Integer>> receivers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            receivers.add(TestThreads.virtual(ch::receive).outcome());
            int parked = i + 1;
            TestThreads.eventually(() -> ch.waitingReceivers() == parked);
        }

        for (int i = 0; i < 5; i++) {
            ch.send(i);
        }

        for (int i = 0; i < 5; i++) {
            assertThat(receivers.get(i).get(5, SECONDS)).as("receiver %d", i).isEqualTo(i);
        }
    }

    // ## Buffered ##

    @Test
    void bufferedSendDoesNotWaitUntilTheBufferIsFull() {
        Channel<Integer> ch = Channel.buffered(3);

        assertThat(ch.trySend(1)).isTrue();
        assertThat(ch.trySend(2)).isTrue();
        assertThat(ch.trySend(3)).isTrue();
        assertThat(ch.trySend(4)).as("buffer full").isFalse();
        assertThat(ch.size()).isEqualTo(3);
        assertThat(ch.capacity()).isEqualTo(3);
        assertThat(List.of(ch.receive(), ch.receive(), ch.receive())).containsExactly(1, 2, 3);
        assertThat(ch.size()).isZero();
    }

    @Test
    void receiveFromFullBufferLetsFirstParkedSenderInKeepingFifoOrder() {
        Channel<Integer> ch = Channel.buffered(2);
        ch.send(1);
        ch.send(2);
        for (int value = 3; value <= 4; value++) {
            int v = value;
            TestThreads.virtual(() -> {
                ch.send(v);
                return null;
            });
            TestThreads.eventually(() -> ch.waitingSenders() == v - 2);
        }

        assertThat(ch.receive()).isEqualTo(1);
        assertThat(ch.size()).as("the first parked sender refilled the slot").isEqualTo(2);
        assertThat(List.of(ch.receive(), ch.receive(), ch.receive())).containsExactly(2, 3, 4);
        assertThat(ch.waitingSenders()).isZero();
    }

    @Test
    void hugeCapacityCostsNothingUntilUsed() {
        Channel<Integer> ch = Channel.buffered(Integer.MAX_VALUE);
        for (int i = 0; i < 1000; i++) {
            assertThat(ch.trySend(i)).isTrue();
        }

        assertThat(ch.size()).isEqualTo(1000);
        assertThat(IntStream.range(0, 1000).map(i -> ch.receive())).containsExactlyElementsOf(
                IntStream.range(0, 1000).boxed().toList());
    }

    @Test
    void capacityZeroMeansUnbuffered() {
        Channel<Integer> ch = Channel.buffered(0);

        assertThat(ch.capacity()).isZero();
        assertThat(ch.trySend(1)).as("no parked receiver, no buffer").isFalse();
    }

    // ## Timeouts ##

    @Test
    void timedSendGivesUpAfterItsTimeoutAndSendsNothing() {
        Channel<Integer> ch = Channel.unbuffered();
        long start = System.nanoTime();

        assertThat(ch.send(1, Duration.ofMillis(30))).isFalse();

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
        assertThat(ch.waitingSenders()).as("the timed-out send deregistered").isZero();
        assertThat(ch.tryReceive()).isInstanceOf(Received.Empty.class);
    }

    @Test
    void timedReceiveGivesUpAfterItsTimeout() {
        Channel<Integer> ch = Channel.buffered(1);
        long start = System.nanoTime();

        assertThat(ch.receive(Duration.ofMillis(30))).isInstanceOf(Received.Empty.class);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
        assertThat(ch.waitingReceivers()).isZero();
        assertThat(ch.trySend(7)).isTrue();
        assertThat(ch.size()).as("the value went to the buffer, not to the departed receiver").isEqualTo(1);
    }

    @Test
    void timedReceiveReturnsValueSentBeforeTheTimeout() throws Exception {
        Channel<Integer> ch = Channel.unbuffered();
        var receiver = TestThreads.virtual(() -> ch.receive(Duration.ofSeconds(5)));
        TestThreads.eventually(() -> ch.waitingReceivers() == 1);

        ch.send(42);

        assertThat(receiver.outcome().get(5, SECONDS)).isEqualTo(new Received.Value<>(42));
    }

    @Test
    void nonPositiveTimeoutMeansDoNotWait() {
        Channel<Integer> ch = Channel.unbuffered();

        assertThat(ch.send(1, Duration.ZERO)).isFalse();
        assertThat(ch.send(1, Duration.ofSeconds(-1))).isFalse();
        assertThat(ch.receive(Duration.ZERO)).isInstanceOf(Received.Empty.class);
        assertThat(ch.waitingSenders() + ch.waitingReceivers()).isZero();
    }

    // ## Close ##

    @Test
    void receiversDrainBufferedValuesAfterCloseThenSeeTheClose() {
        Channel<Integer> ch = Channel.buffered(3);
        ch.send(1);
        ch.send(2);
        ch.close();

        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.receive()).isEqualTo(1);
        assertThat(ch.tryReceive()).isEqualTo(new Received.Value<>(2));
        assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("receive on closed channel");
        assertThat(ch.tryReceive()).isInstanceOf(Received.Closed.class);
        assertThat(ch.receive(Duration.ofSeconds(5))).isInstanceOf(Received.Closed.class);
    }

    @Test
    void sendOnClosedChannelThrows() {
        Channel<Integer> ch = Channel.buffered(3);
        ch.close();

        assertThatThrownBy(() -> ch.send(1)).isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("send on closed channel");
        assertThatThrownBy(() -> ch.trySend(1)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> ch.send(1, Duration.ofSeconds(1))).isInstanceOf(ChannelClosedException.class);
        assertThat(ch.size()).isZero();
    }

    @Test
    void closeWakesEveryParkedSenderAndReceiver() {
        Channel<Integer> receiveSide = Channel.unbuffered();
        Channel<Integer> sendSide = Channel.unbuffered();
        List<CompletableFuture<Integer>> receivers = new ArrayList<>();
        List<CompletableFuture<String>> senders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            receivers.add(TestThreads.virtual(receiveSide::receive).outcome());
            int value = i;
            senders.add(TestThreads.platform(() -> {
                sendSide.send(value);
                return "sent";
            }).outcome());
        }
        TestThreads.eventually(() -> receiveSide.waitingReceivers() == 3 && sendSide.waitingSenders() == 3);

        receiveSide.close();
        sendSide.close();

        for (CompletableFuture<?> parked : List.of(receivers.get(0), receivers.get(1), receivers.get(2),
                senders.get(0), senders.get(1), senders.get(2))) {
            assertThatThrownBy(() -> parked.get(5, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ChannelClosedException.class);
        }
        assertThat(sendSide.tryReceive()).as("no parked sender's value was delivered")
                .isInstanceOf(Received.Closed.class);
    }

    @Test
    void closingTwiceThrowsIllegalStateException() {
        Channel<Integer> ch = Channel.unbuffered();
        ch.close();

        assertThatThrownBy(ch::close).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close of closed channel");
    }

    @Test
    void iterationEndsWhenClosedAndDrained() {
        Channel<Integer> ch = Channel.buffered(10);
        TestThreads.virtual(() -> {
            for (int i = 0; i < 100; i++) {
                ch.send(i);
            }
            ch.close();
            return null;
        });

        List<Integer> received = new ArrayList<>();
        for (int value : ch) {
            received.add(value);
        }

        assertThat(received).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(ch.iterator().hasNext()).isFalse();
    }

    @Test
    void streamEndsWhenClosedAndDrained() {
        Channel<Integer> ch = Channel.unbuffered();
        TestThreads.platform(() -> {
            for (int i = 1; i <= 100; i++) {
                ch.send(i);
            }
            ch.close();
            return null;
        });

        assertThat(ch.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5050);
    }

    // ## Bad input ##

    @Test
    void nullMessageIsRejected() {
        Channel<Integer> ch = Channel.buffered(1);

        assertThatThrownBy(() -> ch.send(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> ch.trySend(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ch.send(null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
        assertThat(ch.size()).isZero();
    }

    @Test
    void negativeCapacityIsRejectedNamingTheValue() {
        assertThatThrownBy(() -> Channel.buffered(-3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity").hasMessageContaining("-3");
    }

    // ## Cancellation and the runtime's view ##

    @Test
    void cancelledReceiverLeavesNoRegistrationAndTakesNothing() throws Exception {
        Channel<Integer> ch = Channel.unbuffered();
        var receiver = TestThreads.virtual(ch::receive);
        TestThreads.eventually(() -> ch.waitingReceivers() == 1);

        receiver.thread().interrupt();

        assertThatThrownBy(() -> receiver.outcome().get(5, SECONDS)).cause().isInstanceOf(CancellationException.class);
        assertThat(ch.waitingReceivers()).isZero();
        assertThat(ch.trySend(1)).as("no receiver is left to take it").isFalse();
    }

    @Test
    void cancelledSenderLeavesNoRegistrationAndSendsNothing() throws Exception {
        Channel<Integer> ch = Channel.unbuffered();
        var sender = TestThreads.platform(() -> {
            ch.send(1);
            return null;
        });
        TestThreads.eventually(() -> ch.waitingSenders() == 1);

        sender.thread().interrupt();

        assertThatThrownBy(() -> sender.outcome().get(5, SECONDS)).cause().isInstanceOf(CancellationException.class);
        assertThat(ch.waitingSenders()).isZero();
        assertThat(ch.tryReceive()).isInstanceOf(Received.Empty.class);
    }

    @Test
    void parkedTaskTellsTheRuntimeWhatItWaitsOn() {
        Channel<Integer> ch = Channel.unbuffered();
        var receiver = TestThreads.virtual(ch::receive);
        TestThreads.eventually(() -> ch.waitingReceivers() == 1);
        // The waiter is registered before the thread parks and sets its blocker: wait for both.
        TestThreads.eventually(() -> LockSupport.getBlocker(receiver.thread()) != null);

        Object blocker = LockSupport.getBlocker(receiver.thread());

        assertThat(blocker).isInstanceOf(WaitTarget.class);
        assertThat(((WaitTarget) blocker).describeWait()).startsWith("receive on Channel#").contains("capacity=0");
        ch.send(1);
    }

    @Test
    void freshChannelIsNotWakeableFromOutside() {
        assertThat(Channel.unbuffered().wakeableFromOutside()).isFalse();
    }

    @Test
    void virtualThreadOfNoEchoRuntimeCountsAsOutside() throws Exception {
        Channel<Integer> ch = Channel.buffered(1);

        TestThreads.virtual(() -> ch.trySend(1)).outcome().get(5, SECONDS);

        assertThat(ch.wakeableFromOutside()).isTrue();
    }

    @Test
    void plainThreadMakesChannelWakeableFromOutside() throws Exception {
        Channel<Integer> ch = Channel.buffered(1);

        TestThreads.platform(ch::tryReceive).outcome().get(5, SECONDS);

        assertThat(ch.wakeableFromOutside()).isTrue();
    }
}
