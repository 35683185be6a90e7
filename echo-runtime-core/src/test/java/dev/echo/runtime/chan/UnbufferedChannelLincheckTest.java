package dev.echo.runtime.chan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;

/**
 * Lincheck checks of the unbuffered (rendezvous) channel.
 *
 * <p>A rendezvous has no sequential specification (a lone send never completes), so
 * linearizability against a queue cannot be stated. Two kinds of checks stand in for it:
 *
 * <ol>
 *   <li>Operation-based, under model checking and under stress: threads run non-waiting
 *       operations, waits that race their own timeout (registered with a deadline already
 *       passed), and close. After every execution {@link #noMessageLostOrDuplicated} checks that
 *       the multiset of values whose send reported success equals the multiset received, and
 *       that no waiter registration is left on the channel.
 *   <li>Whole scenarios with blocking operations on plain threads, explored by Lincheck's
 *       general-purpose model checker ({@link Lincheck#runConcurrentTest}), which controls
 *       {@code park}/{@code unpark}, thread start and join, and interrupts: FIFO rendezvous,
 *       close waking parked parties, and cancellation racing a hand-off. Each asserts Go's
 *       outcome in every interleaving it explores.
 * </ol>
 */
@Param(name = "value", gen = IntGen.class, conf = "1:5")
public class UnbufferedChannelLincheckTest {

    /** Multiplies the exploration budget: -Decho.lincheck.scale=10 for a deeper run. */
    private static final int SCALE = Integer.getInteger("echo.lincheck.scale", 1);

    private final Channel<Integer> channel = Channel.unbuffered();
    private final AtomicIntegerArray sent = new AtomicIntegerArray(6);
    private final AtomicIntegerArray received = new AtomicIntegerArray(6);

    @Operation
    public Object trySend(@Param(name = "value") int value) {
        try {
            return recordSend(value, channel.trySend(value));
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object sendRacingItsTimeout(@Param(name = "value") int value) {
        try {
            return recordSend(value, channel.send(value, System.nanoTime(), true));
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object tryReceive() {
        return recordReceive(channel.receive(0, false));
    }

    @Operation
    public Object receiveRacingItsTimeout() {
        return recordReceive(channel.receive(System.nanoTime(), true));
    }

    @Operation
    public Object close() {
        try {
            channel.close();
            return "closed it";
        } catch (IllegalStateException e) {
            return "already closed";
        }
    }

    @Validate
    public void noMessageLostOrDuplicated() {
        for (int value = 0; value < sent.length(); value++) {
            if (sent.get(value) != received.get(value)) {
                throw new IllegalStateException("value " + value + " sent " + sent.get(value)
                        + " times but received " + received.get(value) + " times");
            }
        }
        if (channel.waitingSenders() != 0 || channel.waitingReceivers() != 0) {
            throw new IllegalStateException("registrations left behind: " + channel.waitingSenders()
                    + " senders, " + channel.waitingReceivers() + " receivers");
        }
    }

    @Test
    void losesAndDuplicatesNoMessageUnderModelChecking() {
        new ModelCheckingOptions()
                .iterations(6 * SCALE)
                .invocationsPerIteration(150)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1)
                .verifier(EpsilonVerifier.class)
                .check(getClass());
    }

    @Test
    void losesAndDuplicatesNoMessageUnderStress() {
        new StressOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(400)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .verifier(EpsilonVerifier.class)
                .check(getClass());
    }

    @Test
    void blockingSendsRendezvousWithBlockingReceivesInFifoOrder() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> ch = Channel.unbuffered();
            AtomicReference<Integer> first = new AtomicReference<>();
            AtomicReference<Integer> second = new AtomicReference<>();
            runAll(() -> {
                ch.send(1);
                ch.send(2);
            }, () -> {
                first.set(ch.receive());
                second.set(ch.receive());
            });
            check(first.get() == 1 && second.get() == 2, "received " + first + ", " + second);
        });
    }

    @Test
    void closeWakesParkedSenderAndReceiverAndLosesNothing() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> ch = Channel.unbuffered();
            AtomicReference<String> sender = new AtomicReference<>();
            AtomicReference<Object> receiver = new AtomicReference<>();
            runAll(() -> {
                try {
                    ch.send(1);
                    sender.set("sent");
                } catch (ChannelClosedException e) {
                    sender.set("closed");
                }
            }, () -> {
                try {
                    receiver.set(ch.receive());
                } catch (ChannelClosedException e) {
                    receiver.set("closed");
                }
            }, ch::close);
            boolean delivered = Integer.valueOf(1).equals(receiver.get());
            check(delivered == "sent".equals(sender.get()), "sender " + sender + ", receiver " + receiver);
            check(ch.waitingSenders() == 0 && ch.waitingReceivers() == 0, "registrations left behind");
        });
    }

    @Test
    void twoSendersAndCloseDeliverExactlyTheSendsThatSucceeded() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> ch = Channel.unbuffered();
            AtomicReference<Boolean> sent1 = new AtomicReference<>(false);
            AtomicReference<Boolean> sent2 = new AtomicReference<>(false);
            List<Integer> got = new ArrayList<>();
            runAll(() -> sent1.set(sendOrClosed(ch, 1)), () -> sent2.set(sendOrClosed(ch, 2)), () -> {
                got.add(ch.receive(Long.MAX_VALUE, false) instanceof Integer i ? i : 0);
                ch.close();
                for (Integer value : ch) {
                    got.add(value);
                }
            });
            got.removeIf(value -> value == 0);
            check(got.contains(1) == sent1.get() && got.contains(2) == sent2.get() && got.size() <= 2,
                    "received " + got + ", sent 1: " + sent1 + ", sent 2: " + sent2);
        });
    }

    @Test
    void cancelledParkedSenderSendsNothingAndLeavesNoRegistration() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> ch = Channel.unbuffered();
            AtomicReference<Boolean> sent = new AtomicReference<>();
            AtomicReference<Object> got = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    ch.send(1);
                    sent.set(true);
                } catch (CancellationException e) {
                    sent.set(false);
                }
            });
            Thread receiver = new Thread(() -> got.set(ch.receive(0, false)));
            sender.start();
            receiver.start();
            sender.interrupt();
            join(sender, receiver);
            check(Integer.valueOf(1).equals(got.get()) == sent.get(), "sent " + sent + ", received " + got);
            check(ch.waitingSenders() == 0, "registration left behind");
        });
    }

    private Object recordSend(int value, boolean success) {
        if (success) {
            sent.incrementAndGet(value);
        }
        return success;
    }

    private Object recordReceive(Object polled) {
        if (polled instanceof Integer value) {
            received.incrementAndGet(value);
        }
        return BufferedChannelLincheckTest.outcome(polled);
    }

    private static boolean sendOrClosed(Channel<Integer> ch, int value) {
        try {
            ch.send(value);
            return true;
        } catch (ChannelClosedException e) {
            return false;
        }
    }

    /** Starts one plain thread per body and joins them all. */
    static void runAll(Runnable... bodies) {
        Thread[] threads = new Thread[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            threads[i] = new Thread(bodies[i]);
            threads[i].start();
        }
        join(threads);
    }

    static void join(Thread... threads) {
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** AssertJ is not used inside model-checked code: Lincheck instruments it too. */
    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
