package dev.echo.runtime.chan;

import static dev.echo.runtime.chan.UnbufferedChannelLincheckTest.check;
import static dev.echo.runtime.chan.UnbufferedChannelLincheckTest.join;
import static dev.echo.runtime.chan.UnbufferedChannelLincheckTest.runAll;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck checks of select over two channels.
 *
 * <ol>
 *   <li>Linearizability, under model checking and under stress, of selects over two buffered
 *       channels (capacity 1) mixed with plain operations and a close. To make the winner
 *       predictable the selects poll their cases in declaration order (a package-private knob:
 *       the uniform random choice is tested statistically in {@link SelectTest}); everything
 *       else is the production path: the all-locks pass, registration, the claim CAS, and
 *       selects that register and then race their own timeout. A losing case that consumed or
 *       sent a message, or a timed-out select that took one, breaks linearizability.
 *   <li>Scenarios over unbuffered channels, explored by the general-purpose model checker: two
 *       selects meeting, a parked select whose send cases lose, and cancelling a parked select.
 * </ol>
 */
@Param(name = "value", gen = IntGen.class, conf = "1:5")
public class SelectLincheckTest {

    /** Multiplies the exploration budget: -Decho.lincheck.scale=10 for a deeper run. */
    private static final int SCALE = Integer.getInteger("echo.lincheck.scale", 1);

    private final Channel<Integer> a = Channel.buffered(1);
    private final Channel<Integer> b = Channel.buffered(1);
    // Built once, run concurrently by the test threads (a built Select may be).
    private final Select<Object> receiveOrDefault = receiving().onDefault(() -> "none");
    private final Select<Object> receiveOrTimeout = receiving().onTimeout(Duration.ofDays(1), () -> "none");

    @Operation
    public Object sendA(@Param(name = "value") int value) {
        try {
            return a.trySend(value);
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object sendB(@Param(name = "value") int value) {
        return b.trySend(value);
    }

    @Operation
    public Object receiveA() {
        return BufferedChannelLincheckTest.outcome(a.receive(0, false));
    }

    @Operation
    public Object selectReceive() {
        return receiveOrDefault.run();
    }

    @Operation
    public Object selectReceiveRacingItsTimeout() {
        return receiveOrTimeout.run(System.nanoTime(), true);
    }

    @Operation
    public Object selectSend(@Param(name = "value") int value) {
        try {
            return sending(value).onDefault(() -> "none").run();
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object selectSendRacingItsTimeout(@Param(name = "value") int value) {
        try {
            return sending(value).onTimeout(Duration.ofDays(1), () -> "none").run(System.nanoTime(), true);
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object closeA() {
        try {
            a.close();
            return "closed it";
        } catch (IllegalStateException e) {
            return "already closed";
        }
    }

    @Test
    void isLinearizableUnderModelChecking() {
        new ModelCheckingOptions()
                .iterations(6 * SCALE)
                .invocationsPerIteration(150)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(TwoQueues.class)
                .check(getClass());
    }

    @Test
    void isLinearizableUnderStress() {
        new StressOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(400)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(TwoQueues.class)
                .check(getClass());
    }

    @Test
    void twoSelectsMeetOnExactlyOneUnbufferedChannel() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> x = Channel.unbuffered();
            Channel<Integer> y = Channel.unbuffered();
            AtomicReference<String> receiver = new AtomicReference<>();
            AtomicReference<String> sender = new AtomicReference<>();
            runAll(() -> receiver.set(Select.<String>create()
                            .onReceive(x, v -> "x" + v)
                            .onReceive(y, v -> "y" + v)
                            .run()),
                    () -> sender.set(Select.<String>create()
                            .onSend(x, 1, () -> "x1")
                            .onSend(y, 2, () -> "y2")
                            .run()));
            check(receiver.get().equals(sender.get()), "receiver " + receiver + ", sender " + sender);
            check(x.waitingSenders() + x.waitingReceivers() + y.waitingSenders() + y.waitingReceivers() == 0,
                    "registrations left behind");
        });
    }

    @Test
    void parkedSelectSendsOnlyOnTheCaseThatWins() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> x = Channel.unbuffered();
            Channel<Integer> y = Channel.unbuffered();
            AtomicReference<String> selected = new AtomicReference<>();
            AtomicReference<Object> fromX = new AtomicReference<>();
            AtomicReference<Object> fromY = new AtomicReference<>();
            Thread select = new Thread(() -> selected.set(Select.<String>create()
                    .onSend(x, 1, () -> "x")
                    .onSend(y, 2, () -> "y")
                    .run()));
            select.start();
            runAll(() -> fromX.set(x.receive(System.nanoTime(), true)),
                    () -> fromY.set(y.receive(System.nanoTime(), true)));
            if (fromX.get() == Channel.NOTHING && fromY.get() == Channel.NOTHING) {
                fromY.set(y.receive());
            }
            join(select);
            boolean gotX = Integer.valueOf(1).equals(fromX.get());
            boolean gotY = Integer.valueOf(2).equals(fromY.get());
            check(gotX != gotY, "x got " + fromX + ", y got " + fromY);
            check(selected.get().equals(gotX ? "x" : "y"), "select chose " + selected + ", x got " + fromX);
            check(x.waitingSenders() + y.waitingSenders() == 0, "registrations left behind");
        });
    }

    @Test
    void cancelledParkedSelectReceivesNothingAndLeavesNoRegistration() {
        Lincheck.runConcurrentTest(100 * SCALE, () -> {
            Channel<Integer> x = Channel.unbuffered();
            Channel<Integer> y = Channel.unbuffered();
            AtomicReference<String> selected = new AtomicReference<>();
            AtomicReference<Boolean> sent = new AtomicReference<>();
            Thread select = new Thread(() -> {
                try {
                    selected.set(Select.<String>create()
                            .onReceive(x, v -> "x" + v)
                            .onReceive(y, v -> "y" + v)
                            .run());
                } catch (CancellationException e) {
                    selected.set("cancelled");
                }
            });
            Thread sender = new Thread(() -> sent.set(x.trySend(1)));
            select.start();
            sender.start();
            select.interrupt();
            join(select, sender);
            check(sent.get() == "x1".equals(selected.get()), "select " + selected + ", trySend " + sent);
            check(x.waitingReceivers() + y.waitingReceivers() == 0, "registrations left behind");
        });
    }

    private Select<Object> receiving() {
        Select<Object> select = Select.create()
                .onReceiveOrClosed(a, r -> "a:" + describe(r))
                .onReceiveOrClosed(b, r -> "b:" + describe(r));
        select.pollInDeclarationOrder = true;
        return select;
    }

    private Select<Object> sending(int value) {
        Select<Object> select = Select.create()
                .onSend(a, value, () -> "a")
                .onSend(b, value, () -> "b");
        select.pollInDeclarationOrder = true;
        return select;
    }

    private static String describe(Received<Integer> received) {
        return received instanceof Received.Value<Integer>(Integer v) ? v.toString() : "closed";
    }

    /** The sequential specification: two capacity-1 FIFO queues, the first of which can close. */
    public static final class TwoQueues {
        private final ArrayDeque<Integer> a = new ArrayDeque<>();
        private final ArrayDeque<Integer> b = new ArrayDeque<>();
        private boolean aClosed;

        public Object sendA(int value) {
            if (aClosed) {
                return "closed";
            }
            return a.isEmpty() && a.add(value);
        }

        public Object sendB(int value) {
            return b.isEmpty() && b.add(value);
        }

        public Object receiveA() {
            if (!a.isEmpty()) {
                return a.poll();
            }
            return aClosed ? "closed" : "empty";
        }

        public Object selectReceive() {
            if (!a.isEmpty()) {
                return "a:" + a.poll();
            }
            if (aClosed) {
                return "a:closed";
            }
            if (!b.isEmpty()) {
                return "b:" + b.poll();
            }
            return "none";
        }

        public Object selectReceiveRacingItsTimeout() {
            return selectReceive();
        }

        public Object selectSend(int value) {
            if (aClosed) {
                return "closed";
            }
            if (a.isEmpty()) {
                a.add(value);
                return "a";
            }
            if (b.isEmpty()) {
                b.add(value);
                return "b";
            }
            return "none";
        }

        public Object selectSendRacingItsTimeout(int value) {
            return selectSend(value);
        }

        public Object closeA() {
            if (aClosed) {
                return "already closed";
            }
            aClosed = true;
            return "closed it";
        }
    }
}
